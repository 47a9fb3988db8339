/* test_validate_travel.c - passport and travel-permit format validators
 * (regulation.md §5.7-5.10). */
#include "xb_test.h"

#include "classifier/detect/xb_validate.h"

static bool passport(const char *s)
{
    return xb_valid_passport(s, strlen(s));
}

static bool hkmo(const char *s)
{
    return xb_valid_hkmo_home_return_permit(s, strlen(s));
}

static bool taiwan(const char *s)
{
    return xb_valid_taiwan_permit(s, strlen(s));
}

static bool mainland(const char *s)
{
    return xb_valid_mainland_hkmo_permit(s, strlen(s));
}

static void test_passport_accepted_forms(void **state)
{
    (void)state;
    assert_true(passport("EF1260892")); /* public example, post-2017 form */
    assert_true(passport("EA1234567"));
    assert_true(passport("EZ1234567"));
    assert_true(passport("E12345678")); /* pre-2017 electronic */
    assert_true(passport("G12345678"));
    assert_true(passport("DE1234567"));
    assert_true(passport("SE1234567"));
    assert_true(passport("PE1234567"));
    assert_true(passport("D1234567"));
    assert_true(passport("S1234567"));
    assert_true(passport("P1234567"));
    assert_true(passport("S12345678"));
    assert_true(passport("K12345678")); /* HKSAR */
    assert_true(passport("MA1234567")); /* MSAR */
}

static void test_passport_rejected(void **state)
{
    (void)state;
    assert_false(passport("EI1234567")); /* I and O are not used */
    assert_false(passport("EO1234567"));
    assert_false(passport("ef1260892")); /* upper case only */
    assert_false(passport("E1234567"));
    assert_false(passport("EF12608921"));
    assert_false(passport("EF126089"));
    assert_false(passport("G1234567"));
    assert_false(passport("D12345678"));
    assert_false(passport("P12345678"));
    assert_false(passport("K1234567"));
    assert_false(passport("MA12345678"));
    assert_false(passport("MB1234567"));
    assert_false(passport("H12345678")); /* home-return permit, not a passport */
    assert_false(passport("M12345678"));
    assert_false(passport("AB1234567"));
    assert_false(passport("DF1234567"));
    assert_false(passport("EF126089X"));
    assert_false(passport("123456789"));
    assert_false(xb_valid_passport(NULL, 0));
}

static void test_hkmo_home_return_permit(void **state)
{
    (void)state;
    assert_true(hkmo("H12345678"));
    assert_true(hkmo("M12345678"));
    assert_true(hkmo("H1234567800")); /* with issue count */
    assert_true(hkmo("M1234567801"));
    assert_false(hkmo("H1234567"));
    assert_false(hkmo("H123456789"));   /* 9 digits */
    assert_false(hkmo("H123456780012"));
    assert_false(hkmo("X12345678"));
    assert_false(hkmo("h12345678"));
    assert_false(hkmo("HA2345678"));
    assert_false(hkmo("C12345678"));
}

static void test_taiwan_permit(void **state)
{
    (void)state;
    assert_true(taiwan("12345678"));       /* lifetime number since 2008 */
    assert_true(taiwan("0561682001"));     /* old: number + issue count */
    assert_true(taiwan("0561682001(D)"));  /* public example */
    assert_true(taiwan("0561682001(7)"));
    assert_false(taiwan("0561682001(d)"));
    assert_false(taiwan("0561682001(DD)"));
    assert_false(taiwan("0561682001D"));
    assert_false(taiwan("0561682001(D"));
    assert_false(taiwan("056168200(D)"));
    assert_false(taiwan("1234567"));
    assert_false(taiwan("123456789"));
    assert_false(taiwan("1234567A"));
}

static void test_mainland_hkmo_permit(void **state)
{
    (void)state;
    assert_true(mainland("C12345678"));
    assert_true(mainland("CA1234567"));
    assert_true(mainland("CZ1234567"));
    assert_false(mainland("CI1234567"));
    assert_false(mainland("CO1234567"));
    assert_false(mainland("Ca1234567"));
    assert_false(mainland("C1234567"));
    assert_false(mainland("C123456789"));
    assert_false(mainland("D12345678"));
    assert_false(mainland("c12345678"));
    assert_false(mainland("CA123456X"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_passport_accepted_forms),
        cmocka_unit_test(test_passport_rejected),
        cmocka_unit_test(test_hkmo_home_return_permit),
        cmocka_unit_test(test_taiwan_permit),
        cmocka_unit_test(test_mainland_hkmo_permit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
