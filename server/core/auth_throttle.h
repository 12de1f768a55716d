// Slows down token guessing: after repeated failed authentications from one
// network address, every attempt from it is refused for a while (growing
// with further failures), good token or not. Nothing sleeps: refusals are
// immediate, so a flood costs the server nothing but a map lookup.
#ifndef PODIUM_SERVER_CORE_AUTH_THROTTLE_H_
#define PODIUM_SERVER_CORE_AUTH_THROTTLE_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "podium/status.h"

namespace podium::server {

struct AuthThrottleOptions {
  int free_failures = 10;               // failures within the window before any block
  std::int64_t window_ms = 60'000;      // failures older than this are forgotten
  std::int64_t first_block_ms = 5'000;  // doubled with each further failure
  std::int64_t max_block_ms = 300'000;
  size_t max_sources = 10'000;  // addresses remembered at most (memory bound)
};

// Thread-safe.
class AuthThrottle final {
 public:
  explicit AuthThrottle(AuthThrottleOptions options = {}) : options_(options) {}

  // Errors: kResourceExhausted "too many failed logins from SOURCE; try again
  // in N s" while `source` is blocked. An empty source is never blocked.
  Status Check(std::string_view source, std::int64_t now_ms) const;

  // Records the outcome of an authentication from `source`.
  void Record(std::string_view source, bool ok, std::int64_t now_ms);

 private:
  struct Failures {
    int count = 0;
    std::int64_t window_start_ms = 0;
    std::int64_t blocked_until_ms = 0;
  };
  void ForgetOld(std::int64_t now_ms);  // under mutex_

  AuthThrottleOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Failures> sources_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_AUTH_THROTTLE_H_
