#pragma once
// Whether this build runs under AddressSanitizer (with UndefinedBehaviorSanitizer: the
// sanitizer build enables both), for the few tests a sanitizer's runtime gets in the way of.
#include <gtest/gtest.h>

namespace domainscan::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

}  // namespace domainscan::testing

// For tests that take every file descriptor away: UndefinedBehaviorSanitizer's checks open
// a pipe of their own to read memory safely, and with no descriptor left they report objects
// that are fine as broken.
#define DOMAINSCAN_SKIP_WITHOUT_DESCRIPTORS_UNDER_SANITIZERS()                        \
  if (::domainscan::testing::kSanitized) {                                            \
    GTEST_SKIP() << "not under the sanitizers: their runtime needs file descriptors too"; \
  }
