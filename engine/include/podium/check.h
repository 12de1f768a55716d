// PODIUM_CHECK: invariants that hold in every build type. A failed check is a
// bug in Podium, not bad input; it logs file:line and aborts.
#ifndef PODIUM_CHECK_H_
#define PODIUM_CHECK_H_

#include <cstdio>
#include <cstdlib>

namespace podium::internal {

[[noreturn]] inline void CheckFailed(const char* file, int line, const char* condition) {
  std::fprintf(stderr, "%s:%d: PODIUM_CHECK failed: %s\n", file, line, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace podium::internal

#define PODIUM_CHECK(condition)                                        \
  do {                                                                 \
    if (!(condition)) [[unlikely]]                                     \
      ::podium::internal::CheckFailed(__FILE__, __LINE__, #condition); \
  } while (false)

#endif  // PODIUM_CHECK_H_
