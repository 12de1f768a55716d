#include "podium/engine/scoring_engine.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>

#include "messages.h"
#include "podium/check.h"
#include "podium/engine/ranking.h"
#include "trade_scores.h"

namespace podium::engine {

namespace {

// Marks are typed as decimals; accept float noise this small off a step.
constexpr double kStepTolerance = 1e-6;

}  // namespace

ScoringEngine::ScoringEngine(std::shared_ptr<const Competition> competition)
    : competition_(std::move(competition)) {
  PODIUM_CHECK(competition_ != nullptr);
  for (int t = 0; t < competition_->num_trades(); ++t) {
    trades_.push_back(std::make_unique<TradeScores>(*competition_, t));
  }
  competition_teams_.resize(competition_->competition_teams().size());
  for (size_t t = 0; t < competition_teams_.size(); ++t)
    competition_teams_[t].team = static_cast<int>(t);
  const MedalTallySpec& tally = competition_->spec().medal_tally;
  for (int t = 0; t < competition_->num_trades(); ++t) {
    std::vector<int>& medal_of = medal_of_tier_.emplace_back();
    for (const AwardTier& tier : competition_->trade(t).spec->awards) {
      const auto m = std::find(tally.medals.begin(), tally.medals.end(), tier.id);
      medal_of.push_back(m == tally.medals.end() ? -1 : static_cast<int>(m - tally.medals.begin()));
    }
  }
  medal_tally_.resize(competition_->tally_groups().size());
  for (size_t g = 0; g < medal_tally_.size(); ++g) {
    medal_tally_[g].group = static_cast<int>(g);
    medal_tally_[g].medals.assign(tally.medals.size(), 0);
  }
}

ScoringEngine::~ScoringEngine() = default;

void ScoringEngine::set_task_runner(TaskRunner* runner) {
  PODIUM_CHECK(runner != nullptr);
  for (auto& trade : trades_) trade->set_task_runner(runner);
}

Status ScoringEngine::Validate(const Event& event) const {
  const Competition& c = *competition_;
  auto check_contestant = [&](int contestant) -> Status {
    if (contestant < 0 || contestant >= c.num_contestants()) {
      return InvalidArgumentError("contestant index " + std::to_string(contestant) +
                                  " out of range [0, " + std::to_string(c.num_contestants()) + ")");
    }
    return OkStatus();
  };
  // The seat of a judge's mark, after checking contestant, item and judge.
  auto check_seat = [&](int contestant, int item, int judge) -> StatusOr<int> {
    PODIUM_RETURN_IF_ERROR(check_contestant(contestant));
    if (item < 0 || item >= c.num_items()) {
      return InvalidArgumentError("item index " + std::to_string(item) + " out of range");
    }
    if (judge < 0 || judge >= c.num_judges()) {
      return InvalidArgumentError("judge index " + std::to_string(judge) + " out of range");
    }
    if (c.item(item).trade != c.trade_of(contestant)) {
      return InvalidArgumentError("bib " + Quote(c.contestant(contestant).bib) + " competes in " +
                                  Quote(c.contestant(contestant).trade) +
                                  ", not in the trade of item " + Quote(c.item(item).ref));
    }
    return c.SeatOf(judge, item, contestant);
  };
  auto describe = [&](int contestant, int item, int judge) {
    return "item " + Quote(c.item(item).ref) + " judge " + Quote(c.judge(judge).id) + " bib " +
           Quote(c.contestant(contestant).bib);
  };
  auto check_mark = [&](const MarkEvent& mark) -> StatusOr<int> {
    PODIUM_ASSIGN_OR_RETURN(const int seat, check_seat(mark.contestant, mark.item, mark.judge));
    const ItemSpec& spec = *c.item(mark.item).spec;
    const bool zero_to_three =
        spec.marking == Marking::kJudgement && spec.rule == PanelRule::kJudgement03;
    const double max = zero_to_three ? 3 : spec.max;
    const double step = zero_to_three ? 1 : spec.step;
    if (!std::isfinite(mark.value) || mark.value < 0 || mark.value > max + kStepTolerance) {
      return InvalidArgumentError(describe(mark.contestant, mark.item, mark.judge) + ": mark " +
                                  FormatNumber(mark.value) + " outside [0, " + FormatNumber(max) +
                                  "]");
    }
    const double steps = mark.value / step;
    if (std::abs(steps - std::round(steps)) > kStepTolerance) {
      return InvalidArgumentError(describe(mark.contestant, mark.item, mark.judge) + ": mark " +
                                  FormatNumber(mark.value) + " is not a multiple of step " +
                                  FormatNumber(step));
    }
    if (mark.time_used && (!std::isfinite(*mark.time_used) || *mark.time_used < 0)) {
      return InvalidArgumentError(describe(mark.contestant, mark.item, mark.judge) +
                                  ": time used must be a non-negative number of seconds");
    }
    return seat;
  };
  auto has_mark = [&](int contestant, int item, int seat) {
    const TradeScores& trade = *trades_[c.trade_of(contestant)];
    return trade.HasMark(c.row_of(contestant), c.item(item).trade_item, seat);
  };

  return std::visit(
      [&](const auto& e) -> Status {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MarkEvent>) {
          return check_mark(e).status();
        } else if constexpr (std::is_same_v<T, CorrectionEvent>) {
          PODIUM_ASSIGN_OR_RETURN(const int seat, check_mark(e.mark));
          if (e.reason.empty()) {
            return InvalidArgumentError(describe(e.mark.contestant, e.mark.item, e.mark.judge) +
                                        ": a correction needs a reason");
          }
          if (!has_mark(e.mark.contestant, e.mark.item, seat)) {
            return FailedPreconditionError(describe(e.mark.contestant, e.mark.item, e.mark.judge) +
                                           ": there is no mark to correct");
          }
          return OkStatus();
        } else if constexpr (std::is_same_v<T, VoidMarkEvent>) {
          PODIUM_ASSIGN_OR_RETURN(const int seat, check_seat(e.contestant, e.item, e.judge));
          if (!has_mark(e.contestant, e.item, seat)) {
            return FailedPreconditionError(describe(e.contestant, e.item, e.judge) +
                                           ": there is no mark to void");
          }
          return OkStatus();
        } else if constexpr (std::is_same_v<T, StatusEvent>) {
          PODIUM_RETURN_IF_ERROR(check_contestant(e.contestant));
          if (static_cast<int>(e.status) < 0 ||
              static_cast<int>(e.status) > static_cast<int>(ContestantStatus::kDisqualified)) {
            return InvalidArgumentError(
                "status must be present, absent, withdrawn or disqualified");
          }
          return OkStatus();
        } else {
          static_assert(std::is_same_v<T, PenaltyEvent>);
          PODIUM_RETURN_IF_ERROR(check_seat(e.contestant, e.item, e.judge).status());
          const ItemSpec& spec = *c.item(e.item).spec;
          if (e.penalty < 0 || e.penalty >= static_cast<int>(spec.penalties.size())) {
            return InvalidArgumentError("item " + Quote(c.item(e.item).ref) +
                                        " has no penalty number " + std::to_string(e.penalty));
          }
          if (e.count == 0) {
            return InvalidArgumentError("penalty " + Quote(spec.penalties[e.penalty].id) +
                                        ": count must not be 0");
          }
          const TradeScores& trade = *trades_[c.trade_of(e.contestant)];
          const int recorded =
              trade.PenaltyCount(c.row_of(e.contestant), c.item(e.item).trade_item, e.penalty);
          if (recorded + e.count < 0) {
            return FailedPreconditionError("bib " + Quote(c.contestant(e.contestant).bib) +
                                           " penalty " + Quote(spec.penalties[e.penalty].id) +
                                           ": cannot revoke " + std::to_string(-e.count) +
                                           ", only " + std::to_string(recorded) + " recorded");
          }
          return OkStatus();
        }
      },
      event);
}

Status ScoringEngine::Apply(const Event& event) {
  PODIUM_RETURN_IF_ERROR(Validate(event));
  const Competition& c = *competition_;
  auto apply_mark = [&](const MarkEvent& mark) {
    const ItemIndex& item = c.item(mark.item);
    const int seat = *c.SeatOf(mark.judge, mark.item, mark.contestant);
    const bool zero_to_three =
        item.spec->marking == Marking::kJudgement && item.spec->rule == PanelRule::kJudgement03;
    const double step = zero_to_three ? 1 : item.spec->step;
    const auto quanta = static_cast<std::int32_t>(std::llround(mark.value / step));
    trades_[item.trade]->SetMark(c.row_of(mark.contestant), item.trade_item, seat, quanta,
                                 mark.time_used);
  };
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, MarkEvent>) {
          apply_mark(e);
        } else if constexpr (std::is_same_v<T, CorrectionEvent>) {
          apply_mark(e.mark);
        } else if constexpr (std::is_same_v<T, VoidMarkEvent>) {
          const ItemIndex& item = c.item(e.item);
          trades_[item.trade]->ClearMark(c.row_of(e.contestant), item.trade_item,
                                         *c.SeatOf(e.judge, e.item, e.contestant));
        } else if constexpr (std::is_same_v<T, StatusEvent>) {
          trades_[c.trade_of(e.contestant)]->SetStatus(c.row_of(e.contestant), e.status);
        } else {
          const ItemIndex& item = c.item(e.item);
          trades_[item.trade]->AddPenalty(c.row_of(e.contestant), item.trade_item, e.penalty,
                                          e.count);
        }
      },
      event);
  ++events_applied_;
  pending_ = true;
  return OkStatus();
}

ScoringEngine::Update ScoringEngine::Recompute() { return Publish(standings_ == nullptr); }

ScoringEngine::Update ScoringEngine::RecomputeAll() { return Publish(true); }

ScoringEngine::Update ScoringEngine::Publish(bool full) {
  Update update;
  update.delta.from_version = standings_ ? standings_->version : 0;
  update.delta.to_version = events_applied_;
  if (!full && !pending_) {
    update.standings = standings_;
    return update;
  }
  auto next = std::make_shared<Standings>();
  next->version = events_applied_;
  next->competition = competition_;
  bool awards_changed = false;
  for (int t = 0; t < competition_->num_trades(); ++t) {
    TradeScores& trade = *trades_[t];
    TradeDelta delta;
    trade.Recompute(full, delta);
    awards_changed = awards_changed || trade.awards_changed();
    const TradeStandings* previous = standings_ ? &standings_->trades[t] : nullptr;
    next->trades.push_back(trade.Publish(previous));
    if (!delta.empty()) update.delta.trades.push_back(std::move(delta));
  }
  if (!update.delta.trades.empty() || full) RecomputeCompetitionTeams(update.delta);
  if (awards_changed || full) {
    // Each trade keeps its award counts: the tally adds them up.
    RecountMedalTally();
    RecomputeMedalTally(update.delta);
  }
  next->competition_teams = competition_teams_;
  std::vector<MedalRow> tally = medal_tally_;
  std::stable_sort(tally.begin(), tally.end(),
                   [](const MedalRow& a, const MedalRow& b) { return a.rank < b.rank; });
  next->medal_tally = std::move(tally);
  std::vector<TeamRow> teams = competition_teams_;
  std::stable_sort(teams.begin(), teams.end(), [](const TeamRow& a, const TeamRow& b) {
    return (a.rank == 0 ? INT32_MAX : a.rank) < (b.rank == 0 ? INT32_MAX : b.rank);
  });
  next->competition_teams = std::move(teams);
  standings_ = std::move(next);
  pending_ = false;
  update.standings = standings_;
  return update;
}

void ScoringEngine::RecomputeCompetitionTeams(StandingsDelta& delta) {
  const TeamSpec& spec = competition_->spec().teams;
  if (!spec.enabled || competition_teams_.empty()) return;
  const int num_teams = static_cast<int>(competition_teams_.size());
  // Members' published totals per team, in roster order.
  std::vector<std::vector<double>> totals(num_teams);
  for (int c = 0; c < competition_->num_contestants(); ++c) {
    const int team = competition_->competition_team_of(c);
    if (team < 0) continue;
    const StandingRow& row = trades_[competition_->trade_of(c)]->published(competition_->row_of(c));
    if (row.status == ContestantStatus::kPresent) totals[team].push_back(row.total);
  }
  const int tie_keys = static_cast<int>(competition_->competition_team_tie_break().size());
  Ranking ranking;
  ranking.Reset(num_teams, 2 + tie_keys);
  const int precision = competition_->spec().precision;
  std::vector<TeamRow> rows(num_teams);
  for (int t = 0; t < num_teams; ++t) {
    std::vector<double>& v = totals[t];
    double best = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
    if (spec.rule == TeamRule::kBestK && static_cast<int>(v.size()) > spec.k) {
      std::stable_sort(v.begin(), v.end(), std::greater<>());
      v.resize(spec.k);
    }
    double total = 0;
    for (const double x : v) total += x;
    if (spec.rule == TeamRule::kMean && !v.empty()) total /= static_cast<double>(v.size());
    rows[t] = {.team = t, .total = total, .members = static_cast<int>(v.size())};  // counted
    std::int64_t* keys = ranking.mutable_keys(t);
    keys[0] = v.empty() ? 0 : 1;
    keys[1] = ToKey(total, precision, true);
    for (int k = 0; k < tie_keys; ++k) {
      keys[2 + k] = ToKey(best, precision,
                          competition_->competition_team_tie_break()[k].order == Order::kHigher);
    }
  }
  ranking.SortAll();
  for (int t = 0; t < num_teams; ++t) rows[t].rank = ranking.rank(t);
  if (rows != competition_teams_) {
    competition_teams_ = std::move(rows);
    delta.competition_teams_changed = true;
  }
}

void ScoringEngine::RecountMedalTally() {
  for (MedalRow& row : medal_tally_) {
    std::fill(row.medals.begin(), row.medals.end(), 0);
    row.awarded = 0;
  }
  if (!competition_->spec().medal_tally.enabled) return;
  const int groups = static_cast<int>(medal_tally_.size());
  for (int t = 0; t < competition_->num_trades(); ++t) {
    const std::vector<int>& medal_of_tier = medal_of_tier_[t];
    const auto tiers = medal_of_tier.size();
    const std::vector<int>& counts = trades_[t]->award_counts();
    for (int g = 0; g < groups; ++g) {
      for (std::size_t tier = 0; tier < tiers; ++tier) {
        const int count = counts[g * tiers + tier];
        medal_tally_[g].awarded += count;
        if (medal_of_tier[tier] >= 0) medal_tally_[g].medals[medal_of_tier[tier]] += count;
      }
    }
  }
}

void ScoringEngine::RecomputeMedalTally(StandingsDelta& delta) {
  const int groups = static_cast<int>(medal_tally_.size());
  if (groups == 0) return;
  const int medals = static_cast<int>(competition_->spec().medal_tally.medals.size());
  Ranking ranking;
  ranking.Reset(groups, 1 + medals);
  for (int g = 0; g < groups; ++g) {
    std::int64_t* keys = ranking.mutable_keys(g);
    keys[0] = 1;
    for (int m = 0; m < medals; ++m) keys[1 + m] = medal_tally_[g].medals[m];
  }
  ranking.SortAll();
  for (int g = 0; g < groups; ++g) medal_tally_[g].rank = ranking.rank(g);
  if (medal_tally_ != published_tally_) {
    published_tally_ = medal_tally_;
    delta.medal_tally_changed = true;
  }
}

Explanation ScoringEngine::Explain(int contestant) const {
  PODIUM_CHECK(!pending_);
  PODIUM_CHECK(contestant >= 0 && contestant < competition_->num_contestants());
  return trades_[competition_->trade_of(contestant)]->Explain(competition_->row_of(contestant));
}

std::vector<JudgeItemStats> ScoringEngine::JudgeAnalytics(int trade) const {
  PODIUM_CHECK(!pending_);
  PODIUM_CHECK(trade >= 0 && trade < competition_->num_trades());
  return trades_[trade]->JudgeAnalytics();
}

std::vector<ExplainedSkating> ScoringEngine::SkatingStages(int trade) const {
  PODIUM_CHECK(!pending_);
  PODIUM_CHECK(trade >= 0 && trade < competition_->num_trades());
  return trades_[trade]->SkatingStages();
}

std::optional<double> ScoringEngine::MarkOf(int contestant, int item, int judge) const {
  PODIUM_CHECK(contestant >= 0 && contestant < competition_->num_contestants());
  PODIUM_CHECK(item >= 0 && item < competition_->num_items());
  const auto seat = competition_->SeatOf(judge, item, contestant);
  if (!seat.ok()) return std::nullopt;
  return trades_[competition_->trade_of(contestant)]->MarkAt(
      competition_->row_of(contestant), competition_->item(item).trade_item, *seat);
}

std::vector<std::pair<int, int>> ScoringEngine::FlaggedPanels(int trade) const {
  PODIUM_CHECK(!pending_);
  return trades_[trade]->FlaggedPanels();
}

std::vector<std::pair<int, double>> ScoringEngine::PanelMarks(int contestant, int item) const {
  const engine::ItemIndex& index = competition_->item(item);
  const TradeScores& trade = *trades_[competition_->trade_of(contestant)];
  std::vector<std::pair<int, double>> marks;
  const int row = competition_->row_of(contestant);
  for (int seat = 0; seat < index.columns(); ++seat) {
    if (const auto mark = trade.MarkAt(row, index.trade_item, seat)) {
      marks.emplace_back(index.panel[seat].judge, *mark);
    }
  }
  return marks;
}

std::size_t ScoringEngine::StateBytes() const {
  std::size_t bytes = 0;
  for (const auto& trade : trades_) bytes += trade->StateBytes();
  return bytes;
}

// --- Standings -------------------------------------------------------------

StandingRow Standings::row_of(int contestant) const {
  return trades[competition->trade_of(contestant)].row(competition->row_of(contestant));
}

const std::string& Standings::award_id(const StandingRow& row) const {
  static const std::string kNone;
  if (row.award < 0) return kNone;
  return competition->trade(competition->trade_of(row.contestant)).spec->awards[row.award].id;
}

const std::string& Standings::award_name(const StandingRow& row) const {
  static const std::string kNone;
  if (row.award < 0) return kNone;
  return competition->trade(competition->trade_of(row.contestant)).spec->awards[row.award].name;
}

namespace {

// A contestant's fields as nomination rules see them.
class StandingFields final : public RuleFields {
 public:
  StandingFields(const Standings& standings, int trade) : s_(standings), trade_(trade) {}
  void set_row(int row) { row_ = row; }

  RuleValue Get(std::string_view field) const override {
    const Competition& c = *s_.competition;
    const TradeStandings& trade = s_.trades[trade_];
    const StandingRow row = trade.row(row_);
    const Contestant& who = c.contestant(row.contestant);
    if (field == "rank") return row.rank > 0 ? static_cast<double>(row.rank) : std::nan("");
    if (field == "total") return row.total;
    if (field == "award") return s_.award_id(row);
    if (field == "status") return std::string(ContestantStatusName(row.status));
    if (field == "trade") return who.trade;
    if (field == "bib") return who.bib;
    if (field == "name") return who.name;
    if (field == "team") return who.team;
    if (field == "organization") return who.organization;
    if (field == "team_rank") {
      const int team = c.trade(trade_).team_of_row[row_];
      if (team >= 0 && trade.team(team).rank > 0) return static_cast<double>(trade.team(team).rank);
      const int competition_team = c.competition_team_of(row.contestant);
      if (competition_team >= 0) {
        for (const TeamRow& t : s_.competition_teams) {
          if (t.team == competition_team && t.rank > 0) return static_cast<double>(t.rank);
        }
      }
      return std::nan("");
    }
    if (field.rfind("event.", 0) == 0) {
      const std::string_view id = field.substr(6);
      const TradeIndex& index = c.trade(trade_);
      for (size_t e = 0; e < index.events.size(); ++e) {
        if (index.events[e].spec->id == id) return trade.event_score(row_, static_cast<int>(e));
      }
      return std::nan("");
    }
    const int f = c.field_index(field);
    if (f >= 0 && f < static_cast<int>(who.fields.size())) return who.fields[f];
    return std::string();
  }

 private:
  const Standings& s_;
  int trade_;
  int row_ = 0;
};

}  // namespace

std::vector<NominationList> Standings::Nominations() const {
  std::vector<NominationList> lists;
  const auto& nominations = competition->nominations();
  for (size_t n = 0; n < nominations.size(); ++n) {
    NominationList list{.nomination = static_cast<int>(n)};
    for (const int t : nominations[n].trades) {
      StandingFields fields(*this, t);
      const TradeStandings& trade = trades[t];
      for (int p = 0; p < trade.size(); ++p) {
        // No one is nominated on marks they do not have yet.
        if (!trade.row(trade.row_at(p)).marked) continue;
        fields.set_row(trade.row_at(p));
        if (nominations[n].rule.Matches(fields)) {
          list.contestants.push_back(competition->trade(t).contestants[trade.row_at(p)]);
        }
      }
    }
    lists.push_back(std::move(list));
  }
  return lists;
}

}  // namespace podium::engine
