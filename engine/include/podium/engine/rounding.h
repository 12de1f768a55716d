// Published scores: rounded half away from zero (四舍五入) to the competition's
// precision. Binary floating point cannot hold 87.325 exactly, so values are
// first snapped to millionths, then rounded: 87.32499999999999 publishes as
// 87.33, as a person checking with a calculator expects. Ties and award
// thresholds are judged on these published values.
#ifndef PODIUM_ENGINE_ROUNDING_H_
#define PODIUM_ENGINE_ROUNDING_H_

#include <cstdint>

#include "podium/check.h"

namespace podium::engine {

inline constexpr int kMaxPrecision = 6;
inline constexpr std::int64_t kPowersOfTen[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};

namespace internal {

// Millionths to units of 10^-precision; `kUnit` is a constant so the
// division compiles to a multiply (this runs for every contestant's keys).
template <std::int64_t kUnit>
inline std::int64_t FromMicro(std::int64_t m) {
  constexpr std::int64_t kHalf = kUnit / 2;
  return m >= 0 ? (m + kHalf) / kUnit : -((-m + kHalf) / kUnit);
}

}  // namespace internal

// `score` in units of 10^-precision, e.g. ScaledRound(87.325, 2) == 8733.
inline std::int64_t ScaledRound(double score, int precision) {
  const double micro = score * 1e6;
  const auto m = static_cast<std::int64_t>(micro + (micro >= 0 ? 0.5 : -0.5));
  switch (precision) {
    case 0:
      return internal::FromMicro<1'000'000>(m);
    case 1:
      return internal::FromMicro<100'000>(m);
    case 2:
      return internal::FromMicro<10'000>(m);
    case 3:
      return internal::FromMicro<1'000>(m);
    case 4:
      return internal::FromMicro<100>(m);
    case 5:
      return internal::FromMicro<10>(m);
    case 6:
      return m;
  }
  PODIUM_CHECK(precision >= 0 && precision <= kMaxPrecision);
  return m;
}

inline double RoundScore(double score, int precision) {
  return static_cast<double>(ScaledRound(score, precision)) /
         static_cast<double>(kPowersOfTen[precision]);
}

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_ROUNDING_H_
