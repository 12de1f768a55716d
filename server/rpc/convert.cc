#include "server/rpc/convert.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "podium/engine/rounding.h"

namespace podium::server {

namespace {

void FillRow(const engine::Standings& s, const engine::TradeStandings& trade, int position,
             v1::StandingRow* out) {
  const engine::Competition& c = *s.competition;
  const engine::TradeIndex& index = c.trade(trade.trade);
  const int row = trade.row_at(position);
  const engine::StandingRow standing = trade.row(row);
  const engine::Contestant& who = c.contestant(standing.contestant);
  out->set_bib(who.bib);
  out->set_name(who.name);
  out->set_organization(who.organization);
  out->set_team(who.team);
  out->set_rank(standing.rank);
  out->set_position(position);
  out->set_total(standing.total);
  for (int e = 0; e < trade.num_events; ++e) {
    (*out->mutable_events())[index.events[e].spec->id] = trade.event_score(row, e);
  }
  out->set_award(s.award_id(standing));
  out->set_award_name(s.award_name(standing));
  out->set_status(ToProto(standing.status));
  out->set_stage(index.spec->stages[standing.stage].id);
  out->set_complete(standing.complete);
  out->set_flagged(standing.flagged);
}

void FillTeam(const engine::TeamRow& team, const std::string& name, int position, int precision,
              v1::TeamRow* out) {
  out->set_team(name);
  out->set_rank(team.rank);
  out->set_total(engine::RoundScore(team.total, precision));
  out->set_members(team.members);
  out->set_position(position);
}

int RowLimit(const StandingsView& view, int size) {
  return view.limit > 0 ? std::min(view.limit, size) : size;
}

void FillCompetitionTeams(const engine::Standings& s,
                          google::protobuf::RepeatedPtrField<v1::TeamRow>* out) {
  const engine::Competition& c = *s.competition;
  int position = 0;
  for (const engine::TeamRow& team : s.competition_teams) {
    FillTeam(team, c.competition_teams()[team.team], position++, c.spec().precision, out->Add());
  }
}

void FillTally(const engine::Standings& s, google::protobuf::RepeatedPtrField<v1::MedalRow>* out) {
  const engine::Competition& c = *s.competition;
  for (const engine::MedalRow& row : s.medal_tally) {
    v1::MedalRow* m = out->Add();
    m->set_delegation(c.tally_groups()[row.group]);
    m->set_rank(row.rank);
    for (size_t i = 0; i < row.medals.size(); ++i) {
      (*m->mutable_medals())[c.spec().medal_tally.medals[i]] = row.medals[i];
    }
    m->set_awarded(row.awarded);
  }
}

}  // namespace

v1::ContestantStatus ToProto(engine::ContestantStatus status) {
  switch (status) {
    case engine::ContestantStatus::kPresent:
      return v1::CONTESTANT_STATUS_PRESENT;
    case engine::ContestantStatus::kAbsent:
      return v1::CONTESTANT_STATUS_ABSENT;
    case engine::ContestantStatus::kWithdrawn:
      return v1::CONTESTANT_STATUS_WITHDRAWN;
    case engine::ContestantStatus::kDisqualified:
      return v1::CONTESTANT_STATUS_DISQUALIFIED;
  }
  return v1::CONTESTANT_STATUS_UNSPECIFIED;
}

v1::WriteState ToProto(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kCounted:
      return v1::WRITE_STATE_ACCEPTED;
    case WriteOutcome::kAwaitingConfirmation:
      return v1::WRITE_STATE_AWAITING_CONFIRMATION;
    case WriteOutcome::kConflict:
      return v1::WRITE_STATE_CONFLICT;
  }
  return v1::WRITE_STATE_UNSPECIFIED;
}

grpc::Status ToGrpcStatus(const Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), status.message());
}

StatusOr<StandingsView> MakeView(const engine::Competition& competition, const std::string& trade,
                                 int limit) {
  StandingsView view;
  if (!trade.empty()) {
    PODIUM_ASSIGN_OR_RETURN(view.trade, competition.FindTrade(trade));
  }
  if (limit < 0) return InvalidArgumentError("limit must be 0 (all) or a positive number of rows");
  view.limit = limit;
  return view;
}

void ToProto(const engine::Standings& s, const StandingsView& view, v1::Standings* out) {
  const engine::Competition& c = *s.competition;
  out->set_version(s.version);
  out->set_frozen(view.frozen);
  for (const engine::TradeStandings& trade : s.trades) {
    if (view.trade >= 0 && trade.trade != view.trade) continue;
    v1::TradeStandings* t = out->add_trades();
    const engine::TradeIndex& index = c.trade(trade.trade);
    t->set_trade(index.spec->id);
    t->set_name(index.spec->name);
    t->set_size(trade.size());
    const int rows = RowLimit(view, trade.size());
    for (int p = 0; p < rows; ++p) FillRow(s, trade, p, t->add_rows());
    for (int p = 0; p < trade.num_teams(); ++p) {
      const engine::TeamRow team = trade.team_at_position(p);
      FillTeam(team, index.teams[team.team], p, c.spec().precision, t->add_teams());
    }
  }
  if (view.trade < 0) {
    FillCompetitionTeams(s, out->mutable_teams());
    FillTally(s, out->mutable_medal_tally());
  }
}

std::size_t ToProto(const engine::StandingsDelta& delta, const engine::Standings& after,
                    const StandingsView& view, v1::StandingsDelta* out) {
  const engine::Competition& c = *after.competition;
  out->set_from_version(delta.from_version);
  out->set_to_version(delta.to_version);
  std::size_t rows = 0;
  for (const engine::TradeDelta& d : delta.trades) {
    if (view.trade >= 0 && d.trade != view.trade) continue;
    const engine::TradeStandings& trade = after.trades[d.trade];
    const engine::TradeIndex& index = c.trade(d.trade);
    const int limit = RowLimit(view, trade.size());
    // Positions to send: those of the changed rows, and the re-ranked spans.
    std::set<int> positions;
    for (const engine::StandingRow& row : d.rows) {
      const int position = trade.position_of(c.row_of(row.contestant));
      if (position < limit) positions.insert(position);
    }
    for (const engine::PositionSpan& span : d.positions) {
      for (int p = span.first; p <= std::min(span.last, limit - 1); ++p) positions.insert(p);
    }
    std::set<int> team_positions;
    for (const engine::TeamRow& team : d.teams)
      team_positions.insert(trade.team_position_of(team.team));
    for (const engine::PositionSpan& span : d.team_positions) {
      for (int p = span.first; p <= span.last; ++p) team_positions.insert(p);
    }
    if (positions.empty() && team_positions.empty()) continue;
    v1::TradeDelta* t = out->add_trades();
    t->set_trade(index.spec->id);
    for (const int p : positions) FillRow(after, trade, p, t->add_rows());
    for (const int p : team_positions) {
      const engine::TeamRow team = trade.team_at_position(p);
      FillTeam(team, index.teams[team.team], p, c.spec().precision, t->add_teams());
    }
    rows += positions.size() + team_positions.size();
  }
  if (view.trade < 0) {
    if (delta.medal_tally_changed) FillTally(after, out->mutable_medal_tally());
    if (delta.competition_teams_changed) FillCompetitionTeams(after, out->mutable_teams());
  }
  return rows;
}

void ToProto(const Lifecycle& lifecycle, v1::Lifecycle* out) {
  out->set_phase(static_cast<v1::Phase>(static_cast<int>(lifecycle.phase)));
  out->set_frozen_at_ms(lifecycle.frozen_at_ms);
  out->set_results_released(lifecycle.results_released);
  out->set_frozen_version(lifecycle.frozen_version);
  out->set_freeze_at_ms(lifecycle.freeze_at_ms);
}

void ToProto(const engine::Competition& c, const ContestState& state, v1::Competition* out) {
  const engine::CompetitionSpec& spec = c.spec();
  out->set_id(spec.id);
  out->set_name(spec.name);
  out->set_name_en(spec.name_en);
  out->set_precision(spec.precision);
  out->set_blind_numbers(spec.blind_numbers);
  for (int t = 0; t < c.num_trades(); ++t) {
    const engine::TradeIndex& index = c.trade(t);
    v1::Trade* trade = out->add_trades();
    trade->set_id(index.spec->id);
    trade->set_name(index.spec->name);
    trade->set_name_en(index.spec->name_en);
    for (const engine::StageSpec& stage : index.spec->stages) {
      v1::Stage* s = trade->add_stages();
      s->set_id(stage.id);
      s->set_name(stage.name);
      s->set_advance(stage.advance);
      s->set_carry(stage.carry);
    }
    for (const engine::EventIndex& event : index.events) {
      v1::Event* e = trade->add_events();
      e->set_id(event.spec->id);
      e->set_name(event.spec->name);
      e->set_name_en(event.spec->name_en);
      e->set_stage(index.spec->stages[event.stage].id);
      e->set_weight(event.spec->weight);
      bool all_locked = !event.items.empty();
      for (const int g : event.items) {
        const engine::ItemIndex& item = c.item(g);
        const engine::ItemSpec& is = *item.spec;
        v1::Item* i = e->add_items();
        i->set_id(is.id);
        i->set_name(is.name);
        i->set_name_en(is.name_en);
        i->set_ref(item.ref);
        i->set_max(is.max);
        const bool zero_to_three =
            is.marking == engine::Marking::kJudgement && is.rule == engine::PanelRule::kJudgement03;
        i->set_step(zero_to_three ? 1 : is.step);
        i->set_weight(is.weight);
        i->set_measurement(is.marking == engine::Marking::kMeasurement);
        i->set_rule(std::string(engine::PanelRuleName(is.rule)));
        i->set_trim(is.trim);
        i->set_panel_size(is.panel_size);
        i->set_has_tolerance(std::isfinite(is.tolerance));
        i->set_tolerance(std::isfinite(is.tolerance) ? is.tolerance : 0);
        i->set_normalization(std::string(engine::NormalizationName(item.normalization)));
        for (const engine::PenaltySpec& p : is.penalties) {
          v1::Penalty* penalty = i->add_penalties();
          penalty->set_id(p.id);
          penalty->set_name(p.name);
          penalty->set_points(p.points);
        }
        i->set_locked(state.locked(g));
        all_locked = all_locked && state.locked(g);
      }
      e->set_locked(all_locked);
    }
    for (const engine::AwardTier& tier : index.spec->awards) {
      v1::AwardTier* a = trade->add_awards();
      a->set_id(tier.id);
      a->set_name(tier.name);
    }
  }
  ToProto(state.lifecycle(), out->mutable_lifecycle());
}

void ToProto(const engine::Contestant& who, const engine::Competition& c, bool hide_names,
             v1::Contestant* out) {
  out->set_bib(who.bib);
  out->set_trade(who.trade);
  out->set_status(ToProto(who.status));
  if (hide_names) return;
  out->set_name(who.name);
  out->set_team(who.team);
  out->set_organization(who.organization);
  for (size_t f = 0; f < c.roster().field_names.size() && f < who.fields.size(); ++f) {
    (*out->mutable_fields())[c.roster().field_names[f]] = who.fields[f];
  }
}

void ToProto(const engine::Competition& competition, const engine::JudgeItemStats& stats,
             v1::JudgeItemAnalytics* out) {
  const engine::Judge& judge = competition.judge(stats.judge);
  const engine::ItemIndex& item = competition.item(stats.item);
  out->set_judge(judge.id);
  out->set_judge_name(judge.name);
  out->set_item(item.ref);
  out->set_item_name(item.spec->name);
  out->set_marks(stats.marks);
  out->set_compared(stats.compared);
  out->set_mean_deviation(stats.mean_deviation);
  out->set_mean_absolute_deviation(stats.mean_absolute_deviation);
  out->set_dropped(stats.dropped);
  out->set_dropped_share(stats.dropped_share());
  out->set_spread_outliers(stats.spread_outliers);
  if (stats.rasch) {
    v1::JudgeRaschMeasure* rasch = out->mutable_rasch();
    rasch->set_severity(stats.rasch->severity);
    rasch->set_standard_error(stats.rasch->standard_error);
    rasch->set_infit(stats.rasch->infit);
    rasch->set_outfit(stats.rasch->outfit);
  }
}

void ToProto(const LedgerRecord& r, v1::LedgerEvent* out) {
  out->set_sequence(r.sequence);
  out->set_recorded_at_ms(r.recorded_at_ms);
  out->set_actor(r.actor);
  out->set_role(static_cast<v1::Role>(r.role));
  out->set_device(r.device);
  out->set_kind(r.kind);
  out->set_bib(r.bib);
  out->set_item(r.item);
  out->set_judge(r.judge);
  out->set_value(r.value);
  out->set_reason(r.reason);
  out->set_note(r.note);
}

StatusOr<Command> FromProto(const v1::SubmitMarkRequest& r) {
  Command c{.kind = CommandKind::kMark,
            .idempotency_key = r.idempotency_key(),
            .device = r.device(),
            .bib = r.bib(),
            .item = r.item(),
            .judge = r.judge(),
            .value = r.value(),
            .note = r.note(),
            .transcribed = r.transcribed()};
  if (r.has_time_used_seconds()) c.time_used = r.time_used_seconds().value();
  return c;
}

StatusOr<Command> FromProto(const v1::CorrectMarkRequest& r) {
  Command c{.kind = CommandKind::kCorrection,
            .idempotency_key = r.idempotency_key(),
            .device = r.device(),
            .bib = r.bib(),
            .item = r.item(),
            .judge = r.judge(),
            .value = r.value(),
            .reason = r.reason()};
  if (r.has_time_used_seconds()) c.time_used = r.time_used_seconds().value();
  return c;
}

StatusOr<Command> FromProto(const v1::VoidMarkRequest& r) {
  return Command{.kind = CommandKind::kVoid,
                 .idempotency_key = r.idempotency_key(),
                 .device = r.device(),
                 .bib = r.bib(),
                 .item = r.item(),
                 .judge = r.judge(),
                 .reason = r.reason()};
}

StatusOr<Command> FromProto(const v1::SetStatusRequest& r) {
  Command c{.kind = CommandKind::kStatus,
            .idempotency_key = r.idempotency_key(),
            .device = r.device(),
            .bib = r.bib(),
            .reason = r.reason()};
  switch (r.status()) {
    case v1::CONTESTANT_STATUS_PRESENT:
      c.status = engine::ContestantStatus::kPresent;
      break;
    case v1::CONTESTANT_STATUS_ABSENT:
      c.status = engine::ContestantStatus::kAbsent;
      break;
    case v1::CONTESTANT_STATUS_WITHDRAWN:
      c.status = engine::ContestantStatus::kWithdrawn;
      break;
    case v1::CONTESTANT_STATUS_DISQUALIFIED:
      c.status = engine::ContestantStatus::kDisqualified;
      break;
    default:
      return InvalidArgumentError(
          "status must be CONTESTANT_STATUS_PRESENT, _ABSENT, _WITHDRAWN or _DISQUALIFIED");
  }
  return c;
}

StatusOr<Command> FromProto(const v1::AddPenaltyRequest& r) {
  return Command{.kind = CommandKind::kPenalty,
                 .idempotency_key = r.idempotency_key(),
                 .device = r.device(),
                 .bib = r.bib(),
                 .item = r.item(),
                 .judge = r.judge(),
                 .penalty = r.penalty(),
                 .count = r.count(),
                 .note = r.note()};
}

StatusOr<Command> FromProto(const v1::SetLockRequest& r) {
  return Command{.kind = r.locked() ? CommandKind::kLock : CommandKind::kUnlock,
                 .idempotency_key = r.idempotency_key(),
                 .device = r.device(),
                 .item = r.item(),
                 .reason = r.reason()};
}

StatusOr<Command> FromProto(const v1::SetPhaseRequest& r) {
  Command c{.kind = CommandKind::kPhase,
            .idempotency_key = r.idempotency_key(),
            .at_ms = r.at_ms(),
            .reason = r.reason()};
  switch (r.phase()) {
    case v1::PHASE_OPEN:
      c.phase = Phase::kOpen;
      break;
    case v1::PHASE_FROZEN:
      c.phase = Phase::kFrozen;
      break;
    case v1::PHASE_FINAL:
      c.phase = Phase::kFinal;
      break;
    default:
      return InvalidArgumentError("phase must be PHASE_OPEN, PHASE_FROZEN or PHASE_FINAL");
  }
  return c;
}

StatusOr<Command> FromProto(const v1::ReleaseResultsRequest& r) {
  return Command{.kind = CommandKind::kRelease, .idempotency_key = r.idempotency_key()};
}

}  // namespace podium::server
