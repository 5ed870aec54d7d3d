// The debounce-and-hysteresis primitive every firmware protection is made of.
#include <gtest/gtest.h>

#include <cstdint>

#include "bms_under_test/firmware/protection_monitor.h"

namespace {

constexpr std::uint32_t kTripDelayMs{1000};
constexpr std::uint32_t kRecoveryDelayMs{500};

protection_event update(protection_monitor& m, bool trip, bool recover, std::uint32_t now_ms) {
  return protection_monitor_update(&m, trip ? 1 : 0, recover ? 1 : 0, kTripDelayMs, kRecoveryDelayMs, now_ms);
}

TEST(ProtectionMonitor, TripsOnceTheConditionHeldForTheDelayAndNotBefore) {
  protection_monitor m{};
  EXPECT_EQ(update(m, true, false, 10000), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, true, false, 10999), PROTECTION_EVENT_NONE);
  EXPECT_FALSE(m.tripped);
  EXPECT_EQ(update(m, true, false, 11000), PROTECTION_EVENT_TRIPPED);
  EXPECT_TRUE(m.tripped);
  EXPECT_EQ(update(m, true, false, 12000), PROTECTION_EVENT_NONE);
}

TEST(ProtectionMonitor, ABreakInTheConditionRestartsTheDelay) {
  protection_monitor m{};
  update(m, true, false, 0);
  update(m, true, false, 900);
  update(m, false, false, 950);  // the value dipped back for one sample
  EXPECT_EQ(update(m, true, false, 1000), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, true, false, 1999), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, true, false, 2000), PROTECTION_EVENT_TRIPPED);
}

TEST(ProtectionMonitor, RecoversOnlyOncePastTheHysteresisForTheRecoveryDelay) {
  protection_monitor m{};
  protection_monitor_initialise(&m, 1);
  // Back below the threshold but not past the hysteresis: no recovery.
  EXPECT_EQ(update(m, false, false, 0), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, false, false, 5000), PROTECTION_EVENT_NONE);
  EXPECT_TRUE(m.tripped);
  EXPECT_EQ(update(m, false, true, 6000), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, false, true, 6499), PROTECTION_EVENT_NONE);
  EXPECT_EQ(update(m, false, true, 6500), PROTECTION_EVENT_RECOVERED);
  EXPECT_FALSE(m.tripped);
}

TEST(ProtectionMonitor, AtBootAConditionAlreadyPresentTripsAtOnce) {
  protection_monitor m{};
  EXPECT_EQ(protection_monitor_initialise(&m, 1), PROTECTION_EVENT_TRIPPED);
  EXPECT_TRUE(m.tripped);
  protection_monitor n{};
  EXPECT_EQ(protection_monitor_initialise(&n, 0), PROTECTION_EVENT_NONE);
  EXPECT_FALSE(n.tripped);
}

TEST(ProtectionMonitor, ARunningDelayIsAWarning) {
  protection_monitor m{};
  EXPECT_FALSE(protection_monitor_pending(&m));
  update(m, true, false, 0);
  EXPECT_TRUE(protection_monitor_pending(&m));
  update(m, true, false, 1000);
  EXPECT_FALSE(protection_monitor_pending(&m));  // tripped: no longer a warning
}

TEST(ProtectionMonitor, TheMillisecondWrapIsHarmless) {
  protection_monitor m{};
  update(m, true, false, 0xFFFFFF00U);
  EXPECT_EQ(update(m, true, false, 0x00000100U), PROTECTION_EVENT_NONE);  // 512 ms later
  EXPECT_EQ(update(m, true, false, 0x000002E8U), PROTECTION_EVENT_TRIPPED);  // 1000 ms later
}

}  // namespace
