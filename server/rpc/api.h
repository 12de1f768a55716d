// Api: the podium.v1 methods, independent of transport. The gRPC services
// and the HTTP/WebSocket gateway both adapt to it, so a method has one
// implementation, one set of permissions and one set of errors.
#ifndef PODIUM_SERVER_RPC_API_H_
#define PODIUM_SERVER_RPC_API_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "podium/status.h"
#include "podium/v1/competition.pb.h"
#include "podium/v1/scoring.pb.h"
#include "podium/v1/standings.pb.h"
#include "server/core/auth_throttle.h"
#include "server/core/live_competition.h"
#include "server/core/work_queue.h"
#include "server/reports/export.h"
#include "server/rpc/convert.h"

namespace podium::server {

class StandingsEncoder;

// A standings update encoded once, shared by every stream that sends it.
struct EncodedUpdate {
  v1::StandingsUpdate message;
  // The same as JSON (protobuf's JSON mapping), made on first use.
  const std::string& Json() const;

 private:
  mutable std::once_flag json_once_;
  mutable std::string json_;
};

// Thread-safe. For the asynchronous methods, the request and response must
// stay alive until `done` has run (it runs once, on any thread).
class Api final {
 public:
  using Done = std::function<void(const Status&)>;

  explicit Api(LiveCompetition& live);
  ~Api();

  // `authorization` is the header or metadata value "Bearer <token>";
  // `source` the caller's network address, for slowing down guessing.
  // Errors: kUnauthenticated for a missing, malformed, unknown or revoked
  // token; kResourceExhausted while `source` is blocked after repeated
  // failures (see AuthThrottle).
  StatusOr<Principal> Authenticate(std::string_view authorization, std::string_view source);
  StatusOr<Principal> AuthenticateToken(std::string_view token, std::string_view source);

  // CompetitionService.
  void GetCompetition(const Principal& who, const v1::GetCompetitionRequest& request,
                      v1::Competition* response, Done done);
  void ListContestants(const Principal& who, const v1::ListContestantsRequest& request,
                       v1::ListContestantsResponse* response, Done done);
  void GetLifecycle(const Principal& who, const v1::GetLifecycleRequest& request,
                    v1::Lifecycle* response, Done done);
  void SetPhase(const Principal& who, const v1::SetPhaseRequest& request, v1::Lifecycle* response,
                Done done);
  void ReleaseResults(const Principal& who, const v1::ReleaseResultsRequest& request,
                      v1::Lifecycle* response, Done done);

  // ScoringService.
  void SubmitMark(const Principal& who, const v1::SubmitMarkRequest& request,
                  v1::WriteResponse* response, Done done);
  void SubmitMarks(const Principal& who, const v1::SubmitMarksRequest& request,
                   v1::SubmitMarksResponse* response, Done done);
  void CorrectMark(const Principal& who, const v1::CorrectMarkRequest& request,
                   v1::WriteResponse* response, Done done);
  void VoidMark(const Principal& who, const v1::VoidMarkRequest& request,
                v1::WriteResponse* response, Done done);
  void SetStatus(const Principal& who, const v1::SetStatusRequest& request,
                 v1::WriteResponse* response, Done done);
  void AddPenalty(const Principal& who, const v1::AddPenaltyRequest& request,
                  v1::WriteResponse* response, Done done);
  void SetLock(const Principal& who, const v1::SetLockRequest& request, v1::WriteResponse* response,
               Done done);
  void GetSheet(const Principal& who, const v1::GetSheetRequest& request, v1::Sheet* response,
                Done done);
  void GetReviewQueue(const Principal& who, const v1::GetReviewQueueRequest& request,
                      v1::ReviewQueue* response, Done done);
  void GetMarkHistory(const Principal& who, const v1::GetMarkHistoryRequest& request,
                      v1::MarkHistory* response, Done done);

  void GetJudgeAnalytics(const Principal& who, const v1::GetJudgeAnalyticsRequest& request,
                         v1::JudgeAnalytics* response, Done done);

  // Exports (HTTP only; see server/reports/export.h): what they are made of,
  // taken between two writes. Organizers and chief judges only.
  void GetExportSource(const Principal& who,
                       std::function<void(StatusOr<reports::ExportSource>)> done);

  // StandingsService.
  void GetStandings(const Principal& who, const v1::GetStandingsRequest& request,
                    v1::Standings* response, Done done);
  // Who may watch, and what. Errors: kPermissionDenied for judges; kNotFound
  // for an unknown trade; kInvalidArgument for a negative limit.
  StatusOr<StandingsView> WatchView(const Principal& who, const std::string& trade,
                                    int limit) const;

  LiveCompetition& live() { return live_; }
  // Shared with the watch sessions: the hub's fan-out thread may let go of
  // a stopped session after this Api is gone.
  const std::shared_ptr<StandingsEncoder>& encoder() { return encoder_; }
  // Live watch streams (all transports).
  std::size_t watchers() const;

 private:
  template <typename Request>
  void Write(const Principal& who, const Request& request, v1::WriteResponse* response, Done done);
  // Finds the contestant a command's bib names here, on the caller's thread,
  // sparing the writer's (see Command::contestant).
  void LookUpContestant(Command& command) const;
  void Read(const Principal& who,
            std::function<Status(const Principal&, const ContestState&, const Ledger&)> fill,
            Done done);
  void WriteThenLifecycle(const Principal& who, StatusOr<Command> command, v1::Lifecycle* response,
                          Done done);

  LiveCompetition& live_;
  AuthThrottle throttle_;
  std::shared_ptr<StandingsEncoder> encoder_;
  // Builds bulk answers off the writer's thread. Last: it is destroyed first,
  // running what is queued while the rest is still there.
  WorkQueue answers_;
};

// Receives the updates of one watch stream. Write() is called with no lock
// held, one update at a time: the transport calls WatchSession::WriteDone()
// when that write has finished, and only then gets the next.
class WatchSink {
 public:
  virtual ~WatchSink() = default;
  virtual void Write(std::shared_ptr<const EncodedUpdate> update) = 0;
};

// One watch stream's state, whatever the transport: sends a snapshot (or the
// delta from the version the client has), then, one write at a time, one
// delta from what the client has to the latest (coalescing what was published
// meanwhile; skipping versions that change nothing in the client's view).
// Displays see the frozen standings while frozen. Thread-safe.
class WatchSession final : public StandingsSubscriber,
                           public std::enable_shared_from_this<WatchSession> {
 public:
  // Subscribes and starts sending. `sink` must outlive Stop().
  static std::shared_ptr<WatchSession> Start(Api& api, Principal who, StandingsView view,
                                             std::uint64_t after_version, WatchSink* sink);
  WatchSession(Api& api, Principal who, StandingsView view, WatchSink* sink);
  ~WatchSession() override;

  void OnPublish(const PublishedVersion& version) override;
  // The last Write() has finished (`ok`: delivered).
  void WriteDone(bool ok);
  // No more writes; the sink may go away after this returns.
  void Stop();
  // The latest standings version this stream's view could send.
  std::uint64_t latest_version();

 private:
  void SendNext(std::unique_lock<std::mutex>& lock);
  bool display() const { return who_.role == Role::kDisplay; }

  Api& api_;  // used only until Stop()
  const std::shared_ptr<StandingsEncoder> encoder_;
  const Principal who_;
  const StandingsView view_;
  std::mutex mutex_;
  std::recursive_mutex sink_mutex_;  // held while calling the sink (it may write again inline)
  WatchSink* sink_;                  // read under sink_mutex_
  PublishedVersion latest_;
  std::optional<std::uint64_t> client_version_;  // once in-flight writes land; none: snapshot
  bool client_frozen_ = false;
  bool writing_ = false;
  bool stopped_ = false;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_RPC_API_H_
