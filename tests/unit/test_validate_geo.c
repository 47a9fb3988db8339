/* test_validate_geo.c - "coordinates in China" polygon test and postal-code
 * zones (regulation.md §5.17, §5.18). */
#include "xb_test.h"

#include <math.h>

#include "classifier/detect/xb_validate.h"

typedef struct place {
    const char *name;
    double lat, lon;
} place;

static void test_required_cities(void **state)
{
    (void)state;
    assert_true(xb_valid_cn_coordinates(39.9087, 116.3975)); /* Beijing */
    assert_true(xb_valid_cn_coordinates(43.8256, 87.6168));  /* Urumqi */
    assert_true(xb_valid_cn_coordinates(29.6500, 91.1000));  /* Lhasa */
    assert_true(xb_valid_cn_coordinates(45.7500, 126.6300)); /* Harbin */
    assert_true(xb_valid_cn_coordinates(18.2500, 109.5100)); /* Sanya */
    assert_true(xb_valid_cn_coordinates(25.0300, 121.5600)); /* Taipei */

    assert_false(xb_valid_cn_coordinates(35.6800, 139.6900)); /* Tokyo */
    assert_false(xb_valid_cn_coordinates(47.9200, 106.9200)); /* Ulaanbaatar */
    assert_false(xb_valid_cn_coordinates(21.0300, 105.8500)); /* Hanoi */
    assert_false(xb_valid_cn_coordinates(28.6100, 77.2100));  /* New Delhi */
    assert_false(xb_valid_cn_coordinates(35.5000, 123.5000)); /* Yellow Sea */
    assert_false(xb_valid_cn_coordinates(28.5000, 125.0000)); /* East China Sea */
    assert_false(xb_valid_cn_coordinates(20.0000, 130.0000)); /* Philippine Sea */
}

/* Places well inside China, including the edges of its territory. */
static void test_inside_china(void **state)
{
    (void)state;
    static const place inside[] = {
        {"Shanghai", 31.23, 121.47},  {"Guangzhou", 23.13, 113.26},
        {"Kunming", 25.04, 102.71},   {"Hohhot", 40.84, 111.75},
        {"Kashgar", 39.47, 75.99},    {"Hotan", 37.11, 79.92},
        {"Shiquanhe", 32.50, 80.10},  {"Tashkurgan", 37.77, 75.23},
        {"Mohe", 52.97, 122.54},      {"Fuyuan", 48.36, 134.29},
        {"Hunchun", 42.87, 130.36},   {"Yanji", 42.90, 129.50},
        {"Suifenhe", 44.40, 131.15},  {"Tongjiang", 47.65, 132.50},
        {"Manzhouli", 49.60, 117.40}, {"Hailar", 49.21, 119.76},
        {"Erenhot", 43.65, 111.98},   {"Xilinhot", 43.93, 116.07},
        {"Ejin", 41.95, 101.07},      {"Hami", 42.83, 93.51},
        {"Altay", 47.85, 88.13},      {"Yining", 43.90, 81.30},
        {"Tacheng", 46.75, 82.98},    {"Golmud", 36.40, 94.90},
        {"Shigatse", 29.27, 88.88},   {"Yadong", 27.48, 88.91},
        {"Nyingchi", 29.65, 94.36},   {"Medog", 29.33, 95.33},
        {"Tengchong", 25.02, 98.49},  {"Jinghong", 22.00, 100.80},
        {"Mengla", 21.48, 101.56},    {"Nanning", 22.82, 108.32},
        {"Pingxiang", 22.10, 106.75}, {"Zhanjiang", 21.20, 110.40},
        {"Haikou", 20.04, 110.34},    {"Hong Kong", 22.28, 114.16},
        {"Macau", 22.19, 113.54},     {"Xiamen", 24.48, 118.09},
        {"Kinmen", 24.44, 118.37},    {"Matsu", 26.16, 119.95},
        {"Zhoushan", 30.00, 122.20},  {"Qingdao", 36.07, 120.38},
        {"Weihai", 37.50, 122.12},    {"Dalian", 38.91, 121.60},
        {"Dandong", 40.13, 124.38},   {"Kaohsiung", 22.63, 120.30},
        {"Hualien", 23.98, 121.60},   {"Penghu", 23.57, 119.58},
        {"Yongxing Dao", 16.83, 112.33}, {"Meiji Jiao", 9.90, 115.53},
        {"Huangyan Dao", 15.15, 117.76}, {"Zengmu Ansha", 3.97, 112.28},
        {"Dongsha", 20.70, 116.72},   {"Diaoyu Dao", 25.74, 123.47},
        /* border towns placed inside by hand */
        {"Ruili", 24.01, 97.85},      {"Dongxing", 21.55, 107.97},
        {"Zhangmu", 27.99, 85.98},    {"Heihe", 50.24, 127.49},
    };
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++)
        if (!xb_valid_cn_coordinates(inside[i].lat, inside[i].lon))
            fail_msg("%s (%.2f, %.2f) rejected", inside[i].name, inside[i].lat,
                     inside[i].lon);
}

/* Places inside the China bounding box but outside China. */
static void test_neighbours_and_sea(void **state)
{
    (void)state;
    static const place outside[] = {
        {"Seoul", 37.57, 126.98},        {"Pyongyang", 39.02, 125.75},
        {"Busan", 35.18, 129.08},        {"Jeju", 33.50, 126.50},
        {"Vladivostok", 43.12, 131.89},  {"Khabarovsk", 48.48, 135.07},
        {"Chita", 52.03, 113.50},        {"Zabaykalsk", 49.65, 117.33},
        {"Choibalsan", 48.07, 114.50},   {"Dalanzadgad", 43.57, 104.42},
        {"Khovd", 48.00, 91.64},         {"Ust-Kamenogorsk", 49.95, 82.60},
        {"Almaty", 43.24, 76.89},        {"Bishkek", 42.87, 74.59},
        {"Naryn", 41.43, 76.00},         {"Osh", 40.51, 72.80},
        {"Gilgit", 35.92, 74.31},        {"Srinagar", 34.08, 74.80},
        {"Leh", 34.16, 77.58},           {"Kathmandu", 27.70, 85.32},
        {"Pokhara", 28.21, 83.99},       {"Thimphu", 27.47, 89.64},
        {"Gangtok", 27.33, 88.61},       {"Guwahati", 26.14, 91.74},
        {"Tezpur", 26.63, 92.80},        {"Dibrugarh", 27.47, 94.91},
        {"Dhaka", 23.81, 90.41},         {"Myitkyina", 25.38, 97.40},
        {"Mandalay", 21.97, 96.08},      {"Yangon", 16.84, 96.17},
        {"Lashio", 22.93, 97.75},        {"Luang Prabang", 19.89, 102.13},
        {"Vientiane", 17.97, 102.60},    {"Bangkok", 13.75, 100.50},
        {"Haiphong", 20.86, 106.68},     {"Lang Son", 21.85, 106.76},
        {"Da Nang", 16.05, 108.20},      {"Ho Chi Minh City", 10.80, 106.70},
        {"Manila", 14.60, 121.00},       {"Puerto Princesa", 9.74, 118.73},
        {"Kota Kinabalu", 5.98, 116.07}, {"Bandar Seri Begawan", 4.89, 114.94},
        {"Natuna", 4.00, 108.20},        {"Naha", 26.20, 127.70},
        {"Bay of Bengal", 15.00, 88.00}, {"Sea of Japan", 40.00, 133.00},
        {"Gulf of Thailand", 10.00, 102.00}, {"off Nha Trang", 12.00, 109.30},
        {"east of Taiwan", 23.00, 123.00},
    };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++)
        if (xb_valid_cn_coordinates(outside[i].lat, outside[i].lon))
            fail_msg("%s (%.2f, %.2f) accepted", outside[i].name, outside[i].lat,
                     outside[i].lon);
}

static void test_coordinate_edge_cases(void **state)
{
    (void)state;
    assert_false(xb_valid_cn_coordinates(116.3975, 39.9087)); /* swapped */
    assert_false(xb_valid_cn_coordinates(0.0, 0.0));
    assert_false(xb_valid_cn_coordinates(-39.9, 116.4));
    assert_false(xb_valid_cn_coordinates(39.9, -116.4));
    assert_false(xb_valid_cn_coordinates(NAN, 116.4));
    assert_false(xb_valid_cn_coordinates(39.9, NAN));
    assert_false(xb_valid_cn_coordinates(INFINITY, INFINITY));
}

static void test_postal_code(void **state)
{
    (void)state;
    static const char *good[] = {"100000", "010000", "200000", "300000",
                                 "518000", "570000", "650000", "750300",
                                 "810000", "830000", "850000", "860000"};
    static const char *bad[] = {"000000", "080000", "090000", "140000",
                                "170000", "280000", "370000", "480000",
                                "500000", "580000", "600000", "680000",
                                "760000", "800000", "820000", "870000",
                                "999077"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!xb_valid_postal_code(good[i], 6))
            fail_msg("%s rejected", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (xb_valid_postal_code(bad[i], 6))
            fail_msg("%s accepted", bad[i]);
    assert_false(xb_valid_postal_code("10000", 5));
    assert_false(xb_valid_postal_code("1000000", 7));
    assert_false(xb_valid_postal_code("10000a", 6));
    assert_false(xb_valid_postal_code(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_required_cities),
        cmocka_unit_test(test_inside_china),
        cmocka_unit_test(test_neighbours_and_sea),
        cmocka_unit_test(test_coordinate_edge_cases),
        cmocka_unit_test(test_postal_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
