// ScoringWriter: the single writer. One thread takes commands in arrival
// order, checks them against the state, appends the accepted ones to the
// ledger in one transaction per batch (group commit), answers each caller
// only once its event is durable, recomputes the standings once per batch
// and publishes them to the hub.
#ifndef PODIUM_SERVER_CORE_SCORING_WRITER_H_
#define PODIUM_SERVER_CORE_SCORING_WRITER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "podium/engine/task_runner.h"
#include "server/core/command.h"
#include "server/core/contest_state.h"
#include "server/fanout/standings_hub.h"
#include "server/ledger/ledger.h"

namespace podium::server {

// Counters for monitoring, read from any thread.
struct WriterMetrics {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused{0};
  std::atomic<std::uint64_t> duplicates{0};
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> queue_depth{0};
  std::atomic<std::uint64_t> last_batch_size{0};
  std::atomic<std::uint64_t> last_commit_us{0};
  std::atomic<std::uint64_t> last_recompute_us{0};
  // Acknowledgement latency (submit to durable answer), microseconds.
  static constexpr std::uint64_t kLatencyBucketsUs[] = {500,   1000,  2000,   5000,   10000,
                                                        20000, 50000, 100000, 500000, 1000000};
  std::atomic<std::uint64_t> latency_buckets[std::size(kLatencyBucketsUs) + 1] = {};
  std::atomic<std::uint64_t> latency_sum_us{0};
};

class ScoringWriter final {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the Unix epoch
  using Done = std::function<void(const CommandResult&)>;
  using Query = std::function<void(const ContestState&, const Ledger&)>;

  // Replays nothing: `state` must already hold the ledger's events. Starts
  // the writer thread and publishes the current standings.
  ScoringWriter(std::unique_ptr<Ledger> ledger, std::unique_ptr<ContestState> state,
                StandingsHub& hub, engine::TaskRunner* runner, Clock clock);
  ~ScoringWriter();  // stops the thread; queued commands are refused (kUnavailable)
  ScoringWriter(const ScoringWriter&) = delete;
  ScoringWriter& operator=(const ScoringWriter&) = delete;

  // Thread-safe. `done` runs on the writer thread, after the command's event
  // is durable or once it is refused; it must not block.
  void Submit(Command command, Principal who, Done done);
  // Thread-safe. Submits `commands` together (one queue operation); `done`
  // runs once with every result, in order, when the last is known.
  void SubmitAll(std::vector<Command> commands, Principal who,
                 std::function<void(std::vector<CommandResult>)> done);
  // Thread-safe. Runs `query` on the writer thread between batches; once the
  // writer is stopping, drops it unrun.
  void Run(Query query);
  // Thread-safe. Caps the ledger at `pages` SQLite pages from the next batch
  // on (0: no cap): how tests and fire drills fill the disk.
  void LimitLedger(std::int64_t pages);

  const WriterMetrics& metrics() const { return metrics_; }

  // Loads a competition's state from its ledger (replay) and recomputes.
  // Errors: the ledger's kDataLoss; kFailedPrecondition if an event no longer
  // fits the definition.
  static StatusOr<std::unique_ptr<ContestState>> Replay(
      const Ledger& ledger, std::shared_ptr<const engine::Competition> competition,
      engine::TaskRunner* runner);

 private:
  struct Pending {
    Command command;
    Principal who;
    Done done;
    Query query;  // set for queries
    std::int64_t submitted_us = 0;
  };

  void Loop();
  void Process(std::vector<Pending>& batch);
  // Commits `records`, answers their callers, recomputes and publishes.
  void Commit(std::vector<LedgerRecord>& records, std::vector<Pending*>& owners,
              std::vector<std::pair<Pending*, ContestState::Duplicate>>& duplicates);
  void PublishStandings();
  void RecordLatency(std::int64_t submitted_us);

  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<ContestState> state_;
  StandingsHub& hub_;
  engine::TaskRunner* runner_;
  Clock clock_;
  WriterMetrics metrics_;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_SCORING_WRITER_H_
