// Kills `podium serve` (SIGKILL) in the middle of concurrent scoring, again
// and again, and checks after each restart that every acknowledged mark is
// there exactly once, that retries never count twice, and at the end that
// the live standings equal an offline `podium score` of the ledger's marks.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"
#include "server/cli/commands.h"
#include "server/core/auth.h"
#include "server/definition/csv.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"

namespace podium::server {
namespace {

namespace fs = std::filesystem;
using ::podium::test::DataDir;
using ::podium::test::IsOk;
using ::podium::test::Subprocess;
using ::podium::test::TempDir;
using std::chrono::milliseconds;

// One judge per practical item, each marking every bib on it.
const char* const kJudges[] = {"P01", "P06", "P11", "P16", "P21", "P26"};
const char* const kItems[] = {
    "respirator-bench", "respirator-wear", "gas-measurement", "air-volume", "cpr", "comprehensive"};
constexpr int kBibs = 88;

int Cycles() {
  if (const char* env = std::getenv("PODIUM_CRASH_CYCLES")) return std::max(1, std::atoi(env));
  return 3;
}

// One write of the workload: a judge's mark, or in later rounds a
// correction of it (so a long run never runs out of work).
struct Mark {
  std::string key, judge, bib, item;
  double value = 0;
  bool correction = false;
};

// Every judge marks every bib on their item, then corrects each mark once per
// later round: `rounds` x 528 writes, in order per judge.
std::vector<Mark> Workload(int rounds) {
  std::vector<Mark> marks;
  for (int round = 0; round < rounds; ++round) {
    for (int j = 0; j < 6; ++j) {
      for (int b = 1; b <= kBibs; ++b) {
        char bib[8];
        std::snprintf(bib, sizeof bib, "K%03d", b);
        // Marks on the half-point grid, within every item's max (15 or 25).
        const double value = 5 + ((b * 7 + j * 3 + round * 5) % 19) * 0.5;
        marks.push_back({"r" + std::to_string(round) + "-" + kJudges[j] + "-" + bib, kJudges[j],
                         bib, kItems[j], value, round > 0});
      }
    }
  }
  return marks;
}

// A `podium serve` process on a free port.
class Server final {
 public:
  Server(const fs::path& dir, const fs::path& db)
      : process_({PODIUM_BINARY, "serve", dir.string(), "--db", db.string(), "--address",
                  "127.0.0.1:0", "--threads", "1"}) {
    const auto line = process_.WaitForLine("listening on", milliseconds(20000));
    if (!line) return;
    const size_t at = line->find("listening on ") + 13;
    address_ = line->substr(at, line->find(' ', at) - at);
  }
  const std::string& address() const { return address_; }
  Subprocess& process() { return process_; }

 private:
  Subprocess process_;
  std::string address_;
};

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = DataDir() / "mine-rescue-2026";
    db_ = tmp_.path() / "contest.db";
    auto loaded = definition::LoadCompetition(dir_, {.load_marks = false}, nullptr);
    ASSERT_THAT(loaded, IsOk());
    competition_ = loaded->competition;
    auto ledger = Ledger::Open(db_, competition_->spec().id);
    ASSERT_THAT(ledger, IsOk());
    auto issued = IssueTokens(**ledger, *competition_, 0, 1, 0);
    ASSERT_THAT(issued, IsOk());
    for (const IssuedToken& t : *issued) tokens_[t.subject] = t.token;
  }

  // Submits `marks` from one thread per judge until `stop` or the end.
  // Records what was acknowledged; a failure leaves the mark unknown.
  void Submit(const std::string& address, const std::vector<Mark>& marks,
              std::map<std::string, std::uint64_t>& acked, std::atomic<int>& acks,
              std::condition_variable& progress) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    std::vector<std::thread> threads;
    for (const char* judge : kJudges) {
      threads.emplace_back([&, judge] {
        auto stub = v1::ScoringService::NewStub(channel);
        for (const Mark& m : marks) {
          if (m.judge != judge) continue;
          {
            std::lock_guard lock(mutex_);
            if (acked.count(m.key)) continue;  // checked at the start of the cycle
          }
          grpc::ClientContext context;
          context.AddMetadata("authorization", "Bearer " + tokens_[judge]);
          context.set_deadline(std::chrono::system_clock::now() + milliseconds(5000));
          v1::WriteResponse response;
          const grpc::Status status = Send(*stub, context, m, &response);
          if (!status.ok()) return;  // the server is gone: the rest stays unknown
          {
            std::lock_guard lock(mutex_);
            acked[m.key] = response.sequence();
          }
          ++acks;
          progress.notify_all();
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }

  static grpc::Status Send(v1::ScoringService::Stub& stub, grpc::ClientContext& context,
                           const Mark& m, v1::WriteResponse* response) {
    if (m.correction) {
      v1::CorrectMarkRequest request;
      request.set_idempotency_key(m.key);
      request.set_bib(m.bib);
      request.set_item(m.item);
      request.set_value(m.value);
      request.set_reason("复核更正 review");
      request.set_device("crash-test");
      return stub.CorrectMark(&context, request, response);
    }
    v1::SubmitMarkRequest request;
    request.set_idempotency_key(m.key);
    request.set_bib(m.bib);
    request.set_item(m.item);
    request.set_value(m.value);
    request.set_device("crash-test");
    return stub.SubmitMark(&context, request, response);
  }

  TempDir tmp_;
  fs::path dir_, db_;
  std::shared_ptr<const engine::Competition> competition_;
  std::map<std::string, std::string> tokens_;
  std::mutex mutex_;
};

TEST_F(CrashTest, EveryAcknowledgedMarkSurvivesKillsAndRetriesCountOnce) {
  const std::vector<Mark> marks = Workload(Cycles());
  std::map<std::string, std::uint64_t> acked;  // key -> sequence
  std::mt19937 rng(20261122);
  std::cout << "crash test: seed 20261122, " << Cycles() << " kill cycles\n";
  for (int cycle = 0; cycle < Cycles(); ++cycle) {
    Server server(dir_, db_);
    ASSERT_FALSE(server.address().empty()) << "the server did not start (cycle " << cycle << ")";
    // Whatever was acknowledged before is still there: a retry is a duplicate
    // with the same sequence, never a second count.
    {
      auto stub = v1::ScoringService::NewStub(
          grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
      for (const Mark& m : marks) {
        const auto it = acked.find(m.key);
        if (it == acked.end()) continue;
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + tokens_[m.judge]);
        v1::WriteResponse response;
        ASSERT_TRUE(Send(*stub, context, m, &response).ok()) << m.key;
        EXPECT_TRUE(response.duplicate()) << m.key;
        EXPECT_EQ(response.sequence(), it->second) << m.key;
      }
    }
    // Load, and a kill at a random point of it.
    std::atomic<int> acks{0};
    std::condition_variable progress;
    const int kill_after = std::uniform_int_distribution<int>(20, 120)(rng);
    std::atomic<bool> load_done{false};
    std::thread load([&] {
      Submit(server.address(), marks, acked, acks, progress);
      load_done = true;
      progress.notify_all();
    });
    {
      std::unique_lock lock(mutex_);
      progress.wait_for(lock, std::chrono::seconds(30),
                        [&] { return acks >= kill_after || load_done; });
    }
    server.process().Kill(SIGKILL);
    EXPECT_EQ(server.process().Wait(), 128 + SIGKILL);
    load.join();
    std::cout << "cycle " << cycle << ": killed after " << acks << " acknowledgements, "
              << acked.size() << " acknowledged in all\n";
  }

  // The last run: everything is entered (retries of unknown marks included).
  nlohmann::json live;
  {
    Server server(dir_, db_);
    ASSERT_FALSE(server.address().empty());
    std::atomic<int> acks{0};
    std::condition_variable progress;
    Submit(server.address(), marks, acked, acks, progress);
    EXPECT_EQ(acked.size(), marks.size());
    auto stub = v1::StandingsService::NewStub(
        grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + tokens_["organizer-1"]);
    v1::Standings standings;
    ASSERT_TRUE(stub->GetStandings(&context, v1::GetStandingsRequest(), &standings).ok());
    for (const v1::StandingRow& row : standings.trades(0).rows()) {
      live[row.bib()] = {{"rank", row.rank()}, {"total", row.total()}};
    }
    server.process().Kill(SIGTERM);
    EXPECT_EQ(server.process().Wait(), 0);
  }

  // The ledger holds each mark exactly once.
  auto ledger = Ledger::OpenReadOnly(db_);
  ASSERT_THAT(ledger, IsOk());
  std::map<std::string, int> stored;
  std::vector<LedgerRecord> records;
  ASSERT_THAT((*ledger)->Replay([&](const LedgerRecord& r) {
    ++stored[r.idempotency_key];
    records.push_back(r);
    return OkStatus();
  }),
              IsOk());
  EXPECT_EQ(records.size(), marks.size());
  for (const auto& [key, count] : stored) EXPECT_EQ(count, 1) << key;
  for (const auto& [key, sequence] : acked) EXPECT_EQ(stored.count(key), 1u) << key;

  // Offline `podium score` of the ledger's marks gives the same standings.
  const fs::path offline = tmp_.path() / "offline";
  fs::create_directories(offline);
  for (const char* file : {"competition.yaml", "contestants.csv", "judges.csv"}) {
    fs::copy_file(dir_ / file, offline / file);
  }
  {
    std::ofstream scores(offline / "scores.csv", std::ios::binary);
    scores << definition::CsvLine({"judge", "contestant", "item", "value"});
    for (const LedgerRecord& r : records) {
      char value[32];
      std::snprintf(value, sizeof value, "%g", r.value);
      scores << definition::CsvLine({r.judge, r.bib, r.item, value});
    }
  }
  std::ostringstream out, err;
  ASSERT_EQ(cli::Run({"score", offline.string(), "--format", "json"}, out, err), 0) << err.str();
  const nlohmann::json scored = nlohmann::json::parse(out.str());
  int compared = 0;
  for (const auto& row : scored["trades"][0]["standings"]) {
    const std::string bib = row["contestant"];
    ASSERT_TRUE(live.contains(bib)) << bib;
    EXPECT_EQ(live[bib]["rank"], row["rank"]) << bib;
    EXPECT_DOUBLE_EQ(live[bib]["total"].get<double>(), row["total"].get<double>()) << bib;
    ++compared;
  }
  EXPECT_EQ(compared, kBibs);
}

}  // namespace
}  // namespace podium::server
