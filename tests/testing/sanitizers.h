// For tests that leak on purpose (simulating a process that dies with files
// open): PODIUM_LEAK_ON_PURPOSE() keeps LeakSanitizer from reporting what is
// allocated in the rest of the enclosing scope. Nothing without sanitizers.
#ifndef PODIUM_TESTS_TESTING_SANITIZERS_H_
#define PODIUM_TESTS_TESTING_SANITIZERS_H_

#if defined(__SANITIZE_ADDRESS__)  // g++
#define PODIUM_TESTING_ASAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define PODIUM_TESTING_ASAN 1
#endif
#endif

#ifdef PODIUM_TESTING_ASAN
#include <sanitizer/lsan_interface.h>
#define PODIUM_LEAK_ON_PURPOSE() __lsan::ScopedDisabler podium_leak_on_purpose
#endif

#ifndef PODIUM_LEAK_ON_PURPOSE
#define PODIUM_LEAK_ON_PURPOSE() static_cast<void>(0)
#endif

#endif  // PODIUM_TESTS_TESTING_SANITIZERS_H_
