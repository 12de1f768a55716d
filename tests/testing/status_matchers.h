// gMock matchers for podium::Status and podium::StatusOr<T>:
//   EXPECT_THAT(status_or_result, IsOk());
//   EXPECT_THAT(result, IsOkAndHolds(SizeIs(3)));
//   EXPECT_THAT(status, StatusIs(StatusCode::kInvalidArgument));
//   EXPECT_THAT(result, StatusIs(StatusCode::kNotFound, HasSubstr("judges.csv")));
// On failure GoogleTest prints the actual Status or StatusOr (see PrintTo). They live in
// podium::test, not podium::testing, so that `testing::` inside namespace podium still means
// GoogleTest.
#ifndef PODIUM_TESTS_TESTING_STATUS_MATCHERS_H_
#define PODIUM_TESTS_TESTING_STATUS_MATCHERS_H_

#include <optional>
#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "gmock/gmock.h"
#include "podium/status.h"

namespace podium {

// Lets GoogleTest print a StatusOr in failure messages.
template <typename T>
void PrintTo(const StatusOr<T>& result, std::ostream* os) {
  if (result.ok()) {
    *os << "OK: " << ::testing::PrintToString(*result);
  } else {
    *os << result.status();
  }
}

namespace test {
namespace internal {

inline const Status& GetStatus(const Status& status) { return status; }
template <typename T>
const Status& GetStatus(const StatusOr<T>& result) {
  return result.status();
}

template <typename T>
struct StatusOrValue;
template <typename T>
struct StatusOrValue<StatusOr<T>> {
  using type = T;
};

// Matches a Status or StatusOr whose code is `code` and, if given, whose message matches
// `message`. The actual status is printed by PrintTo / operator<<, so explanations only add
// what the message matcher has to say.
class StatusIsMatcher {
 public:
  StatusIsMatcher(StatusCode code, std::optional<::testing::Matcher<const std::string&>> message)
      : code_(code), message_(std::move(message)) {}

  template <typename StatusType>
  bool MatchAndExplain(const StatusType& actual, ::testing::MatchResultListener* listener) const {
    const Status& status = GetStatus(actual);
    if (status.code() != code_) return false;
    return !message_ || message_->MatchAndExplain(status.message(), listener);
  }

  void DescribeTo(std::ostream* os) const {
    *os << "has status code " << StatusCodeName(code_);
    if (message_) {
      *os << " and a message that ";
      message_->DescribeTo(os);
    }
  }
  void DescribeNegationTo(std::ostream* os) const {
    *os << "does not have status code " << StatusCodeName(code_);
    if (message_) {
      *os << " or has a message that ";
      message_->DescribeNegationTo(os);
    }
  }

 private:
  StatusCode code_;
  std::optional<::testing::Matcher<const std::string&>> message_;
};

// Matches an OK Status or StatusOr.
class IsOkMatcher {
 public:
  template <typename StatusType>
  bool MatchAndExplain(const StatusType& actual,
                       ::testing::MatchResultListener* /*listener*/) const {
    return GetStatus(actual).ok();
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is not OK"; }
};

// Matches an OK StatusOr<T> whose value matches `InnerMatcher`; converts to Matcher<StatusOr<T>>.
template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  template <typename StatusOrType>
  operator ::testing::Matcher<StatusOrType>() const {  // NOLINT(google-explicit-constructor)
    using Value = typename StatusOrValue<std::remove_cvref_t<StatusOrType>>::type;
    return ::testing::Matcher<StatusOrType>(
        new Impl<StatusOrType>(::testing::SafeMatcherCast<const Value&>(inner_)));
  }

 private:
  template <typename StatusOrType>
  class Impl final : public ::testing::MatcherInterface<StatusOrType> {
   public:
    using Value = typename StatusOrValue<std::remove_cvref_t<StatusOrType>>::type;

    explicit Impl(::testing::Matcher<const Value&> inner) : inner_(std::move(inner)) {}

    bool MatchAndExplain(StatusOrType actual,
                         ::testing::MatchResultListener* listener) const override {
      return actual.ok() && inner_.MatchAndExplain(*actual, listener);
    }
    void DescribeTo(std::ostream* os) const override {
      *os << "is OK and has a value that ";
      inner_.DescribeTo(os);
    }
    void DescribeNegationTo(std::ostream* os) const override {
      *os << "is not OK or has a value that ";
      inner_.DescribeNegationTo(os);
    }

   private:
    ::testing::Matcher<const Value&> inner_;
  };

  InnerMatcher inner_;
};

}  // namespace internal

// Matches an OK Status, or a StatusOr that holds a value.
inline ::testing::PolymorphicMatcher<internal::IsOkMatcher> IsOk() {
  return ::testing::MakePolymorphicMatcher(internal::IsOkMatcher());
}

// Matches a Status or StatusOr with this code, whatever the message.
inline ::testing::PolymorphicMatcher<internal::StatusIsMatcher> StatusIs(StatusCode code) {
  return ::testing::MakePolymorphicMatcher(internal::StatusIsMatcher(code, std::nullopt));
}

// Matches a Status or StatusOr with this code and a message matching `message_matcher`
// (a gMock string matcher such as HasSubstr("line 3"), or a string for equality).
template <typename MessageMatcher>
::testing::PolymorphicMatcher<internal::StatusIsMatcher> StatusIs(
    StatusCode code, MessageMatcher&& message_matcher) {
  return ::testing::MakePolymorphicMatcher(internal::StatusIsMatcher(
      code,
      ::testing::MatcherCast<const std::string&>(std::forward<MessageMatcher>(message_matcher))));
}

// Matches an OK StatusOr<T> whose value matches `value_matcher` (a matcher or a value).
template <typename ValueMatcher>
internal::IsOkAndHoldsMatcher<std::decay_t<ValueMatcher>> IsOkAndHolds(
    ValueMatcher&& value_matcher) {
  return internal::IsOkAndHoldsMatcher<std::decay_t<ValueMatcher>>(
      std::forward<ValueMatcher>(value_matcher));
}

}  // namespace test
}  // namespace podium

#endif  // PODIUM_TESTS_TESTING_STATUS_MATCHERS_H_
