// The podium.v1 gRPC services, end to end: a LiveCompetition over a fresh
// ledger in a temporary directory, an RpcServer on 127.0.0.1 with a free port,
// and clients over real channels with bearer tokens issued into the ledger.
// Every wait is bounded (call deadlines, condition waits with timeouts).
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/v1/competition.grpc.pb.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"
#include "server/core/auth.h"
#include "server/core/live_competition.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "server/rpc/rpc_server.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::podium::test::IsOk;
using ::podium::test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace std::chrono_literals;

// 2026-01-01T00:00:00Z: the fake clock's start.
constexpr std::int64_t kStartMs = 1'767'225'600'000;
// Every unary call's deadline, and the longest wait for a streamed message.
constexpr auto kCallTimeout = 10s;
constexpr auto kWait = 10s;
// Watch streams end by themselves after this at the latest.
constexpr auto kWatchTimeout = 60s;

// Callers that hold no valid token.
constexpr char kNoToken[] = "(no token)";
constexpr char kUnknownToken[] = "(unknown token)";
constexpr char kNotBearer[] = "(not a bearer token)";

constexpr char kExam[] = "mine-rescue:theory.exam";
constexpr char kBench[] = "mine-rescue:practical.respirator-bench";
constexpr char kCpr[] = "mine-rescue:practical.cpr";

// Matches a grpc::Status with this code and a message matching `message`.
MATCHER_P2(GrpcIs, code, message,
           "has gRPC code " + ::testing::PrintToString(static_cast<int>(code)) +
               " and a message that " + ::testing::DescribeMatcher<const std::string&>(message)) {
  *result_listener << "code " << static_cast<int>(arg.error_code()) << ", message \""
                   << arg.error_message() << "\"";
  return arg.error_code() == code &&
         ::testing::ExplainMatchResult(message, arg.error_message(), result_listener);
}

MATCHER(GrpcOk, "is OK") {
  *result_listener << "code " << static_cast<int>(arg.error_code()) << ", message \""
                   << arg.error_message() << "\"";
  return arg.ok();
}

MATCHER_P(ProtoEq, expected, "equals " + expected.ShortDebugString()) {
  *result_listener << "is " << arg.ShortDebugString();
  return MessageDifferencer::Equals(arg, expected);
}

struct Written {
  grpc::Status status;
  v1::WriteResponse response;
};

const v1::StandingRow* FindRow(const v1::Standings& standings, const std::string& bib) {
  for (const v1::TradeStandings& trade : standings.trades()) {
    for (const v1::StandingRow& row : trade.rows()) {
      if (row.bib() == bib) return &row;
    }
  }
  return nullptr;
}

// A copy of a bib's row; a failure (and an empty row) if it is missing.
v1::StandingRow RowOf(const v1::Standings& standings, const std::string& bib) {
  const v1::StandingRow* row = FindRow(standings, bib);
  if (row == nullptr) {
    ADD_FAILURE() << "no row for bib " << bib;
    return v1::StandingRow();
  }
  return *row;
}

bool DeltaHasBib(const v1::StandingsDelta& delta, const std::string& bib) {
  for (const v1::TradeDelta& trade : delta.trades()) {
    for (const v1::StandingRow& row : trade.rows()) {
      if (row.bib() == bib) return true;
    }
  }
  return false;
}

std::string Describe(const v1::StandingsUpdate& update) {
  if (update.has_snapshot()) {
    return "snapshot v" + std::to_string(update.snapshot().version());
  }
  return "delta " + std::to_string(update.delta().from_version()) + "->" +
         std::to_string(update.delta().to_version());
}

// What a client keeps from a watch stream, the way standings.proto describes
// it: a snapshot replaces everything; a delta overwrites leaderboard positions
// (rows and team rows) and, when present, the whole cross-trade tables.
class Board final {
 public:
  static Board Of(const v1::Standings& standings) {
    Board board;
    board.Reset(standings);
    return board;
  }

  // Returns false (with a failure) if a delta does not start at this board's version.
  bool Apply(const v1::StandingsUpdate& update) {
    if (update.has_snapshot()) {
      Reset(update.snapshot());
      return true;
    }
    const v1::StandingsDelta& delta = update.delta();
    if (delta.from_version() != version_) {
      ADD_FAILURE() << "delta " << delta.from_version() << "->" << delta.to_version()
                    << " does not follow version " << version_;
      return false;
    }
    EXPECT_GT(delta.to_version(), delta.from_version());
    version_ = delta.to_version();
    for (const v1::TradeDelta& trade : delta.trades()) {
      auto& rows = rows_[trade.trade()];
      for (const v1::StandingRow& row : trade.rows()) {
        if (row.position() < 0 || row.position() >= static_cast<int>(rows.size())) {
          ADD_FAILURE() << "delta row at position " << row.position() << " outside the board";
          return false;
        }
        rows[row.position()] = row;
      }
      auto& teams = teams_[trade.trade()];
      for (const v1::TeamRow& team : trade.teams()) {
        if (team.position() < 0 || team.position() >= static_cast<int>(teams.size())) {
          ADD_FAILURE() << "delta team at position " << team.position() << " outside the board";
          return false;
        }
        teams[team.position()] = team;
      }
    }
    if (delta.teams_size() > 0) all_teams_.assign(delta.teams().begin(), delta.teams().end());
    if (delta.medal_tally_size() > 0) {
      tally_.assign(delta.medal_tally().begin(), delta.medal_tally().end());
    }
    return true;
  }

  std::uint64_t version() const { return version_; }

  // Adds a failure for every place where the boards differ.
  void ExpectEquals(const Board& expected) const {
    EXPECT_EQ(version_, expected.version_);
    ASSERT_EQ(rows_.size(), expected.rows_.size());
    for (const auto& [trade, rows] : expected.rows_) {
      const auto& actual = rows_.at(trade);
      ASSERT_EQ(actual.size(), rows.size()) << trade;
      for (std::size_t p = 0; p < rows.size(); ++p) {
        EXPECT_THAT(actual[p], ProtoEq(rows[p])) << trade << " position " << p;
      }
      const auto& actual_teams = teams_.at(trade);
      ASSERT_EQ(actual_teams.size(), expected.teams_.at(trade).size()) << trade;
      for (std::size_t p = 0; p < actual_teams.size(); ++p) {
        EXPECT_THAT(actual_teams[p], ProtoEq(expected.teams_.at(trade)[p]))
            << trade << " team position " << p;
      }
    }
    ASSERT_EQ(all_teams_.size(), expected.all_teams_.size());
    for (std::size_t p = 0; p < all_teams_.size(); ++p) {
      EXPECT_THAT(all_teams_[p], ProtoEq(expected.all_teams_[p]));
    }
    ASSERT_EQ(tally_.size(), expected.tally_.size());
    for (std::size_t p = 0; p < tally_.size(); ++p) {
      EXPECT_THAT(tally_[p], ProtoEq(expected.tally_[p]));
    }
  }

 private:
  void Reset(const v1::Standings& s) {
    version_ = s.version();
    rows_.clear();
    teams_.clear();
    for (const v1::TradeStandings& trade : s.trades()) {
      rows_[trade.trade()].assign(trade.rows().begin(), trade.rows().end());
      teams_[trade.trade()].assign(trade.teams().begin(), trade.teams().end());
    }
    all_teams_.assign(s.teams().begin(), s.teams().end());
    tally_.assign(s.medal_tally().begin(), s.medal_tally().end());
  }

  std::uint64_t version_ = 0;
  std::map<std::string, std::vector<v1::StandingRow>> rows_;  // trade -> by position
  std::map<std::string, std::vector<v1::TeamRow>> teams_;
  std::vector<v1::TeamRow> all_teams_;
  std::vector<v1::MedalRow> tally_;
};

// One WatchStandings stream, read on its own thread into a queue. A watcher
// made with `read_first` reads that many updates and then stops reading (a
// slow client) until Resume().
class Watcher final {
 public:
  Watcher(v1::StandingsService::Stub& stub, const std::string& authorization,
          const v1::WatchStandingsRequest& request,
          std::size_t read_first = std::numeric_limits<std::size_t>::max())
      : read_limit_(read_first) {
    context_.set_deadline(std::chrono::system_clock::now() + kWatchTimeout);
    if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
    reader_ = stub.WatchStandings(&context_, request);
    thread_ = std::thread([this] { Loop(); });
  }
  ~Watcher() { Stop(); }
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;

  // The next update, waiting at most `timeout`; nullopt if none came or the stream ended.
  std::optional<v1::StandingsUpdate> Next(std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return !updates_.empty() || ended_; });
    if (updates_.empty()) return std::nullopt;
    v1::StandingsUpdate update = std::move(updates_.front());
    updates_.pop_front();
    return update;
  }

  // The stream's status once it ends by itself (within `timeout`); nullopt if it does not.
  std::optional<grpc::Status> Ended(std::chrono::milliseconds timeout = kWait) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return ended_; })) return std::nullopt;
    return status_;
  }

  // Lets a slow watcher read again.
  void Resume() {
    std::lock_guard lock(mutex_);
    read_limit_ = std::numeric_limits<std::size_t>::max();
    changed_.notify_all();
  }

  std::size_t reads() const {
    std::lock_guard lock(mutex_);
    return reads_;
  }

  // Cancels the stream and waits for the reading thread.
  void Stop() {
    if (!thread_.joinable()) return;
    context_.TryCancel();
    Resume();
    thread_.join();
  }

 private:
  void Loop() {
    while (true) {
      {
        std::unique_lock lock(mutex_);
        // Released by Resume(), which Stop() calls: never a wait without an end.
        changed_.wait(lock, [&] { return reads_ < read_limit_; });
      }
      v1::StandingsUpdate update;
      if (!reader_->Read(&update)) break;
      std::lock_guard lock(mutex_);
      ++reads_;
      updates_.push_back(std::move(update));
      changed_.notify_all();
    }
    const grpc::Status status = reader_->Finish();
    std::lock_guard lock(mutex_);
    status_ = status;
    ended_ = true;
    changed_.notify_all();
  }

  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::StandingsUpdate>> reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<v1::StandingsUpdate> updates_;
  std::size_t reads_ = 0;
  std::size_t read_limit_;
  bool ended_ = false;
  grpc::Status status_;
  std::thread thread_;
};

// A bidi SubmitMarks call: a thread reads the answers while the test writes.
class MarkStream final {
 public:
  MarkStream(v1::ScoringService::Stub& stub, const std::string& authorization) {
    context_.set_deadline(std::chrono::system_clock::now() + 30s);
    if (!authorization.empty()) context_.AddMetadata("authorization", authorization);
    stream_ = stub.SubmitMarks(&context_);
    reader_ = std::async(std::launch::async, [this] {
      std::vector<v1::SubmitMarkResult> answers;
      v1::SubmitMarksResponse answer;
      while (stream_->Read(&answer)) {
        for (const v1::SubmitMarkResult& result : answer.results()) answers.push_back(result);
      }
      return answers;
    });
  }
  ~MarkStream() {
    if (reader_.valid()) {
      context_.TryCancel();
      reader_.wait();
    }
  }

  // One mark per message, so answers arrive mark by mark.
  bool Write(const v1::SubmitMarkRequest& request) {
    v1::SubmitMarksRequest message;
    *message.add_marks() = request;
    return stream_->Write(message);
  }

  // A whole message as given.
  bool WriteMessage(const v1::SubmitMarksRequest& message) { return stream_->Write(message); }

  // Closes the writing side and returns every answer and the call's status,
  // waiting at most `timeout` for them.
  std::pair<std::vector<v1::SubmitMarkResult>, grpc::Status> Finish(
      std::chrono::seconds timeout = 20s) {
    stream_->WritesDone();
    if (reader_.wait_for(timeout) != std::future_status::ready) {
      ADD_FAILURE() << "SubmitMarks answers did not all arrive within " << timeout.count() << " s";
      context_.TryCancel();
    }
    std::vector<v1::SubmitMarkResult> answers = reader_.get();
    return {std::move(answers), stream_->Finish()};
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::SubmitMarksRequest, v1::SubmitMarksResponse>>
      stream_;
  std::future<std::vector<v1::SubmitMarkResult>> reader_;
};

v1::SubmitMarkRequest MarkRequest(const std::string& key, const std::string& bib,
                                  const std::string& item, double value,
                                  const std::string& judge = "") {
  v1::SubmitMarkRequest request;
  request.set_idempotency_key(key);
  request.set_bib(bib);
  request.set_item(item);
  request.set_value(value);
  request.set_judge(judge);
  request.set_device("tablet-1");
  return request;
}

// A live competition with its gRPC server and clients. Helpers are public so
// that parameterized cases can call them.
class ServerTest : public ::testing::Test {
 public:
  virtual std::string CompetitionName() const { return "mine-rescue-2026"; }

  void SetUp() override {
    dir_ = test::DataDir() / CompetitionName();
    db_ = temp_.path() / "contest.db";
    ASSERT_NO_FATAL_FAILURE(IssueAllTokens());
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  void TearDown() override { StopServer(); }

  void IssueAllTokens() {
    definition::LoadOptions load;
    load.load_marks = false;
    std::vector<engine::Problem> problems;
    auto loaded = definition::LoadCompetition(dir_, load, &problems);
    ASSERT_THAT(loaded, IsOk());
    auto ledger = Ledger::Open(db_, loaded->competition->spec().id);
    ASSERT_THAT(ledger, IsOk());
    auto issued =
        IssueTokens(**ledger, *loaded->competition, /*displays=*/2, /*organizers=*/1, kStartMs);
    ASSERT_THAT(issued, IsOk());
    for (const IssuedToken& t : *issued) tokens_[t.subject] = t.token;
    // The ledger closes here: the server opens its own.
  }

  void StartServer() {
    LiveOptions options;
    options.threads = 1;
    options.clock = [this] { return now_ms_.load(); };
    std::vector<engine::Problem> problems;
    auto live = LiveCompetition::Open(dir_, db_, options, &problems);
    ASSERT_THAT(live, IsOk());
    live_ = std::move(*live);
    api_ = std::make_unique<Api>(*live_);
    RpcServerOptions rpc;
    rpc.address = "127.0.0.1:0";
    auto server = RpcServer::Start(*api_, rpc);
    ASSERT_THAT(server, IsOk());
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
    channel_ = grpc::CreateChannel(target(), grpc::InsecureChannelCredentials());
    ASSERT_TRUE(channel_->WaitForConnected(std::chrono::system_clock::now() + kCallTimeout));
    competition_ = v1::CompetitionService::NewStub(channel_);
    scoring_ = v1::ScoringService::NewStub(channel_);
    standings_ = v1::StandingsService::NewStub(channel_);
  }

  // Destroys the server, then the live competition (its writer and ledger).
  void StopServer() {
    competition_.reset();
    scoring_.reset();
    standings_.reset();
    channel_.reset();
    server_.reset();
    api_.reset();
    live_.reset();
  }

  std::string target() const { return "127.0.0.1:" + std::to_string(server_->port()); }

  // The authorization metadata `who` sends ("" for none).
  std::string Authorization(const std::string& who) const {
    if (who == kNoToken) return "";
    if (who == kUnknownToken) return "Bearer abcdefghijklmnopqrstuvwxyz234567";
    if (who == kNotBearer) return "Basic " + tokens_.at("organizer-1");
    const auto it = tokens_.find(who);
    if (it == tokens_.end()) {
      ADD_FAILURE() << "no token issued for " << who;
      return "";
    }
    return "Bearer " + it->second;
  }

  std::unique_ptr<grpc::ClientContext> Context(const std::string& who) const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    const std::string authorization = Authorization(who);
    if (!authorization.empty()) context->AddMetadata("authorization", authorization);
    return context;
  }

  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub,
                    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const std::string& who, const Request& request, Response* response) const {
    auto context = Context(who);
    return (stub.*method)(context.get(), request, response);
  }

  // --- Writes -------------------------------------------------------------

  Written Mark(const std::string& who, const std::string& key, const std::string& bib,
               const std::string& item, double value, const std::string& judge = "") {
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::SubmitMark, who,
                    MarkRequest(key, bib, item, value, judge), &w.response);
    return w;
  }

  Written Correct(const std::string& who, const std::string& key, const std::string& bib,
                  const std::string& item, const std::string& judge, double value,
                  const std::string& reason, const std::string& device = "desk-1") {
    v1::CorrectMarkRequest request;
    request.set_idempotency_key(key);
    request.set_bib(bib);
    request.set_item(item);
    request.set_judge(judge);
    request.set_value(value);
    request.set_reason(reason);
    request.set_device(device);
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::CorrectMark, who, request, &w.response);
    return w;
  }

  Written Void(const std::string& who, const std::string& key, const std::string& bib,
               const std::string& item, const std::string& judge, const std::string& reason) {
    v1::VoidMarkRequest request;
    request.set_idempotency_key(key);
    request.set_bib(bib);
    request.set_item(item);
    request.set_judge(judge);
    request.set_reason(reason);
    request.set_device("desk-1");
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::VoidMark, who, request, &w.response);
    return w;
  }

  Written SetStatus(const std::string& who, const std::string& key, const std::string& bib,
                    v1::ContestantStatus status, const std::string& reason) {
    v1::SetStatusRequest request;
    request.set_idempotency_key(key);
    request.set_bib(bib);
    request.set_status(status);
    request.set_reason(reason);
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::SetStatus, who, request, &w.response);
    return w;
  }

  Written Penalty(const std::string& who, const std::string& key, const std::string& bib,
                  const std::string& item, const std::string& penalty, int count,
                  const std::string& judge = "") {
    v1::AddPenaltyRequest request;
    request.set_idempotency_key(key);
    request.set_bib(bib);
    request.set_item(item);
    request.set_penalty(penalty);
    request.set_count(count);
    request.set_judge(judge);
    request.set_note("observed at station");
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::AddPenalty, who, request, &w.response);
    return w;
  }

  Written Lock(const std::string& who, const std::string& key, const std::string& item,
               bool locked) {
    v1::SetLockRequest request;
    request.set_idempotency_key(key);
    request.set_item(item);
    request.set_locked(locked);
    request.set_reason(locked ? "panel reviewed" : "reopened");
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::SetLock, who, request, &w.response);
    return w;
  }

  grpc::Status SetPhase(const std::string& who, const std::string& key, v1::Phase phase,
                        v1::Lifecycle* lifecycle) {
    v1::SetPhaseRequest request;
    request.set_idempotency_key(key);
    request.set_phase(phase);
    request.set_reason("ceremony");
    return Call(*competition_, &v1::CompetitionService::Stub::SetPhase, who, request, lifecycle);
  }

  grpc::Status Release(const std::string& who, const std::string& key, v1::Lifecycle* lifecycle) {
    v1::ReleaseResultsRequest request;
    request.set_idempotency_key(key);
    return Call(*competition_, &v1::CompetitionService::Stub::ReleaseResults, who, request,
                lifecycle);
  }

  // --- Reads --------------------------------------------------------------

  grpc::Status GetStandings(const std::string& who, v1::Standings* standings,
                            const std::string& trade = "", int limit = 0) {
    v1::GetStandingsRequest request;
    request.set_trade(trade);
    request.set_limit(limit);
    return Call(*standings_, &v1::StandingsService::Stub::GetStandings, who, request, standings);
  }

  // The standings as `who` sees them (the call must succeed).
  v1::Standings Standings(const std::string& who = "organizer-1") {
    v1::Standings standings;
    EXPECT_THAT(GetStandings(who, &standings), GrpcOk()) << "GetStandings as " << who;
    return standings;
  }

  grpc::Status GetSheet(const std::string& who, const std::string& judge, v1::Sheet* sheet) {
    v1::GetSheetRequest request;
    request.set_judge(judge);
    return Call(*scoring_, &v1::ScoringService::Stub::GetSheet, who, request, sheet);
  }

  grpc::Status GetReviewQueue(const std::string& who, v1::ReviewQueue* queue,
                              const std::string& trade = "") {
    v1::GetReviewQueueRequest request;
    request.set_trade(trade);
    return Call(*scoring_, &v1::ScoringService::Stub::GetReviewQueue, who, request, queue);
  }

  grpc::Status GetJudgeAnalytics(const std::string& who, v1::JudgeAnalytics* analytics,
                                 const std::string& trade = "") {
    v1::GetJudgeAnalyticsRequest request;
    request.set_trade(trade);
    return Call(*scoring_, &v1::ScoringService::Stub::GetJudgeAnalytics, who, request, analytics);
  }

  grpc::Status GetHistory(const std::string& who, const std::string& bib, const std::string& item,
                          const std::string& judge, v1::MarkHistory* history) {
    v1::GetMarkHistoryRequest request;
    request.set_bib(bib);
    request.set_item(item);
    request.set_judge(judge);
    return Call(*scoring_, &v1::ScoringService::Stub::GetMarkHistory, who, request, history);
  }

  v1::MarkHistory History(const std::string& bib, const std::string& item,
                          const std::string& judge = "") {
    v1::MarkHistory history;
    EXPECT_THAT(GetHistory("CJ01", bib, item, judge, &history), GrpcOk());
    return history;
  }

  grpc::Status ListContestants(const std::string& who, v1::ListContestantsResponse* response,
                               const std::string& trade = "") {
    v1::ListContestantsRequest request;
    request.set_trade(trade);
    return Call(*competition_, &v1::CompetitionService::Stub::ListContestants, who, request,
                response);
  }

  v1::Lifecycle Lifecycle(const std::string& who = "display-1") {
    v1::Lifecycle lifecycle;
    EXPECT_THAT(Call(*competition_, &v1::CompetitionService::Stub::GetLifecycle, who,
                     v1::GetLifecycleRequest(), &lifecycle),
                GrpcOk());
    return lifecycle;
  }

  std::unique_ptr<Watcher> Watch(const std::string& who, std::uint64_t after_version = 0,
                                 std::size_t read_first = std::numeric_limits<std::size_t>::max(),
                                 v1::StandingsService::Stub* stub = nullptr) {
    v1::WatchStandingsRequest request;
    request.set_after_version(after_version);
    return std::make_unique<Watcher>(stub != nullptr ? *stub : *standings_, Authorization(who),
                                     request, read_first);
  }

  std::unique_ptr<Watcher> Watch(const std::string& who, const v1::WatchStandingsRequest& request) {
    return std::make_unique<Watcher>(*standings_, Authorization(who), request);
  }

  // The ledger's last sequence, read on the writer thread between batches.
  std::uint64_t LedgerSequence() {
    auto promise = std::make_shared<std::promise<std::uint64_t>>();
    std::future<std::uint64_t> future = promise->get_future();
    live_->writer().Run([promise](const ContestState&, const Ledger& ledger) {
      promise->set_value(ledger.last_sequence());
    });
    if (future.wait_for(kCallTimeout) != std::future_status::ready) {
      ADD_FAILURE() << "the writer did not answer a query within the deadline";
      return 0;
    }
    return future.get();
  }

  void AdvanceClock(std::int64_t ms) { now_ms_ += ms; }

  TempDir temp_;
  std::filesystem::path dir_;
  std::filesystem::path db_;
  std::map<std::string, std::string> tokens_;  // subject -> token
  std::atomic<std::int64_t> now_ms_{kStartMs};
  std::unique_ptr<LiveCompetition> live_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<RpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CompetitionService::Stub> competition_;
  std::unique_ptr<v1::ScoringService::Stub> scoring_;
  std::unique_ptr<v1::StandingsService::Stub> standings_;
};

// --- Every RPC for the role it is meant for ---------------------------------

TEST_F(ServerTest, SubmitMarkIsAcknowledgedWithItsLedgerSequence) {
  const Written first = Mark("M01", "m01-k001", "K001", "exam", 80);
  ASSERT_THAT(first.status, GrpcOk());
  EXPECT_EQ(first.response.sequence(), 1u);
  EXPECT_FALSE(first.response.duplicate());
  EXPECT_EQ(first.response.state(), v1::WRITE_STATE_ACCEPTED);
  // Items by short name, event.item and full ref all resolve.
  EXPECT_EQ(Mark("P01", "p01-k001", "K001", "respirator-bench", 10).response.sequence(), 2u);
  EXPECT_EQ(Mark("P02", "p02-k001", "K001", "practical.respirator-bench", 10).response.sequence(),
            3u);
  EXPECT_EQ(Mark("P03", "p03-k001", "K001", kBench, 10).response.sequence(), 4u);
  EXPECT_EQ(Mark("P04", "p04-k001", "K001", kBench, 10).response.sequence(), 5u);
  const Written last = Mark("P05", "p05-k001", "K001", kBench, 14);
  ASSERT_THAT(last.status, GrpcOk());
  EXPECT_EQ(last.response.sequence(), 6u);

  const v1::Standings standings = Standings();
  EXPECT_EQ(standings.version(), 6u);
  EXPECT_FALSE(standings.frozen());
  ASSERT_THAT(standings.trades(), SizeIs(1));
  EXPECT_EQ(standings.trades(0).trade(), "mine-rescue");
  EXPECT_EQ(standings.trades(0).size(), 88);
  ASSERT_THAT(standings.trades(0).rows(), SizeIs(88));
  const v1::StandingRow& top = standings.trades(0).rows(0);
  EXPECT_EQ(top.bib(), "K001");
  EXPECT_EQ(top.name(), "张志强");
  EXPECT_EQ(top.rank(), 1);
  EXPECT_EQ(top.position(), 0);
  // Theory 80 x 30 % + practical (trimmed mean of 10,10,10,10,14 = 10) x 70 %.
  EXPECT_DOUBLE_EQ(top.total(), 31.0);
  EXPECT_DOUBLE_EQ(top.events().at("theory"), 80.0);
  EXPECT_DOUBLE_EQ(top.events().at("practical"), 10.0);
  EXPECT_EQ(top.status(), v1::CONTESTANT_STATUS_PRESENT);
  EXPECT_FALSE(top.complete());
  EXPECT_TRUE(top.flagged());  // spread 4 > tolerance 2.5
  // The limit and trade filter of GetStandings.
  v1::Standings top3;
  ASSERT_THAT(GetStandings("display-1", &top3, "mine-rescue", 3), GrpcOk());
  ASSERT_THAT(top3.trades(), SizeIs(1));
  EXPECT_EQ(top3.trades(0).size(), 88);
  EXPECT_THAT(top3.trades(0).rows(), SizeIs(3));
  v1::Standings unknown;
  EXPECT_THAT(GetStandings("display-1", &unknown, "welder"),
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'welder'")));
  EXPECT_THAT(GetStandings("display-1", &unknown, "", -1),
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("limit")));
}

TEST_F(ServerTest, SubmitMarkRefusesBadMarksNamingTheProblem) {
  EXPECT_THAT(Mark("P01", "k1", "K001", kBench, 15.5).status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT,
                     AllOf(HasSubstr("K001"), HasSubstr("15.5"), HasSubstr("[0, 15]"))));
  EXPECT_THAT(Mark("P01", "k2", "K001", kBench, 12.3).status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("multiple of step 0.5")));
  EXPECT_THAT(Mark("P01", "k3", "K999", kBench, 12).status,
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'K999'")));
  EXPECT_THAT(Mark("P01", "k4", "K001", "juggling", 12).status,
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'juggling'")));
  EXPECT_THAT(Mark("P01", "", "K001", kBench, 12).status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("idempotency_key")));
  EXPECT_THAT(Mark("P01", std::string(129, 'k'), "K001", kBench, 12).status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("idempotency_key")));
  EXPECT_THAT(Mark("CJ01", "k5", "K001", kBench, 12).status,
              GrpcIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("'CJ01'")));
  EXPECT_EQ(LedgerSequence(), 0u);
  EXPECT_EQ(Standings().version(), 0u);
}

TEST_F(ServerTest, SubmitMarksAnswersEveryRequestWithItsKeyAndCode) {
  MarkStream stream(*scoring_, Authorization("P01"));
  std::vector<v1::SubmitMarkRequest> requests = {
      MarkRequest("good-1", "K002", kBench, 12),
      MarkRequest("too-high", "K005", kBench, 20),
      MarkRequest("not-mine", "K002", kCpr, 10),
      MarkRequest("no-such-bib", "K999", kBench, 10),
      MarkRequest("good-2", "K003", kBench, 11.5),
      MarkRequest("off-step", "K004", kBench, 11.3),
      MarkRequest("", "K004", kBench, 11),
      MarkRequest("good-1", "K002", kBench, 12),  // a retry
      MarkRequest("good-2", "K003", kBench, 9),   // the key reused for another mark
      MarkRequest("again", "K002", kBench, 13),   // the cell is already marked
      MarkRequest("for-p02", "K004", kBench, 13, "P02"),
  };
  for (const auto& request : requests) ASSERT_TRUE(stream.Write(request));
  auto [answers, status] = stream.Finish();
  EXPECT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(requests.size()));
  std::map<std::string, std::vector<v1::SubmitMarkResult>> by_key;
  for (const auto& answer : answers) by_key[answer.idempotency_key()].push_back(answer);

  ASSERT_THAT(by_key["good-1"], SizeIs(2));
  ASSERT_THAT(by_key["good-2"], SizeIs(2));
  // The first answer to a key is the original; the retry is a duplicate of it.
  const auto& good1 = by_key["good-1"];
  const auto& good2 = by_key["good-2"];
  const auto& original1 = good1[0].result().duplicate() ? good1[1] : good1[0];
  const auto& retry1 = good1[0].result().duplicate() ? good1[0] : good1[1];
  EXPECT_EQ(original1.code(), 0);
  EXPECT_EQ(original1.result().state(), v1::WRITE_STATE_ACCEPTED);
  EXPECT_FALSE(original1.result().duplicate());
  EXPECT_EQ(retry1.code(), 0);
  EXPECT_TRUE(retry1.result().duplicate());
  EXPECT_EQ(retry1.result().sequence(), original1.result().sequence());
  const auto& original2 = good2[0].code() == 0 ? good2[0] : good2[1];
  const auto& reused2 = good2[0].code() == 0 ? good2[1] : good2[0];
  EXPECT_EQ(original2.code(), 0);
  EXPECT_FALSE(original2.result().duplicate());
  EXPECT_NE(original2.result().sequence(), original1.result().sequence());
  EXPECT_EQ(reused2.code(), static_cast<int>(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_THAT(reused2.message(), HasSubstr("'good-2'"));
  EXPECT_EQ(reused2.result().sequence(), 0u);

  auto only = [&](const std::string& key) {
    EXPECT_THAT(by_key[key], SizeIs(1)) << key;
    return by_key[key].empty() ? v1::SubmitMarkResult() : by_key[key][0];
  };
  const auto too_high = only("too-high");
  EXPECT_EQ(too_high.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(too_high.message(), HasSubstr("outside [0, 15]"));
  EXPECT_FALSE(too_high.has_result());
  const auto not_mine = only("not-mine");
  EXPECT_EQ(not_mine.code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(not_mine.message(), HasSubstr("not assigned to item 'mine-rescue:practical.cpr'"));
  const auto no_bib = only("no-such-bib");
  EXPECT_EQ(no_bib.code(), static_cast<int>(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(no_bib.message(), HasSubstr("'K999'"));
  const auto off_step = only("off-step");
  EXPECT_EQ(off_step.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(off_step.message(), HasSubstr("multiple of step"));
  const auto no_key = only("");
  EXPECT_EQ(no_key.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(no_key.message(), HasSubstr("idempotency_key"));
  const auto again = only("again");
  EXPECT_EQ(again.code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(again.message(), HasSubstr("correct it"));
  const auto for_p02 = only("for-p02");
  EXPECT_EQ(for_p02.code(), static_cast<int>(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(for_p02.message(), HasSubstr("'P02'"));

  // Exactly the two good marks are in the ledger and the standings.
  EXPECT_EQ(LedgerSequence(), 2u);
  EXPECT_EQ(Standings().version(), 2u);
  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("P01", "", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(1));
  ASSERT_GE(sheet.items(0).entries_size(), 4);
  EXPECT_DOUBLE_EQ(sheet.items(0).entries(1).value(), 12);    // K002
  EXPECT_DOUBLE_EQ(sheet.items(0).entries(2).value(), 11.5);  // K003
  EXPECT_FALSE(sheet.items(0).entries(3).has_mark());         // K004
}

// scoring.proto, SubmitMarks: "every request is answered, in order, on the response stream".
TEST_F(ServerTest, SubmitMarksAnswersInRequestOrder) {
  MarkStream stream(*scoring_, Authorization("CJ01"));
  std::vector<std::string> keys;
  for (int b = 1; b <= 88; ++b) {
    char bib[8];
    std::snprintf(bib, sizeof bib, "K%03d", b);
    keys.push_back(std::string("ok-") + bib);
    ASSERT_TRUE(stream.Write(MarkRequest(keys.back(), bib, kBench, 10, "P01")));
    keys.push_back(std::string("bad-") + bib);
    ASSERT_TRUE(stream.Write(MarkRequest(keys.back(), bib, kBench, 99, "P02")));
  }
  auto [answers, status] = stream.Finish();
  EXPECT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(keys.size()));
  int out_of_order = 0;
  for (std::size_t i = 0; i < answers.size(); ++i) {
    const auto& answer = answers[i];
    if (answer.idempotency_key() != keys[i]) ++out_of_order;
    // Whatever the order, each answer carries its own request's outcome.
    if (answer.idempotency_key().starts_with("ok-")) {
      EXPECT_EQ(answer.code(), 0) << answer.idempotency_key() << ": " << answer.message();
    } else {
      EXPECT_EQ(answer.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT))
          << answer.idempotency_key();
      EXPECT_THAT(answer.message(), HasSubstr("outside [0, 15]"));
    }
  }
  EXPECT_EQ(out_of_order, 0) << "answers whose key is not the key of the request at their place";
  if (out_of_order > 0) {
    std::string first;
    for (std::size_t i = 0; i < answers.size() && i < 6; ++i) {
      first += keys[i] + " -> " + answers[i].idempotency_key() + "; ";
    }
    ADD_FAILURE() << "request -> answer, first six: " << first;
  }
  EXPECT_EQ(LedgerSequence(), 88u);
}

TEST_F(ServerTest, CorrectMarkReplacesTheMarkAndHistoryRecordsWhoWhenAndWhy) {
  ASSERT_THAT(Mark("P01", "mark", "K001", "respirator-bench", 12).status, GrpcOk());
  AdvanceClock(60'000);
  const Written own = Correct("P01", "fix-1", "K001", kBench, "P01", 13, "typo", "tablet-9");
  ASSERT_THAT(own.status, GrpcOk());
  EXPECT_EQ(own.response.sequence(), 2u);
  AdvanceClock(60'000);
  const Written chief = Correct("CJ01", "fix-2", "K001", "respirator-bench", "P01", 12.5,
                                "video review", "chief-desk");
  ASSERT_THAT(chief.status, GrpcOk());
  EXPECT_EQ(chief.response.sequence(), 3u);

  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("P01", "", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(1));
  ASSERT_GE(sheet.items(0).entries_size(), 1);
  EXPECT_EQ(sheet.items(0).entries(0).bib(), "K001");
  EXPECT_TRUE(sheet.items(0).entries(0).has_mark());
  EXPECT_DOUBLE_EQ(sheet.items(0).entries(0).value(), 12.5);

  const v1::MarkHistory history = History("K001", "respirator-bench", "P01");
  ASSERT_THAT(history.events(), SizeIs(3));
  const v1::LedgerEvent& mark = history.events(0);
  EXPECT_EQ(mark.sequence(), 1u);
  EXPECT_EQ(mark.recorded_at_ms(), kStartMs);
  EXPECT_EQ(mark.actor(), "P01");
  EXPECT_EQ(mark.role(), v1::ROLE_JUDGE);
  EXPECT_EQ(mark.device(), "tablet-1");
  EXPECT_EQ(mark.kind(), "mark");
  EXPECT_EQ(mark.bib(), "K001");
  EXPECT_EQ(mark.item(), kBench);
  EXPECT_EQ(mark.judge(), "P01");
  EXPECT_DOUBLE_EQ(mark.value(), 12);
  const v1::LedgerEvent& fix1 = history.events(1);
  EXPECT_EQ(fix1.sequence(), 2u);
  EXPECT_EQ(fix1.recorded_at_ms(), kStartMs + 60'000);
  EXPECT_EQ(fix1.actor(), "P01");
  EXPECT_EQ(fix1.device(), "tablet-9");
  EXPECT_EQ(fix1.kind(), "correction");
  EXPECT_EQ(fix1.reason(), "typo");
  EXPECT_DOUBLE_EQ(fix1.value(), 13);
  const v1::LedgerEvent& fix2 = history.events(2);
  EXPECT_EQ(fix2.sequence(), 3u);
  EXPECT_EQ(fix2.recorded_at_ms(), kStartMs + 120'000);
  EXPECT_EQ(fix2.actor(), "CJ01");
  EXPECT_EQ(fix2.role(), v1::ROLE_CHIEF_JUDGE);
  EXPECT_EQ(fix2.device(), "chief-desk");
  EXPECT_EQ(fix2.judge(), "P01");
  EXPECT_EQ(fix2.reason(), "video review");
  EXPECT_DOUBLE_EQ(fix2.value(), 12.5);

  // A correction needs a reason and a mark to correct.
  EXPECT_THAT(Correct("CJ01", "fix-3", "K001", kBench, "P01", 11, "").status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason is required")));
  EXPECT_THAT(Correct("CJ01", "fix-4", "K002", kBench, "P01", 11, "why not").status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION,
                     AllOf(HasSubstr("'K002'"), HasSubstr("no mark to correct"))));
  // The whole panel's history (every judge) for another bib is empty.
  EXPECT_THAT(History("K002", kBench).events(), SizeIs(0));
  EXPECT_EQ(LedgerSequence(), 3u);
}

TEST_F(ServerTest, VoidMarkWithdrawsTheMark) {
  ASSERT_THAT(Mark("M01", "exam", "K001", kExam, 80).status, GrpcOk());
  ASSERT_DOUBLE_EQ(RowOf(Standings(), "K001").total(), 24.0);
  EXPECT_THAT(
      Void("CJ01", "void-0", "K001", kExam, "M01", "").status,
      GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason is required for a void")));
  const Written voided = Void("CJ01", "void-1", "K001", "exam", "M01", "wrong paper");
  ASSERT_THAT(voided.status, GrpcOk());
  EXPECT_EQ(voided.response.sequence(), 2u);
  const v1::Standings standings = Standings();
  EXPECT_EQ(standings.version(), 2u);
  EXPECT_DOUBLE_EQ(RowOf(standings, "K001").total(), 0.0);
  EXPECT_DOUBLE_EQ(RowOf(standings, "K001").events().at("theory"), 0.0);
  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("CJ01", "M01", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(1));
  EXPECT_FALSE(sheet.items(0).entries(0).has_mark());
  EXPECT_THAT(Void("CJ01", "void-2", "K001", kExam, "M01", "again").status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("no mark to void")));
  const v1::MarkHistory history = History("K001", kExam);
  ASSERT_THAT(history.events(), SizeIs(2));
  EXPECT_EQ(history.events(1).kind(), "void");
  EXPECT_EQ(history.events(1).reason(), "wrong paper");
  // Voided, the cell takes a new mark.
  EXPECT_THAT(Mark("M01", "exam-2", "K001", kExam, 70).status, GrpcOk());
  EXPECT_DOUBLE_EQ(RowOf(Standings(), "K001").total(), 21.0);
}

TEST_F(ServerTest, SetStatusChangesTheStandingAndTheRoster) {
  ASSERT_THAT(Mark("M01", "exam", "K005", kExam, 90).status, GrpcOk());
  EXPECT_THAT(SetStatus("CJ01", "absent-0", "K005", v1::CONTESTANT_STATUS_ABSENT, "").status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason is required")));
  EXPECT_THAT(SetStatus("CJ01", "absent-1", "K005", v1::CONTESTANT_STATUS_UNSPECIFIED, "x").status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("CONTESTANT_STATUS_PRESENT")));
  const Written absent =
      SetStatus("organizer-1", "absent-2", "K005", v1::CONTESTANT_STATUS_WITHDRAWN, "injured");
  ASSERT_THAT(absent.status, GrpcOk());
  EXPECT_EQ(absent.response.sequence(), 2u);
  const v1::Standings standings = Standings();
  const v1::StandingRow* row = FindRow(standings, "K005");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->status(), v1::CONTESTANT_STATUS_WITHDRAWN);
  // status_placement: last — ranked after everyone present.
  EXPECT_EQ(row->rank(), 88);
  EXPECT_EQ(row->position(), 87);
  v1::ListContestantsResponse roster;
  ASSERT_THAT(ListContestants("CJ01", &roster), GrpcOk());
  ASSERT_THAT(roster.contestants(), SizeIs(88));
  EXPECT_EQ(roster.contestants(4).bib(), "K005");
  EXPECT_EQ(roster.contestants(4).status(), v1::CONTESTANT_STATUS_WITHDRAWN);
  EXPECT_EQ(roster.contestants(3).status(), v1::CONTESTANT_STATUS_PRESENT);
}

TEST_F(ServerTest, AddPenaltyDeductsItsPoints) {
  for (int j = 21; j <= 25; ++j) {
    const std::string judge = "P" + std::to_string(j);
    ASSERT_THAT(Mark(judge, "cpr-" + judge, "K007", "cpr", 10).status, GrpcOk());
  }
  EXPECT_DOUBLE_EQ(RowOf(Standings(), "K007").total(), 7.0);
  const Written penalty = Penalty("P21", "pen-1", "K007", "cpr", "procedure-error", 2);
  ASSERT_THAT(penalty.status, GrpcOk());
  EXPECT_EQ(penalty.response.sequence(), 6u);
  const v1::Standings standings = Standings();
  const v1::StandingRow* row = FindRow(standings, "K007");
  ASSERT_NE(row, nullptr);
  EXPECT_DOUBLE_EQ(row->events().at("practical"), 8.0);  // 10 - 2 x 1 point
  EXPECT_DOUBLE_EQ(row->total(), 5.6);
  // The chief judge revokes one for P21.
  ASSERT_THAT(Penalty("CJ01", "pen-2", "K007", "cpr", "procedure-error", -1, "P21").status,
              GrpcOk());
  EXPECT_DOUBLE_EQ(RowOf(Standings(), "K007").total(), 6.3);
  EXPECT_THAT(Penalty("P21", "pen-3", "K007", "cpr", "procedure-error", -5).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("cannot revoke 5, only 1")));
  EXPECT_THAT(Penalty("P21", "pen-4", "K007", "cpr", "unsafe", 1).status,
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("no penalty 'unsafe'")));
  EXPECT_THAT(Penalty("P21", "pen-5", "K007", "cpr", "procedure-error", 0).status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("count must not be 0")));
  EXPECT_EQ(LedgerSequence(), 7u);
}

TEST_F(ServerTest, LockedItemRefusesMarksUntilUnlocked) {
  ASSERT_THAT(Mark("P01", "before", "K001", kBench, 12).status, GrpcOk());
  const Written locked = Lock("CJ01", "lock-1", kBench, true);
  ASSERT_THAT(locked.status, GrpcOk());
  EXPECT_EQ(locked.response.sequence(), 2u);
  EXPECT_THAT(Mark("P02", "during", "K001", kBench, 12).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION,
                     AllOf(HasSubstr(std::string("'") + kBench + "'"), HasSubstr("locked"))));
  EXPECT_THAT(Correct("CJ01", "fix", "K001", kBench, "P01", 13, "late").status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("locked")));
  EXPECT_THAT(Lock("CJ01", "lock-2", kBench, true).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already locked")));
  EXPECT_THAT(Lock("CJ01", "lock-3", "mine-rescue:practical.juggling", true).status,
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'mine-rescue:practical.juggling'")));
  // Other items still take marks; the sheet and the definition show the lock.
  EXPECT_THAT(Mark("P21", "cpr", "K001", kCpr, 12).status, GrpcOk());
  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("P02", "", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(1));
  EXPECT_TRUE(sheet.items(0).locked());
  v1::Competition competition;
  ASSERT_THAT(Call(*competition_, &v1::CompetitionService::Stub::GetCompetition, "P02",
                   v1::GetCompetitionRequest(), &competition),
              GrpcOk());
  const v1::Event& practical = competition.trades(0).events(1);
  EXPECT_TRUE(practical.items(0).locked());
  EXPECT_FALSE(practical.items(4).locked());
  EXPECT_FALSE(practical.locked());

  ASSERT_THAT(Lock("CJ01", "unlock-1", kBench, false).status, GrpcOk());
  EXPECT_THAT(Mark("P02", "after", "K001", kBench, 12).status, GrpcOk());
  EXPECT_THAT(Lock("CJ01", "unlock-2", kBench, false).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already unlocked")));

  // A whole event.
  ASSERT_THAT(Lock("CJ01", "lock-event", "mine-rescue:practical.*", true).status, GrpcOk());
  EXPECT_THAT(Mark("P22", "cpr-2", "K001", kCpr, 12).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("locked")));
  EXPECT_THAT(Mark("M01", "exam", "K001", kExam, 50).status, GrpcOk());
  ASSERT_THAT(Call(*competition_, &v1::CompetitionService::Stub::GetCompetition, "display-1",
                   v1::GetCompetitionRequest(), &competition),
              GrpcOk());
  EXPECT_TRUE(competition.trades(0).events(1).locked());
  EXPECT_FALSE(competition.trades(0).events(0).locked());
}

TEST_F(ServerTest, GetSheetListsTheJudgesBibsAndMarks) {
  ASSERT_THAT(Mark("P01", "k", "K002", kBench, 11).status, GrpcOk());
  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("P01", "", &sheet), GrpcOk());
  EXPECT_EQ(sheet.judge(), "P01");
  EXPECT_EQ(sheet.judge_name(), "张荣华");
  ASSERT_THAT(sheet.items(), SizeIs(1));
  const v1::SheetItem& item = sheet.items(0);
  EXPECT_EQ(item.item(), kBench);
  EXPECT_EQ(item.name(), "氧气呼吸器席位操作");
  EXPECT_DOUBLE_EQ(item.max(), 15);
  EXPECT_DOUBLE_EQ(item.step(), 0.5);
  EXPECT_FALSE(item.locked());
  ASSERT_THAT(item.entries(), SizeIs(88));
  EXPECT_EQ(item.entries(0).bib(), "K001");
  EXPECT_EQ(item.entries(0).name(), "张志强");
  EXPECT_FALSE(item.entries(0).has_mark());
  EXPECT_EQ(item.entries(1).bib(), "K002");
  EXPECT_TRUE(item.entries(1).has_mark());
  EXPECT_DOUBLE_EQ(item.entries(1).value(), 11);
  EXPECT_EQ(item.entries(87).bib(), "K088");

  // Exam markers see their bib range only.
  ASSERT_THAT(GetSheet("M02", "", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(1));
  EXPECT_EQ(sheet.items(0).item(), kExam);
  ASSERT_THAT(sheet.items(0).entries(), SizeIs(44));
  EXPECT_EQ(sheet.items(0).entries(0).bib(), "K045");
  EXPECT_EQ(sheet.items(0).entries(43).bib(), "K088");

  // Staff may name a judge; a judge may name themself.
  ASSERT_THAT(GetSheet("organizer-1", "P21", &sheet), GrpcOk());
  EXPECT_EQ(sheet.items(0).item(), kCpr);
  ASSERT_THAT(GetSheet("P21", "P21", &sheet), GrpcOk());
  EXPECT_THAT(GetSheet("organizer-1", "", &sheet),
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("judge is required")));
  EXPECT_THAT(GetSheet("CJ01", "P99", &sheet),
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'P99'")));
}

TEST_F(ServerTest, ReviewQueueListsPanelsThatDisagreeBeyondTolerance) {
  const double marks[] = {10, 10, 10, 10, 14};
  for (int j = 1; j <= 5; ++j) {
    const std::string judge = "P0" + std::to_string(j);
    ASSERT_THAT(Mark(judge, "k-" + judge, "K010", kBench, marks[j - 1]).status, GrpcOk());
  }
  // Another panel within tolerance stays out of the queue.
  for (int j = 1; j <= 5; ++j) {
    const std::string judge = "P0" + std::to_string(j);
    ASSERT_THAT(Mark(judge, "ok-" + judge, "K011", kBench, 10 + 0.5 * j).status, GrpcOk());
  }
  v1::ReviewQueue queue;
  ASSERT_THAT(GetReviewQueue("CJ01", &queue), GrpcOk());
  ASSERT_THAT(queue.panels(), SizeIs(1));
  const v1::ReviewPanel& panel = queue.panels(0);
  EXPECT_EQ(panel.bib(), "K010");
  EXPECT_EQ(panel.item(), kBench);
  EXPECT_DOUBLE_EQ(panel.spread(), 4);
  EXPECT_DOUBLE_EQ(panel.tolerance(), 2.5);
  ASSERT_THAT(panel.marks(), SizeIs(5));
  for (int j = 0; j < 5; ++j) {
    EXPECT_EQ(panel.marks(j).judge(), "P0" + std::to_string(j + 1));
    EXPECT_DOUBLE_EQ(panel.marks(j).value(), marks[j]);
  }
  EXPECT_TRUE(RowOf(Standings(), "K010").flagged());
  EXPECT_FALSE(RowOf(Standings(), "K011").flagged());
  v1::ReviewQueue same;
  ASSERT_THAT(GetReviewQueue("organizer-1", &same, "mine-rescue"), GrpcOk());
  EXPECT_THAT(same, ProtoEq(queue));
  EXPECT_THAT(GetReviewQueue("CJ01", &same, "welder"),
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'welder'")));

  // Resolved by a correction: the queue empties and the flag goes.
  ASSERT_THAT(Correct("CJ01", "resolve", "K010", kBench, "P05", 11, "re-marked").status, GrpcOk());
  v1::ReviewQueue after;
  ASSERT_THAT(GetReviewQueue("CJ01", &after), GrpcOk());
  EXPECT_THAT(after.panels(), SizeIs(0));
  EXPECT_FALSE(RowOf(Standings(), "K010").flagged());
}

TEST_F(ServerTest, JudgeAnalyticsShowWhichJudgeMarksAwayFromThePanel) {
  // P05 marks 4 above the others on two panels: dropped as the top mark, and
  // the furthest from the median on the panel beyond tolerance.
  for (const char* bib : {"K010", "K011"}) {
    for (int j = 1; j <= 5; ++j) {
      const std::string judge = "P0" + std::to_string(j);
      ASSERT_THAT(Mark(judge, std::string(bib) + judge, bib, kBench, j == 5 ? 14 : 10).status,
                  GrpcOk());
    }
  }
  v1::JudgeAnalytics analytics;
  ASSERT_THAT(GetJudgeAnalytics("CJ01", &analytics, "mine-rescue"), GrpcOk());
  const v1::JudgeItemAnalytics* p05 = nullptr;
  const v1::JudgeItemAnalytics* p01 = nullptr;
  for (const v1::JudgeItemAnalytics& row : analytics.judges()) {
    if (row.item() != kBench) continue;
    if (row.judge() == "P05") p05 = &row;
    if (row.judge() == "P01") p01 = &row;
  }
  ASSERT_NE(p05, nullptr);
  ASSERT_NE(p01, nullptr);
  EXPECT_EQ(p05->marks(), 2);
  EXPECT_EQ(p05->compared(), 2);
  EXPECT_DOUBLE_EQ(p05->mean_deviation(), 4);
  EXPECT_EQ(p05->dropped(), 2);
  EXPECT_DOUBLE_EQ(p05->dropped_share(), 1);
  EXPECT_EQ(p05->spread_outliers(), 2);
  EXPECT_FALSE(p05->has_rasch());  // the bench item is not under Rasch
  EXPECT_FALSE(p05->judge_name().empty());
  EXPECT_DOUBLE_EQ(p01->mean_deviation(), -1);  // 10 against (10 + 10 + 10 + 14) / 4
  v1::JudgeAnalytics same;
  ASSERT_THAT(GetJudgeAnalytics("organizer-1", &same), GrpcOk());
  EXPECT_GE(same.judges_size(), analytics.judges_size());
  EXPECT_THAT(GetJudgeAnalytics("CJ01", &same, "welder"),
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'welder'")));
}

TEST_F(ServerTest, GetCompetitionDescribesTheDefinitionToEveryRole) {
  for (const char* who : {"P01", "CJ01", "display-1", "organizer-1"}) {
    v1::Competition competition;
    ASSERT_THAT(Call(*competition_, &v1::CompetitionService::Stub::GetCompetition, who,
                     v1::GetCompetitionRequest(), &competition),
                GrpcOk())
        << who;
    EXPECT_EQ(competition.id(), "mine-rescue-2026");
    EXPECT_EQ(competition.name_en(), "25th National Coal Industry Mine Rescue Skills Contest");
    EXPECT_EQ(competition.precision(), 2);
    EXPECT_FALSE(competition.blind_numbers());
    EXPECT_EQ(competition.lifecycle().phase(), v1::PHASE_OPEN);
    ASSERT_THAT(competition.trades(), SizeIs(1));
    const v1::Trade& trade = competition.trades(0);
    EXPECT_EQ(trade.id(), "mine-rescue");
    EXPECT_EQ(trade.name(), "矿山救护工");
    ASSERT_THAT(trade.events(), SizeIs(2));
    EXPECT_EQ(trade.events(0).id(), "theory");
    EXPECT_DOUBLE_EQ(trade.events(0).weight(), 30);
    ASSERT_THAT(trade.events(0).items(), SizeIs(1));
    EXPECT_TRUE(trade.events(0).items(0).measurement());
    EXPECT_EQ(trade.events(0).items(0).ref(), kExam);
    EXPECT_EQ(trade.events(1).id(), "practical");
    EXPECT_DOUBLE_EQ(trade.events(1).weight(), 70);
    ASSERT_THAT(trade.events(1).items(), SizeIs(6));
    const v1::Item& bench = trade.events(1).items(0);
    EXPECT_EQ(bench.id(), "respirator-bench");
    EXPECT_EQ(bench.ref(), kBench);
    EXPECT_DOUBLE_EQ(bench.max(), 15);
    EXPECT_DOUBLE_EQ(bench.step(), 0.5);
    EXPECT_EQ(bench.rule(), "trimmed");
    EXPECT_EQ(bench.trim(), 1);
    EXPECT_EQ(bench.panel_size(), 5);
    EXPECT_TRUE(bench.has_tolerance());
    EXPECT_DOUBLE_EQ(bench.tolerance(), 2.5);
    EXPECT_FALSE(bench.measurement());
    const v1::Item& cpr = trade.events(1).items(4);
    EXPECT_EQ(cpr.ref(), kCpr);
    ASSERT_THAT(cpr.penalties(), SizeIs(1));
    EXPECT_EQ(cpr.penalties(0).id(), "procedure-error");
    EXPECT_DOUBLE_EQ(cpr.penalties(0).points(), 1);
    ASSERT_THAT(trade.awards(), SizeIs(4));
    EXPECT_EQ(trade.awards(0).id(), "first");
  }
}

TEST_F(ServerTest, ListContestantsShowsTheRosterWithNamesWhenBibsAreNotBlind) {
  v1::ListContestantsResponse roster;
  ASSERT_THAT(ListContestants("P01", &roster), GrpcOk());
  ASSERT_THAT(roster.contestants(), SizeIs(88));
  const v1::Contestant& first = roster.contestants(0);
  EXPECT_EQ(first.bib(), "K001");
  EXPECT_EQ(first.name(), "张志强");
  EXPECT_EQ(first.team(), "山东能源集团三队");
  EXPECT_EQ(first.organization(), "山东能源集团");
  EXPECT_EQ(first.trade(), "mine-rescue");
  EXPECT_EQ(first.status(), v1::CONTESTANT_STATUS_PRESENT);
  EXPECT_EQ(first.fields().at("eligible"), "是");
  v1::ListContestantsResponse shown;
  ASSERT_THAT(ListContestants("display-1", &shown, "mine-rescue"), GrpcOk());
  EXPECT_THAT(shown, ProtoEq(roster));
  v1::ListContestantsResponse none;
  EXPECT_THAT(ListContestants("display-1", &none, "welder"),
              GrpcIs(grpc::StatusCode::NOT_FOUND, HasSubstr("'welder'")));
}

// --- Idempotency ------------------------------------------------------------

TEST_F(ServerTest, RetryWithTheSameKeyIsAnsweredWithTheOriginal) {
  const Written original = Mark("P01", "tablet-1/42", "K001", kBench, 12);
  ASSERT_THAT(original.status, GrpcOk());
  EXPECT_FALSE(original.response.duplicate());
  ASSERT_THAT(Mark("P02", "other", "K001", kBench, 12).status, GrpcOk());

  const Written retry = Mark("P01", "tablet-1/42", "K001", kBench, 12);
  ASSERT_THAT(retry.status, GrpcOk());
  EXPECT_EQ(retry.response.sequence(), original.response.sequence());
  EXPECT_TRUE(retry.response.duplicate());
  EXPECT_EQ(retry.response.state(), v1::WRITE_STATE_ACCEPTED);
  EXPECT_EQ(LedgerSequence(), 2u);
  EXPECT_EQ(Standings().version(), 2u);
  EXPECT_THAT(History("K001", kBench, "P01").events(), SizeIs(1));

  // Another content under the key: refused, naming the key and its event.
  EXPECT_THAT(Mark("P01", "tablet-1/42", "K001", kBench, 12.5).status,
              GrpcIs(grpc::StatusCode::ALREADY_EXISTS,
                     AllOf(HasSubstr("'tablet-1/42'"), HasSubstr("ledger sequence 1"))));
  // A new key for a marked cell: correct it instead.
  EXPECT_THAT(
      Mark("P01", "tablet-1/43", "K001", kBench, 12.5).status,
      GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, AllOf(HasSubstr("'P01'"), HasSubstr("'K001'"),
                                                          HasSubstr("correct it, with a reason"))));
  EXPECT_THAT(Correct("P01", "tablet-1/44", "K001", kBench, "P01", 12.5, "").status,
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("reason is required")));
  // A retry is answered even once the state has moved on (the item is now locked).
  ASSERT_THAT(Lock("CJ01", "lock", kBench, true).status, GrpcOk());
  const Written late = Mark("P01", "tablet-1/42", "K001", kBench, 12);
  EXPECT_THAT(late.status, GrpcOk());
  EXPECT_TRUE(late.response.duplicate());
  EXPECT_EQ(late.response.sequence(), 1u);
  // Lifecycle writes too: a retried freeze is the original, not "already frozen".
  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  EXPECT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_FROZEN);
  EXPECT_THAT(SetPhase("organizer-1", "freeze-2", v1::PHASE_FROZEN, &lifecycle),
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already frozen")));
  EXPECT_THAT(SetPhase("organizer-1", "freeze-3", v1::PHASE_UNSPECIFIED, &lifecycle),
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("PHASE_FROZEN")));
  EXPECT_EQ(LedgerSequence(), 4u);
}

// --- Lifecycle --------------------------------------------------------------

TEST_F(ServerTest, AScheduledFreezeTakesEffectAtItsTimeAndSurvivesARestart) {
  v1::SetPhaseRequest request;
  request.set_idempotency_key("freeze-at-noon");
  request.set_phase(v1::PHASE_FROZEN);
  request.set_at_ms(kStartMs + 60'000);
  request.set_reason("颁奖典礼 ceremony");
  v1::Lifecycle lifecycle;
  ASSERT_THAT(Call(*competition_, &v1::CompetitionService::Stub::SetPhase, "organizer-1", request,
                   &lifecycle),
              GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_OPEN);
  EXPECT_EQ(lifecycle.freeze_at_ms(), kStartMs + 60'000);

  // Before the time: displays follow the marks.
  AdvanceClock(30'000);
  ASSERT_THAT(Mark("M01", "before", "K001", kExam, 80).status, GrpcOk());
  EXPECT_EQ(Standings("display-1").version(), 1u);
  EXPECT_FALSE(Standings("display-1").frozen());
  // After it: the next mark finds the competition frozen before it.
  AdvanceClock(60'000);
  ASSERT_THAT(Mark("M01", "after", "K002", kExam, 90).status, GrpcOk());
  EXPECT_EQ(Standings("CJ01").version(), 2u);
  const v1::Standings display = Standings("display-1");
  EXPECT_TRUE(display.frozen());
  EXPECT_EQ(display.version(), 1u);
  lifecycle = Lifecycle("CJ01");
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_FROZEN);
  EXPECT_EQ(lifecycle.frozen_at_ms(), kStartMs + 60'000);
  EXPECT_EQ(lifecycle.freeze_at_ms(), 0);

  // A replay puts the freeze at the same place.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_TRUE(Standings("display-1").frozen());
  EXPECT_EQ(Standings("display-1").version(), 1u);
  EXPECT_EQ(Standings("CJ01").version(), 2u);

  // Only freezes can be scheduled.
  request.set_idempotency_key("final-later");
  request.set_phase(v1::PHASE_FINAL);
  EXPECT_THAT(Call(*competition_, &v1::CompetitionService::Stub::SetPhase, "organizer-1", request,
                   &lifecycle),
              GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("only a freeze")));
}

TEST_F(ServerTest, FreezeKeepsDisplaysOnTheFrozenVersionWhileStaffSeeNewMarks) {
  ASSERT_THAT(Mark("M01", "exam-1", "K001", kExam, 80).status, GrpcOk());
  AdvanceClock(3'600'000);
  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("CJ01", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_FROZEN);
  EXPECT_EQ(lifecycle.frozen_at_ms(), kStartMs + 3'600'000);
  EXPECT_EQ(lifecycle.frozen_version(), 1u);
  EXPECT_FALSE(lifecycle.results_released());
  EXPECT_THAT(Lifecycle("P01"), ProtoEq(lifecycle));

  ASSERT_THAT(Mark("M01", "exam-2", "K002", kExam, 90).status, GrpcOk());
  ASSERT_THAT(Mark("M02", "exam-3", "K045", kExam, 70).status, GrpcOk());
  const v1::Standings staff = Standings("CJ01");
  EXPECT_EQ(staff.version(), 3u);
  EXPECT_FALSE(staff.frozen());
  EXPECT_DOUBLE_EQ(RowOf(staff, "K002").total(), 27);
  for (const char* display : {"display-1", "display-2"}) {
    const v1::Standings shown = Standings(display);
    EXPECT_EQ(shown.version(), 1u) << display;
    EXPECT_TRUE(shown.frozen()) << display;
    EXPECT_EQ(shown.trades(0).rows(0).bib(), "K001");
    EXPECT_DOUBLE_EQ(RowOf(shown, "K002").total(), 0) << display;
  }
  // Unfrozen, displays catch up.
  ASSERT_THAT(SetPhase("organizer-1", "unfreeze", v1::PHASE_OPEN, &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_OPEN);
  EXPECT_EQ(lifecycle.frozen_at_ms(), 0);
  EXPECT_EQ(lifecycle.frozen_version(), 0u);
  const v1::Standings live = Standings("display-1");
  EXPECT_EQ(live.version(), 3u);
  EXPECT_FALSE(live.frozen());
  EXPECT_THAT(live, ProtoEq(staff));
}

TEST_F(ServerTest, FinalRefusesEveryWriteAndReleaseShowsDisplaysTheFinalStandings) {
  ASSERT_THAT(Mark("M01", "exam-1", "K001", kExam, 80).status, GrpcOk());
  ASSERT_THAT(Mark("P01", "bench-1", "K001", kBench, 10).status, GrpcOk());
  v1::Lifecycle lifecycle;
  EXPECT_THAT(Release("organizer-1", "release-early", &lifecycle),
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION,
                     HasSubstr("only once they are final (phase is open)")));
  ASSERT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  ASSERT_THAT(Mark("M01", "exam-2", "K002", kExam, 95).status, GrpcOk());
  AdvanceClock(1000);
  ASSERT_THAT(SetPhase("organizer-1", "final", v1::PHASE_FINAL, &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_FINAL);
  EXPECT_EQ(lifecycle.frozen_version(), 2u);  // still the freeze's
  EXPECT_EQ(lifecycle.frozen_at_ms(), kStartMs);
  const std::uint64_t sequence = LedgerSequence();
  EXPECT_EQ(sequence, 5u);
  const v1::Standings staff = Standings("CJ01");
  EXPECT_EQ(staff.version(), 3u);

  const auto final_refusal = GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("final"));
  EXPECT_THAT(Mark("M01", "late-1", "K003", kExam, 50).status, final_refusal);
  EXPECT_THAT(Mark("CJ01", "late-2", "K003", kExam, 50, "M01").status, final_refusal);
  EXPECT_THAT(Correct("CJ01", "late-3", "K001", kExam, "M01", 81, "recount").status, final_refusal);
  EXPECT_THAT(Void("CJ01", "late-4", "K001", kExam, "M01", "recount").status, final_refusal);
  EXPECT_THAT(
      SetStatus("CJ01", "late-5", "K001", v1::CONTESTANT_STATUS_DISQUALIFIED, "doping").status,
      final_refusal);
  EXPECT_THAT(Penalty("P21", "late-6b", "K001", kCpr, "procedure-error", 1).status, final_refusal);
  EXPECT_THAT(Lock("CJ01", "late-7", kBench, true).status, final_refusal);
  EXPECT_THAT(SetPhase("organizer-1", "late-8", v1::PHASE_OPEN, &lifecycle), final_refusal);
  EXPECT_THAT(SetPhase("CJ01", "late-9", v1::PHASE_FROZEN, &lifecycle), final_refusal);
  MarkStream stream(*scoring_, Authorization("M01"));
  ASSERT_TRUE(stream.Write(MarkRequest("late-10", "K004", kExam, 60)));
  auto [answers, status] = stream.Finish();
  EXPECT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(1));
  EXPECT_EQ(answers[0].code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  EXPECT_THAT(answers[0].message(), HasSubstr("final"));
  EXPECT_EQ(LedgerSequence(), sequence);
  EXPECT_THAT(Standings("CJ01"), ProtoEq(staff));

  // Displays still see the freeze until the release.
  EXPECT_EQ(Standings("display-1").version(), 2u);
  EXPECT_TRUE(Standings("display-1").frozen());
  EXPECT_THAT(Release("CJ01", "release-chief", &lifecycle),
              GrpcIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("only an organizer")));
  ASSERT_THAT(Release("organizer-1", "release", &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.phase(), v1::PHASE_FINAL);
  EXPECT_TRUE(lifecycle.results_released());
  const v1::Standings released = Standings("display-1");
  EXPECT_EQ(released.version(), 3u);
  EXPECT_FALSE(released.frozen());
  EXPECT_THAT(released, ProtoEq(staff));
  EXPECT_THAT(Release("organizer-1", "release-2", &lifecycle),
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("already released")));
  EXPECT_EQ(LedgerSequence(), sequence + 1);
}

TEST_F(ServerTest, FreezeAmidABulkStreamCapturesExactlyTheMarksBeforeIt) {
  // Exam marks stream in while the organizer freezes: the freeze is one event
  // in the ledger's order, and displays must see exactly the marks before it.
  MarkStream stream(*scoring_, Authorization("CJ01"));
  std::promise<void> halfway;
  auto writer = std::async(std::launch::async, [&] {
    for (int b = 1; b <= 88; ++b) {
      char bib[8];
      std::snprintf(bib, sizeof bib, "K%03d", b);
      if (!stream.Write(MarkRequest(bib, bib, kExam, 10 + b * 0.5, b <= 44 ? "M01" : "M02"))) {
        break;
      }
      if (b == 30) halfway.set_value();
    }
  });
  ASSERT_EQ(halfway.get_future().wait_for(kWait), std::future_status::ready);
  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  ASSERT_EQ(writer.wait_for(kWait), std::future_status::ready);
  auto [answers, status] = stream.Finish();
  ASSERT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(88));
  std::map<std::string, std::uint64_t> sequence_of;
  std::set<std::uint64_t> sequences;
  for (const auto& answer : answers) {
    ASSERT_EQ(answer.code(), 0) << answer.idempotency_key() << ": " << answer.message();
    sequence_of[answer.idempotency_key()] = answer.result().sequence();
    sequences.insert(answer.result().sequence());
  }
  // The freeze holds the one sequence in 1..89 that no mark has.
  // (Write() returns once a mark is sent, not once it is stored: the freeze
  // may land anywhere in the stream.)
  std::vector<std::uint64_t> missing;
  for (std::uint64_t q = 1; q <= 89; ++q) {
    if (sequences.count(q) == 0) missing.push_back(q);
  }
  ASSERT_THAT(missing, SizeIs(1));
  const std::uint64_t freeze = missing[0];
  RecordProperty("freeze_sequence", static_cast<int>(freeze));
  EXPECT_EQ(lifecycle.frozen_version(), freeze - 1);
  const v1::Standings shown = Standings("display-1");
  EXPECT_TRUE(shown.frozen());
  EXPECT_EQ(shown.version(), freeze - 1);
  for (int b = 1; b <= 88; ++b) {
    char bib[8];
    std::snprintf(bib, sizeof bib, "K%03d", b);
    const double expected = sequence_of[bib] < freeze ? 10 + b * 0.5 : 0;
    EXPECT_DOUBLE_EQ(RowOf(shown, bib).events().at("theory"), expected)
        << bib << " (sequence " << sequence_of[bib] << ", freeze " << freeze << ")";
  }
  EXPECT_EQ(Standings("organizer-1").version(), 88u);
}

TEST_F(ServerTest, FinalStraightFromOpenFreezesDisplaysAtThatVersion) {
  ASSERT_THAT(Mark("M01", "exam-1", "K001", kExam, 80).status, GrpcOk());
  v1::Lifecycle lifecycle;
  AdvanceClock(5000);
  ASSERT_THAT(SetPhase("organizer-1", "final", v1::PHASE_FINAL, &lifecycle), GrpcOk());
  EXPECT_EQ(lifecycle.frozen_version(), 1u);
  EXPECT_EQ(lifecycle.frozen_at_ms(), kStartMs + 5000);
  EXPECT_EQ(Standings("display-1").version(), 1u);
  ASSERT_THAT(Release("organizer-1", "release", &lifecycle), GrpcOk());
  EXPECT_THAT(Standings("display-1"), ProtoEq(Standings("organizer-1")));
}

// --- Persistence ------------------------------------------------------------

TEST_F(ServerTest, RestartOnTheSameLedgerKeepsMarksLocksPhaseAndKeys) {
  ASSERT_THAT(Mark("M01", "exam-1", "K001", kExam, 80).status, GrpcOk());
  for (int j = 1; j <= 5; ++j) {
    const std::string judge = "P0" + std::to_string(j);
    ASSERT_THAT(Mark(judge, "bench-" + judge, "K002", kBench, 9 + j).status, GrpcOk());
  }
  ASSERT_THAT(Correct("CJ01", "fix", "K002", kBench, "P05", 12, "recount").status, GrpcOk());
  ASSERT_THAT(Penalty("P21", "pen", "K002", kCpr, "procedure-error", 1).status, GrpcOk());
  ASSERT_THAT(SetStatus("CJ01", "absent", "K003", v1::CONTESTANT_STATUS_ABSENT, "no show").status,
              GrpcOk());
  ASSERT_THAT(Lock("CJ01", "lock", kBench, true).status, GrpcOk());
  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  ASSERT_THAT(Mark("M02", "exam-2", "K050", kExam, 99).status, GrpcOk());
  const v1::Standings staff = Standings("organizer-1");
  const v1::Standings display = Standings("display-1");
  const v1::MarkHistory history = History("K002", kBench);
  const std::uint64_t sequence = LedgerSequence();
  EXPECT_EQ(sequence, 12u);
  EXPECT_EQ(staff.version(), 10u);
  EXPECT_EQ(display.version(), 9u);

  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());

  EXPECT_EQ(LedgerSequence(), sequence);
  EXPECT_THAT(Standings("organizer-1"), ProtoEq(staff));
  EXPECT_THAT(Standings("display-1"), ProtoEq(display));
  EXPECT_THAT(History("K002", kBench), ProtoEq(history));
  EXPECT_THAT(Lifecycle(), ProtoEq(lifecycle));
  // Keys survive: a retry is still the original.
  const Written retry = Mark("M01", "exam-1", "K001", kExam, 80);
  ASSERT_THAT(retry.status, GrpcOk());
  EXPECT_TRUE(retry.response.duplicate());
  EXPECT_EQ(retry.response.sequence(), 1u);
  EXPECT_THAT(Mark("M01", "exam-1", "K001", kExam, 81).status,
              GrpcIs(grpc::StatusCode::ALREADY_EXISTS, HasSubstr("'exam-1'")));
  // So do locks, and marks already in.
  EXPECT_THAT(Mark("P01", "bench-again", "K004", kBench, 10).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("locked")));
  EXPECT_THAT(Mark("M01", "exam-again", "K001", kExam, 80).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("correct it")));
  // Tokens are in the ledger too, and new writes continue the sequence.
  const Written next = Mark("M01", "exam-3", "K004", kExam, 60);
  ASSERT_THAT(next.status, GrpcOk());
  EXPECT_EQ(next.response.sequence(), sequence + 1);
}

TEST_F(ServerTest, ReissuedTokensRevokeTheOldOnes) {
  const std::map<std::string, std::string> old_tokens = tokens_;
  StopServer();
  ASSERT_NO_FATAL_FAILURE(IssueAllTokens());
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NE(tokens_.at("P01"), old_tokens.at("P01"));
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  context->AddMetadata("authorization", "Bearer " + old_tokens.at("P01"));
  v1::WriteResponse response;
  EXPECT_THAT(
      scoring_->SubmitMark(context.get(), MarkRequest("old", "K001", kBench, 10), &response),
      GrpcIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("revoked")));
  EXPECT_THAT(Mark("P01", "new", "K001", kBench, 10).status, GrpcOk());
  EXPECT_EQ(LedgerSequence(), 1u);
}

TEST_F(ServerTest, RepeatedBadTokensAreSlowedDownForThatAddress) {
  auto call = [&](const std::string& token, const std::string& key) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
    context.AddMetadata("authorization", "Bearer " + token);
    v1::WriteResponse response;
    return scoring_->SubmitMark(&context, MarkRequest(key, "K001", kBench, 10), &response);
  };
  for (int i = 0; i < 10; ++i) {
    EXPECT_THAT(call("guess-" + std::to_string(i), "g" + std::to_string(i)),
                GrpcIs(grpc::StatusCode::UNAUTHENTICATED, HasSubstr("unknown token")));
  }
  EXPECT_THAT(call(tokens_.at("P01"), "real"),
              GrpcIs(grpc::StatusCode::RESOURCE_EXHAUSTED,
                     HasSubstr("too many failed logins from 127.0.0.1;")));
  EXPECT_EQ(LedgerSequence(), 0u);
}

// --- WatchStandings ---------------------------------------------------------

TEST_F(ServerTest, WatchSendsASnapshotThenADeltaPerAcceptedMark) {
  ASSERT_THAT(Mark("M01", "exam-0", "K010", kExam, 50).status, GrpcOk());
  auto watcher = Watch("organizer-1");
  const auto first = watcher->Next();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(first->has_snapshot()) << Describe(*first);
  EXPECT_EQ(first->snapshot().version(), 1u);
  EXPECT_FALSE(first->snapshot().frozen());
  Board board = Board::Of(first->snapshot());

  const std::vector<std::string> bibs = {"K001", "K002", "K003", "K044", "K020"};
  std::uint64_t version = 1;
  for (std::size_t i = 0; i < bibs.size(); ++i) {
    ASSERT_THAT(Mark("M01", "exam-" + bibs[i], bibs[i], kExam, 60 + 5.0 * i).status, GrpcOk());
    if (i == 2) {
      // A lock changes no standing: nothing is sent for it.
      ASSERT_THAT(Lock("CJ01", "lock", kCpr, true).status, GrpcOk());
      // A refused mark neither.
      ASSERT_THAT(Mark("M01", "bad", "K004", kExam, 101).status,
                  GrpcIs(grpc::StatusCode::INVALID_ARGUMENT, HasSubstr("outside")));
    }
    const auto update = watcher->Next();
    ASSERT_TRUE(update.has_value()) << "no update for the mark on " << bibs[i];
    ASSERT_TRUE(update->has_delta()) << Describe(*update);
    EXPECT_EQ(update->delta().from_version(), version);
    EXPECT_EQ(update->delta().to_version(), version + 1);
    EXPECT_TRUE(DeltaHasBib(update->delta(), bibs[i])) << bibs[i];
    ASSERT_TRUE(board.Apply(*update));
    version = update->delta().to_version();
  }
  // The deltas, applied to the snapshot, give exactly the standings.
  board.ExpectEquals(Board::Of(Standings("organizer-1")));
  watcher->Stop();
}

// Two-person confirmation of marks transcribed from paper.
TEST_F(ServerTest, ATranscribedMarkCountsOnlyWhenASecondPersonEntersTheSameValue) {
  auto transcribe = [&](const std::string& who, const std::string& key, const std::string& bib,
                        double value) {
    v1::SubmitMarkRequest request = MarkRequest(key, bib, kBench, value, "P01");
    request.set_transcribed(true);
    Written w;
    w.status = Call(*scoring_, &v1::ScoringService::Stub::SubmitMark, who, request, &w.response);
    return w;
  };
  auto kinds = [&](const std::string& bib) {
    std::vector<std::string> out;
    const v1::MarkHistory history = History(bib, kBench, "P01");
    for (const auto& e : history.events()) out.push_back(e.kind());
    return out;
  };
  const std::uint64_t version = Standings("CJ01").version();

  // First entry: durable, not counted.
  const Written first = transcribe("CJ01", "t1", "K001", 12);
  ASSERT_THAT(first.status, GrpcOk());
  EXPECT_EQ(first.response.state(), v1::WRITE_STATE_AWAITING_CONFIRMATION);
  EXPECT_EQ(Standings("CJ01").version(), version);
  EXPECT_THAT(transcribe("CJ01", "t1-again", "K001", 12).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("another person")));
  // A second person, the same value: counted.
  const Written second = transcribe("organizer-1", "t2", "K001", 12);
  ASSERT_THAT(second.status, GrpcOk());
  EXPECT_EQ(second.response.state(), v1::WRITE_STATE_ACCEPTED);
  EXPECT_EQ(Standings("CJ01").version(), version + 1);
  EXPECT_THAT(kinds("K001"), ::testing::ElementsAre("transcription", "mark"));
  // A retry of the first entry is answered as it was.
  const Written retry = transcribe("CJ01", "t1", "K001", 12);
  ASSERT_THAT(retry.status, GrpcOk());
  EXPECT_TRUE(retry.response.duplicate());
  EXPECT_EQ(retry.response.state(), v1::WRITE_STATE_AWAITING_CONFIRMATION);

  // Different values: a conflict for the chief judge, nothing counted.
  ASSERT_THAT(transcribe("CJ01", "t3", "K002", 12).status, GrpcOk());
  const Written differs = transcribe("organizer-1", "t4", "K002", 11);
  ASSERT_THAT(differs.status, GrpcOk());
  EXPECT_EQ(differs.response.state(), v1::WRITE_STATE_CONFLICT);
  EXPECT_EQ(Standings("CJ01").version(), version + 1);
  v1::ReviewQueue queue;
  ASSERT_THAT(GetReviewQueue("CJ01", &queue), GrpcOk());
  ASSERT_EQ(queue.conflicts_size(), 1);
  EXPECT_EQ(queue.conflicts(0).bib(), "K002");
  EXPECT_EQ(queue.conflicts(0).judge(), "P01");
  EXPECT_EQ(queue.conflicts(0).first_value(), 12);
  EXPECT_EQ(queue.conflicts(0).first_actor(), "CJ01");
  EXPECT_EQ(queue.conflicts(0).second_value(), 11);
  EXPECT_EQ(queue.conflicts(0).second_actor(), "organizer-1");
  EXPECT_THAT(transcribe("CJ01", "t5", "K002", 11.5).status,
              GrpcIs(grpc::StatusCode::FAILED_PRECONDITION, HasSubstr("disagree")));
  // The chief judge settles it by entering the mark.
  ASSERT_THAT(Mark("CJ01", "settle", "K002", kBench, 11.5, "P01").status, GrpcOk());
  EXPECT_EQ(Standings("CJ01").version(), version + 2);
  ASSERT_THAT(GetReviewQueue("CJ01", &queue), GrpcOk());
  EXPECT_EQ(queue.conflicts_size(), 0);

  // Only staff transcribe.
  EXPECT_THAT(transcribe("P01", "t6", "K003", 12).status,
              GrpcIs(grpc::StatusCode::PERMISSION_DENIED, HasSubstr("transcribe")));
}

TEST_F(ServerTest, WatchResumesWithOnlyTheMissedDeltas) {
  auto watcher = Watch("CJ01");
  auto update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  Board board = Board::Of(update->snapshot());
  EXPECT_EQ(board.version(), 0u);
  for (int b = 1; b <= 3; ++b) {
    ASSERT_THAT(
        Mark("M01", "a" + std::to_string(b), "K00" + std::to_string(b), kExam, 70 + b).status,
        GrpcOk());
    update = watcher->Next();
    ASSERT_TRUE(update.has_value() && update->has_delta());
    ASSERT_TRUE(board.Apply(*update));
  }
  ASSERT_EQ(board.version(), 3u);
  watcher->Stop();
  watcher.reset();

  // Missed while away.
  ASSERT_THAT(Mark("M01", "b4", "K004", kExam, 90).status, GrpcOk());
  ASSERT_THAT(SetStatus("CJ01", "b5", "K002", v1::CONTESTANT_STATUS_ABSENT, "left").status,
              GrpcOk());

  // One delta covers everything missed (versions 4 and 5).
  watcher = Watch("CJ01", board.version());
  update = watcher->Next();
  ASSERT_TRUE(update.has_value()) << "missing the delta from 3";
  ASSERT_TRUE(update->has_delta()) << Describe(*update);
  EXPECT_EQ(update->delta().from_version(), 3u);
  EXPECT_EQ(update->delta().to_version(), 5u);
  EXPECT_TRUE(DeltaHasBib(update->delta(), "K004"));
  EXPECT_TRUE(DeltaHasBib(update->delta(), "K002"));
  ASSERT_TRUE(board.Apply(*update));
  EXPECT_EQ(board.version(), 5u);
  board.ExpectEquals(Board::Of(Standings("CJ01")));
  // Then live again: the next message is the next mark's delta, nothing in between.
  ASSERT_THAT(Mark("M02", "b6", "K050", kExam, 88).status, GrpcOk());
  update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_delta()) << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->delta().from_version(), 5u);
  EXPECT_EQ(update->delta().to_version(), 6u);
  EXPECT_TRUE(DeltaHasBib(update->delta(), "K050"));
  ASSERT_TRUE(board.Apply(*update));
  board.ExpectEquals(Board::Of(Standings("CJ01")));
  watcher->Stop();

  // Already up to date: nothing is resent; the next message is the next delta.
  watcher = Watch("CJ01", 6);
  ASSERT_THAT(Mark("M02", "b7", "K051", kExam, 77).status, GrpcOk());
  update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_delta()) << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->delta().from_version(), 6u);
  watcher->Stop();

  // A version the server never had: a fresh snapshot.
  watcher = Watch("CJ01", 1000);
  update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot())
      << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->snapshot().version(), 7u);
  watcher->Stop();
}

TEST_F(ServerTest, WatchFromAVersionNoLongerRetainedGetsASnapshot) {
  for (int b = 1; b <= 3; ++b) {
    ASSERT_THAT(Mark("M01", "a" + std::to_string(b), "K00" + std::to_string(b), kExam, 70).status,
                GrpcOk());
  }
  // A restarted server keeps no deltas from before: version 1 is no longer retained.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_THAT(Mark("M01", "a4", "K004", kExam, 70).status, GrpcOk());
  auto watcher = Watch("organizer-1", 1);
  auto update = watcher->Next();
  ASSERT_TRUE(update.has_value());
  ASSERT_TRUE(update->has_snapshot()) << Describe(*update);
  EXPECT_EQ(update->snapshot().version(), 4u);
  Board::Of(update->snapshot()).ExpectEquals(Board::Of(Standings("organizer-1")));
  watcher->Stop();
}

TEST_F(ServerTest, SlowWatcherDoesNotDelayOthersAndGetsASnapshotInsteadOfABacklog) {
  // The slow client reads through a channel with a small flow-control window,
  // so that the server soon cannot hand it more.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 4096);
  args.SetInt(GRPC_ARG_HTTP2_MAX_FRAME_SIZE, 16384);
  auto slow_channel = grpc::CreateCustomChannel(target(), grpc::InsecureChannelCredentials(), args);
  auto slow_stub = v1::StandingsService::NewStub(slow_channel);

  // Reads its snapshot, then nothing.
  auto slow = Watch("organizer-1", 0, /*read_first=*/1, slow_stub.get());
  auto update = slow->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  const std::uint64_t start = update->snapshot().version();
  Board slow_board = Board::Of(update->snapshot());
  auto fast = Watch("organizer-1");
  update = fast->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  ASSERT_EQ(update->snapshot().version(), start);
  Board fast_board = Board::Of(update->snapshot());

  // Each exam mark lifts a bib past everyone marked before it: big deltas.
  constexpr int kMarks = 88;
  for (int b = 1; b <= kMarks; ++b) {
    char bib[8];
    std::snprintf(bib, sizeof bib, "K%03d", b);
    const Written w =
        Mark(b <= 44 ? "M01" : "M02", std::string("exam-") + bib, bib, kExam, 10 + b * 0.5);
    ASSERT_THAT(w.status, GrpcOk()) << bib;
    // The fast watcher gets this version before the next write.
    const auto delta = fast->Next();
    ASSERT_TRUE(delta.has_value()) << "the fast watcher got nothing for " << bib;
    ASSERT_TRUE(delta->has_delta()) << bib << ": " << Describe(*delta);
    EXPECT_EQ(delta->delta().to_version(), start + b);
    ASSERT_TRUE(fast_board.Apply(*delta));
  }
  const v1::Standings latest = Standings("organizer-1");
  ASSERT_EQ(latest.version(), start + kMarks);
  fast_board.ExpectEquals(Board::Of(latest));
  EXPECT_EQ(slow->reads(), 1u);

  // The slow one reads again: it catches up with fewer messages than versions,
  // through a fresh snapshot.
  slow->Resume();
  std::vector<std::string> received;
  bool snapshot_seen = false;
  while (slow_board.version() < latest.version()) {
    update = slow->Next();
    ASSERT_TRUE(update.has_value())
        << "the slow watcher stopped at version " << slow_board.version() << " after "
        << ::testing::PrintToString(received);
    received.push_back(Describe(*update));
    if (update->has_snapshot()) {
      snapshot_seen = true;
      EXPECT_GT(update->snapshot().version(), slow_board.version());
    }
    ASSERT_TRUE(slow_board.Apply(*update)) << ::testing::PrintToString(received);
  }
  RecordProperty("slow_watcher_messages", ::testing::PrintToString(received));
  EXPECT_TRUE(snapshot_seen) << ::testing::PrintToString(received);
  EXPECT_LT(received.size(), static_cast<std::size_t>(kMarks))
      << ::testing::PrintToString(received);
  slow_board.ExpectEquals(Board::Of(latest));
  slow->Stop();
  fast->Stop();
}

TEST_F(ServerTest, DisplayWatchSeesTheFreezeAndThenTheReleasedResults) {
  auto display = Watch("display-1");
  auto update = display->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  EXPECT_EQ(update->snapshot().version(), 0u);
  EXPECT_FALSE(update->snapshot().frozen());
  ASSERT_THAT(Mark("M01", "exam-1", "K001", kExam, 80).status, GrpcOk());
  update = display->Next();
  ASSERT_TRUE(update.has_value() && update->has_delta()) << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->delta().to_version(), 1u);

  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("organizer-1", "freeze", v1::PHASE_FROZEN, &lifecycle), GrpcOk());
  update = display->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot())
      << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->snapshot().version(), 1u);
  EXPECT_TRUE(update->snapshot().frozen());

  // Marks while frozen and the finalization send displays nothing; the
  // release sends the final standings.
  ASSERT_THAT(Mark("M01", "exam-2", "K002", kExam, 95).status, GrpcOk());
  ASSERT_THAT(Mark("M01", "exam-3", "K003", kExam, 85).status, GrpcOk());
  ASSERT_THAT(SetPhase("organizer-1", "final", v1::PHASE_FINAL, &lifecycle), GrpcOk());
  ASSERT_THAT(Release("organizer-1", "release", &lifecycle), GrpcOk());
  update = display->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot())
      << (update ? Describe(*update) : "none");
  EXPECT_EQ(update->snapshot().version(), 3u);
  EXPECT_FALSE(update->snapshot().frozen());
  Board::Of(update->snapshot()).ExpectEquals(Board::Of(Standings("organizer-1")));
  EXPECT_EQ(update->snapshot().trades(0).rows(0).bib(), "K002");
  display->Stop();
}

TEST_F(ServerTest, WatchWithATradeAndLimitSendsOnlyTheTopRows) {
  v1::WatchStandingsRequest request;
  request.set_trade("mine-rescue");
  request.set_limit(3);
  auto watcher = Watch("organizer-1", request);
  auto update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  ASSERT_THAT(update->snapshot().trades(), SizeIs(1));
  EXPECT_THAT(update->snapshot().trades(0).rows(), SizeIs(3));
  EXPECT_EQ(update->snapshot().trades(0).size(), 88);
  Board board = Board::Of(update->snapshot());
  // Rising marks take the top places; a low one moves a bib only below them.
  const std::vector<std::pair<std::string, double>> marks = {
      {"K001", 60}, {"K002", 70}, {"K003", 80}, {"K004", 90}, {"K030", 0.5}, {"K005", 75}};
  for (const auto& [bib, value] : marks) {
    ASSERT_THAT(Mark("M01", "exam-" + bib, bib, kExam, value).status, GrpcOk());
    update = watcher->Next();
    ASSERT_TRUE(update.has_value() && update->has_delta())
        << bib << ": " << (update ? Describe(*update) : "none");
    for (const v1::TradeDelta& trade : update->delta().trades()) {
      for (const v1::StandingRow& row : trade.rows()) {
        EXPECT_LT(row.position(), 3) << bib;
      }
    }
    EXPECT_EQ(DeltaHasBib(update->delta(), bib), bib != "K030") << bib;
    ASSERT_TRUE(board.Apply(*update));
  }
  v1::Standings top3;
  ASSERT_THAT(GetStandings("organizer-1", &top3, "mine-rescue", 3), GrpcOk());
  board.ExpectEquals(Board::Of(top3));
  EXPECT_EQ(top3.trades(0).rows(0).bib(), "K004");
  EXPECT_EQ(top3.trades(0).rows(1).bib(), "K003");
  EXPECT_EQ(top3.trades(0).rows(2).bib(), "K005");
  watcher->Stop();
}

// The standings hub's fan-out thread holds the subscribers it is calling,
// so the last reference to a stopped watch session may go after the server
// and its Api are gone: that must touch nothing of theirs (the ASan stage
// reports it if it does).
TEST_F(ServerTest, AStoppedWatchSessionMayOutliveTheApi) {
  class NullSink final : public WatchSink {
   public:
    void Write(std::shared_ptr<const EncodedUpdate> update) override {
      written = update != nullptr;
    }
    bool written = false;
  };
  NullSink sink;
  const Principal display{.role = Role::kDisplay, .actor = "display-1"};
  std::shared_ptr<WatchSession> session =
      WatchSession::Start(*api_, display, StandingsView{}, 0, &sink);
  EXPECT_TRUE(sink.written);  // the first snapshot
  EXPECT_EQ(api_->watchers(), 1u);
  session->Stop();
  StopServer();
  session.reset();
}

TEST_F(ServerTest, StoppingTheServerEndsOpenWatchStreams) {
  auto watcher = Watch("display-1");
  const auto update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  EXPECT_EQ(api_->watchers(), 1u);
  const auto start = std::chrono::steady_clock::now();
  StopServer();
  const auto ended = watcher->Ended(kWait);
  ASSERT_TRUE(ended.has_value()) << "the watch stream outlived the server";
  EXPECT_FALSE(ended->ok());
  // RpcServer::Shutdown gives live calls 2 s, then cancels them.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);
}

// --- Bulk -------------------------------------------------------------------

TEST_F(ServerTest, BulkSubmitMarksAcknowledgesTwoThousandMarks) {
  const std::uint64_t version_before = Standings().version();
  const std::uint64_t sequence_before = LedgerSequence();
  const char* items[] = {
      "respirator-bench", "respirator-wear", "gas-measurement", "air-volume", "cpr",
      "comprehensive"};
  constexpr int kMarks = 2000;
  std::vector<std::string> keys;
  MarkStream stream(*scoring_, Authorization("CJ01"));  // transcribing paper sheets
  for (int b = 1; b <= 88 && static_cast<int>(keys.size()) < kMarks; ++b) {
    for (int j = 1; j <= 30 && static_cast<int>(keys.size()) < kMarks; ++j) {
      char bib[8], judge[8];
      std::snprintf(bib, sizeof bib, "K%03d", b);
      std::snprintf(judge, sizeof judge, "P%02d", j);
      keys.push_back(std::string("sheet/") + bib + "/" + judge);
      const double value = ((b * 7 + j * 3) % 31) * 0.5;
      ASSERT_TRUE(stream.Write(MarkRequest(keys.back(), bib, items[(j - 1) / 5], value, judge)));
    }
  }
  ASSERT_EQ(keys.size(), static_cast<std::size_t>(kMarks));
  auto [answers, status] = stream.Finish();
  EXPECT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(kMarks));
  std::set<std::uint64_t> sequences;
  std::set<std::string> answered;
  for (const auto& answer : answers) {
    EXPECT_EQ(answer.code(), 0) << answer.idempotency_key() << ": " << answer.message();
    EXPECT_FALSE(answer.result().duplicate());
    EXPECT_EQ(answer.result().state(), v1::WRITE_STATE_ACCEPTED);
    sequences.insert(answer.result().sequence());
    answered.insert(answer.idempotency_key());
  }
  EXPECT_EQ(answered, std::set<std::string>(keys.begin(), keys.end()));
  ASSERT_EQ(sequences.size(), static_cast<std::size_t>(kMarks));
  EXPECT_EQ(*sequences.begin(), sequence_before + 1);
  EXPECT_EQ(*sequences.rbegin(), sequence_before + kMarks);
  EXPECT_EQ(LedgerSequence(), sequence_before + kMarks);
  EXPECT_EQ(Standings().version(), version_before + kMarks);
}

// Message limits: more than 10,000 marks in one SubmitMarks message are each
// refused, naming the limit; a message over the server's 4 MiB receive limit
// ends the call with RESOURCE_EXHAUSTED. Neither stores anything.
TEST_F(ServerTest, OversizedBulkMessagesAreRefusedAndChangeNothing) {
  const std::uint64_t sequence_before = LedgerSequence();
  const std::uint64_t version_before = Standings().version();
  {
    MarkStream stream(*scoring_, Authorization("CJ01"));
    v1::SubmitMarksRequest message;
    for (int i = 0; i < 10001; ++i) {
      *message.add_marks() =
          MarkRequest("big/" + std::to_string(i), "K001", "respirator-bench", 1, "P01");
    }
    ASSERT_TRUE(stream.WriteMessage(message));
    auto [answers, status] = stream.Finish();
    EXPECT_THAT(status, GrpcOk());
    ASSERT_THAT(answers, SizeIs(10001));
    for (const auto& answer : answers) {
      ASSERT_EQ(answer.code(), grpc::StatusCode::INVALID_ARGUMENT) << answer.idempotency_key();
      ASSERT_THAT(answer.message(), HasSubstr("at most 10,000 marks"));
    }
  }
  {
    MarkStream stream(*scoring_, Authorization("CJ01"));
    v1::SubmitMarksRequest message;
    v1::SubmitMarkRequest mark = MarkRequest("huge-note", "K001", "respirator-bench", 1, "P01");
    mark.set_note(std::string(5 << 20, 'x'));
    *message.add_marks() = std::move(mark);
    stream.WriteMessage(message);  // may fail once the server has ended the call
    auto [answers, status] = stream.Finish();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
    EXPECT_THAT(answers, IsEmpty());
  }
  EXPECT_EQ(LedgerSequence(), sequence_before);
  EXPECT_EQ(Standings().version(), version_before);
}

TEST_F(ServerTest, AFullDiskRefusesWritesLosesNothingAndRecoversWhenSpaceReturns) {
  ASSERT_THAT(Mark("P01", "before", "K001", kBench, 12).status, GrpcOk());
  const std::uint64_t version_before = Standings().version();
  live_->writer().LimitLedger(1);  // the file cannot grow any more
  auto bulk = [&] {
    MarkStream stream(*scoring_, Authorization("CJ01"));
    for (int b = 2; b <= 88; ++b) {
      for (int j = 1; j <= 5; ++j) {
        char bib[8], judge[8];
        std::snprintf(bib, sizeof bib, "K%03d", b);
        std::snprintf(judge, sizeof judge, "P%02d", j);
        EXPECT_TRUE(stream.Write(MarkRequest(std::string("full/") + bib + "/" + judge, bib,
                                             "respirator-bench", 10, judge)));
      }
    }
    return stream.Finish();
  };
  auto [refused, status] = bulk();
  EXPECT_THAT(status, GrpcOk());
  int full = 0;
  for (const auto& answer : refused) {
    if (answer.code() == 0) continue;
    ++full;
    EXPECT_EQ(answer.code(), static_cast<int>(grpc::StatusCode::RESOURCE_EXHAUSTED));
    EXPECT_THAT(answer.message(), HasSubstr("disk full"));
  }
  EXPECT_GT(full, 0) << "the capped ledger took every mark";
  // What was acknowledged before is there; the standings moved only by what
  // was acknowledged now.
  const std::uint64_t stored = LedgerSequence();
  EXPECT_EQ(Standings().version(), version_before + (stored - 1));

  // Space returns: the same stream again stores what was refused, and only that.
  live_->writer().LimitLedger(0);
  auto [retried, retried_status] = bulk();
  EXPECT_THAT(retried_status, GrpcOk());
  for (const auto& answer : retried) EXPECT_EQ(answer.code(), 0) << answer.message();
  EXPECT_EQ(LedgerSequence(), 1u + 87u * 5u);
  EXPECT_EQ(Standings().version(), version_before + 87u * 5u);
  // And it all survives a restart.
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  EXPECT_EQ(LedgerSequence(), 1u + 87u * 5u);
}

// --- Permissions ------------------------------------------------------------

using RefusedCall = grpc::Status (*)(ServerTest& t, const std::string& who);

struct Refusal {
  const char* name;    // Caller_Method, the test's name
  const char* caller;  // token subject, or kNoToken / kUnknownToken / kNotBearer
  grpc::StatusCode code;
  const char* message;  // the message names this
  RefusedCall call;
};

grpc::Status SubmitMarkP02(ServerTest& t, const std::string& who) {
  return t.Mark(who, "refused", "K002", kBench, 11, "P02").status;
}
grpc::Status SubmitMarkOwn(ServerTest& t, const std::string& who) {
  return t.Mark(who, "refused", "K002", kBench, 11).status;
}
grpc::Status SubmitMarkCpr(ServerTest& t, const std::string& who) {
  return t.Mark(who, "refused", "K002", kCpr, 11).status;
}
grpc::Status SubmitExamK045(ServerTest& t, const std::string& who) {
  return t.Mark(who, "refused", "K045", kExam, 50).status;
}
grpc::Status SubmitMarksRow(ServerTest& t, const std::string& who) {
  MarkStream stream(*t.scoring_, t.Authorization(who));
  if (!stream.Write(MarkRequest("refused", "K002", kBench, 11, "P02"))) {
    return stream.Finish().second;
  }
  auto [answers, status] = stream.Finish();
  if (!status.ok()) return status;
  if (answers.size() != 1) return grpc::Status(grpc::StatusCode::INTERNAL, "not one answer");
  return grpc::Status(static_cast<grpc::StatusCode>(answers[0].code()), answers[0].message());
}
grpc::Status CorrectP01(ServerTest& t, const std::string& who) {
  return t.Correct(who, "refused", "K001", kBench, "P01", 11, "second look").status;
}
grpc::Status CorrectP02(ServerTest& t, const std::string& who) {
  return t.Correct(who, "refused", "K001", kBench, "P02", 11, "second look").status;
}
grpc::Status VoidP01(ServerTest& t, const std::string& who) {
  return t.Void(who, "refused", "K001", kBench, "P01", "wrong bib").status;
}
grpc::Status SetStatusAbsent(ServerTest& t, const std::string& who) {
  return t.SetStatus(who, "refused", "K003", v1::CONTESTANT_STATUS_ABSENT, "no show").status;
}
grpc::Status PenaltyP22(ServerTest& t, const std::string& who) {
  return t.Penalty(who, "refused", "K001", kCpr, "procedure-error", 1, "P22").status;
}
grpc::Status LockBench(ServerTest& t, const std::string& who) {
  return t.Lock(who, "refused", kBench, true).status;
}
grpc::Status Freeze(ServerTest& t, const std::string& who) {
  v1::Lifecycle lifecycle;
  return t.SetPhase(who, "refused", v1::PHASE_FROZEN, &lifecycle);
}
grpc::Status ReleaseResults(ServerTest& t, const std::string& who) {
  v1::Lifecycle lifecycle;
  return t.Release(who, "refused", &lifecycle);
}
grpc::Status SheetOfP02(ServerTest& t, const std::string& who) {
  v1::Sheet sheet;
  return t.GetSheet(who, "P02", &sheet);
}
grpc::Status ReviewQueue(ServerTest& t, const std::string& who) {
  v1::ReviewQueue queue;
  return t.GetReviewQueue(who, &queue);
}
grpc::Status JudgeAnalytics(ServerTest& t, const std::string& who) {
  v1::JudgeAnalytics analytics;
  return t.GetJudgeAnalytics(who, &analytics);
}
grpc::Status MarkHistory(ServerTest& t, const std::string& who) {
  v1::MarkHistory history;
  return t.GetHistory(who, "K001", kBench, "", &history);
}
grpc::Status Competition(ServerTest& t, const std::string& who) {
  v1::Competition competition;
  return t.Call(*t.competition_, &v1::CompetitionService::Stub::GetCompetition, who,
                v1::GetCompetitionRequest(), &competition);
}
grpc::Status Contestants(ServerTest& t, const std::string& who) {
  v1::ListContestantsResponse response;
  return t.ListContestants(who, &response);
}
grpc::Status LifecycleCall(ServerTest& t, const std::string& who) {
  v1::Lifecycle lifecycle;
  return t.Call(*t.competition_, &v1::CompetitionService::Stub::GetLifecycle, who,
                v1::GetLifecycleRequest(), &lifecycle);
}
grpc::Status StandingsCall(ServerTest& t, const std::string& who) {
  v1::Standings standings;
  return t.GetStandings(who, &standings);
}
grpc::Status WatchCall(ServerTest& t, const std::string& who) {
  auto watcher = t.Watch(who);
  const auto update = watcher->Next();
  if (update.has_value()) {
    return grpc::Status(grpc::StatusCode::OK, "the stream sent " + Describe(*update));
  }
  const auto ended = watcher->Ended();
  if (!ended.has_value()) return grpc::Status(grpc::StatusCode::INTERNAL, "the stream hung");
  return *ended;
}

constexpr grpc::StatusCode kUnauthenticated = grpc::StatusCode::UNAUTHENTICATED;
constexpr grpc::StatusCode kDenied = grpc::StatusCode::PERMISSION_DENIED;

const Refusal kRefusals[] = {
    // No token, an unknown token, or not a bearer token: nothing at all.
    {"NoToken_SubmitMark", kNoToken, kUnauthenticated, "no token", SubmitMarkOwn},
    {"UnknownToken_SubmitMark", kUnknownToken, kUnauthenticated, "unknown token", SubmitMarkOwn},
    {"NotBearer_SubmitMark", kNotBearer, kUnauthenticated, "Bearer", SubmitMarkOwn},
    {"NoToken_SubmitMarks", kNoToken, kUnauthenticated, "no token", SubmitMarksRow},
    {"UnknownToken_SubmitMarks", kUnknownToken, kUnauthenticated, "unknown token", SubmitMarksRow},
    {"NoToken_CorrectMark", kNoToken, kUnauthenticated, "no token", CorrectP01},
    {"UnknownToken_VoidMark", kUnknownToken, kUnauthenticated, "unknown token", VoidP01},
    {"NoToken_SetStatus", kNoToken, kUnauthenticated, "no token", SetStatusAbsent},
    {"NoToken_AddPenalty", kNoToken, kUnauthenticated, "no token", PenaltyP22},
    {"NoToken_SetLock", kNoToken, kUnauthenticated, "no token", LockBench},
    {"UnknownToken_SetPhase", kUnknownToken, kUnauthenticated, "unknown token", Freeze},
    {"UnknownToken_ReleaseResults", kUnknownToken, kUnauthenticated, "unknown token",
     ReleaseResults},
    {"NoToken_GetSheet", kNoToken, kUnauthenticated, "no token", SheetOfP02},
    {"NoToken_GetReviewQueue", kNoToken, kUnauthenticated, "no token", ReviewQueue},
    {"NoToken_GetJudgeAnalytics", kNoToken, kUnauthenticated, "no token", JudgeAnalytics},
    {"UnknownToken_GetMarkHistory", kUnknownToken, kUnauthenticated, "unknown token", MarkHistory},
    {"NoToken_GetCompetition", kNoToken, kUnauthenticated, "no token", Competition},
    {"UnknownToken_ListContestants", kUnknownToken, kUnauthenticated, "unknown token", Contestants},
    {"NoToken_GetLifecycle", kNoToken, kUnauthenticated, "no token", LifecycleCall},
    {"NoToken_GetStandings", kNoToken, kUnauthenticated, "no token", StandingsCall},
    {"NotBearer_GetStandings", kNotBearer, kUnauthenticated, "Bearer", StandingsCall},
    {"UnknownToken_WatchStandings", kUnknownToken, kUnauthenticated, "unknown token", WatchCall},
    {"NoToken_WatchStandings", kNoToken, kUnauthenticated, "no token", WatchCall},
    // Displays read standings only.
    {"Display_SubmitMark", "display-1", kDenied, "display can only read", SubmitMarkP02},
    {"Display_SubmitMarks", "display-1", kDenied, "display can only read", SubmitMarksRow},
    {"Display_CorrectMark", "display-1", kDenied, "display can only read", CorrectP01},
    {"Display_VoidMark", "display-1", kDenied, "display can only read", VoidP01},
    {"Display_SetStatus", "display-1", kDenied, "display can only read", SetStatusAbsent},
    {"Display_AddPenalty", "display-1", kDenied, "display can only read", PenaltyP22},
    {"Display_SetLock", "display-1", kDenied, "display can only read", LockBench},
    {"Display_SetPhase", "display-2", kDenied, "display can only read", Freeze},
    {"Display_ReleaseResults", "display-1", kDenied, "display can only read", ReleaseResults},
    {"Display_GetSheet", "display-1", kDenied, "own sheet", SheetOfP02},
    {"Display_GetReviewQueue", "display-1", kDenied, "review queue", ReviewQueue},
    {"Display_GetJudgeAnalytics", "display-1", kDenied, "judge analytics", JudgeAnalytics},
    {"Display_GetMarkHistory", "display-1", kDenied, "mark histories", MarkHistory},
    // Judges mark their own items and bibs, and read no standings.
    {"Judge_SubmitMarkForAnotherJudge", "P01", kDenied, "for judge 'P02'", SubmitMarkP02},
    {"Judge_SubmitMarksForAnotherJudge", "P01", kDenied, "for judge 'P02'", SubmitMarksRow},
    {"Judge_SubmitMarkOnAnotherItem", "P01", kDenied,
     "'P01' is not assigned to item 'mine-rescue:practical.cpr'", SubmitMarkCpr},
    {"Judge_SubmitMarkOnAnotherBib", "M01", kDenied,
     "'M01' is assigned to item "
     "'mine-rescue:theory.exam' but not to bib "
     "'K045'",
     SubmitExamK045},
    {"Judge_CorrectAnotherJudgesMark", "P01", kDenied, "for judge 'P02'", CorrectP02},
    {"Judge_AddPenaltyForAnotherJudge", "P21", kDenied, "for judge 'P22'", PenaltyP22},
    {"Judge_VoidMark", "P01", kDenied, "only the chief judge", VoidP01},
    {"Judge_SetLock", "P01", kDenied, "only the chief judge", LockBench},
    {"Judge_SetPhase", "P01", kDenied, "cannot change the competition's phase", Freeze},
    {"Judge_SetStatus", "P01", kDenied, "cannot change a contestant's status", SetStatusAbsent},
    {"Judge_ReleaseResults", "P01", kDenied, "only an organizer", ReleaseResults},
    {"Judge_GetStandings", "P01", kDenied, "judges do not see standings", StandingsCall},
    {"Judge_WatchStandings", "M01", kDenied, "judges do not see standings", WatchCall},
    {"Judge_GetSheetOfAnotherJudge", "P01", kDenied, "own sheet", SheetOfP02},
    {"Judge_GetReviewQueue", "P01", kDenied, "review queue", ReviewQueue},
    {"Judge_GetJudgeAnalytics", "P01", kDenied, "judge analytics", JudgeAnalytics},
    {"Judge_GetMarkHistory", "P01", kDenied, "mark histories", MarkHistory},
    // Organizers administer; they enter no marks and lock nothing.
    {"Organizer_SubmitMark", "organizer-1", kDenied, "cannot enter marks", SubmitMarkP02},
    {"Organizer_SubmitMarks", "organizer-1", kDenied, "cannot enter marks", SubmitMarksRow},
    {"Organizer_CorrectMark", "organizer-1", kDenied, "cannot enter marks", CorrectP01},
    {"Organizer_AddPenalty", "organizer-1", kDenied, "cannot enter marks or penalties", PenaltyP22},
    {"Organizer_VoidMark", "organizer-1", kDenied, "only the chief judge", VoidP01},
    {"Organizer_SetLock", "organizer-1", kDenied, "only the chief judge", LockBench},
    // The chief judge does not release results.
    {"ChiefJudge_ReleaseResults", "CJ01", kDenied, "only an organizer", ReleaseResults},
};

class PermissionTest : public ServerTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(PermissionTest, RefusalNamesTheRuleAndChangesNothing) {
  const Refusal& refusal = GetParam();
  // Something to correct, void and freeze.
  ASSERT_THAT(Mark("P01", "seed-1", "K001", kBench, 12).status, GrpcOk());
  ASSERT_THAT(Mark("M01", "seed-2", "K001", kExam, 80).status, GrpcOk());
  const v1::Standings staff = Standings("organizer-1");
  const v1::Standings display = Standings("display-1");
  const v1::MarkHistory history = History("K001", kBench);
  const v1::Lifecycle lifecycle = Lifecycle();
  const std::uint64_t sequence = LedgerSequence();
  ASSERT_EQ(sequence, 2u);
  ASSERT_EQ(staff.version(), 2u);

  EXPECT_THAT(refusal.call(*this, refusal.caller),
              GrpcIs(refusal.code, HasSubstr(refusal.message)));

  EXPECT_EQ(LedgerSequence(), sequence);
  EXPECT_THAT(Standings("organizer-1"), ProtoEq(staff));
  EXPECT_THAT(Standings("display-1"), ProtoEq(display));
  EXPECT_THAT(History("K001", kBench), ProtoEq(history));
  EXPECT_THAT(Lifecycle(), ProtoEq(lifecycle));
  // The refused key was not recorded: it is free for a real write.
  EXPECT_THAT(Mark("P02", "refused", "K002", kBench, 11).status, GrpcOk());
}

INSTANTIATE_TEST_SUITE_P(RolesAndMethods, PermissionTest, ::testing::ValuesIn(kRefusals),
                         [](const ::testing::TestParamInfo<Refusal>& info) {
                           return std::string(info.param.name);
                         });

// --- Blind numbers ----------------------------------------------------------

class BlindNumbersTest : public ServerTest {
 public:
  std::string CompetitionName() const override { return "provincial-2026"; }
};

TEST_F(BlindNumbersTest, JudgesSeeBibsOnlyUntilResultsAreReleased) {
  v1::Competition competition;
  ASSERT_THAT(Call(*competition_, &v1::CompetitionService::Stub::GetCompetition, "J01",
                   v1::GetCompetitionRequest(), &competition),
              GrpcOk());
  EXPECT_TRUE(competition.blind_numbers());

  v1::ListContestantsResponse roster;
  ASSERT_THAT(ListContestants("J01", &roster, "electrician"), GrpcOk());
  ASSERT_GT(roster.contestants_size(), 0);
  for (const v1::Contestant& c : roster.contestants()) {
    EXPECT_FALSE(c.bib().empty());
    EXPECT_EQ(c.trade(), "electrician");
    EXPECT_EQ(c.name(), "") << c.bib();
    EXPECT_EQ(c.organization(), "") << c.bib();
    EXPECT_THAT(c.fields(), SizeIs(0)) << c.bib();
  }
  EXPECT_EQ(roster.contestants(0).bib(), "E01");
  v1::Sheet sheet;
  ASSERT_THAT(GetSheet("J01", "", &sheet), GrpcOk());
  ASSERT_THAT(sheet.items(), SizeIs(3));
  ASSERT_GT(sheet.items(0).entries_size(), 0);
  for (const v1::SheetEntry& entry : sheet.items(0).entries()) EXPECT_EQ(entry.name(), "");

  // Staff and displays see names.
  v1::ListContestantsResponse staff;
  ASSERT_THAT(ListContestants("CJ01", &staff, "electrician"), GrpcOk());
  EXPECT_EQ(staff.contestants(0).name(), "钟丹丹");
  EXPECT_EQ(staff.contestants(0).organization(), "佛山市代表队");
  EXPECT_EQ(staff.contestants(0).fields().at("gender"), "女");
  v1::ListContestantsResponse shown;
  ASSERT_THAT(ListContestants("display-1", &shown, "electrician"), GrpcOk());
  EXPECT_EQ(shown.contestants(0).name(), "钟丹丹");

  // Finalized, still blind; released, names appear.
  ASSERT_THAT(Mark("J01", "m1", "E01", "control-circuit", 30).status, GrpcOk());
  v1::Lifecycle lifecycle;
  ASSERT_THAT(SetPhase("organizer-1", "final", v1::PHASE_FINAL, &lifecycle), GrpcOk());
  ASSERT_THAT(ListContestants("J01", &roster, "electrician"), GrpcOk());
  EXPECT_EQ(roster.contestants(0).name(), "");
  ASSERT_THAT(Release("organizer-1", "release", &lifecycle), GrpcOk());
  EXPECT_TRUE(lifecycle.results_released());
  v1::ListContestantsResponse released;
  ASSERT_THAT(ListContestants("J01", &released, "electrician"), GrpcOk());
  EXPECT_THAT(released, ProtoEq(staff));
  ASSERT_THAT(GetSheet("J01", "", &sheet), GrpcOk());
  EXPECT_EQ(sheet.items(0).entries(0).bib(), "E01");
  EXPECT_EQ(sheet.items(0).entries(0).name(), "钟丹丹");
  EXPECT_TRUE(sheet.items(0).entries(0).has_mark());
}

TEST_F(BlindNumbersTest, WatchDeltasKeepEveryTradeTheTeamsAndTheMedalTallyInStep) {
  auto watcher = Watch("organizer-1");
  auto update = watcher->Next();
  ASSERT_TRUE(update.has_value() && update->has_snapshot());
  Board board = Board::Of(update->snapshot());
  EXPECT_THAT(update->snapshot().trades(), SizeIs(6));
  EXPECT_GT(update->snapshot().teams_size(), 0);
  EXPECT_GT(update->snapshot().medal_tally_size(), 0);

  // Paper sheets transcribed by the chief judge: exams in three trades, then
  // E01's and E02's whole practical panels (enough for an award).
  MarkStream stream(*scoring_, Authorization("CJ01"));
  int n = 0;
  auto write = [&](const std::string& bib, const std::string& item, double value,
                   const std::string& judge) {
    ASSERT_TRUE(stream.Write(MarkRequest("sheet-" + std::to_string(n++), bib, item, value, judge)));
  };
  write("E01", "exam", 95, "M01");
  write("E02", "exam", 90, "M01");
  write("W01", "exam", 88, "M01");
  write("Q01", "exam", 77, "M02");
  write("T05", "exam", 66, "M02");
  const std::pair<const char*, double> items[] = {
      {"control-circuit", 36}, {"plc", 31}, {"troubleshooting", 22}};
  for (const char* bib : {"E01", "E02"}) {
    for (const auto& [item, value] : items) {
      for (int j = 1; j <= 5; ++j)
        write(bib, item, value - (bib[2] == '2' ? 2 : 0), "J0" + std::to_string(j));
    }
  }
  auto [answers, status] = stream.Finish();
  ASSERT_THAT(status, GrpcOk());
  ASSERT_THAT(answers, SizeIs(n));
  for (const auto& answer : answers) {
    ASSERT_EQ(answer.code(), 0) << answer.idempotency_key() << ": " << answer.message();
  }
  const v1::Standings latest = Standings("organizer-1");
  ASSERT_EQ(latest.version(), static_cast<std::uint64_t>(n));

  bool tally_changed = false, teams_changed = false;
  while (board.version() < latest.version()) {
    update = watcher->Next();
    ASSERT_TRUE(update.has_value()) << "stopped at version " << board.version();
    ASSERT_TRUE(update->has_delta()) << Describe(*update);
    tally_changed = tally_changed || update->delta().medal_tally_size() > 0;
    teams_changed = teams_changed || update->delta().teams_size() > 0;
    ASSERT_TRUE(board.Apply(*update));
  }
  EXPECT_TRUE(tally_changed);
  EXPECT_TRUE(teams_changed);
  board.ExpectEquals(Board::Of(latest));
  const v1::StandingRow e01 = RowOf(latest, "E01");
  EXPECT_EQ(e01.rank(), 1);
  EXPECT_EQ(e01.award(), "first");
  // 95 x 30 % + (36 + 31 + 22) x 70 %.
  EXPECT_DOUBLE_EQ(e01.total(), 90.8);
  watcher->Stop();
}

}  // namespace
}  // namespace podium::server
