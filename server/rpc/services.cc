#include "server/rpc/services.h"

#include <atomic>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <tuple>

#include "podium/v1/competition.grpc.pb.h"
#include "podium/v1/scoring.grpc.pb.h"
#include "podium/v1/standings.grpc.pb.h"
#include "server/rpc/convert.h"

namespace podium::server {

namespace {

constexpr std::string_view kBearer = "Bearer ";
// Bulk streams: marks read ahead of their answers at most, and per message.
constexpr int kMaxInFlightMarks = 20000;
constexpr int kMaxMarksPerMessage = 10000;
// A delta touching more rows than this is sent as a snapshot.
constexpr std::size_t kMaxDeltaRows = 5000;

StatusOr<Principal> Caller(grpc::CallbackServerContext* context, const TokenStore& tokens) {
  const auto& metadata = context->client_metadata();
  const auto it = metadata.find("authorization");
  if (it == metadata.end()) return tokens.Authenticate("");
  const std::string_view value(it->second.data(), it->second.size());
  if (value.substr(0, kBearer.size()) != kBearer) {
    return Status(StatusCode::kUnauthenticated, "authorization metadata must be 'Bearer <token>'");
  }
  return tokens.Authenticate(value.substr(kBearer.size()));
}

bool IsStaff(const Principal& who) {
  return who.role == Role::kChiefJudge || who.role == Role::kOrganizer;
}

// Runs a write command and finishes the call with its outcome once durable.
template <typename Request>
grpc::ServerUnaryReactor* Write(grpc::CallbackServerContext* context, const Request* request,
                                v1::WriteResponse* response, LiveCompetition& live) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto who = Caller(context, live.tokens());
  if (!who.ok()) {
    reactor->Finish(ToGrpcStatus(who.status()));
    return reactor;
  }
  auto command = FromProto(*request);
  if (!command.ok()) {
    reactor->Finish(ToGrpcStatus(command.status()));
    return reactor;
  }
  live.writer().Submit(std::move(*command), *who, [reactor, response](const CommandResult& result) {
    if (result.status.ok()) {
      response->set_sequence(result.sequence);
      response->set_duplicate(result.duplicate);
      response->set_state(ToProto(result.outcome));
    }
    reactor->Finish(ToGrpcStatus(result.status));
  });
  return reactor;
}

// Runs `fill` on the writer thread (a consistent state) and finishes the call.
grpc::ServerUnaryReactor* Read(
    grpc::CallbackServerContext* context, LiveCompetition& live,
    std::function<Status(const Principal&, const ContestState&, const Ledger&)> fill) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto who = Caller(context, live.tokens());
  if (!who.ok()) {
    reactor->Finish(ToGrpcStatus(who.status()));
    return reactor;
  }
  live.writer().Run([reactor, who = *who, fill = std::move(fill)](const ContestState& state,
                                                                  const Ledger& ledger) {
    reactor->Finish(ToGrpcStatus(fill(who, state, ledger)));
  });
  return reactor;
}

bool HideNames(const Principal& who, const ContestState& state) {
  return who.role == Role::kJudge && state.competition().spec().blind_numbers &&
         !state.lifecycle().results_released;
}

// --- CompetitionService ----------------------------------------------------

class CompetitionServiceImpl final : public v1::CompetitionService::CallbackService {
 public:
  explicit CompetitionServiceImpl(LiveCompetition& live) : live_(live) {}

  grpc::ServerUnaryReactor* GetCompetition(grpc::CallbackServerContext* context,
                                           const v1::GetCompetitionRequest*,
                                           v1::Competition* response) override {
    return Read(context, live_,
                [response](const Principal&, const ContestState& state, const Ledger&) {
                  ToProto(state.competition(), state, response);
                  return OkStatus();
                });
  }

  grpc::ServerUnaryReactor* ListContestants(grpc::CallbackServerContext* context,
                                            const v1::ListContestantsRequest* request,
                                            v1::ListContestantsResponse* response) override {
    return Read(
        context, live_,
        [request, response](const Principal& who, const ContestState& state, const Ledger&) {
          const engine::Competition& c = state.competition();
          int trade = -1;
          if (!request->trade().empty()) {
            PODIUM_ASSIGN_OR_RETURN(trade, c.FindTrade(request->trade()));
          }
          const bool hide = HideNames(who, state);
          for (int i = 0; i < c.num_contestants(); ++i) {
            if (trade >= 0 && c.trade_of(i) != trade) continue;
            ToProto(c.contestant(i), c, hide, response->add_contestants());
            // Status is the live one, not the roster's.
            const engine::StandingRow row = state.engine().standings()->row_of(i);
            response->mutable_contestants()->rbegin()->set_status(ToProto(row.status));
          }
          return OkStatus();
        });
  }

  grpc::ServerUnaryReactor* GetLifecycle(grpc::CallbackServerContext* context,
                                         const v1::GetLifecycleRequest*,
                                         v1::Lifecycle* response) override {
    return Read(context, live_,
                [response](const Principal&, const ContestState& state, const Ledger&) {
                  ToProto(state.lifecycle(), response);
                  return OkStatus();
                });
  }

  grpc::ServerUnaryReactor* SetPhase(grpc::CallbackServerContext* context,
                                     const v1::SetPhaseRequest* request,
                                     v1::Lifecycle* response) override {
    return WriteThenLifecycle(context, FromProto(*request), response);
  }

  grpc::ServerUnaryReactor* ReleaseResults(grpc::CallbackServerContext* context,
                                           const v1::ReleaseResultsRequest* request,
                                           v1::Lifecycle* response) override {
    return WriteThenLifecycle(context, FromProto(*request), response);
  }

 private:
  // Lifecycle writes answer with the lifecycle after the write.
  grpc::ServerUnaryReactor* WriteThenLifecycle(grpc::CallbackServerContext* context,
                                               StatusOr<Command> command, v1::Lifecycle* response) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    auto who = Caller(context, live_.tokens());
    if (!who.ok() || !command.ok()) {
      reactor->Finish(ToGrpcStatus(!who.ok() ? who.status() : command.status()));
      return reactor;
    }
    LiveCompetition& live = live_;
    live.writer().Submit(
        std::move(*command), *who, [reactor, response, &live](const CommandResult& r) {
          if (!r.status.ok()) {
            reactor->Finish(ToGrpcStatus(r.status));
            return;
          }
          live.writer().Run([reactor, response](const ContestState& state, const Ledger&) {
            ToProto(state.lifecycle(), response);
            reactor->Finish(grpc::Status::OK);
          });
        });
    return reactor;
  }

  LiveCompetition& live_;
};

// --- ScoringService ---------------------------------------------------------

// SubmitMarks: reads messages of marks, submits each message's marks
// together, and writes one answer per message, in message order. Finishes
// once the client is done and every message is answered.
class SubmitMarksReactor final
    : public grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse> {
 public:
  SubmitMarksReactor(LiveCompetition& live, Principal who) : live_(live), who_(std::move(who)) {
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      std::unique_lock lock(mutex_);
      reads_done_ = true;
      MaybeFinish(lock);
      return;
    }
    std::uint64_t index = 0;
    int marks = request_.marks_size();
    {
      std::lock_guard lock(mutex_);
      index = next_request_++;
      in_flight_ += marks;
    }
    std::vector<std::string> keys;
    std::vector<Command> commands;
    std::vector<std::optional<Status>> refused(marks);
    for (int i = 0; i < marks; ++i) {
      const v1::SubmitMarkRequest& mark = request_.marks(i);
      keys.push_back(mark.idempotency_key());
      auto command = FromProto(mark);
      if (command.ok()) {
        commands.push_back(std::move(*command));
      } else {
        refused[i] = command.status();
      }
    }
    if (marks > kMaxMarksPerMessage) {
      for (auto& r : refused) {
        r = InvalidArgumentError("a SubmitMarks message carries at most 10,000 marks");
      }
      commands.clear();
    }
    auto answer = [this, index, keys = std::move(keys),
                   refused = std::move(refused)](std::vector<CommandResult> results) {
      v1::SubmitMarksResponse response;
      std::size_t next = 0;
      for (std::size_t i = 0; i < keys.size(); ++i) {
        const CommandResult result =
            refused[i] ? CommandResult{*refused[i]} : std::move(results[next++]);
        v1::SubmitMarkResult* r = response.add_results();
        r->set_idempotency_key(keys[i]);
        r->set_code(static_cast<int>(result.status.code()));
        r->set_message(result.status.message());
        if (result.status.ok()) {
          r->mutable_result()->set_sequence(result.sequence);
          r->mutable_result()->set_duplicate(result.duplicate);
          r->mutable_result()->set_state(ToProto(result.outcome));
        }
      }
      std::unique_lock lock(mutex_);
      in_flight_ -= static_cast<int>(keys.size());
      // Messages can be answered out of order (a message of refusals needs no
      // commit): put the answers back in message order.
      answered_.emplace(index, std::move(response));
      for (auto it = answered_.begin(); it != answered_.end() && it->first == next_answer_;
           it = answered_.erase(it), ++next_answer_) {
        responses_.push_back(std::move(it->second));
      }
      WriteNext(lock);
      ResumeReading(lock);
    };
    live_.writer().SubmitAll(std::move(commands), who_, std::move(answer));
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
    responses_.pop_front();
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
  void WriteNext(std::unique_lock<std::mutex>& lock) {
    if (writing_ || broken_ || responses_.empty()) {
      MaybeFinish(lock);
      return;
    }
    writing_ = true;
    const v1::SubmitMarksResponse* next = &responses_.front();  // stable until popped
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

  // Finishes once nothing is owed: no mark in the writer, no answer unsent.
  void MaybeFinish(std::unique_lock<std::mutex>& lock) {
    if (finished_ || in_flight_ > 0 || writing_) return;
    if (!broken_ && (!reads_done_ || !responses_.empty())) return;
    finished_ = true;
    lock.unlock();
    Finish(broken_ ? grpc::Status(grpc::StatusCode::CANCELLED, "stream broken") : grpc::Status::OK);
    lock.lock();
  }

  LiveCompetition& live_;
  const Principal who_;
  v1::SubmitMarksRequest request_;
  std::mutex mutex_;
  std::deque<v1::SubmitMarksResponse> responses_;              // in message order, being written
  std::map<std::uint64_t, v1::SubmitMarksResponse> answered_;  // waiting for earlier ones
  std::uint64_t next_request_ = 0;
  std::uint64_t next_answer_ = 0;
  int in_flight_ = 0;
  bool writing_ = false;
  bool reads_done_ = false;
  bool read_paused_ = false;
  bool broken_ = false;
  bool finished_ = false;
};

class ScoringServiceImpl final : public v1::ScoringService::CallbackService {
 public:
  explicit ScoringServiceImpl(LiveCompetition& live) : live_(live) {}

  grpc::ServerUnaryReactor* SubmitMark(grpc::CallbackServerContext* c,
                                       const v1::SubmitMarkRequest* r,
                                       v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }
  grpc::ServerUnaryReactor* CorrectMark(grpc::CallbackServerContext* c,
                                        const v1::CorrectMarkRequest* r,
                                        v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }
  grpc::ServerUnaryReactor* VoidMark(grpc::CallbackServerContext* c, const v1::VoidMarkRequest* r,
                                     v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }
  grpc::ServerUnaryReactor* SetStatus(grpc::CallbackServerContext* c, const v1::SetStatusRequest* r,
                                      v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }
  grpc::ServerUnaryReactor* AddPenalty(grpc::CallbackServerContext* c,
                                       const v1::AddPenaltyRequest* r,
                                       v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }
  grpc::ServerUnaryReactor* SetLock(grpc::CallbackServerContext* c, const v1::SetLockRequest* r,
                                    v1::WriteResponse* w) override {
    return Write(c, r, w, live_);
  }

  grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse>* SubmitMarks(
      grpc::CallbackServerContext* context) override {
    auto who = Caller(context, live_.tokens());
    if (!who.ok()) {
      // A reactor that only reports the refusal.
      class Refused final
          : public grpc::ServerBidiReactor<v1::SubmitMarksRequest, v1::SubmitMarksResponse> {
       public:
        explicit Refused(const Status& s) { Finish(ToGrpcStatus(s)); }
        void OnDone() override { delete this; }
      };
      return new Refused(who.status());
    }
    return new SubmitMarksReactor(live_, *who);
  }

  grpc::ServerUnaryReactor* GetSheet(grpc::CallbackServerContext* context,
                                     const v1::GetSheetRequest* request,
                                     v1::Sheet* response) override {
    return Read(context, live_,
                [request, response](const Principal& who, const ContestState& state,
                                    const Ledger&) -> Status {
                  const engine::Competition& c = state.competition();
                  int judge = who.judge;
                  if (!request->judge().empty()) {
                    PODIUM_ASSIGN_OR_RETURN(judge, c.FindJudge(request->judge()));
                    if (judge != who.judge && !IsStaff(who)) {
                      return PermissionDeniedError("a judge sees only their own sheet");
                    }
                  }
                  if (judge < 0) return InvalidArgumentError("judge is required: whose sheet?");
                  const bool hide = HideNames(who, state);
                  response->set_judge(c.judge(judge).id);
                  response->set_judge_name(c.judge(judge).name);
                  for (int g = 0; g < c.num_items(); ++g) {
                    const engine::ItemIndex& item = c.item(g);
                    const auto seat =
                        std::find_if(item.panel.begin(), item.panel.end(),
                                     [&](const engine::PanelSeat& s) { return s.judge == judge; });
                    if (seat == item.panel.end()) continue;
                    v1::SheetItem* sheet = response->add_items();
                    sheet->set_item(item.ref);
                    sheet->set_name(item.spec->name);
                    const bool zero_to_three = item.spec->marking == engine::Marking::kJudgement &&
                                               item.spec->rule == engine::PanelRule::kJudgement03;
                    sheet->set_max(zero_to_three ? 3 : item.spec->max);
                    sheet->set_step(zero_to_three ? 1 : item.spec->step);
                    sheet->set_locked(state.locked(g));
                    for (const int contestant : c.trade(item.trade).contestants) {
                      if (!c.SeatOf(judge, g, contestant).ok()) continue;
                      v1::SheetEntry* entry = sheet->add_entries();
                      entry->set_bib(c.contestant(contestant).bib);
                      if (!hide) entry->set_name(c.contestant(contestant).name);
                      if (const auto mark = state.engine().MarkOf(contestant, g, judge)) {
                        entry->set_has_mark(true);
                        entry->set_value(*mark);
                      }
                    }
                  }
                  return OkStatus();
                });
  }

  grpc::ServerUnaryReactor* GetReviewQueue(grpc::CallbackServerContext* context,
                                           const v1::GetReviewQueueRequest* request,
                                           v1::ReviewQueue* response) override {
    return Read(
        context, live_,
        [request, response](const Principal& who, const ContestState& state,
                            const Ledger&) -> Status {
          if (!IsStaff(who)) {
            return PermissionDeniedError(
                "only the chief judge and organizers see the review queue");
          }
          const engine::Competition& c = state.competition();
          int only = -1;
          if (!request->trade().empty()) {
            PODIUM_ASSIGN_OR_RETURN(only, c.FindTrade(request->trade()));
          }
          for (int t = 0; t < c.num_trades(); ++t) {
            if (only >= 0 && t != only) continue;
            for (const auto& [contestant, item] : state.engine().FlaggedPanels(t)) {
              v1::ReviewPanel* panel = response->add_panels();
              panel->set_bib(c.contestant(contestant).bib);
              panel->set_item(c.item(item).ref);
              const engine::ItemSpec& spec = *c.item(item).spec;
              const bool zero_to_three = spec.rule == engine::PanelRule::kJudgement03;
              panel->set_tolerance(zero_to_three ? 1 : spec.tolerance);
              double lo = 1e300, hi = -1e300;
              for (const auto& [judge, value] : state.engine().PanelMarks(contestant, item)) {
                v1::PanelMark* mark = panel->add_marks();
                mark->set_judge(c.judge(judge).id);
                mark->set_value(value);
                lo = std::min(lo, value);
                hi = std::max(hi, value);
              }
              panel->set_spread(hi - lo);
            }
          }
          for (const ContestState::Conflict& conflict : state.conflicts()) {
            if (only >= 0 && c.trade_of(conflict.contestant) != only) continue;
            v1::TranscriptionConflict* out = response->add_conflicts();
            out->set_bib(c.contestant(conflict.contestant).bib);
            out->set_item(c.item(conflict.item).ref);
            out->set_judge(c.judge(conflict.judge).id);
            out->set_first_value(conflict.first.value);
            out->set_first_actor(conflict.first.actor);
            out->set_second_value(conflict.second.value);
            out->set_second_actor(conflict.second.actor);
          }
          return OkStatus();
        });
  }

  grpc::ServerUnaryReactor* GetMarkHistory(grpc::CallbackServerContext* context,
                                           const v1::GetMarkHistoryRequest* request,
                                           v1::MarkHistory* response) override {
    return Read(
        context, live_,
        [request, response](const Principal& who, const ContestState& state,
                            const Ledger& ledger) -> Status {
          if (!IsStaff(who)) {
            return PermissionDeniedError("only the chief judge and organizers see mark histories");
          }
          PODIUM_ASSIGN_OR_RETURN(const int contestant,
                                  state.competition().FindContestant(request->bib()));
          PODIUM_ASSIGN_OR_RETURN(const int item, state.ResolveItem(contestant, request->item()));
          PODIUM_ASSIGN_OR_RETURN(
              const std::vector<LedgerRecord> history,
              ledger.History(request->bib(), state.ItemRef(item), request->judge()));
          for (const LedgerRecord& r : history) ToProto(r, response->add_events());
          return OkStatus();
        });
  }

 private:
  LiveCompetition& live_;
};

}  // namespace

// --- StandingsService -------------------------------------------------------

// Encodes standings once per (version, view) for every watcher that wants it.
class StandingsEncoder final {
 public:
  using Encoded = std::shared_ptr<const v1::StandingsUpdate>;

  Encoded Snapshot(const std::shared_ptr<const engine::Standings>& standings,
                   const StandingsView& view) {
    return Cached({standings->version, 0, view.trade, view.limit, view.frozen}, [&] {
      auto update = std::make_shared<v1::StandingsUpdate>();
      ToProto(*standings, view, update->mutable_snapshot());
      return update;
    });
  }

  // The deltas of `chain` (consecutive versions) as one, read from `after`
  // (the standings the last leads to). Null if too big to be worth sending
  // (send a snapshot); an update without content if nothing in the view changed.
  Encoded Delta(const std::vector<std::shared_ptr<const engine::StandingsDelta>>& chain,
                const engine::Standings& after, const StandingsView& view) {
    return Cached({chain.back()->to_version, chain.front()->from_version + 1, view.trade,
                   view.limit, view.frozen},
                  [&]() -> Encoded {
                    engine::StandingsDelta merged;
                    merged.from_version = chain.front()->from_version;
                    merged.to_version = chain.back()->to_version;
                    for (const auto& d : chain) {
                      merged.trades.insert(merged.trades.end(), d->trades.begin(), d->trades.end());
                      merged.medal_tally_changed |= d->medal_tally_changed;
                      merged.competition_teams_changed |= d->competition_teams_changed;
                    }
                    auto update = std::make_shared<v1::StandingsUpdate>();
                    if (ToProto(merged, after, view, update->mutable_delta()) > kMaxDeltaRows) {
                      return nullptr;
                    }
                    return update;
                  });
  }

  static bool Empty(const v1::StandingsUpdate& update) {
    return update.has_delta() && update.delta().trades_size() == 0 &&
           update.delta().medal_tally_size() == 0 && update.delta().teams_size() == 0;
  }

  std::atomic<int> watchers{0};

 private:
  using Key = std::tuple<std::uint64_t, std::uint64_t, int, int, bool>;

  template <typename Make>
  Encoded Cached(const Key& key, Make make) {
    {
      std::lock_guard lock(mutex_);
      if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
    }
    Encoded encoded = make();
    std::lock_guard lock(mutex_);
    cache_[key] = encoded;
    // Keep the recent versions only.
    while (cache_.size() > 64) cache_.erase(cache_.begin());
    return encoded;
  }

  std::mutex mutex_;
  std::map<Key, Encoded> cache_;
};

namespace {

// One WatchStandings stream. The hub holds its subscription weakly; the
// reactor deletes itself in OnDone after detaching.
class WatchReactor final : public grpc::ServerWriteReactor<v1::StandingsUpdate> {
 public:
  class Subscription final : public StandingsSubscriber {
   public:
    explicit Subscription(WatchReactor* reactor) : reactor_(reactor) {}
    void OnPublish(const PublishedVersion& version) override {
      std::lock_guard lock(mutex_);
      if (reactor_ != nullptr) reactor_->Offer(version);
    }
    void Detach() {
      std::lock_guard lock(mutex_);
      reactor_ = nullptr;
    }

   private:
    std::mutex mutex_;
    WatchReactor* reactor_;
  };

  // One write in flight at a time; whatever is published meanwhile is sent
  // next as a single delta from what the client has to the latest (or a
  // snapshot), so a slow reader costs a bounded amount and never a backlog.
  WatchReactor(LiveCompetition& live, std::shared_ptr<StandingsEncoder> encoder, Principal who,
               StandingsView view, std::uint64_t after_version)
      : live_(live), encoder_(std::move(encoder)), who_(std::move(who)), view_(view) {
    encoder_->watchers++;
    subscription_ = std::make_shared<Subscription>(this);
    // Subscribe first, then take the latest: nothing published in between is lost.
    live_.hub().Subscribe(subscription_);
    std::unique_lock lock(mutex_);
    latest_ = live_.hub().latest();
    // A display always starts from a snapshot; others may resume.
    if (!display() && after_version > 0) client_version_ = after_version;
    SendNext(lock);
  }

  // Called from the publishing thread (under the subscription's mutex).
  void Offer(const PublishedVersion& version) {
    std::unique_lock lock(mutex_);
    if (done_) return;
    latest_ = version;
    SendNext(lock);
  }

  void OnWriteDone(bool ok) override {
    std::unique_lock lock(mutex_);
    writing_ = false;
    in_flight_ = nullptr;
    if (!ok) return;  // the client went away: OnDone follows
    SendNext(lock);
  }

  void OnCancel() override {
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      finished_ = true;
    }
    Finish(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    subscription_->Detach();
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    encoder_->watchers--;
    delete this;
  }

 private:
  bool display() const { return who_.role == Role::kDisplay; }

  // Writes what brings the client from `client_version_` to the latest view,
  // unless a write is in flight (OnWriteDone calls again).
  void SendNext(std::unique_lock<std::mutex>& lock) {
    if (writing_ || finished_ || latest_.standings == nullptr) return;
    const bool frozen = display() && latest_.display_frozen;
    const auto& standings = display() ? latest_.display : latest_.standings;
    if (client_version_ == standings->version && client_frozen_ == frozen) return;
    StandingsEncoder::Encoded update;
    // Displays move by snapshot into and out of a freeze; otherwise deltas.
    if (client_version_ && !frozen && !client_frozen_) {
      if (auto chain = live_.hub().DeltasSince(*client_version_); chain && !chain->empty()) {
        update = encoder_->Delta(*chain, *standings, view_);
        if (update != nullptr && StandingsEncoder::Empty(*update)) {
          // Nothing in this view changed: the client stays where it is, and
          // the next delta will start from its version.
          return;
        }
      }
    }
    if (update == nullptr) {
      StandingsView view = view_;
      view.frozen = frozen;
      update = encoder_->Snapshot(standings, view);
    }
    client_version_ = standings->version;
    client_frozen_ = frozen;
    writing_ = true;
    in_flight_ = std::move(update);  // alive until OnWriteDone
    const v1::StandingsUpdate* message = in_flight_.get();
    lock.unlock();
    StartWrite(message);
    lock.lock();
  }

  LiveCompetition& live_;
  std::shared_ptr<StandingsEncoder> encoder_;
  const Principal who_;
  const StandingsView view_;
  std::shared_ptr<Subscription> subscription_;
  std::mutex mutex_;
  PublishedVersion latest_;
  StandingsEncoder::Encoded in_flight_;
  // The version the client has once in-flight writes land; none: needs a snapshot.
  std::optional<std::uint64_t> client_version_;
  bool client_frozen_ = false;
  bool writing_ = false;
  bool finished_ = false;
  bool done_ = false;
};

class StandingsServiceImpl final : public v1::StandingsService::CallbackService {
 public:
  StandingsServiceImpl(LiveCompetition& live, std::shared_ptr<StandingsEncoder> encoder)
      : live_(live), encoder_(std::move(encoder)) {}

  grpc::ServerUnaryReactor* GetStandings(grpc::CallbackServerContext* context,
                                         const v1::GetStandingsRequest* request,
                                         v1::Standings* response) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    auto view = Authorize(context, request->trade(), request->limit());
    if (!view.ok()) {
      reactor->Finish(ToGrpcStatus(view.status()));
      return reactor;
    }
    const PublishedVersion latest = live_.hub().latest();
    const bool display = view->second.role == Role::kDisplay;
    StandingsView v = view->first;
    v.frozen = display && latest.display_frozen;
    ToProto(display ? *latest.display : *latest.standings, v, response);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  grpc::ServerWriteReactor<v1::StandingsUpdate>* WatchStandings(
      grpc::CallbackServerContext* context, const v1::WatchStandingsRequest* request) override {
    auto view = Authorize(context, request->trade(), request->limit());
    if (!view.ok()) {
      class Refused final : public grpc::ServerWriteReactor<v1::StandingsUpdate> {
       public:
        explicit Refused(const Status& s) { Finish(ToGrpcStatus(s)); }
        void OnDone() override { delete this; }
      };
      return new Refused(view.status());
    }
    return new WatchReactor(live_, encoder_, view->second, view->first, request->after_version());
  }

 private:
  StatusOr<std::pair<StandingsView, Principal>> Authorize(grpc::CallbackServerContext* context,
                                                          const std::string& trade, int limit) {
    PODIUM_ASSIGN_OR_RETURN(const Principal who, Caller(context, live_.tokens()));
    if (who.role == Role::kJudge) {
      return PermissionDeniedError("judges do not see standings while they judge");
    }
    PODIUM_ASSIGN_OR_RETURN(const StandingsView view, MakeView(live_.competition(), trade, limit));
    return std::make_pair(view, who);
  }

  LiveCompetition& live_;
  std::shared_ptr<StandingsEncoder> encoder_;
};

}  // namespace

RpcServices::RpcServices(LiveCompetition& live) : encoder_(std::make_shared<StandingsEncoder>()) {
  services_.push_back(std::make_unique<CompetitionServiceImpl>(live));
  services_.push_back(std::make_unique<ScoringServiceImpl>(live));
  services_.push_back(std::make_unique<StandingsServiceImpl>(live, encoder_));
}

RpcServices::~RpcServices() = default;

std::vector<grpc::Service*> RpcServices::services() const {
  std::vector<grpc::Service*> out;
  for (const auto& s : services_) out.push_back(s.get());
  return out;
}

std::size_t RpcServices::watchers() const {
  return static_cast<std::size_t>(encoder_->watchers.load());
}

}  // namespace podium::server
