/* test_validate_id.c - resident ID (18 and 15 digits), HK/Macau/Taiwan
 * residence permit and foreign permanent-residence ID validators
 * (regulation.md §5.1, §5.11, §5.12). */
#include "xb_test.h"

#include <time.h>

#include "classifier/detect/xb_validate.h"

/* Build an 18-character ID from a 6-digit address code, an 8-digit date and a
 * 3-digit sequence, with the correct MOD 11-2 check character. */
static void make_id(char out[19], const char *addr, const char *date, const char *seq)
{
    snprintf(out, 19, "%s%s%s", addr, date, seq);
    out[17] = xb_mod11_2_check(out);
    out[18] = '\0';
}

static bool ric18(const char *s)
{
    return xb_valid_ric18(s, strlen(s), NULL);
}

/* Every check character other than the right one must be rejected. */
static void assert_every_wrong_check_fails(const char *valid,
                                           bool (*fn)(const char *, size_t, xb_id_info *))
{
    static const char alphabet[] = "0123456789X";
    char s[19];
    memcpy(s, valid, 19);
    assert_true(fn(s, 18, NULL));
    int rejected = 0;
    for (const char *c = alphabet; *c; c++) {
        if (*c == valid[17])
            continue;
        s[17] = *c;
        assert_false(fn(s, 18, NULL));
        rejected++;
    }
    assert_int_equal(rejected, 10);
}

static void test_mod11_2_check(void **state)
{
    (void)state;
    assert_int_equal(xb_mod11_2_check("11010519491231002"), 'X');
    assert_int_equal(xb_mod11_2_check("44052418800101001"), '4');
    assert_int_equal(xb_mod11_2_check("36042619910101007"), '1');
}

static void test_ric18_public_vectors(void **state)
{
    (void)state;
    xb_id_info info;
    memset(&info, 0, sizeof info);
    assert_true(xb_valid_ric18("11010519491231002X", 18, &info));
    assert_int_equal(info.year, 1949);
    assert_int_equal(info.month, 12);
    assert_int_equal(info.day, 31);
    assert_int_equal(info.region, 110105);
    assert_int_equal(info.sex, 2); /* sequence 002: even = female */

    assert_true(xb_valid_ric18("440524188001010014", 18, &info));
    assert_int_equal(info.year, 1880);
    assert_int_equal(info.region, 440524);
    assert_int_equal(info.sex, 1);

    assert_true(xb_valid_ric18("360426199101010071", 18, &info));
    assert_int_equal(info.year, 1991);
    assert_int_equal(info.month, 1);
    assert_int_equal(info.day, 1);
    assert_int_equal(info.sex, 1);

    /* UnionPay ACP test identity (regulation.md §5.6) */
    assert_true(ric18("341126197709218366"));
    /* lower-case x is accepted */
    assert_true(ric18("11010519491231002x"));
}

static void test_ric18_wrong_check_characters(void **state)
{
    (void)state;
    assert_every_wrong_check_fails("11010519491231002X", xb_valid_ric18);
    assert_every_wrong_check_fails("440524188001010014", xb_valid_ric18);
    assert_every_wrong_check_fails("360426199101010071", xb_valid_ric18);
}

static void test_ric18_dates(void **state)
{
    (void)state;
    char id[19];
    make_id(id, "110105", "19990230", "123"); /* 30 February */
    assert_false(ric18(id));
    make_id(id, "110105", "19990431", "123"); /* 31 April */
    assert_false(ric18(id));
    make_id(id, "110105", "19991301", "123");
    assert_false(ric18(id));
    make_id(id, "110105", "19990100", "123");
    assert_false(ric18(id));
    make_id(id, "110105", "20991231", "123"); /* future */
    assert_false(ric18(id));
    make_id(id, "110105", "17991231", "123"); /* before 1800 */
    assert_false(ric18(id));
    make_id(id, "110105", "18000101", "123"); /* 18xx years are real */
    assert_true(ric18(id));
    make_id(id, "110105", "18991231", "123");
    assert_true(ric18(id));
    make_id(id, "110105", "19000101", "123");
    assert_true(ric18(id));
    make_id(id, "110105", "20000229", "123"); /* 2000 is a leap year */
    assert_true(ric18(id));
    make_id(id, "110105", "19000229", "123"); /* 1900 is not */
    assert_false(ric18(id));
    make_id(id, "110105", "20230229", "123");
    assert_false(ric18(id));
    make_id(id, "110105", "20240229", "123");
    assert_true(ric18(id));
}

/* Birth date "today" (China time) is valid, one day later is not. */
static void test_ric18_today_and_tomorrow(void **state)
{
    (void)state;
    char date[9], id[19];
    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%Y%m%d", &tm);
    make_id(id, "310101", date, "001");
    assert_true(ric18(id));

    time_t tomorrow = now + 24 * 3600;
    gmtime_r(&tomorrow, &tm);
    strftime(date, sizeof date, "%Y%m%d", &tm);
    make_id(id, "310101", date, "001");
    assert_false(ric18(id));
}

static void test_ric18_provinces(void **state)
{
    (void)state;
    static const char *good[] = {"11", "15", "21", "23", "31", "37", "41",
                                 "46", "50", "54", "61", "65", "71"};
    static const char *bad[] = {"10", "16", "20", "24", "30", "38", "40", "47",
                                "49", "55", "60", "66", "70", "72", "80", "81",
                                "82", "83", "86", "89", "19", "01"};
    char addr[7], id[19];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(addr, sizeof addr, "%s0102", good[i]);
        make_id(id, addr, "19800615", "035");
        assert_true(ric18(id));
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(addr, sizeof addr, "%s0102", bad[i]);
        make_id(id, addr, "19800615", "035");
        assert_false(ric18(id));
    }
    /* first digit 9 is the foreign PR ID, never a citizen ID */
    make_id(id, "911156", "19800615", "035");
    assert_false(ric18(id));
}

static void test_ric18_shape(void **state)
{
    (void)state;
    assert_false(xb_valid_ric18("11010519491231002X", 17, NULL));
    assert_false(ric18("11010519491231002XX"));
    assert_false(ric18("1101051949123100AX"));
    assert_false(ric18("11010519491231002Y"));
    assert_false(ric18(""));
    assert_false(xb_valid_ric18(NULL, 0, NULL));
    /* an 18-digit order number: 20 is not a province */
    assert_false(ric18("202411051234567890"));
}

static void test_ric15(void **state)
{
    (void)state;
    xb_id_info info;
    assert_true(xb_valid_ric15("110105491231002", 15, &info));
    assert_int_equal(info.year, 1949);
    assert_int_equal(info.month, 12);
    assert_int_equal(info.day, 31);
    assert_int_equal(info.region, 110105);
    assert_int_equal(info.sex, 2);

    /* The 18-digit form of the same person: insert 19 and compute the check. */
    char id[19];
    make_id(id, "110105", "19491231", "002");
    assert_string_equal(id, "11010519491231002X");

    assert_false(xb_valid_ric15("110105490230002", 15, NULL)); /* 30 Feb */
    assert_false(xb_valid_ric15("110105491331002", 15, NULL));
    assert_false(xb_valid_ric15("990105491231002", 15, NULL)); /* province */
    assert_false(xb_valid_ric15("810105491231002", 15, NULL));
    assert_false(xb_valid_ric15("11010549123100X", 15, NULL));
    assert_false(xb_valid_ric15("11010549123100", 14, NULL));
    assert_false(xb_valid_ric15("110105000229002", 15, NULL)); /* 1900: no 29 Feb */
    assert_true(xb_valid_ric15("110105960229002", 15, NULL));  /* 1996: leap */
}

static void test_hmt_residence(void **state)
{
    (void)state;
    char id[19];
    xb_id_info info;
    static const char *codes[] = {"810000", "820000", "830000"};
    for (int i = 0; i < 3; i++) {
        make_id(id, codes[i], "19900101", "003");
        assert_true(xb_valid_hmt_residence(id, 18, &info));
        assert_int_equal(info.region, atoi(codes[i]));
        assert_int_equal(info.year, 1990);
        assert_int_equal(info.sex, 1);
        /* not a citizen ID */
        assert_false(ric18(id));
        assert_every_wrong_check_fails(id, xb_valid_hmt_residence);
    }
    make_id(id, "810100", "19900101", "003"); /* must be 810000 exactly */
    assert_false(xb_valid_hmt_residence(id, 18, NULL));
    make_id(id, "840000", "19900101", "003");
    assert_false(xb_valid_hmt_residence(id, 18, NULL));
    make_id(id, "810000", "19900230", "003");
    assert_false(xb_valid_hmt_residence(id, 18, NULL));
    make_id(id, "830000", "20991231", "003");
    assert_false(xb_valid_hmt_residence(id, 18, NULL));
    /* citizen IDs are not residence permits */
    assert_false(xb_valid_hmt_residence("11010519491231002X", 18, NULL));
}

static void test_foreign_pr_2023(void **state)
{
    (void)state;
    char id[19];
    xb_id_info info;
    make_id(id, "911156", "19800101", "002");
    assert_true(xb_valid_foreign_pr_2023(id, 18, &info));
    assert_int_equal(info.year, 1980);
    assert_int_equal(info.month, 1);
    assert_int_equal(info.day, 1);
    assert_every_wrong_check_fails(id, xb_valid_foreign_pr_2023);
    assert_false(ric18(id));

    make_id(id, "911156", "19800230", "002");
    assert_false(xb_valid_foreign_pr_2023(id, 18, NULL));
    make_id(id, "911156", "20991231", "002");
    assert_false(xb_valid_foreign_pr_2023(id, 18, NULL));
    /* first digit must be 9 */
    assert_false(xb_valid_foreign_pr_2023("11010519491231002X", 18, NULL));
}

static void test_foreign_pr_2017(void **state)
{
    (void)state;
    assert_true(xb_valid_foreign_pr_2017("USA118506150001", 15));
    assert_true(xb_valid_foreign_pr_2017("CAN310001010123", 15));
    assert_true(xb_valid_foreign_pr_2017("GBR448402290001", 15));  /* 29 Feb 84 */
    assert_false(xb_valid_foreign_pr_2017("GBR448502290001", 15)); /* 29 Feb 85 */
    assert_false(xb_valid_foreign_pr_2017("USA118513150001", 15)); /* month 13 */
    assert_false(xb_valid_foreign_pr_2017("USA118506310001", 15)); /* 31 June */
    assert_false(xb_valid_foreign_pr_2017("USA998506150001", 15)); /* province */
    assert_false(xb_valid_foreign_pr_2017("usa118506150001", 15));
    assert_false(xb_valid_foreign_pr_2017("US1118506150001", 15));
    assert_false(xb_valid_foreign_pr_2017("USA11850615000A", 15));
    assert_false(xb_valid_foreign_pr_2017("USA11850615000", 14));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mod11_2_check),
        cmocka_unit_test(test_ric18_public_vectors),
        cmocka_unit_test(test_ric18_wrong_check_characters),
        cmocka_unit_test(test_ric18_dates),
        cmocka_unit_test(test_ric18_today_and_tomorrow),
        cmocka_unit_test(test_ric18_provinces),
        cmocka_unit_test(test_ric18_shape),
        cmocka_unit_test(test_ric15),
        cmocka_unit_test(test_hmt_residence),
        cmocka_unit_test(test_foreign_pr_2023),
        cmocka_unit_test(test_foreign_pr_2017),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
