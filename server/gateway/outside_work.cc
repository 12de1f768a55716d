#include "server/gateway/outside_work.h"

#include <algorithm>

namespace podium::server {

void OutsideWork::AddWatch(const std::shared_ptr<WatchSession>& watch) {
  std::lock_guard lock(mutex_);
  if (watches_.size() >= sweep_at_) {
    // Streams come and go all day: keep the list as long as the live ones.
    std::erase_if(watches_, [](const std::weak_ptr<WatchSession>& w) { return w.expired(); });
    sweep_at_ = std::max<std::size_t>(64, 2 * watches_.size());
  }
  watches_.push_back(watch);
}

void OutsideWork::Drain() {
  std::vector<std::weak_ptr<WatchSession>> watches;
  {
    std::lock_guard lock(mutex_);
    watches.swap(watches_);
  }
  for (const auto& weak : watches) {
    if (const auto watch = weak.lock()) watch->Stop();
  }
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return held_ == 0; });
}

void OutsideWork::Begin() {
  std::lock_guard lock(mutex_);
  ++held_;
}

void OutsideWork::End() {
  // Notified under the lock: once Drain() sees zero, this object may go.
  std::lock_guard lock(mutex_);
  if (--held_ == 0) idle_.notify_all();
}

}  // namespace podium::server
