#include "server/rpc/services.h"

#include <deque>
#include <map>
#include <mutex>

#include "podium/v1/competition.grpc.pb.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"
#include "server/rpc/api.h"
#include "server/rpc/convert.h"

namespace podium::server {

namespace {

// Bulk streams: marks read ahead of their answers at most.
constexpr int kMaxInFlightMarks = 20000;

// The caller's address without its port: "ipv4:10.0.0.7:53122" -> "10.0.0.7".
std::string PeerAddress(const std::string& peer) {
  std::string_view address(peer);
  if (const size_t colon = address.find(':'); colon != std::string_view::npos) {
    address.remove_prefix(colon + 1);  // the transport ("ipv4", "ipv6", "unix")
  }
  if (const size_t port = address.rfind(':');
      port != std::string_view::npos && address.find(']') == std::string_view::npos) {
    address = address.substr(0, port);
  } else if (const size_t bracket = address.find(']'); bracket != std::string_view::npos) {
    address = address.substr(0, bracket + 1);
  }
  return std::string(address);
}

StatusOr<Principal> Caller(grpc::CallbackServerContext* context, Api& api) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find("authorization");
  const std::string source = PeerAddress(context->peer());
  if (it == metadata.end()) return api.Authenticate("", source);
  return api.Authenticate(std::string_view(it->second.data(), it->second.size()), source);
}

// A unary call: authenticate, then run the Api method, which finishes it.
template <typename Request, typename Response>
grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, Api& api,
                                const Request* request, Response* response,
                                void (Api::*method)(const Principal&, const Request&, Response*,
                                                    Api::Done)) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto who = Caller(context, api);
  if (!who.ok()) {
    reactor->Finish(ToGrpcStatus(who.status()));
    return reactor;
  }
  (api.*method)(*who, *request, response,
                [reactor](const Status& status) { reactor->Finish(ToGrpcStatus(status)); });
  return reactor;
}

// A streaming call refused before it starts.
template <typename Reactor>
Reactor* Refused(const Status& status) {
  class RefusedReactor final : public Reactor {
   public:
    explicit RefusedReactor(const Status& s) { this->Finish(ToGrpcStatus(s)); }
    void OnDone() override { delete this; }
  };
  return new RefusedReactor(status);
}

class CompetitionServiceImpl final : public v1::CompetitionService::CallbackService {
 public:
  explicit CompetitionServiceImpl(Api& api) : api_(api) {}

  grpc::ServerUnaryReactor* GetCompetition(grpc::CallbackServerContext* c,
                                           const v1::GetCompetitionRequest* r,
                                           v1::Competition* w) override {
    return Unary(c, api_, r, w, &Api::GetCompetition);
  }
  grpc::ServerUnaryReactor* ListContestants(grpc::CallbackServerContext* c,
                                            const v1::ListContestantsRequest* r,
                                            v1::ListContestantsResponse* w) override {
    return Unary(c, api_, r, w, &Api::ListContestants);
  }
  grpc::ServerUnaryReactor* GetLifecycle(grpc::CallbackServerContext* c,
                                         const v1::GetLifecycleRequest* r,
                                         v1::Lifecycle* w) override {
    return Unary(c, api_, r, w, &Api::GetLifecycle);
  }
  grpc::ServerUnaryReactor* SetPhase(grpc::CallbackServerContext* c, const v1::SetPhaseRequest* r,
                                     v1::Lifecycle* w) override {
    return Unary(c, api_, r, w, &Api::SetPhase);
  }
  grpc::ServerUnaryReactor* ReleaseResults(grpc::CallbackServerContext* c,
                                           const v1::ReleaseResultsRequest* r,
                                           v1::Lifecycle* w) override {
    return Unary(c, api_, r, w, &Api::ReleaseResults);
  }

 private:
  Api& api_;
};

// SubmitMarks: reads messages of marks, hands each to the Api, and writes
// one answer per message, in message order. Finishes once the client is done
// and every message is answered.
class SubmitMarksReactor final
    : public grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse> {
 public:
  SubmitMarksReactor(Api& api, Principal who) : api_(api), who_(std::move(who)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock lock(mutex_);
      reads_done_ = true;
      MaybeFinish(lock);
      return;
    }
    // Each message and its answer live here until the answer is written.
    Exchange* exchange = nullptr;
    {
      std::lock_guard lock(mutex_);
      const std::uint64_t index = next_request_++;
      exchange = &exchanges_[index];
      exchange->request.Swap(&request_);
      in_flight_ += exchange->request.marks_size();
      ++unanswered_;
      exchange->index = index;
    }
    // Runs on the writer's thread, which gRPC does not wait for before
    // OnDone: while this message is unanswered the stream cannot finish, and
    // once it is counted answered, finishing is the last thing done here.
    api_.SubmitMarks(who_, exchange->request, &exchange->response, [this, exchange](const Status&) {
      std::unique_lock lock(mutex_);
      in_flight_ -= exchange->request.marks_size();
      exchange->answered = true;
      WriteNext(lock);
      ResumeReading(lock);
      --unanswered_;
      if (!ClaimFinish()) return;
      const grpc::Status status = FinalStatus();
      lock.unlock();
      Finish(status);  // may delete this at once
    });
    std::unique_lock lock(mutex_);
    if (in_flight_ < kMaxInFlightMarks) {
      lock.unlock();
      StartRead(&request_);
    } else {
      read_paused_ = true;
    }
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mutex_);
    writing_ = false;
    exchanges_.erase(exchanges_.begin());
    if (!ok) broken_ = true;
    WriteNext(lock);
  }

  void OnCancel() override {
    std::unique_lock lock(mutex_);
    broken_ = true;
    MaybeFinish(lock);
  }

  void OnDone() override { delete this; }

 private:
  struct Exchange {
    std::uint64_t index = 0;
    v1::SubmitMarksRequest request;
    v1::SubmitMarksResponse response;
    bool answered = false;
  };

  // Writes the oldest message's answer once it has one: answers go out in
  // message order even when a later message is answered first.
  void WriteNext(std::unique_lock<std::mutex>& lock) {
    if (writing_ || broken_ || exchanges_.empty() || !exchanges_.begin()->second.answered) {
      MaybeFinish(lock);
      return;
    }
    writing_ = true;
    const v1::SubmitMarksResponse* next = &exchanges_.begin()->second.response;
    lock.unlock();
    StartWrite(next);
    lock.lock();
  }

  void ResumeReading(std::unique_lock<std::mutex>& lock) {
    if (!read_paused_ || in_flight_ >= kMaxInFlightMarks || broken_) return;
    read_paused_ = false;
    lock.unlock();
    StartRead(&request_);
    lock.lock();
  }

  // Whether nothing is owed any more — no message in the writer (an empty
  // one holds no marks but still has its answer coming), no answer unsent —
  // and so the stream finishes now; claims the finish if so. Under mutex_.
  bool ClaimFinish() {
    if (finished_ || unanswered_ > 0 || writing_) return false;
    if (!broken_ && (!reads_done_ || !exchanges_.empty())) return false;
    finished_ = true;
    return true;
  }

  grpc::Status FinalStatus() const {
    return broken_ ? grpc::Status(grpc::StatusCode::CANCELLED, "stream broken") : grpc::Status::OK;
  }

  // From gRPC's reactions only: gRPC calls OnDone after they return.
  void MaybeFinish(std::unique_lock<std::mutex>& lock) {
    if (!ClaimFinish()) return;
    const grpc::Status status = FinalStatus();
    lock.unlock();
    Finish(status);
    lock.lock();
  }

  Api& api_;
  const Principal who_;
  v1::SubmitMarksRequest request_;
  std::mutex mutex_;
  std::map<std::uint64_t, Exchange> exchanges_;  // by message, oldest first; stable addresses
  std::uint64_t next_request_ = 0;
  int in_flight_ = 0;   // marks in the writer: reading pauses above kMaxInFlightMarks
  int unanswered_ = 0;  // messages handed to the Api and not yet answered
  bool writing_ = false;
  bool reads_done_ = false;
  bool read_paused_ = false;
  bool broken_ = false;
  bool finished_ = false;
};

class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  explicit ScoringServiceImpl(Api& api) : api_(api) {}

  grpc::ServerUnaryReactor* SubmitMark(grpc::CallbackServerContext* c,
                                       const v1::SubmitMarkRequest* r,
                                       v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::SubmitMark);
  }
  grpc::ServerUnaryReactor* CorrectMark(grpc::CallbackServerContext* c,
                                        const v1::CorrectMarkRequest* r,
                                        v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::CorrectMark);
  }
  grpc::ServerUnaryReactor* VoidMark(grpc::CallbackServerContext* c, const v1::VoidMarkRequest* r,
                                     v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::VoidMark);
  }
  grpc::ServerUnaryReactor* SetStatus(grpc::CallbackServerContext* c, const v1::SetStatusRequest* r,
                                      v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::SetStatus);
  }
  grpc::ServerUnaryReactor* AddPenalty(grpc::CallbackServerContext* c,
                                       const v1::AddPenaltyRequest* r,
                                       v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::AddPenalty);
  }
  grpc::ServerUnaryReactor* SetLock(grpc::CallbackServerContext* c, const v1::SetLockRequest* r,
                                    v1::WriteResponse* w) override {
    return Unary(c, api_, r, w, &Api::SetLock);
  }
  grpc::ServerUnaryReactor* GetSheet(grpc::CallbackServerContext* c, const v1::GetSheetRequest* r,
                                     v1::Sheet* w) override {
    return Unary(c, api_, r, w, &Api::GetSheet);
  }
  grpc::ServerUnaryReactor* GetJudgeAnalytics(grpc::CallbackServerContext* c,
                                              const v1::GetJudgeAnalyticsRequest* r,
                                              v1::JudgeAnalytics* w) override {
    return Unary(c, api_, r, w, &Api::GetJudgeAnalytics);
  }
  grpc::ServerUnaryReactor* GetReviewQueue(grpc::CallbackServerContext* c,
                                           const v1::GetReviewQueueRequest* r,
                                           v1::ReviewQueue* w) override {
    return Unary(c, api_, r, w, &Api::GetReviewQueue);
  }
  grpc::ServerUnaryReactor* GetMarkHistory(grpc::CallbackServerContext* c,
                                           const v1::GetMarkHistoryRequest* r,
                                           v1::MarkHistory* w) override {
    return Unary(c, api_, r, w, &Api::GetMarkHistory);
  }

  grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse>* SubmitMarks(
      grpc::CallbackServerContext* context) override {
    auto who = Caller(context, api_);
    if (!who.ok()) {
      return Refused<grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse>>(
          who.status());
    }
    return new SubmitMarksReactor(api_, *who);
  }

 private:
  Api& api_;
};

// One WatchStandings stream: the transport of a WatchSession. Deletes itself
// in OnDone, after stopping the session.
class WatchReactor final : public grpc::ServerWriteReactor<v1::StandingsUpdate>, public WatchSink {
 public:
  WatchReactor(Api& api, Principal who, StandingsView view, std::uint64_t after_version) {
    session_ = WatchSession::Start(api, std::move(who), view, after_version, this);
  }

  void Write(std::shared_ptr<const EncodedUpdate> update) override {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    in_flight_ = std::move(update);  // alive until OnWriteDone
    StartWrite(&in_flight_->message);
  }

  void OnWriteDone(bool ok) override { session_->WriteDone(ok); }

  void OnCancel() override {
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    session_->Stop();
    delete this;
  }

 private:
  std::shared_ptr<WatchSession> session_;
  std::mutex mutex_;
  std::shared_ptr<const EncodedUpdate> in_flight_;
  bool finished_ = false;
};

class StandingsServiceImpl final : public v1::StandingsService::CallbackService {
 public:
  explicit StandingsServiceImpl(Api& api) : api_(api) {}

  grpc::ServerUnaryReactor* GetStandings(grpc::CallbackServerContext* c,
                                         const v1::GetStandingsRequest* r,
                                         v1::Standings* w) override {
    return Unary(c, api_, r, w, &Api::GetStandings);
  }

  grpc::ServerWriteReactor<v1::StandingsUpdate>* WatchStandings(
      grpc::CallbackServerContext* context, const v1::WatchStandingsRequest* request) override {
    auto who = Caller(context, api_);
    auto view = who.ok() ? api_.WatchView(*who, request->trade(), request->limit())
                         : StatusOr<StandingsView>(who.status());
    if (!view.ok()) return Refused<grpc::ServerWriteReactor<v1::StandingsUpdate>>(view.status());
    return new WatchReactor(api_, *who, *view, request->after_version());
  }

 private:
  Api& api_;
};

}  // namespace

RpcServices::RpcServices(Api& api) {
  services_.push_back(std::make_unique<CompetitionServiceImpl>(api));
  services_.push_back(std::make_unique<ScoringServiceImpl>(api));
  services_.push_back(std::make_unique<StandingsServiceImpl>(api));
}

RpcServices::~RpcServices() = default;

std::vector<grpc::Service*> RpcServices::services() const {
  std::vector<grpc::Service*> out;
  for (const auto& s : services_) out.push_back(s.get());
  return out;
}

}  // namespace podium::server
