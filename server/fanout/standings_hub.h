// StandingsHub: the latest standings, the recent deltas (so a client that
// reconnects can catch up), and the live subscribers to new versions.
#ifndef PODIUM_SERVER_FANOUT_STANDINGS_HUB_H_
#define PODIUM_SERVER_FANOUT_STANDINGS_HUB_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "podium/engine/standings.h"

namespace podium::server {

// One published version: the staff view with its delta, and what displays
// see (the same, or the standings frozen for the award ceremony).
struct PublishedVersion {
  std::shared_ptr<const engine::Standings> standings;
  std::shared_ptr<const engine::StandingsDelta> delta;  // from the version before; null at first
  std::shared_ptr<const engine::Standings> display;
  bool display_frozen = false;
};

// Receives new versions. OnPublish runs on the hub's fan-out thread and
// must not block (queue the update and return).
class StandingsSubscriber {
 public:
  virtual ~StandingsSubscriber() = default;
  virtual void OnPublish(const PublishedVersion& version) = 0;
};

// Thread-safe. Holds subscribers weakly: a destroyed one is dropped on the
// next fan-out round. Publish() only records the version and wakes the hub's
// own fan-out thread, which hands the latest version to every subscriber:
// the writer never spends its time on a thousand big screens, and versions
// published during a round are coalesced into the next one (subscribers
// catch up through DeltasSince(), so none is skipped in content).
class StandingsHub final {
 public:
  // Keeps this many recent deltas for resuming clients. Starts the fan-out thread.
  explicit StandingsHub(std::size_t retained_deltas = 1024);
  ~StandingsHub();  // stops the fan-out thread after its current round
  StandingsHub(const StandingsHub&) = delete;
  StandingsHub& operator=(const StandingsHub&) = delete;

  void Publish(PublishedVersion version);
  PublishedVersion latest() const;

  // The deltas after `version` up to the latest, if all are retained
  // (empty if `version` is the latest); nullopt if some are gone.
  std::optional<std::vector<std::shared_ptr<const engine::StandingsDelta>>> DeltasSince(
      std::uint64_t version) const;

  void Subscribe(std::weak_ptr<StandingsSubscriber> subscriber);
  std::size_t subscribers() const;

 private:
  void FanOut();  // the fan-out thread

  mutable std::mutex mutex_;
  std::condition_variable published_;
  std::uint64_t publish_count_ = 0;  // Publish() calls; the fan-out thread's cue
  bool stopping_ = false;
  PublishedVersion latest_;
  std::deque<std::shared_ptr<const engine::StandingsDelta>> deltas_;
  std::size_t retained_deltas_;
  std::vector<std::weak_ptr<StandingsSubscriber>> subscribers_;
  std::thread fan_out_;  // last: starts once everything above is ready
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_FANOUT_STANDINGS_HUB_H_
