#include "server/core/contest_state.h"

#include <algorithm>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace podium::server {

namespace {

constexpr size_t kMaxKeyLength = 128;
constexpr size_t kMaxTextLength = 1000;  // reasons and notes

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::optional<Phase> ParsePhase(std::string_view name) {
  if (name == "open") return Phase::kOpen;
  if (name == "frozen") return Phase::kFrozen;
  if (name == "final") return Phase::kFinal;
  return std::nullopt;
}

std::optional<engine::ContestantStatus> ParseStatus(std::string_view name) {
  for (const auto status :
       {engine::ContestantStatus::kPresent, engine::ContestantStatus::kAbsent,
        engine::ContestantStatus::kWithdrawn, engine::ContestantStatus::kDisqualified}) {
    if (engine::ContestantStatusName(status) == name) return status;
  }
  return std::nullopt;
}

// A transcription record as the mark it stands for.
LedgerRecord MarkRecordOf(const LedgerRecord& transcription) {
  LedgerRecord mark = transcription;
  mark.kind = "mark";
  return mark;
}

bool IsStaff(const Principal& who) {
  return who.role == Role::kChiefJudge || who.role == Role::kOrganizer;
}

// The contestant and item an engine event is about (none for a status).
std::optional<std::pair<int, int>> ItemOf(const engine::Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<std::pair<int, int>> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, engine::StatusEvent>) {
          return std::nullopt;
        } else if constexpr (std::is_same_v<T, engine::CorrectionEvent>) {
          return std::pair{e.mark.contestant, e.mark.item};
        } else {
          return std::pair{e.contestant, e.item};
        }
      },
      event);
}

}  // namespace

std::string_view PhaseName(Phase phase) {
  switch (phase) {
    case Phase::kOpen:
      return "open";
    case Phase::kFrozen:
      return "frozen";
    case Phase::kFinal:
      return "final";
  }
  return "open";
}

WriteOutcome OutcomeOf(std::string_view kind) {
  if (kind == "transcription") return WriteOutcome::kAwaitingConfirmation;
  if (kind == "transcription-conflict") return WriteOutcome::kConflict;
  return WriteOutcome::kCounted;
}

std::vector<ContestState::Conflict> ContestState::conflicts() const {
  std::vector<Conflict> out;
  for (const auto& [cell, pair] : conflicts_) {
    out.push_back(
        {std::get<0>(cell), std::get<1>(cell), std::get<2>(cell), pair.first, pair.second});
  }
  return out;
}

std::string_view CommandKindName(CommandKind kind) {
  switch (kind) {
    case CommandKind::kMark:
      return "mark";
    case CommandKind::kCorrection:
      return "correction";
    case CommandKind::kVoid:
      return "void";
    case CommandKind::kStatus:
      return "status";
    case CommandKind::kPenalty:
      return "penalty";
    case CommandKind::kLock:
      return "lock";
    case CommandKind::kUnlock:
      return "unlock";
    case CommandKind::kPhase:
      return "phase";
    case CommandKind::kRelease:
      return "release";
  }
  return "mark";
}

ContestState::ContestState(std::shared_ptr<const engine::Competition> competition,
                           std::size_t recent_keys)
    : competition_(std::move(competition)),
      engine_(std::make_unique<engine::ScoringEngine>(competition_)),
      keys_(recent_keys) {
  for (int i = 0; i < competition_->num_items(); ++i) item_by_ref_[competition_->item(i).ref] = i;
  std::size_t slots = 0;
  first_item_slot_.reserve(competition_->num_contestants());
  for (int c = 0; c < competition_->num_contestants(); ++c) {
    first_item_slot_.push_back(slots);
    slots += competition_->trade(competition_->trade_of(c)).items.size();
  }
  last_record_on_.assign(slots, 0);
}

StatusOr<int> ContestState::ResolveItem(int contestant, std::string_view ref) const {
  if (const auto it = item_by_ref_.find(ref); it != item_by_ref_.end()) {
    if (competition_->item(it->second).trade != competition_->trade_of(contestant)) {
      return InvalidArgumentError("item " + Quote(ref) + " is not in the trade of bib " +
                                  Quote(competition_->contestant(contestant).bib));
    }
    return it->second;
  }
  return competition_->FindItem(competition_->trade_of(contestant), ref);
}

StatusOr<std::vector<int>> ContestState::LockTargets(std::string_view ref) const {
  if (const auto it = item_by_ref_.find(ref); it != item_by_ref_.end()) {
    return std::vector<int>{it->second};
  }
  const size_t colon = ref.find(':');
  const size_t dot = ref.rfind('.');
  if (colon != std::string_view::npos && dot != std::string_view::npos && dot > colon &&
      ref.substr(dot) == ".*") {
    PODIUM_ASSIGN_OR_RETURN(const int trade, competition_->FindTrade(ref.substr(0, colon)));
    const std::string_view event = ref.substr(colon + 1, dot - colon - 1);
    std::vector<int> items;
    for (const int g : competition_->trade(trade).items) {
      const engine::ItemIndex& item = competition_->item(g);
      if (competition_->trade(trade).events[item.event].spec->id == event) items.push_back(g);
    }
    if (!items.empty()) return items;
  }
  return NotFoundError("no item or event " + Quote(ref) +
                       " (write trade:event.item, or trade:event.* for a whole event)");
}

StatusOr<engine::Event> ContestState::ToEngineEvent(const LedgerRecord& r) const {
  PODIUM_ASSIGN_OR_RETURN(const int contestant, competition_->FindContestant(r.bib));
  if (r.kind == "status") return ToEngineEvent(r, contestant, -1, -1);
  PODIUM_ASSIGN_OR_RETURN(const int item, ResolveItem(contestant, r.item));
  PODIUM_ASSIGN_OR_RETURN(const int judge, competition_->FindJudge(r.judge));
  return ToEngineEvent(r, contestant, item, judge);
}

StatusOr<engine::Event> ContestState::ToEngineEvent(const LedgerRecord& r, int contestant, int item,
                                                    int judge) const {
  if (r.kind == "status") {
    const auto status = ParseStatus(r.status);
    if (!status) return InvalidArgumentError("unknown status " + Quote(r.status));
    return engine::Event(engine::StatusEvent{.contestant = contestant, .status = *status});
  }
  if (r.kind == "penalty") {
    PODIUM_ASSIGN_OR_RETURN(const int penalty, competition_->FindPenalty(item, r.penalty));
    return engine::Event(engine::PenaltyEvent{.contestant = contestant,
                                              .item = item,
                                              .penalty = penalty,
                                              .judge = judge,
                                              .count = r.count});
  }
  const engine::MarkEvent mark{.contestant = contestant,
                               .item = item,
                               .judge = judge,
                               .value = r.value,
                               .time_used = r.time_used};
  if (r.kind == "mark") return engine::Event(mark);
  if (r.kind == "correction") return engine::Event(engine::CorrectionEvent{mark, r.reason});
  if (r.kind == "void") {
    return engine::Event(engine::VoidMarkEvent{
        .contestant = contestant, .item = item, .judge = judge, .reason = r.reason});
  }
  return InvalidArgumentError("unknown event kind " + Quote(r.kind));
}

Status ContestState::CheckRole(CommandKind kind, int judge, const Principal& who) const {
  const std::string who_text = std::string(RoleName(who.role)) + " " + Quote(who.actor);
  const std::string kind_name(CommandKindName(kind));
  switch (kind) {
    case CommandKind::kMark:
    case CommandKind::kCorrection:
    case CommandKind::kPenalty:
      if (who.role == Role::kOrganizer) {
        return PermissionDeniedError(who_text + " cannot enter marks or penalties");
      }
      if (who.role == Role::kJudge && judge != who.judge) {
        return PermissionDeniedError(who_text + " cannot enter marks for judge " +
                                     Quote(competition_->judge(judge).id));
      }
      break;
    case CommandKind::kVoid:
    case CommandKind::kLock:
    case CommandKind::kUnlock:
      if (who.role != Role::kChiefJudge) {
        return PermissionDeniedError(who_text + " cannot " + kind_name +
                                     ": only the chief judge can");
      }
      break;
    case CommandKind::kStatus:
    case CommandKind::kPhase:
      if (!IsStaff(who)) {
        return PermissionDeniedError(
            who_text + " cannot change " +
            (kind == CommandKind::kStatus ? "a contestant's status" : "the competition's phase") +
            ": only the chief judge or an organizer can");
      }
      break;
    case CommandKind::kRelease:
      if (who.role != Role::kOrganizer) {
        return PermissionDeniedError(who_text + " cannot release results: only an organizer can");
      }
      break;
  }
  return OkStatus();
}

StatusOr<ContestState::Prepared> ContestState::Prepare(const Command& command, const Principal& who,
                                                       std::int64_t now_ms) const {
  const CommandKind kind = command.kind;
  if (command.idempotency_key.empty() || command.idempotency_key.size() > kMaxKeyLength) {
    return InvalidArgumentError("idempotency_key is required: 1 to 128 characters");
  }
  if (command.reason.size() > kMaxTextLength || command.note.size() > kMaxTextLength ||
      command.device.size() > kMaxKeyLength) {
    return InvalidArgumentError("reason and note must be at most 1000 bytes, device at most 128");
  }
  if (who.role == Role::kDisplay) {
    return PermissionDeniedError("a display can only read standings");
  }

  LedgerRecord r;
  r.recorded_at_ms = now_ms;
  r.actor = who.actor;
  r.role = static_cast<int>(who.role);
  r.device = command.device;
  r.idempotency_key = command.idempotency_key;
  // A transcription's final kind (first entry, confirmation, conflict) depends
  // on the state; the fingerprint uses the request's kind so retries match.
  r.kind = command.transcribed ? "transcription" : std::string(CommandKindName(kind));
  r.reason = command.reason;
  r.note = command.note;
  r.value = command.value;
  r.time_used = command.time_used;
  r.count = command.count;

  // Resolve what the command names, into the canonical form the ledger keeps.
  int contestant = -1, item = -1, judge = -1;
  const bool about_mark = kind == CommandKind::kMark || kind == CommandKind::kCorrection ||
                          kind == CommandKind::kVoid || kind == CommandKind::kPenalty;
  if (about_mark || kind == CommandKind::kStatus) {
    const bool looked_up = command.contestant >= 0 &&
                           command.contestant < competition_->num_contestants() &&
                           competition_->contestant(command.contestant).bib == command.bib;
    if (looked_up) {
      contestant = command.contestant;
    } else {
      PODIUM_ASSIGN_OR_RETURN(contestant, competition_->FindContestant(command.bib));
    }
    r.bib = command.bib;
  }
  if (about_mark) {
    PODIUM_ASSIGN_OR_RETURN(item, ResolveItem(contestant, command.item));
    r.item = ItemRef(item);
    if (command.judge.empty()) {
      if (who.judge < 0) return InvalidArgumentError("judge is required: whose mark is it?");
      judge = who.judge;
    } else {
      PODIUM_ASSIGN_OR_RETURN(judge, competition_->FindJudge(command.judge));
    }
    r.judge = competition_->judge(judge).id;
    if (kind == CommandKind::kPenalty) r.penalty = command.penalty;
    r.previous = LastRecordOn(contestant, item);
  }
  if (kind == CommandKind::kStatus) {
    r.status = std::string(engine::ContestantStatusName(command.status));
  }
  std::optional<engine::Event> event;
  std::vector<int> lock_items;
  if (kind == CommandKind::kLock || kind == CommandKind::kUnlock) {
    PODIUM_ASSIGN_OR_RETURN(lock_items, LockTargets(command.item));
    r.item = command.item;
  }
  if (kind == CommandKind::kPhase) {
    r.status = std::string(PhaseName(command.phase));
    // A freeze in the future is scheduled; the record keeps when.
    if (command.phase == Phase::kFrozen && command.at_ms > now_ms)
      r.value = static_cast<double>(command.at_ms);
    if (command.at_ms != 0 && command.phase != Phase::kFrozen) {
      return InvalidArgumentError("only a freeze can be scheduled (at_ms)");
    }
  }
  r.fingerprint = r.ComputeFingerprint();

  // A retry is answered before anything else: the state may have moved on.
  PODIUM_ASSIGN_OR_RETURN(const std::optional<IdempotencyIndex::Entry> original,
                          keys_.Find(command.idempotency_key));
  if (original) {
    if (original->fingerprint == r.fingerprint) {
      return Prepared(Duplicate{original->sequence, original->outcome});
    }
    return AlreadyExistsError("idempotency key " + Quote(command.idempotency_key) +
                              " was already used for another command (ledger sequence " +
                              std::to_string(original->sequence) + ")");
  }

  // Who may do what.
  const std::string who_text = std::string(RoleName(who.role)) + " " + Quote(who.actor);
  if (command.transcribed) {
    if (kind != CommandKind::kMark) {
      return InvalidArgumentError(
          "only new marks are transcribed; corrections are entered directly");
    }
    if (!IsStaff(who)) {
      return PermissionDeniedError(who_text +
                                   " cannot transcribe paper marks: only the chief judge or an "
                                   "organizer can");
    }
    if (command.judge.empty()) return InvalidArgumentError("judge is required: whose paper mark?");
  }
  if (!command.transcribed) PODIUM_RETURN_IF_ERROR(CheckRole(kind, judge, who));
  // The lifecycle.
  const Phase phase = lifecycle_.phase;
  if (kind == CommandKind::kRelease) {
    if (phase != Phase::kFinal) {
      return FailedPreconditionError("results can be released only once they are final (phase is " +
                                     std::string(PhaseName(phase)) + ")");
    }
    if (lifecycle_.results_released) return FailedPreconditionError("results are already released");
  } else if (phase == Phase::kFinal) {
    return FailedPreconditionError("results are final: nothing can change any more");
  }
  if (kind == CommandKind::kPhase) {
    // Unfreezing cancels a scheduled freeze; a new schedule replaces one.
    const bool cancels = command.phase == Phase::kOpen && lifecycle_.freeze_at_ms != 0;
    if (command.phase == phase && !cancels) {
      return FailedPreconditionError("the competition is already " + std::string(PhaseName(phase)));
    }
  }

  // Reasons, locks and the engine's own rules.
  const bool needs_reason = kind == CommandKind::kCorrection || kind == CommandKind::kVoid ||
                            kind == CommandKind::kStatus;
  if (needs_reason && command.reason.empty()) {
    return InvalidArgumentError("reason is required for a " + r.kind);
  }
  if (about_mark && locked(item)) {
    return FailedPreconditionError("item " + Quote(ItemRef(item)) +
                                   " is locked by the chief judge");
  }
  if (kind == CommandKind::kLock || kind == CommandKind::kUnlock) {
    const bool lock = kind == CommandKind::kLock;
    for (const int i : lock_items) {
      if (locked(i) == lock) {
        return FailedPreconditionError("item " + Quote(ItemRef(i)) + " is already " +
                                       (lock ? "locked" : "unlocked"));
      }
    }
  }
  if (about_mark || kind == CommandKind::kStatus) {
    if (kind == CommandKind::kMark && engine_->MarkOf(contestant, item, judge).has_value()) {
      return FailedPreconditionError("judge " + Quote(r.judge) + " already has a mark for bib " +
                                     Quote(r.bib) + " on item " + Quote(r.item) +
                                     ": correct it, with a reason");
    }
    // A transcription is checked as the mark it may become.
    PODIUM_ASSIGN_OR_RETURN(event, command.transcribed
                                       ? ToEngineEvent(MarkRecordOf(r), contestant, item, judge)
                                       : ToEngineEvent(r, contestant, item, judge));
    PODIUM_RETURN_IF_ERROR(engine_->Validate(*event));
  }
  if (command.transcribed) {
    // Two-person confirmation.
    const Cell cell{contestant, item, judge};
    if (conflicts_.count(cell)) {
      return FailedPreconditionError(
          "two transcriptions of judge " + Quote(r.judge) + "'s mark for bib " + Quote(r.bib) +
          " on item " + Quote(r.item) + " disagree: the chief judge enters it (not transcribed)");
    }
    if (const auto first = pending_.find(cell); first != pending_.end()) {
      if (first->second.actor == who.actor) {
        return FailedPreconditionError("transcription " + std::to_string(first->second.sequence) +
                                       " is " + Quote(who.actor) +
                                       "'s own: another person must enter it again to confirm");
      }
      const bool same = first->second.value == r.value && first->second.time_used == r.time_used;
      r.kind = same ? "mark" : "transcription-conflict";
      if (same) r.note = "confirms transcription " + std::to_string(first->second.sequence);
    }
    // Only a confirmed transcription reaches the engine (as a mark).
    if (r.kind != "mark") event.reset();
  }
  return Prepared(Accepted{std::move(r), std::move(event)});
}

bool ContestState::Tick(std::int64_t now_ms) {
  if (lifecycle_.freeze_at_ms == 0 || now_ms < lifecycle_.freeze_at_ms) return false;
  lifecycle_.phase = Phase::kFrozen;
  lifecycle_.frozen_at_ms = lifecycle_.freeze_at_ms;
  lifecycle_.freeze_at_ms = 0;
  frozen_standings_ = engine_->Recompute().standings;
  lifecycle_.frozen_version = frozen_standings_->version;
  return true;
}

Status ContestState::Apply(const LedgerRecord& r, const engine::Event* prepared) {
  // Whatever was recorded at or after a scheduled freeze comes after it.
  Tick(r.recorded_at_ms);
  auto misfit = [&](const Status& s) {
    return FailedPreconditionError("ledger event " + std::to_string(r.sequence) + " (" + r.kind +
                                   ") no longer fits the competition: " + s.message());
  };
  if (r.kind == "lock" || r.kind == "unlock") {
    auto items = LockTargets(r.item);
    if (!items.ok()) return misfit(items.status());
    for (const int i : *items) {
      if (r.kind == "lock") {
        locked_.insert(i);
      } else {
        locked_.erase(i);
      }
    }
  } else if (r.kind == "phase") {
    const auto phase = ParsePhase(r.status);
    if (!phase) return misfit(InvalidArgumentError("unknown phase " + Quote(r.status)));
    lifecycle_.freeze_at_ms = 0;
    if (*phase == Phase::kFrozen && r.value > static_cast<double>(r.recorded_at_ms)) {
      lifecycle_.freeze_at_ms = static_cast<std::int64_t>(r.value);  // later: see Tick()
    } else if (*phase == Phase::kFrozen ||
               (*phase == Phase::kFinal && lifecycle_.phase == Phase::kOpen)) {
      // Displays keep the standings as of this event.
      lifecycle_.frozen_at_ms = r.recorded_at_ms;
      frozen_standings_ = engine_->Recompute().standings;
      lifecycle_.frozen_version = frozen_standings_->version;
    }
    if (*phase == Phase::kOpen) {
      lifecycle_.frozen_at_ms = 0;
      lifecycle_.frozen_version = 0;
      frozen_standings_ = nullptr;
    }
    if (lifecycle_.freeze_at_ms == 0) lifecycle_.phase = *phase;
  } else if (r.kind == "release") {
    lifecycle_.results_released = true;
  } else if (r.kind == "transcription" || r.kind == "transcription-conflict") {
    auto contestant = competition_->FindContestant(r.bib);
    auto item = contestant.ok() ? ResolveItem(*contestant, r.item) : contestant.status();
    auto judge = competition_->FindJudge(r.judge);
    if (!item.ok() || !judge.ok()) return misfit(!item.ok() ? item.status() : judge.status());
    const Cell cell{*contestant, *item, *judge};
    const Transcription entry{r.value, r.time_used, r.actor, r.sequence};
    last_record_on_[ItemSlot(*contestant, *item)] = r.sequence;
    if (r.kind == "transcription") {
      pending_[cell] = entry;
    } else {
      conflicts_[cell] = {pending_[cell], entry};
      pending_.erase(cell);
    }
  } else {
    auto event = prepared != nullptr ? StatusOr<engine::Event>(*prepared) : ToEngineEvent(r);
    if (!event.ok()) return misfit(event.status());
    const Status applied = engine_->Apply(*event);
    if (!applied.ok()) return misfit(applied);
    if (const auto about = ItemOf(*event)) {
      last_record_on_[ItemSlot(about->first, about->second)] = r.sequence;
    }
    if (r.kind == "mark" || r.kind == "correction") {
      // A counted mark settles any transcription of that cell.
      const auto* mark = std::get_if<engine::MarkEvent>(&*event);
      const auto* correction = std::get_if<engine::CorrectionEvent>(&*event);
      const engine::MarkEvent& m = mark != nullptr ? *mark : correction->mark;
      pending_.erase({m.contestant, m.item, m.judge});
      conflicts_.erase({m.contestant, m.item, m.judge});
    }
  }
  keys_.Add(r.idempotency_key, {r.fingerprint, r.sequence, OutcomeOf(r.kind)});
  last_sequence_ = r.sequence;
  return OkStatus();
}

void ContestState::LookUpOldKeysIn(const Ledger& ledger) {
  keys_.set_lookup(
      [&ledger](std::string_view key) -> StatusOr<std::optional<IdempotencyIndex::Entry>> {
        PODIUM_ASSIGN_OR_RETURN(const std::optional<LedgerRecord> record, ledger.FindKey(key));
        if (!record) return {std::nullopt};
        return {IdempotencyIndex::Entry{record->fingerprint, record->sequence,
                                        OutcomeOf(record->kind)}};
      });
}

}  // namespace podium::server
