#include "server/core/auth_throttle.h"

#include <algorithm>

namespace podium::server {

Status AuthThrottle::Check(std::string_view source, std::int64_t now_ms) const {
  if (source.empty()) return OkStatus();
  std::lock_guard lock(mutex_);
  const auto it = sources_.find(std::string(source));
  if (it == sources_.end() || now_ms >= it->second.blocked_until_ms) return OkStatus();
  const std::int64_t seconds = (it->second.blocked_until_ms - now_ms + 999) / 1000;
  return Status(StatusCode::kResourceExhausted, "too many failed logins from " +
                                                    std::string(source) + "; try again in " +
                                                    std::to_string(seconds) + " s");
}

void AuthThrottle::Record(std::string_view source, bool ok, std::int64_t now_ms) {
  if (source.empty()) return;
  std::lock_guard lock(mutex_);
  if (ok) {
    sources_.erase(std::string(source));
    return;
  }
  if (sources_.size() >= options_.max_sources && !sources_.contains(std::string(source))) {
    ForgetOld(now_ms);
    if (sources_.size() >= options_.max_sources) return;  // memory stays bounded
  }
  Failures& f = sources_[std::string(source)];
  if (now_ms - f.window_start_ms > options_.window_ms && now_ms >= f.blocked_until_ms) {
    f = Failures{0, now_ms, 0};
  }
  ++f.count;
  if (f.count >= options_.free_failures) {
    const int doublings = std::min(f.count - options_.free_failures, 20);
    const std::int64_t block =
        std::min(options_.first_block_ms << doublings, options_.max_block_ms);
    f.blocked_until_ms = now_ms + block;
  }
}

void AuthThrottle::ForgetOld(std::int64_t now_ms) {
  std::erase_if(sources_, [&](const auto& entry) {
    return now_ms - entry.second.window_start_ms > options_.window_ms &&
           now_ms >= entry.second.blocked_until_ms;
  });
  // Still full (a flood from many addresses): forget everyone not blocked now.
  if (sources_.size() >= options_.max_sources) {
    std::erase_if(sources_,
                  [&](const auto& entry) { return now_ms >= entry.second.blocked_until_ms; });
  }
}

}  // namespace podium::server
