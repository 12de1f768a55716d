// podium_load: a load generator for the live server. It builds a synthetic
// competition, runs the server in this process on 127.0.0.1 (server and load
// share the machine, as at a venue), and drives it over gRPC:
//
//   judges  N judges, each with one mark in flight (closed loop), for a time:
//           acknowledged durable marks per second and acknowledgement latency
//   bulk    SubmitMarks streams importing marks as fast as they are answered
//   watch   W watchers of a trade's top 20 while judges score: the latency from
//           submitting a mark to each watcher receiving a version that has it
//   replay  a ledger of M marks, then the time to open (replay) it
//   soak    judges scoring then correcting without pause and watchers joining
//           and leaving, for a time: throughput, ack p99 and memory per interval
//
// Every run is bounded in time and count and stops by itself.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/proto_buffer_reader.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "podium/engine/synthetic.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"
#include "server/core/auth.h"
#include "server/core/live_competition.h"
#include "server/definition/writer.h"
#include "server/ledger/ledger.h"
#include "server/rpc/rpc_server.h"

namespace podium {

// What the load generator's watchers read from a v1.StandingsUpdate: only
// its version (a snapshot's `version`, a delta's `to_version`). A big screen
// parses the whole update on its own machine; here a thousand watchers share
// the server's two cores, and parsing every row of every update for them
// took a quarter of the CPU the server needed, so they skip the rest of the
// bytes (SerializationTraits below).
struct UpdateVersion {
  std::uint64_t version = 0;
};

}  // namespace podium

template <>
class grpc::SerializationTraits<podium::UpdateVersion> {
 public:
  static grpc::Status Serialize(const podium::UpdateVersion&, grpc::ByteBuffer*, bool*) {
    return {grpc::StatusCode::UNIMPLEMENTED, "watchers only read updates"};
  }
  static grpc::Status Deserialize(grpc::ByteBuffer* buffer, podium::UpdateVersion* update) {
    using google::protobuf::internal::WireFormatLite;
    grpc::ProtoBufferReader reader(buffer);
    google::protobuf::io::CodedInputStream in(&reader);
    update->version = 0;
    bool ok = true;
    // StandingsUpdate: snapshot = 1 (Standings, version = 1), delta = 2
    // (StandingsDelta, to_version = 2).
    while (const std::uint32_t tag = in.ReadTag()) {
      const int field = WireFormatLite::GetTagFieldNumber(tag);
      if ((field == 1 || field == 2) &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
        std::uint32_t length = 0;
        ok = ok && in.ReadVarint32(&length);
        const auto limit = in.PushLimit(static_cast<int>(length));
        while (const std::uint32_t inner = in.ReadTag()) {
          if (WireFormatLite::GetTagFieldNumber(inner) == field &&
              WireFormatLite::GetTagWireType(inner) == WireFormatLite::WIRETYPE_VARINT) {
            ok = ok && in.ReadVarint64(&update->version);
          } else {
            ok = ok && WireFormatLite::SkipField(&in, inner);
          }
        }
        in.PopLimit(limit);
      } else {
        ok = ok && WireFormatLite::SkipField(&in, tag);
      }
    }
    buffer->Clear();
    if (!ok) return {grpc::StatusCode::INTERNAL, "not a StandingsUpdate"};
    return grpc::Status::OK;
  }
};

namespace podium {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string mode = "judges";
  int contestants = 100'000;
  int trades = 40;  // 7 items x 5 judges each: 1,400 judges in all
  int judges = 200;
  int watchers = 1000;
  int streams = 4;
  int churn = 10;   // soak: watchers replaced every second
  double rate = 0;  // watch: marks/s from the judges in all (open loop); 0: closed loop
  double seconds = 10;
  long long marks = 1'000'000;  // replay: ledger size; bulk: marks to import
  bool zscore = false;          // judge z-score normalization on every item
  fs::path work = fs::temp_directory_path() / "podium-load";
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A synthetic competition on disk, its marks in order, and tokens.
struct Setup {
  engine::SyntheticOptions synthetic;
  fs::path dir, db;
  std::shared_ptr<const engine::Competition> competition;
  std::map<std::string, std::string> tokens;  // judge id (or "organizer-1") -> token
};

Setup Prepare(const Options& o) {
  Setup s;
  s.synthetic.contestants = o.contestants;
  s.synthetic.trades = o.trades;
  s.synthetic.normalization =
      o.zscore ? engine::Normalization::kJudgeZScore : engine::Normalization::kNone;
  s.dir = o.work / "competition";
  s.db = o.work / "contest.db";
  fs::remove_all(o.work);
  const engine::SyntheticDefinition definition = engine::MakeSyntheticDefinition(s.synthetic);
  PODIUM_CHECK(definition::WriteDefinition(s.dir, definition.spec, definition.roster).ok());
  auto competition = engine::Competition::Create(definition.spec, definition.roster);
  PODIUM_CHECK(competition.ok());
  s.competition = *competition;
  auto ledger = server::Ledger::Open(s.db, s.competition->spec().id);
  PODIUM_CHECK(ledger.ok());
  auto issued = server::IssueTokens(**ledger, *s.competition, 1, 1, 0);
  PODIUM_CHECK(issued.ok());
  for (const auto& t : *issued) s.tokens[t.subject] = t.token;
  return s;
}

// The marks of one judge, in bib order: (bib, item ref, value).
struct JudgeWork {
  std::string judge, token;
  std::vector<std::pair<std::string, double>> marks;  // bib, value
  std::string item;
  // Paced runs: the next mark to send, and whether one is in flight.
  std::size_t sent = 0;
  std::shared_ptr<std::atomic<bool>> in_flight = std::make_shared<std::atomic<bool>>(false);
};

std::vector<JudgeWork> Work(const Setup& s, int judges) {
  std::vector<JudgeWork> work(s.competition->num_judges());
  for (int j = 0; j < s.competition->num_judges(); ++j) {
    work[j].judge = s.competition->judge(j).id;
    work[j].token = s.tokens.at(work[j].judge);
  }
  engine::GenerateSyntheticMarks(*s.competition, s.synthetic, [&](const engine::MarkEvent& m) {
    JudgeWork& w = work[m.judge];
    w.item = s.competition->item(m.item).ref;
    w.marks.emplace_back(s.competition->contestant(m.contestant).bib, m.value);
  });
  // Spread the chosen judges over the trades.
  std::vector<JudgeWork> chosen;
  const int stride = std::max(1, s.competition->num_judges() / judges);
  for (int j = 0; j < s.competition->num_judges() && static_cast<int>(chosen.size()) < judges;
       j += stride) {
    chosen.push_back(std::move(work[j]));
  }
  return chosen;
}

// Closed-loop judges: each has one SubmitMark in flight until `until`.
// When each acknowledged mark was submitted, by ledger sequence: written by
// the judges' callbacks, read by the watchers', on gRPC's threads, without a
// lock (the measuring must not slow down what it measures).
class SubmitTimes final {
 public:
  SubmitTimes(std::size_t capacity, Clock::time_point epoch) : ns_(capacity), epoch_(epoch) {}
  void Set(std::uint64_t sequence, Clock::time_point at) {
    if (sequence < ns_.size()) ns_[sequence] = (at - epoch_).count() + 1;
  }
  // Not acknowledged yet (or out of range): nullopt.
  std::optional<Clock::time_point> Get(std::uint64_t sequence) const {
    const std::int64_t ns = sequence < ns_.size() ? ns_[sequence].load() : 0;
    if (ns == 0) return std::nullopt;
    return epoch_ + Clock::duration(ns - 1);
  }

 private:
  std::vector<std::atomic<std::int64_t>> ns_;
  Clock::time_point epoch_;
};

// Latencies in 0.1 ms buckets up to 10 s (and one above), lock-free.
class LatencyHistogram final {
 public:
  void Add(double ms) {
    const auto bucket = static_cast<std::size_t>(std::max(0.0, ms) * 10);
    ++buckets_[std::min(bucket, buckets_.size() - 1)];
    ++count_;
  }
  std::uint64_t count() const { return count_; }
  // The upper edge of the bucket holding the p-th latency, in ms.
  double Percentile(double p) const {
    const std::uint64_t count = count_;
    if (count == 0) return 0;
    const auto rank =
        std::min(count - 1, static_cast<std::uint64_t>(p * static_cast<double>(count)));
    std::uint64_t seen = 0;
    for (std::size_t b = 0; b < buckets_.size(); ++b) {
      seen += buckets_[b];
      if (seen > rank) return static_cast<double>(b + 1) / 10;
    }
    return static_cast<double>(buckets_.size()) / 10;
  }

 private:
  std::array<std::atomic<std::uint64_t>, 100'001> buckets_{};
  std::atomic<std::uint64_t> count_{0};
};

struct JudgeLoad {
  std::mutex mutex;
  std::condition_variable done;
  int active = 0;
  std::vector<double> latencies_ms;
  std::atomic<long long> accepted{0}, refused{0};
  SubmitTimes* submitted_at = nullptr;  // watch: when each acknowledged mark was submitted
  // Soak: a judge who has entered every mark goes on correcting them (to 0
  // and back), so the load never runs out.
  bool wrap = false;
  // Paced (open loop, RunJudgesPaced): an answered mark does not start the
  // judge's next one; the pacer does.
  bool paced = false;
};

void RunJudge(v1::ScoringService::Stub* stub, JudgeWork* work, size_t next, Clock::time_point until,
              JudgeLoad* load);

// A soak's later rounds: corrections of the judge's marks, to 0 and back.
void CorrectNext(v1::ScoringService::Stub* stub, JudgeWork* work, size_t next,
                 Clock::time_point until, JudgeLoad* load) {
  const size_t round = next / work->marks.size();
  const auto& [bib, value] = work->marks[next % work->marks.size()];
  struct Call {
    grpc::ClientContext context;
    v1::CorrectMarkRequest request;
    v1::WriteResponse response;
    Clock::time_point start = Clock::now();
  };
  auto* call = new Call;
  call->context.AddMetadata("authorization", "Bearer " + work->token);
  call->request.set_idempotency_key(work->judge + "-" + bib + "-r" + std::to_string(round));
  call->request.set_bib(bib);
  call->request.set_item(work->item);
  call->request.set_value(round % 2 == 1 ? 0.0 : value);
  call->request.set_reason("soak");
  call->request.set_device("load");
  stub->async()->CorrectMark(
      &call->context, &call->request, &call->response, [=](grpc::Status status) {
        {
          std::lock_guard lock(load->mutex);
          load->latencies_ms.push_back(Ms(Clock::now() - call->start));
        }
        (status.ok() ? load->accepted : load->refused)++;
        if (!status.ok()) {
          std::fprintf(stderr, "refused: %s\n", status.error_message().c_str());
        }
        delete call;
        RunJudge(stub, work, next + 1, until, load);
      });
}

void RunJudge(v1::ScoringService::Stub* stub, JudgeWork* work, size_t next, Clock::time_point until,
              JudgeLoad* load) {
  if (load->wrap && next >= work->marks.size() && !work->marks.empty() && Clock::now() < until) {
    CorrectNext(stub, work, next, until, load);
    return;
  }
  if (next >= work->marks.size() || Clock::now() >= until) {
    std::lock_guard lock(load->mutex);
    if (--load->active == 0) load->done.notify_all();
    return;
  }
  struct Call {
    grpc::ClientContext context;
    v1::SubmitMarkRequest request;
    v1::WriteResponse response;
    Clock::time_point start = Clock::now();
  };
  auto* call = new Call;
  call->context.AddMetadata("authorization", "Bearer " + work->token);
  call->request.set_idempotency_key(work->judge + "-" + work->marks[next].first);
  call->request.set_bib(work->marks[next].first);
  call->request.set_item(work->item);
  call->request.set_value(work->marks[next].second);
  call->request.set_device("load");
  stub->async()->SubmitMark(&call->context, &call->request, &call->response,
                            [=](grpc::Status status) {
                              const auto now = Clock::now();
                              if (status.ok() && load->submitted_at != nullptr) {
                                load->submitted_at->Set(call->response.sequence(), call->start);
                              }
                              {
                                std::lock_guard lock(load->mutex);
                                load->latencies_ms.push_back(Ms(now - call->start));
                              }
                              (status.ok() ? load->accepted : load->refused)++;
                              delete call;
                              if (load->paced) {
                                *work->in_flight = false;
                                return;
                              }
                              RunJudge(stub, work, next + 1, until, load);
                            });
}

void RunJudges(const std::string& address, std::vector<JudgeWork>& work, double seconds,
               JudgeLoad& load) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::ScoringService::NewStub(channel);
  const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                        std::chrono::duration<double>(seconds));
  load.active = static_cast<int>(work.size());
  for (JudgeWork& w : work) RunJudge(stub.get(), &w, 0, until, &load);
  std::unique_lock lock(load.mutex);
  load.done.wait_for(lock, std::chrono::duration<double>(seconds + 30),
                     [&] { return load.active == 0; });
}

// Open loop: `rate` marks per second in all, handed to the judges in turn;
// a judge whose last mark is still unanswered lets the turn pass (so an
// overloaded server sees fewer marks, not a growing backlog). Sleeps between
// marks: this is a load generator, not a test.
void RunJudgesPaced(const std::string& address, std::vector<JudgeWork>& work, double seconds,
                    double rate, JudgeLoad& load) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  auto stub = v1::ScoringService::NewStub(channel);
  load.paced = true;
  const auto start = Clock::now();
  const auto until =
      start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<JudgeWork*> judges;
  for (JudgeWork& w : work) {
    if (!w.marks.empty()) judges.push_back(&w);
  }
  for (long long k = 0; !judges.empty(); ++k) {
    const auto at = start + std::chrono::duration_cast<Clock::duration>(
                                std::chrono::duration<double>(static_cast<double>(k) / rate));
    if (at >= until) break;
    std::this_thread::sleep_until(at);
    JudgeWork* w = judges[static_cast<std::size_t>(k) % judges.size()];
    if (w->sent >= w->marks.size() || w->in_flight->exchange(true)) continue;
    RunJudge(stub.get(), w, w->sent++, until + std::chrono::seconds(30), &load);
  }
  // Let the last marks be answered (bounded).
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  for (JudgeWork* w : judges) {
    while (*w->in_flight && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

struct Running {
  std::unique_ptr<server::LiveCompetition> live;
  std::unique_ptr<server::Api> api;
  std::unique_ptr<server::RpcServer> rpc;
  std::string address;
};

Running Start(const Setup& s) {
  Running r;
  server::LiveOptions options;
  options.threads = 2;
  auto live = server::LiveCompetition::Open(s.dir, s.db, options);
  PODIUM_CHECK(live.ok());
  r.live = std::move(*live);
  r.api = std::make_unique<server::Api>(*r.live);
  auto rpc = server::RpcServer::Start(*r.api, {});
  PODIUM_CHECK(rpc.ok());
  r.rpc = std::move(*rpc);
  r.address = "127.0.0.1:" + std::to_string(r.rpc->port());
  return r;
}

int Judges(const Options& o) {
  const Setup s = Prepare(o);
  std::vector<JudgeWork> work = Work(s, o.judges);
  Running server = Start(s);
  JudgeLoad load;
  const auto start = Clock::now();
  RunJudges(server.address, work, o.seconds, load);
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  const auto& m = server.live->writer().metrics();
  std::printf(
      "judges: %d judges, %d contestants (%s), %.1f s: %lld acknowledged durable marks (%.0f "
      "marks/s), "
      "%lld refused; ack latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; %llu batches "
      "(%.1f marks per commit)\n",
      o.judges, o.contestants, o.zscore ? "judge z-scores" : "no normalization", elapsed,
      load.accepted.load(), load.accepted / elapsed, load.refused.load(),
      Percentile(load.latencies_ms, 0.5), Percentile(load.latencies_ms, 0.99),
      Percentile(load.latencies_ms, 1.0), static_cast<unsigned long long>(m.batches.load()),
      m.batches ? static_cast<double>(m.accepted) / static_cast<double>(m.batches) : 0.0);
  return load.refused == 0 ? 0 : 1;
}

int Bulk(const Options& o) {
  const Setup s = Prepare(o);
  std::vector<JudgeWork> work = Work(s, s.competition->num_judges());
  Running server = Start(s);
  std::vector<v1::SubmitMarkRequest> requests;
  for (const JudgeWork& w : work) {
    for (const auto& [bib, value] : w.marks) {
      if (static_cast<long long>(requests.size()) >= o.marks) break;
      v1::SubmitMarkRequest r;
      r.set_idempotency_key(w.judge + "-" + bib);
      r.set_bib(bib);
      r.set_item(w.item);
      r.set_value(value);
      r.set_judge(w.judge);
      requests.push_back(std::move(r));
    }
  }
  // Marks are entered by judges: one stream per judge token, judges spread over streams.
  std::map<std::string, std::vector<const v1::SubmitMarkRequest*>> by_judge;
  for (const auto& r : requests) by_judge[r.judge()].push_back(&r);
  std::vector<std::vector<std::pair<std::string, std::vector<const v1::SubmitMarkRequest*>>>>
      per_stream(o.streams);
  int k = 0;
  for (auto& [judge, list] : by_judge) per_stream[k++ % o.streams].emplace_back(judge, list);
  auto channel = grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials());
  std::atomic<long long> accepted{0}, refused{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < o.streams; ++t) {
    threads.emplace_back([&, t] {
      auto stub = v1::ScoringService::NewStub(channel);
      for (const auto& [judge, list] : per_stream[t]) {
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer " + s.tokens.at(judge));
        auto stream = stub->SubmitMarks(&context);
        std::thread reader([&] {
          v1::SubmitMarksResponse response;
          while (stream->Read(&response)) {
            for (const auto& r : response.results()) (r.code() == 0 ? accepted : refused)++;
          }
        });
        // Messages of up to 1,000 marks.
        for (size_t first = 0; first < list.size(); first += 1000) {
          v1::SubmitMarksRequest message;
          for (size_t i = first; i < std::min(list.size(), first + 1000); ++i) {
            v1::SubmitMarkRequest* mark = message.add_marks();
            *mark = *list[i];
            mark->clear_judge();  // the judge's own token
          }
          if (!stream->Write(message)) break;
        }
        stream->WritesDone();
        reader.join();
        stream->Finish();
      }
    });
  }
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "bulk: %zu marks over %d SubmitMarks streams in %.2f s: %.0f marks/s "
      "(%lld accepted, %lld refused)\n",
      requests.size(), o.streams, elapsed, static_cast<double>(accepted) / elapsed, accepted.load(),
      refused.load());
  return refused == 0 ? 0 : 1;
}

// A watcher of one trade's top 20: records when each version arrives.
class Watcher final : public grpc::ClientBidiReactor<v1::WatchStandingsRequest, UpdateVersion> {
 public:
  Watcher(grpc::TemplatedGenericStub<v1::WatchStandingsRequest, UpdateVersion>* stub,
          const std::string& token, const std::string& trade,
          std::function<void(std::uint64_t, Clock::time_point)> seen)
      : seen_(std::move(seen)) {
    context_.AddMetadata("authorization", "Bearer " + token);
    request_.set_trade(trade);
    request_.set_limit(20);
    // A server-streaming call is, on the wire, a stream on which the client
    // sends one message and closes its side.
    stub->PrepareBidiStreamingCall(&context_, "/podium.v1.StandingsService/WatchStandings", {},
                                   this);
    StartWrite(&request_);
    StartWritesDone();
    StartRead(&update_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;
    seen_(update_.version, Clock::now());
    ++updates;
    StartRead(&update_);
  }
  void OnDone(const grpc::Status& status) override {
    std::lock_guard lock(mutex_);
    failed = !status.ok() && status.error_code() != grpc::StatusCode::CANCELLED;
    if (failed) std::fprintf(stderr, "watch ended: %s\n", status.error_message().c_str());
    finished_ = true;
    done_.notify_all();
  }
  void Cancel() { context_.TryCancel(); }
  void Wait() {
    std::unique_lock lock(mutex_);
    done_.wait_for(lock, std::chrono::seconds(30), [&] { return finished_; });
  }
  std::atomic<long long> updates{0};
  bool failed = false;  // ended with an error other than our cancel

 private:
  grpc::ClientContext context_;
  v1::WatchStandingsRequest request_;
  UpdateVersion update_;
  std::function<void(std::uint64_t, Clock::time_point)> seen_;
  std::mutex mutex_;
  std::condition_variable done_;
  bool finished_ = false;
};

int Watch(const Options& o) {
  const Setup s = Prepare(o);
  std::vector<JudgeWork> work = Work(s, o.judges);
  Running server = Start(s);
  // Everyone watches trade-01; the judges score everywhere, so a share of
  // the marks concern the watched trade.
  auto channel = grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials());
  grpc::TemplatedGenericStub<v1::WatchStandingsRequest, UpdateVersion> stub(channel);
  std::size_t marks = 0;
  for (const JudgeWork& w : work) marks += w.marks.size();
  const std::uint64_t first_sequence = server.live->hub().latest().standings->version;
  SubmitTimes submitted_at(first_sequence + marks + 1, Clock::now());
  LatencyHistogram latencies;
  JudgeLoad load;
  load.submitted_at = &submitted_at;
  std::vector<std::unique_ptr<Watcher>> watchers;
  // Per watcher, touched only by its own stream's callbacks (one at a time).
  std::vector<std::uint64_t> last(o.watchers, first_sequence);
  for (int w = 0; w < o.watchers; ++w) {
    watchers.push_back(
        std::make_unique<Watcher>(&stub, s.tokens.at("display-1"), "trade-01",
                                  [&, w](std::uint64_t version, Clock::time_point at) {
                                    // Every mark up to `version` is now visible to this watcher.
                                    for (std::uint64_t q = last[w] + 1; q <= version; ++q) {
                                      if (const auto submitted = submitted_at.Get(q))
                                        latencies.Add(Ms(at - *submitted));
                                    }
                                    last[w] = std::max(last[w], version);
                                  }));
  }
  if (o.rate > 0) {
    RunJudgesPaced(server.address, work, o.seconds, o.rate, load);
  } else {
    RunJudges(server.address, work, o.seconds, load);
  }
  for (auto& w : watchers) w->Cancel();
  for (auto& w : watchers) w->Wait();
  long long updates = 0;
  for (auto& w : watchers) updates += w->updates;
  std::printf("watch: judges %s\n",
              o.rate > 0
                  ? ("paced at " + std::to_string(static_cast<int>(o.rate)) + " marks/s").c_str()
                  : "closed loop, one mark in flight each");
  std::printf(
      "watch: %d watchers of trade-01 top 20, %d judges scoring for %.0f s: %lld marks, %lld "
      "updates delivered; mark-to-watcher latency p50 %.1f ms, p99 %.1f ms, max %.1f ms "
      "(%llu samples, 0.1 ms buckets)\n",
      o.watchers, o.judges, o.seconds, load.accepted.load(), updates, latencies.Percentile(0.5),
      latencies.Percentile(0.99), latencies.Percentile(1.0),
      static_cast<unsigned long long>(latencies.count()));
  return 0;
}

// Resident memory of this process (server and load together), in MB.
double ResidentMb() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return 0;
  char line[256];
  double kb = 0;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::sscanf(line, "VmRSS: %lf kB", &kb) == 1) break;
  }
  std::fclose(status);
  return kb / 1024;
}

// Judges scoring (then correcting) without pause, watchers joining and
// leaving, for a time: every interval, throughput, ack p99 and memory.
// Fails (exit 1) on any refused write or any watch that ends in error.
int Soak(const Options& o) {
  const Setup s = Prepare(o);
  std::vector<JudgeWork> work = Work(s, o.judges);
  Running server = Start(s);
  auto channel = grpc::CreateChannel(server.address, grpc::InsecureChannelCredentials());
  grpc::TemplatedGenericStub<v1::WatchStandingsRequest, UpdateVersion> stub(channel);
  const int trades = s.competition->num_trades();
  auto new_watcher = [&, n = 0]() mutable {
    char trade[24];
    std::snprintf(trade, sizeof trade, "trade-%02d", 1 + n++ % trades);
    return std::make_unique<Watcher>(&stub, s.tokens.at("display-1"), trade,
                                     [](std::uint64_t, Clock::time_point) {});
  };
  std::vector<std::unique_ptr<Watcher>> watchers;
  for (int w = 0; w < o.watchers; ++w) watchers.push_back(new_watcher());
  JudgeLoad load;
  load.wrap = true;
  std::thread judges([&] { RunJudges(server.address, work, o.seconds, load); });

  const auto start = Clock::now();
  const double interval = std::max(1.0, o.seconds / 20);
  std::printf("soak: %d judges, %d watchers (%d replaced every second), %d contestants, %.0f s\n",
              o.judges, o.watchers, o.churn, o.contestants, o.seconds);
  std::printf("%8s %10s %10s %10s %10s\n", "time s", "writes/s", "p99 ms", "RSS MB", "watchers");
  long long failed_watches = 0, replaced = 0, last_accepted = 0;
  double worst_p99 = 0;
  double warm_rss = 0, warm_writes = 0, next_report = interval;
  size_t victim = 0;
  while (true) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const double t = std::chrono::duration<double>(Clock::now() - start).count();
    for (int c = 0; c < o.churn && !watchers.empty(); ++c) {  // some leave, others come
      auto& leaving = watchers[victim++ % watchers.size()];
      leaving->Cancel();
      leaving->Wait();
      failed_watches += leaving->failed;
      leaving = new_watcher();
      ++replaced;
    }
    if (t + 0.5 < next_report && t < o.seconds) continue;
    next_report += interval;
    std::vector<double> recent;
    {
      // Taken, not copied: a long soak must not measure its own samples.
      std::lock_guard lock(load.mutex);
      recent.swap(load.latencies_ms);
    }
    worst_p99 = std::max(worst_p99, Percentile(recent, 0.99));
    const long long accepted = load.accepted;
    const double rss = ResidentMb();
    std::printf("%8.0f %10.0f %10.2f %10.0f %10zu\n", t,
                static_cast<double>(accepted - last_accepted) / interval, Percentile(recent, 0.99),
                rss, watchers.size());
    std::fflush(stdout);
    last_accepted = accepted;
    // The first fifth warms up (caches, the engine's buffers, the first pass of marks).
    if (warm_rss == 0 && t >= o.seconds / 5) {
      warm_rss = rss;
      warm_writes = static_cast<double>(accepted);
    }
    if (t >= o.seconds) break;
  }
  judges.join();
  for (auto& w : watchers) w->Cancel();
  for (auto& w : watchers) {
    w->Wait();
    failed_watches += w->failed;
  }
  const double end_rss = ResidentMb();
  const double writes_after_warmup = static_cast<double>(load.accepted) - warm_writes;
  std::printf(
      "soak: %lld writes acknowledged, %lld refused, %lld watchers replaced, %lld watches "
      "failed; worst interval ack p99 %.2f ms; RSS %.0f MB after warm-up, %.0f MB at the end (%.0f "
      "bytes per write after warm-up)\n",
      load.accepted.load(), load.refused.load(), replaced, failed_watches, worst_p99, warm_rss,
      end_rss,
      writes_after_warmup > 0 ? (end_rss - warm_rss) * 1024 * 1024 / writes_after_warmup : 0.0);
  return load.refused == 0 && failed_watches == 0 ? 0 : 1;
}

int Replay(const Options& o) {
  const Setup s = Prepare(o);
  {
    // Fill the ledger directly, in large transactions.
    auto ledger = server::Ledger::Open(s.db, s.competition->spec().id);
    PODIUM_CHECK(ledger.ok());
    std::vector<server::LedgerRecord> batch;
    long long n = 0;
    engine::GenerateSyntheticMarks(*s.competition, s.synthetic, [&](const engine::MarkEvent& m) {
      if (n >= o.marks) return;
      server::LedgerRecord r;
      r.recorded_at_ms = 1'700'000'000'000 + n;
      r.actor = s.competition->judge(m.judge).id;
      r.role = 1;
      r.device = "load";
      r.idempotency_key = "m" + std::to_string(n++);
      r.kind = "mark";
      r.bib = s.competition->contestant(m.contestant).bib;
      r.item = s.competition->item(m.item).ref;
      r.judge = r.actor;
      r.value = m.value;
      r.fingerprint = r.ComputeFingerprint();
      batch.push_back(std::move(r));
      if (batch.size() == 100'000) {
        PODIUM_CHECK((*ledger)->Append(batch).ok());
        batch.clear();
      }
    });
    PODIUM_CHECK((*ledger)->Append(batch).ok());
    std::printf("replay: ledger of %lld marks written (%.0f MB)\n", n,
                static_cast<double>(fs::file_size(s.db)) / 1e6);
  }
  const auto start = Clock::now();
  server::LiveOptions options;
  options.threads = 2;
  auto live = server::LiveCompetition::Open(s.dir, s.db, options);
  PODIUM_CHECK(live.ok());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "replay: cold start (load definition, open ledger, replay %llu events, recompute, "
      "first snapshot) in %.2f s\n",
      static_cast<unsigned long long>((*live)->hub().latest().standings->version), seconds);
  return 0;
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--mode")
      o.mode = next();
    else if (a == "--contestants")
      o.contestants = std::stoi(next());
    else if (a == "--trades")
      o.trades = std::stoi(next());
    else if (a == "--judges")
      o.judges = std::stoi(next());
    else if (a == "--watchers")
      o.watchers = std::stoi(next());
    else if (a == "--churn")
      o.churn = std::stoi(next());
    else if (a == "--rate")
      o.rate = std::stod(next());
    else if (a == "--streams")
      o.streams = std::stoi(next());
    else if (a == "--seconds")
      o.seconds = std::stod(next());
    else if (a == "--marks")
      o.marks = std::stoll(next());
    else if (a == "--work")
      o.work = next();
    else if (a == "--normalization")
      o.zscore = next() == "judge-zscore";
    else {
      std::fprintf(stderr,
                   "usage: podium_load --mode judges|bulk|watch|replay|soak [--contestants N] "
                   "[--trades T] [--judges J] [--watchers W] [--churn C] [--rate R] [--streams S] "
                   "[--seconds S] "
                   "[--marks M] [--normalization none|judge-zscore] [--work DIR]\n");
      std::exit(2);
    }
  }
  return o;
}

}  // namespace
}  // namespace podium

int main(int argc, char** argv) {
  const podium::Options o = podium::Parse(argc, argv);
  int rc = 2;
  if (o.mode == "judges") rc = podium::Judges(o);
  if (o.mode == "bulk") rc = podium::Bulk(o);
  if (o.mode == "watch") rc = podium::Watch(o);
  if (o.mode == "replay") rc = podium::Replay(o);
  if (o.mode == "soak") rc = podium::Soak(o);
  std::filesystem::remove_all(o.work);
  return rc;
}
