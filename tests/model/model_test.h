/* SPDX-License-Identifier: BSD-3-Clause */
/* Shared by the model/ cmocka tests. */
#ifndef VIO4WD_TESTS_MODEL_TEST_H
#define VIO4WD_TESTS_MODEL_TEST_H

#include <stdint.h>

/* cmocka 1.1 names its double comparison assert_float_equal (it compares
 * doubles); newer releases add assert_double_equal. */
#ifndef assert_double_equal
#define assert_double_equal(a, b, eps) assert_float_equal(a, b, eps)
#endif

/* splitmix64: seedable, identical everywhere, so failures reproduce. */
static inline uint64_t test_rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double test_rng_uniform(uint64_t *s)
{
    return (double)(test_rng_next(s) >> 11) * 0x1p-53;
}

#endif
