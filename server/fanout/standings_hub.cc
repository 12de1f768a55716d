#include "server/fanout/standings_hub.h"

#include <algorithm>

namespace podium::server {

StandingsHub::StandingsHub(std::size_t retained_deltas)
    : retained_deltas_(retained_deltas), fan_out_([this] { FanOut(); }) {}

StandingsHub::~StandingsHub() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  published_.notify_all();
  fan_out_.join();
}

void StandingsHub::Publish(PublishedVersion version) {
  {
    std::lock_guard lock(mutex_);
    if (version.delta != nullptr) {
      deltas_.push_back(version.delta);
      while (deltas_.size() > retained_deltas_) deltas_.pop_front();
    }
    latest_ = std::move(version);
    ++publish_count_;
  }
  published_.notify_one();
}

void StandingsHub::FanOut() {
  std::uint64_t handed_out = 0;
  while (true) {
    PublishedVersion version;
    std::vector<std::shared_ptr<StandingsSubscriber>> live;
    {
      std::unique_lock lock(mutex_);
      published_.wait(lock, [&] { return stopping_ || publish_count_ != handed_out; });
      if (stopping_) return;
      handed_out = publish_count_;
      version = latest_;
      // Copy the live subscribers and drop the dead ones; send after unlocking.
      auto dead = std::remove_if(subscribers_.begin(), subscribers_.end(),
                                 [&](const std::weak_ptr<StandingsSubscriber>& weak) {
                                   auto strong = weak.lock();
                                   if (strong == nullptr) return true;
                                   live.push_back(std::move(strong));
                                   return false;
                                 });
      subscribers_.erase(dead, subscribers_.end());
    }
    for (const auto& subscriber : live) subscriber->OnPublish(version);
  }
}

PublishedVersion StandingsHub::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::optional<std::vector<std::shared_ptr<const engine::StandingsDelta>>> StandingsHub::DeltasSince(
    std::uint64_t version) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const engine::StandingsDelta>> out;
  if (latest_.standings == nullptr || version > latest_.standings->version) return std::nullopt;
  if (version == latest_.standings->version) return out;
  // Deltas chain: each starts where the one before ended.
  auto it = std::find_if(deltas_.begin(), deltas_.end(),
                         [&](const auto& d) { return d->from_version == version; });
  if (it == deltas_.end()) return std::nullopt;
  for (; it != deltas_.end(); ++it) out.push_back(*it);
  return out;
}

void StandingsHub::Subscribe(std::weak_ptr<StandingsSubscriber> subscriber) {
  std::lock_guard lock(mutex_);
  subscribers_.push_back(std::move(subscriber));
}

std::size_t StandingsHub::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

}  // namespace podium::server
