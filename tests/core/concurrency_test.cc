// The concurrent parts run truly concurrently, for ThreadSanitizer
// (scripts/tsan.sh runs this binary, label `tsan`): the engine's recompute on
// a ThreadPool must give exactly what a serial one gives, and the single
// writer, fed by several threads while others read the hub and query it, must
// answer every command, including those still queued when it stops. The other
// labelled tests leave these parts mostly serialized: a lock removed from
// StandingsHub::latest() went unnoticed by them and was caught here 3 runs of 3.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/synthetic.h"
#include "server/core/live_competition.h"
#include "server/core/scoring_writer.h"
#include "server/core/thread_pool.h"
#include "server/fanout/standings_hub.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::TempDir;

std::shared_ptr<const engine::Competition> MakeCompetition(const engine::SyntheticOptions& o) {
  engine::SyntheticDefinition d = engine::MakeSyntheticDefinition(o);
  auto c = engine::Competition::Create(std::move(d.spec), std::move(d.roster));
  PODIUM_CHECK(c.ok());
  return *c;
}

void ExpectSameStandings(const engine::Standings& a, const engine::Standings& b) {
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t t = 0; t < a.trades.size(); ++t) {
    ASSERT_EQ(a.trades[t].size(), b.trades[t].size());
    for (int r = 0; r < a.trades[t].size(); ++r) {
      ASSERT_EQ(a.trades[t].row(r), b.trades[t].row(r)) << "row " << r;
      ASSERT_EQ(a.trades[t].row_at(r), b.trades[t].row_at(r)) << "position " << r;
    }
    for (int k = 0; k < a.trades[t].num_teams(); ++k) {
      ASSERT_EQ(a.trades[t].team(k), b.trades[t].team(k));
    }
  }
  EXPECT_EQ(a.medal_tally, b.medal_tally);
}

// Records which threads ran tasks.
class Watching final : public engine::TaskRunner {
 public:
  explicit Watching(engine::TaskRunner& r) : r_(r) {}
  void Run(int count, const std::function<void(int)>& task) override {
    r_.Run(count, [&](int i) {
      {
        std::lock_guard l(m_);
        ids_.insert(std::this_thread::get_id());
      }
      task(i);
    });
  }
  int concurrency() const override { return r_.concurrency(); }
  size_t threads() {
    std::lock_guard l(m_);
    return ids_.size();
  }

 private:
  engine::TaskRunner& r_;
  std::mutex m_;
  std::set<std::thread::id> ids_;
};

class EngineOnThreadPoolTest : public ::testing::TestWithParam<engine::Normalization> {};

TEST_P(EngineOnThreadPoolTest, GivesExactlyTheSerialStandings) {
  engine::SyntheticOptions o;
  o.contestants = 140'000;  // > 2 ranking parts of 65536, many row chunks of 16384
  o.items = 3;
  o.judges = 3;
  o.fill = 0.9;
  o.normalization = GetParam();
  auto competition = MakeCompetition(o);
  ThreadPool real_pool(3);
  Watching pool(real_pool);
  engine::ScoringEngine parallel(competition);
  engine::ScoringEngine serial(competition);
  parallel.set_task_runner(&pool);
  std::vector<engine::MarkEvent> marks;
  engine::GenerateSyntheticMarks(*competition, o,
                                 [&](const engine::MarkEvent& m) { marks.push_back(m); });
  // Half in, recompute, the rest in (incremental, whole items), recompute.
  const size_t half = marks.size() / 2;
  for (size_t i = 0; i < half; ++i) {
    ASSERT_TRUE(parallel.Apply(marks[i]).ok());
    ASSERT_TRUE(serial.Apply(marks[i]).ok());
  }
  parallel.Recompute();
  serial.Recompute();
  ExpectSameStandings(*parallel.standings(), *serial.standings());
  for (size_t i = half; i < marks.size(); ++i) {
    ASSERT_TRUE(parallel.Apply(marks[i]).ok());
    ASSERT_TRUE(serial.Apply(marks[i]).ok());
  }
  parallel.Recompute();
  serial.Recompute();
  ExpectSameStandings(*parallel.standings(), *serial.standings());
  // A few single marks (incremental), and a full recompute.
  for (int i = 0; i < 5; ++i) {
    engine::MarkEvent m = marks[i * 977];
    m.value = 20 - m.value;
    ASSERT_TRUE(parallel.Apply(m).ok());
    ASSERT_TRUE(serial.Apply(m).ok());
    parallel.Recompute();
    serial.Recompute();
    ExpectSameStandings(*parallel.standings(), *serial.standings());
  }
  parallel.RecomputeAll();
  ExpectSameStandings(*parallel.standings(), *serial.standings());
  // Tasks are taken, not dealt, so which threads ran them is up to the
  // scheduler; over this many batches more than one always has.
  EXPECT_GE(pool.threads(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Normalizations, EngineOnThreadPoolTest,
                         ::testing::Values(engine::Normalization::kJudgeZScore,
                                           engine::Normalization::kNone));

// Counts the versions handed to it (on the hub's fan-out thread) and reads them there.
class Counter final : public StandingsSubscriber {
 public:
  void OnPublish(const PublishedVersion& v) override {
    if (v.standings != nullptr) {
      (void)v.standings->trades[0].at_position(0);
      last_ = v.standings->version;
    }
    published_++;
  }
  std::atomic<int> published_{0};
  std::atomic<std::uint64_t> last_{0};
};

// A writer over a fresh ledger at `db`, publishing to `hub`.
std::unique_ptr<ScoringWriter> StartWriter(std::shared_ptr<const engine::Competition> competition,
                                           const std::filesystem::path& db, StandingsHub& hub,
                                           engine::TaskRunner* runner) {
  auto ledger = Ledger::Open(db, competition->spec().id);
  PODIUM_CHECK(ledger.ok());
  auto state = ScoringWriter::Replay(**ledger, competition, runner);
  PODIUM_CHECK(state.ok());
  return std::make_unique<ScoringWriter>(std::move(*ledger), std::move(*state), hub, runner,
                                         &SystemNowMs);
}

TEST(ScoringWriterConcurrencyTest, AnswersEveryCommandFromManyThreadsWhileOthersRead) {
  engine::SyntheticOptions o;
  o.contestants = 40'000;
  o.items = 3;
  o.judges = 3;
  auto competition = MakeCompetition(o);
  TempDir temp;
  ThreadPool real_pool(3);
  Watching pool(real_pool);
  StandingsHub hub;
  auto counter = std::make_shared<Counter>();
  hub.Subscribe(counter);
  auto writer = StartWriter(competition, temp.path() / "c.db", hub, &pool);
  constexpr int kJudges = 4;
  constexpr int kMarks = 60;
  constexpr int kCommands = kJudges * (kMarks + kMarks / 10);
  std::atomic<int> answered{0};
  std::atomic<int> accepted{0};
  std::promise<void> all_answered;
  auto count = [&](int n) {
    if ((answered += n) == kCommands) all_answered.set_value();
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < kJudges; ++j) {
    threads.emplace_back([&, j] {
      const int judge = j;  // judges 0..3: items 1 (0..2) and 2 (3)
      const auto& jj = competition->judge(judge);
      const Principal who{.role = Role::kJudge, .actor = jj.id, .judge = judge};
      const std::string item = jj.assignments.at(0).item;
      for (int k = 0; k < kMarks; ++k) {
        const std::string bib = competition->contestant(k * 613 % 40'000).bib;
        Command c{.kind = CommandKind::kMark,
                  .idempotency_key = jj.id + "-" + std::to_string(k),
                  .bib = bib,
                  .item = item,
                  .value = static_cast<double>(k % 40) * 0.5};
        if (k % 10 == 9) {
          std::vector<Command> both = {c, c};
          both[1].idempotency_key += "b";
          both[1].value = 1;
          writer->SubmitAll(std::move(both), who, [&](std::vector<CommandResult> r) {
            for (auto& x : r) accepted += x.status.ok();
            count(2);
          });
        } else {
          writer->Submit(std::move(c), who, [&](const CommandResult& r) {
            accepted += r.status.ok();
            count(1);
          });
        }
      }
    });
  }
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      const PublishedVersion v = hub.latest();
      if (v.standings != nullptr) {
        (void)v.standings->trades[0].at_position(0);
        (void)hub.DeltasSince(v.standings->version > 3 ? v.standings->version - 3 : 0);
      }
      (void)writer->metrics().accepted.load();
      (void)hub.subscribers();
      std::promise<std::uint64_t> seen;
      writer->Run([&](const ContestState& s, const Ledger& l) {
        (void)s;
        seen.set_value(l.last_sequence());
      });
      seen.get_future().wait();
    }
  });
  std::thread poller([&] {
    while (!stop) {
      const PublishedVersion v = hub.latest();
      if (v.standings != nullptr) (void)v.standings->trades[0].at_position(0);
      (void)hub.DeltasSince(1);
    }
  });
  for (auto& t : threads) t.join();
  const bool done =
      all_answered.get_future().wait_for(std::chrono::seconds(120)) == std::future_status::ready;
  stop = true;
  reader.join();
  poller.join();
  ASSERT_TRUE(done) << answered.load() << " of " << kCommands << " answered";
  EXPECT_GT(accepted.load(), 0);
  // The subscriber is handed the latest version (it is coalesced, never lost).
  const std::uint64_t latest = hub.latest().standings->version;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (counter->last_ != latest && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  EXPECT_EQ(counter->last_.load(), latest);
  // Commands still queued at shutdown are answered too (kUnavailable).
  std::atomic<int> late{0};
  std::thread latecomer([&] {
    const auto& jj = competition->judge(0);
    const Principal who{.role = Role::kJudge, .actor = jj.id, .judge = 0};
    for (int k = 0; k < 20; ++k) {
      writer->Submit({.kind = CommandKind::kMark,
                      .idempotency_key = "late-" + std::to_string(k),
                      .bib = competition->contestant(k).bib,
                      .item = jj.assignments.at(0).item,
                      .value = 3},
                     who, [&](const CommandResult&) { late++; });
    }
  });
  latecomer.join();
  writer.reset();
  EXPECT_EQ(late.load(), 20);
}

// Group commit: marks that arrive while the writer is busy are committed
// together, in one transaction (one fsync), and each is answered only then.
TEST(ScoringWriterConcurrencyTest, MarksQueuedWhileTheWriterIsBusyCommitInOneTransaction) {
  engine::SyntheticOptions o;
  o.contestants = 500;
  o.items = 2;
  o.judges = 3;
  auto competition = MakeCompetition(o);
  TempDir temp;
  StandingsHub hub;
  std::unique_ptr<ScoringWriter> started =
      StartWriter(competition, temp.path() / "c.db", hub, nullptr);
  ScoringWriter& writer = *started;
  // Hold the writer's thread in a query until every mark is queued.
  std::promise<void> held, release;
  writer.Run([&](const ContestState&, const Ledger&) {
    held.set_value();
    release.get_future().wait();
  });
  held.get_future().wait();
  const std::uint64_t batches_before = writer.metrics().batches;
  constexpr int kMarks = 300;
  const auto& judge = competition->judge(0);
  const Principal who{.role = Role::kJudge, .actor = judge.id, .judge = 0};
  std::mutex mutex;
  std::set<std::uint64_t> sequences;
  std::atomic<int> answered{0};
  std::promise<void> all_answered;
  std::vector<std::thread> submitters;
  for (int t = 0; t < 3; ++t) {
    submitters.emplace_back([&, t] {
      for (int k = t; k < kMarks; k += 3) {
        writer.Submit({.kind = CommandKind::kMark,
                       .idempotency_key = "group-" + std::to_string(k),
                       .bib = competition->contestant(k).bib,
                       .item = judge.assignments.at(0).item,
                       .value = static_cast<double>(k % 20)},
                      who, [&](const CommandResult& r) {
                        EXPECT_THAT(r.status, IsOk());
                        {
                          std::lock_guard lock(mutex);
                          sequences.insert(r.sequence);
                        }
                        if (++answered == kMarks) all_answered.set_value();
                      });
      }
    });
  }
  for (auto& t : submitters) t.join();
  EXPECT_EQ(answered.load(), 0) << "answered before the writer was free to commit";
  release.set_value();
  ASSERT_EQ(all_answered.get_future().wait_for(std::chrono::seconds(60)),
            std::future_status::ready);
  EXPECT_EQ(writer.metrics().batches - batches_before, 1u);
  EXPECT_EQ(writer.metrics().last_batch_size, static_cast<std::uint64_t>(kMarks));
  std::lock_guard lock(mutex);
  ASSERT_EQ(sequences.size(), static_cast<std::size_t>(kMarks));
  EXPECT_EQ(*sequences.begin(), 1u);
  EXPECT_EQ(*sequences.rbegin(), static_cast<std::uint64_t>(kMarks));
}

}  // namespace
}  // namespace podium::server
