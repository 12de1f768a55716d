// Token guessing is slowed down per address, with time passed in as data.
#include "server/core/auth_throttle.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;

void Fail(AuthThrottle& throttle, const char* source, int times, std::int64_t now) {
  for (int i = 0; i < times; ++i) throttle.Record(source, false, now);
}

TEST(AuthThrottleTest, BlocksAnAddressAfterTenFailuresEvenForAGoodToken) {
  AuthThrottle throttle;
  Fail(throttle, "10.0.0.7", 9, 1000);
  EXPECT_THAT(throttle.Check("10.0.0.7", 1000), IsOk());
  Fail(throttle, "10.0.0.7", 1, 1000);
  const Status blocked = throttle.Check("10.0.0.7", 1000);
  EXPECT_THAT(blocked, StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(blocked.message(), HasSubstr("too many failed logins from 10.0.0.7"));
  EXPECT_THAT(blocked.message(), HasSubstr("try again in 5 s"));
  // Other tablets are not affected.
  EXPECT_THAT(throttle.Check("10.0.0.8", 1000), IsOk());
  // The block ends on time.
  EXPECT_THAT(throttle.Check("10.0.0.7", 5999), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(throttle.Check("10.0.0.7", 6000), IsOk());
}

TEST(AuthThrottleTest, EachFurtherFailureDoublesTheBlockUpToTheMaximum) {
  AuthThrottle throttle;
  Fail(throttle, "a", 11, 0);  // 10th: 5 s; 11th: 10 s
  EXPECT_THAT(throttle.Check("a", 9999), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(throttle.Check("a", 10000), IsOk());
  Fail(throttle, "a", 20, 10000);
  EXPECT_THAT(throttle.Check("a", 10000 + 299'999), StatusIs(StatusCode::kResourceExhausted));
  EXPECT_THAT(throttle.Check("a", 10000 + 300'000), IsOk());
}

TEST(AuthThrottleTest, FailuresOutsideTheWindowAndASuccessAreForgotten) {
  AuthThrottle throttle;
  Fail(throttle, "a", 9, 0);
  Fail(throttle, "a", 1, 60'001);  // the first nine are older than the window
  EXPECT_THAT(throttle.Check("a", 60'001), IsOk());
  Fail(throttle, "b", 9, 0);
  throttle.Record("b", true, 1);  // logged in: a typo streak ends
  Fail(throttle, "b", 1, 2);
  EXPECT_THAT(throttle.Check("b", 2), IsOk());
}

TEST(AuthThrottleTest, MemoryStaysBoundedUnderAFloodFromManyAddresses) {
  AuthThrottle throttle({.max_sources = 100});
  for (int i = 0; i < 10'000; ++i) {
    Fail(throttle, ("10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250)).c_str(), 10,
         0);
  }
  // The first hundred are remembered and blocked; the rest could not be
  // tracked but the server did not grow.
  EXPECT_THAT(throttle.Check("10.1.0.0", 0), StatusIs(StatusCode::kResourceExhausted));
  // An unknown source (empty) is never blocked.
  EXPECT_THAT(throttle.Check("", 0), IsOk());
}

}  // namespace
}  // namespace podium::server
