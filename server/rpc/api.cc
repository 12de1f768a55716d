#include "server/rpc/api.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <tuple>

namespace podium::server {

namespace {

constexpr std::string_view kBearer = "Bearer ";
// A delta touching more rows than this is sent as a snapshot.
constexpr std::size_t kMaxDeltaRows = 5000;
constexpr int kMaxMarksPerMessage = 10000;

bool IsStaff(const Principal& who) {
  return who.role == Role::kChiefJudge || who.role == Role::kOrganizer;
}

bool HideNames(const Principal& who, const ContestState& state) {
  return who.role == Role::kJudge && state.competition().spec().blind_numbers &&
         !state.lifecycle().results_released;
}

void FillWrite(const CommandResult& result, v1::WriteResponse* response) {
  if (!result.status.ok()) return;
  response->set_sequence(result.sequence);
  response->set_duplicate(result.duplicate);
  response->set_state(ToProto(result.outcome));
}

}  // namespace

const std::string& EncodedUpdate::Json() const {
  std::call_once(json_once_, [this] {
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    // The message was built by us: it always prints.
    (void)google::protobuf::util::MessageToJsonString(message, &json_, options);
  });
  return json_;
}

// Encodes standings once per (versions, view) for every stream that wants them.
class StandingsEncoder final {
 public:
  using Encoded = std::shared_ptr<const EncodedUpdate>;

  Encoded Snapshot(const std::shared_ptr<const engine::Standings>& standings,
                   const StandingsView& view) {
    return Cached({standings->version, 0, view.trade, view.limit, view.frozen}, [&] {
      auto update = std::make_shared<EncodedUpdate>();
      ToProto(*standings, view, update->message.mutable_snapshot());
      return update;
    });
  }

  // The deltas of `chain` (consecutive versions) as one, read from `after`
  // (the standings the last leads to). Null if too big to be worth sending
  // (send a snapshot); an update without content if nothing in the view changed.
  Encoded Delta(const std::vector<std::shared_ptr<const engine::StandingsDelta>>& chain,
                const engine::Standings& after, const StandingsView& view) {
    return Cached(
        {chain.back()->to_version, chain.front()->from_version + 1, view.trade, view.limit,
         view.frozen},
        [&]() -> Encoded {
          engine::StandingsDelta merged;
          merged.from_version = chain.front()->from_version;
          merged.to_version = chain.back()->to_version;
          for (const auto& d : chain) {
            merged.trades.insert(merged.trades.end(), d->trades.begin(), d->trades.end());
            merged.medal_tally_changed |= d->medal_tally_changed;
            merged.competition_teams_changed |= d->competition_teams_changed;
          }
          auto update = std::make_shared<EncodedUpdate>();
          if (ToProto(merged, after, view, update->message.mutable_delta()) > kMaxDeltaRows) {
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

Api::Api(LiveCompetition& live) : live_(live), encoder_(std::make_shared<StandingsEncoder>()) {}

Api::~Api() = default;

std::size_t Api::watchers() const { return static_cast<std::size_t>(encoder_->watchers.load()); }

StatusOr<Principal> Api::Authenticate(std::string_view authorization, std::string_view source) {
  if (!authorization.empty() && authorization.substr(0, kBearer.size()) != kBearer) {
    return Status(StatusCode::kUnauthenticated, "authorization must be 'Bearer <token>'");
  }
  return AuthenticateToken(authorization.substr(std::min(kBearer.size(), authorization.size())),
                           source);
}

StatusOr<Principal> Api::AuthenticateToken(std::string_view token, std::string_view source) {
  const std::int64_t now = live_.now_ms();
  PODIUM_RETURN_IF_ERROR(throttle_.Check(source, now));
  auto who = live_.tokens().Authenticate(token);
  // A missing token is a client that has not logged in yet, not a guess.
  if (!token.empty()) throttle_.Record(source, who.ok(), now);
  return who;
}

template <typename Request>
void Api::Write(const Principal& who, const Request& request, v1::WriteResponse* response,
                Done done) {
  auto command = FromProto(request);
  if (!command.ok()) {
    done(command.status());
    return;
  }
  LookUpContestant(*command);
  live_.writer().Submit(std::move(*command), who,
                        [response, done = std::move(done)](const CommandResult& result) {
                          FillWrite(result, response);
                          done(result.status);
                        });
}

void Api::LookUpContestant(Command& command) const {
  if (command.bib.empty()) return;
  if (const auto contestant = live_.competition().FindContestant(command.bib); contestant.ok()) {
    command.contestant = *contestant;
  }
}

void Api::Read(const Principal& who,
               std::function<Status(const Principal&, const ContestState&, const Ledger&)> fill,
               Done done) {
  live_.writer().Run(
      [who, fill = std::move(fill), done = std::move(done)](
          const ContestState& state, const Ledger& ledger) { done(fill(who, state, ledger)); });
}

void Api::WriteThenLifecycle(const Principal& who, StatusOr<Command> command,
                             v1::Lifecycle* response, Done done) {
  if (!command.ok()) {
    done(command.status());
    return;
  }
  LiveCompetition& live = live_;
  live.writer().Submit(
      std::move(*command), who, [response, &live, done = std::move(done)](const CommandResult& r) {
        if (!r.status.ok()) {
          done(r.status);
          return;
        }
        // Answer with the lifecycle after the write.
        live.writer().Run([response, done](const ContestState& state, const Ledger&) {
          ToProto(state.lifecycle(), response);
          done(OkStatus());
        });
      });
}

// --- CompetitionService ------------------------------------------------------

void Api::GetCompetition(const Principal& who, const v1::GetCompetitionRequest&,
                         v1::Competition* response, Done done) {
  Read(
      who,
      [response](const Principal&, const ContestState& state, const Ledger&) {
        ToProto(state.competition(), state, response);
        return OkStatus();
      },
      std::move(done));
}

void Api::ListContestants(const Principal& who, const v1::ListContestantsRequest& request,
                          v1::ListContestantsResponse* response, Done done) {
  Read(
      who,
      [trade_id = request.trade(), response](const Principal& who, const ContestState& state,
                                             const Ledger&) {
        const engine::Competition& c = state.competition();
        int trade = -1;
        if (!trade_id.empty()) {
          PODIUM_ASSIGN_OR_RETURN(trade, c.FindTrade(trade_id));
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
      },
      std::move(done));
}

void Api::GetLifecycle(const Principal& who, const v1::GetLifecycleRequest&,
                       v1::Lifecycle* response, Done done) {
  Read(
      who,
      [response](const Principal&, const ContestState& state, const Ledger&) {
        ToProto(state.lifecycle(), response);
        return OkStatus();
      },
      std::move(done));
}

void Api::SetPhase(const Principal& who, const v1::SetPhaseRequest& request,
                   v1::Lifecycle* response, Done done) {
  WriteThenLifecycle(who, FromProto(request), response, std::move(done));
}

void Api::ReleaseResults(const Principal& who, const v1::ReleaseResultsRequest& request,
                         v1::Lifecycle* response, Done done) {
  WriteThenLifecycle(who, FromProto(request), response, std::move(done));
}

// --- ScoringService ----------------------------------------------------------

void Api::SubmitMark(const Principal& who, const v1::SubmitMarkRequest& request,
                     v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}
void Api::CorrectMark(const Principal& who, const v1::CorrectMarkRequest& request,
                      v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}
void Api::VoidMark(const Principal& who, const v1::VoidMarkRequest& request,
                   v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}
void Api::SetStatus(const Principal& who, const v1::SetStatusRequest& request,
                    v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}
void Api::AddPenalty(const Principal& who, const v1::AddPenaltyRequest& request,
                     v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}
void Api::SetLock(const Principal& who, const v1::SetLockRequest& request,
                  v1::WriteResponse* response, Done done) {
  Write(who, request, response, std::move(done));
}

void Api::SubmitMarks(const Principal& who, const v1::SubmitMarksRequest& request,
                      v1::SubmitMarksResponse* response, Done done) {
  const int marks = request.marks_size();
  std::vector<std::string> keys;
  std::vector<Command> commands;
  std::vector<std::optional<Status>> refused(marks);
  for (int i = 0; i < marks; ++i) {
    const v1::SubmitMarkRequest& mark = request.marks(i);
    keys.push_back(mark.idempotency_key());
    auto command = FromProto(mark);
    if (marks > kMaxMarksPerMessage) {
      refused[i] = InvalidArgumentError("a SubmitMarks message carries at most 10,000 marks");
    } else if (command.ok()) {
      LookUpContestant(*command);
      commands.push_back(std::move(*command));
    } else {
      refused[i] = command.status();
    }
  }
  auto answer = [response, keys = std::move(keys), refused = std::move(refused),
                 done = std::move(done)](std::vector<CommandResult> results) mutable {
    std::size_t next = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const CommandResult result =
          refused[i] ? CommandResult{*refused[i]} : std::move(results[next++]);
      v1::SubmitMarkResult* r = response->add_results();
      r->set_idempotency_key(std::move(keys[i]));
      r->set_code(static_cast<int>(result.status.code()));
      r->set_message(result.status.message());
      if (result.status.ok()) FillWrite(result, r->mutable_result());
    }
    done(OkStatus());
  };
  // The writer only hands the results over: building the answer (a few
  // allocations per mark) would hold up the next batch.
  live_.writer().SubmitAll(
      std::move(commands), who,
      [this, answer = std::move(answer)](std::vector<CommandResult> results) mutable {
        answers_.Post([answer = std::move(answer), results = std::move(results)]() mutable {
          answer(std::move(results));
        });
      });
}

void Api::GetSheet(const Principal& who, const v1::GetSheetRequest& request, v1::Sheet* response,
                   Done done) {
  Read(
      who,
      [judge_id = request.judge(), response](const Principal& who, const ContestState& state,
                                             const Ledger&) -> Status {
        const engine::Competition& c = state.competition();
        int judge = who.judge;
        if (!judge_id.empty()) {
          PODIUM_ASSIGN_OR_RETURN(judge, c.FindJudge(judge_id));
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
      },
      std::move(done));
}

namespace {

// The trades a staff-only read covers: `trade_id`, or every trade if empty.
// Errors: kPermissionDenied for anyone but the chief judge and organizers
// (`what` names the view); kNotFound for an unknown trade.
StatusOr<std::vector<int>> StaffTrades(const Principal& who, const engine::Competition& c,
                                       const std::string& trade_id, const std::string& what) {
  if (!IsStaff(who)) {
    return PermissionDeniedError("only the chief judge and organizers see " + what);
  }
  std::vector<int> trades;
  if (!trade_id.empty()) {
    PODIUM_ASSIGN_OR_RETURN(const int only, c.FindTrade(trade_id));
    trades.push_back(only);
  } else {
    for (int t = 0; t < c.num_trades(); ++t) trades.push_back(t);
  }
  return trades;
}

}  // namespace

void Api::GetReviewQueue(const Principal& who, const v1::GetReviewQueueRequest& request,
                         v1::ReviewQueue* response, Done done) {
  Read(
      who,
      [trade_id = request.trade(), response](const Principal& who, const ContestState& state,
                                             const Ledger&) -> Status {
        const engine::Competition& c = state.competition();
        PODIUM_ASSIGN_OR_RETURN(const std::vector<int> trades,
                                StaffTrades(who, c, trade_id, "the review queue"));
        for (const int t : trades) {
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
          if (std::find(trades.begin(), trades.end(), c.trade_of(conflict.contestant)) ==
              trades.end()) {
            continue;
          }
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
      },
      std::move(done));
}

void Api::GetMarkHistory(const Principal& who, const v1::GetMarkHistoryRequest& request,
                         v1::MarkHistory* response, Done done) {
  Read(
      who,
      [request, response](const Principal& who, const ContestState& state,
                          const Ledger& ledger) -> Status {
        if (!IsStaff(who)) {
          return PermissionDeniedError("only the chief judge and organizers see mark histories");
        }
        PODIUM_ASSIGN_OR_RETURN(const int contestant,
                                state.competition().FindContestant(request.bib()));
        PODIUM_ASSIGN_OR_RETURN(const int item, state.ResolveItem(contestant, request.item()));
        PODIUM_ASSIGN_OR_RETURN(const std::vector<LedgerRecord> history,
                                ledger.History(request.bib(), state.ItemRef(item), request.judge(),
                                               state.LastRecordOn(contestant, item)));
        for (const LedgerRecord& r : history) ToProto(r, response->add_events());
        return OkStatus();
      },
      std::move(done));
}

void Api::GetJudgeAnalytics(const Principal& who, const v1::GetJudgeAnalyticsRequest& request,
                            v1::JudgeAnalytics* response, Done done) {
  Read(
      who,
      [trade_id = request.trade(), response](const Principal& who, const ContestState& state,
                                             const Ledger&) -> Status {
        const engine::Competition& c = state.competition();
        PODIUM_ASSIGN_OR_RETURN(const std::vector<int> trades,
                                StaffTrades(who, c, trade_id, "judge analytics"));
        for (const int t : trades) {
          for (const engine::JudgeItemStats& stats : state.engine().JudgeAnalytics(t)) {
            ToProto(c, stats, response->add_judges());
          }
        }
        return OkStatus();
      },
      std::move(done));
}

void Api::GetExportSource(const Principal& who,
                          std::function<void(StatusOr<reports::ExportSource>)> done) {
  if (!IsStaff(who)) {
    done(PermissionDeniedError("only the chief judge and organizers export results"));
    return;
  }
  live_.writer().Run([done = std::move(done)](const ContestState& state, const Ledger& ledger) {
    done(reports::ExportSource{state.engine().standings(), state.lifecycle(), ledger.file(),
                               reports::EngineSheets(state.engine())});
  });
}

// --- StandingsService --------------------------------------------------------

StatusOr<StandingsView> Api::WatchView(const Principal& who, const std::string& trade,
                                       int limit) const {
  if (who.role == Role::kJudge) {
    return PermissionDeniedError("judges do not see standings while they judge");
  }
  return MakeView(live_.competition(), trade, limit);
}

void Api::GetStandings(const Principal& who, const v1::GetStandingsRequest& request,
                       v1::Standings* response, Done done) {
  auto view = WatchView(who, request.trade(), request.limit());
  if (!view.ok()) {
    done(view.status());
    return;
  }
  const PublishedVersion latest = live_.hub().latest();
  const bool display = who.role == Role::kDisplay;
  view->frozen = display && latest.display_frozen;
  ToProto(display ? *latest.display : *latest.standings, *view, response);
  done(OkStatus());
}

// --- WatchSession ------------------------------------------------------------

std::shared_ptr<WatchSession> WatchSession::Start(Api& api, Principal who, StandingsView view,
                                                  std::uint64_t after_version, WatchSink* sink) {
  auto session = std::make_shared<WatchSession>(api, std::move(who), view, sink);
  // A display always starts from a snapshot; others may resume.
  if (!session->display() && after_version > 0) session->client_version_ = after_version;
  // Subscribe first, then take the latest: nothing published in between is lost.
  api.live().hub().Subscribe(session);
  std::unique_lock lock(session->mutex_);
  session->latest_ = api.live().hub().latest();
  session->SendNext(lock);
  return session;
}

WatchSession::WatchSession(Api& api, Principal who, StandingsView view, WatchSink* sink)
    : api_(api), encoder_(api.encoder()), who_(std::move(who)), view_(view), sink_(sink) {
  encoder_->watchers++;
}

// The last reference may be dropped after the Api is gone (by the hub's
// fan-out thread, which holds subscribers while it calls them): only the
// shared encoder is touched here.
WatchSession::~WatchSession() { encoder_->watchers--; }

void WatchSession::OnPublish(const PublishedVersion& version) {
  std::unique_lock lock(mutex_);
  if (stopped_) return;
  latest_ = version;
  SendNext(lock);
}

void WatchSession::WriteDone(bool ok) {
  std::unique_lock lock(mutex_);
  writing_ = false;
  if (!ok || stopped_) return;
  SendNext(lock);
}

void WatchSession::Stop() {
  // Waits for a Write() in progress: after this, the sink is never touched.
  std::lock_guard sink_lock(sink_mutex_);
  std::lock_guard lock(mutex_);
  stopped_ = true;
  sink_ = nullptr;
}

std::uint64_t WatchSession::latest_version() {
  std::lock_guard lock(mutex_);
  const auto& standings = display() ? latest_.display : latest_.standings;
  return standings ? standings->version : 0;
}

void WatchSession::SendNext(std::unique_lock<std::mutex>& lock) {
  if (writing_ || stopped_ || latest_.standings == nullptr) return;
  const bool frozen = display() && latest_.display_frozen;
  const auto& standings = display() ? latest_.display : latest_.standings;
  if (client_version_ == standings->version && client_frozen_ == frozen) return;
  StandingsEncoder& encoder = *encoder_;
  std::shared_ptr<const EncodedUpdate> update;
  // Displays move by snapshot into and out of a freeze; otherwise deltas.
  if (client_version_ && !frozen && !client_frozen_) {
    if (auto chain = api_.live().hub().DeltasSince(*client_version_); chain && !chain->empty()) {
      update = encoder.Delta(*chain, *standings, view_);
      if (update != nullptr && StandingsEncoder::Empty(update->message)) {
        // Nothing in this view changed: the client stays where it is, and
        // the next delta will start from its version.
        return;
      }
    }
  }
  if (update == nullptr) {
    StandingsView view = view_;
    view.frozen = frozen;
    update = encoder.Snapshot(standings, view);
  }
  client_version_ = standings->version;
  client_frozen_ = frozen;
  writing_ = true;
  // Write without the state lock (a transport may complete a write inline),
  // but under the sink lock, so Stop() cannot release the sink meanwhile.
  lock.unlock();
  {
    std::lock_guard sink_lock(sink_mutex_);
    if (sink_ != nullptr) sink_->Write(std::move(update));
  }
  lock.lock();
}

}  // namespace podium::server
