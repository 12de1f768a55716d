#include "podium/engine/competition.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "messages.h"

namespace podium::engine {

namespace {

constexpr double kWeightTolerance = 1e-6;
// Quantized marks and their squares are summed exactly in 64 bits; this bound
// on max/step keeps that exact for tens of millions of marks.
constexpr double kMaxStepsPerItem = 1'000'000;

bool IsValidId(std::string_view id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

// Collects problems in one file.
class ProblemSink final {
 public:
  ProblemSink(std::vector<Problem>& problems, std::string file)
      : problems_(problems), file_(std::move(file)) {}
  void Add(SourceLine where, std::string message) {
    problems_.push_back({file_, where.line, std::move(message)});
  }

 private:
  std::vector<Problem>& problems_;
  std::string file_;
};

// True when `x` is an integer multiple of `step` (within float noise).
bool IsMultipleOf(double x, double step) {
  const double q = x / step;
  return std::abs(q - std::round(q)) < 1e-6;
}

}  // namespace

std::string_view ContestantStatusName(ContestantStatus status) {
  switch (status) {
    case ContestantStatus::kPresent:
      return "present";
    case ContestantStatus::kAbsent:
      return "absent";
    case ContestantStatus::kWithdrawn:
      return "withdrawn";
    case ContestantStatus::kDisqualified:
      return "disqualified";
  }
  return "present";
}

std::string_view PanelRuleName(PanelRule rule) {
  switch (rule) {
    case PanelRule::kMean:
      return "mean";
    case PanelRule::kTrimmed:
      return "trimmed";
    case PanelRule::kMedian:
      return "median";
    case PanelRule::kJudgement03:
      return "judgement-0-3";
  }
  return "mean";
}

std::string_view NormalizationName(Normalization normalization) {
  switch (normalization) {
    case Normalization::kNone:
      return "none";
    case Normalization::kJudgeZScore:
      return "judge-zscore";
    case Normalization::kJudgeRobust:
      return "judge-robust";
    case Normalization::kRasch:
      return "rasch";
  }
  return "none";
}

std::string_view EventRankingName(EventRanking ranking) {
  switch (ranking) {
    case EventRanking::kScores:
      return "scores";
    case EventRanking::kRecalls:
      return "recalls";
    case EventRanking::kSkating:
      return "skating";
  }
  return "scores";
}

std::string_view TeamRuleName(TeamRule rule) {
  switch (rule) {
    case TeamRule::kSum:
      return "sum";
    case TeamRule::kMean:
      return "mean";
    case TeamRule::kBestK:
      return "best-k";
  }
  return "sum";
}

std::string Problem::ToString() const {
  std::string s = file;
  if (line > 0) s += " line " + std::to_string(line);
  return s + ": " + message;
}

int ItemIndex::columns() const {
  return spec->marking == Marking::kMeasurement ? 1 : static_cast<int>(panel.size());
}

int Competition::field_index(std::string_view name) const {
  const auto& names = roster_.field_names;
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

StatusOr<std::shared_ptr<const Competition>> Competition::Create(CompetitionSpec spec,
                                                                 Roster roster,
                                                                 std::vector<Problem>* problems) {
  std::shared_ptr<Competition> competition(new Competition());
  competition->spec_ = std::move(spec);
  competition->roster_ = std::move(roster);
  std::vector<Problem> found;
  competition->Index(found);
  if (!found.empty()) {
    std::string message = found.front().ToString();
    if (found.size() > 1)
      message += " (and " + std::to_string(found.size() - 1) + " more problems)";
    if (problems != nullptr) problems->insert(problems->end(), found.begin(), found.end());
    return InvalidArgumentError(std::move(message));
  }
  return std::shared_ptr<const Competition>(std::move(competition));
}

namespace {

// Resolves a tie-break reference within a trade. `for_teams` allows best-member.
std::optional<ResolvedKey> ResolveKey(const TradeSpec& trade, const TieBreakKey& key,
                                      bool for_teams, std::string* why) {
  ResolvedKey resolved{.order = key.order};
  const std::string& ref = key.ref;
  if (ref == "time" && !for_teams) {
    resolved.kind = KeyKind::kTime;
    return resolved;
  }
  if (ref == "penalties" && !for_teams) {
    resolved.kind = KeyKind::kPenalties;
    return resolved;
  }
  if (ref == "best-member" && for_teams) {
    resolved.kind = KeyKind::kBestMember;
    return resolved;
  }
  if (ref.rfind("event:", 0) == 0) {
    const std::string id = ref.substr(6);
    for (size_t e = 0; e < trade.events.size(); ++e) {
      if (trade.events[e].id == id) {
        resolved.kind = KeyKind::kEvent;
        resolved.index = static_cast<int>(e);
        return resolved;
      }
    }
    *why = "no event " + Quote(id) + " in trade " + Quote(trade.id);
    return std::nullopt;
  }
  if (ref.rfind("item:", 0) == 0 && !for_teams) {
    const std::string path = ref.substr(5);
    int trade_item = 0;
    for (const EventSpec& event : trade.events) {
      for (const ItemSpec& item : event.items) {
        if (path == event.id + "." + item.id) {
          resolved.kind = KeyKind::kItem;
          resolved.index = trade_item;
          return resolved;
        }
        ++trade_item;
      }
    }
    *why = "no item " + Quote(path) + " (write EVENT.ITEM) in trade " + Quote(trade.id);
    return std::nullopt;
  }
  *why = for_teams
             ? "team tie-break must be best-member or event:ID, not " + Quote(ref)
             : "tie-break must be event:ID, item:EVENT.ITEM, time or penalties, not " + Quote(ref);
  return std::nullopt;
}

// The value of a named roster column for a contestant ("" if blank).
std::string ColumnValue(const Roster& roster, const Contestant& c, int field,
                        std::string_view name) {
  if (name == "organization") return c.organization;
  if (name == "team") return c.team;
  if (name == "trade") return c.trade;
  if (field >= 0 && field < static_cast<int>(c.fields.size())) return c.fields[field];
  return "";
}

bool IsBuiltinColumn(std::string_view name) {
  return name == "organization" || name == "team" || name == "trade";
}

// Groups contestants by a roster column: group names in first-seen order and
// each contestant's group (-1 for a blank value).
void GroupBy(const Roster& roster, int field, std::string_view column,
             std::vector<std::string>& groups, std::vector<int>& group_of) {
  std::unordered_map<std::string, int> index;
  group_of.assign(roster.contestants.size(), -1);
  for (size_t c = 0; c < roster.contestants.size(); ++c) {
    const std::string value = ColumnValue(roster, roster.contestants[c], field, column);
    if (value.empty()) continue;
    auto [it, inserted] = index.emplace(value, static_cast<int>(groups.size()));
    if (inserted) groups.push_back(value);
    group_of[c] = it->second;
  }
}

}  // namespace

void Competition::Index(std::vector<Problem>& problems) {
  ProblemSink spec_sink(problems, spec_.source_file);
  ProblemSink contestant_sink(problems, roster_.contestants_file);
  ProblemSink judge_sink(problems, roster_.judges_file);
  const CompetitionSpec& spec = spec_;

  if (!IsValidId(spec.id)) {
    spec_sink.Add(spec.source, "competition id " + Quote(spec.id) +
                                   " must be non-empty and use only a-z 0-9 - _ .");
  }
  if (spec.precision < 0 || spec.precision > 6) {
    spec_sink.Add(spec.source,
                  "precision " + std::to_string(spec.precision) + " must be between 0 and 6");
  }
  if (spec.trades.empty()) spec_sink.Add(spec.source, "the competition defines no trades");

  std::set<std::string> award_ids;
  trades_.resize(spec.trades.size());
  for (size_t t = 0; t < spec.trades.size(); ++t) {
    const TradeSpec& trade = spec.trades[t];
    TradeIndex& index = trades_[t];
    index.spec = &trade;
    const std::string where = "trade " + Quote(trade.id);
    if (!IsValidId(trade.id)) {
      spec_sink.Add(trade.source, where + ": id must be non-empty and use only a-z 0-9 - _ .");
    }
    if (!trade_by_id_.emplace(trade.id, static_cast<int>(t)).second) {
      spec_sink.Add(trade.source, where + " is defined twice");
    }

    // Stages.
    if (trade.stages.empty()) spec_sink.Add(trade.source, where + " has no stages");
    std::set<std::string> stage_ids;
    for (size_t s = 0; s < trade.stages.size(); ++s) {
      const StageSpec& stage = trade.stages[s];
      const std::string at = where + " stage " + Quote(stage.id);
      if (!IsValidId(stage.id) || !stage_ids.insert(stage.id).second) {
        spec_sink.Add(stage.source, at + ": id must be unique and use only a-z 0-9 - _ .");
      }
      const bool last = s + 1 == trade.stages.size();
      if (last && stage.advance != 0) {
        spec_sink.Add(stage.source, at + ": the last stage cannot advance anyone (remove advance)");
      }
      if (!last && stage.advance <= 0) {
        spec_sink.Add(stage.source, at + ": advance must be a positive number of contestants");
      }
      if (stage.carry < 0 || stage.carry >= 100) {
        spec_sink.Add(stage.source, at + ": carry must be in [0, 100)");
      }
      if (s == 0 && stage.carry != 0) {
        spec_sink.Add(stage.source, at + ": the first stage has nothing to carry over");
      }
    }

    // Events and items.
    if (trade.events.empty()) spec_sink.Add(trade.source, where + " has no events");
    std::set<std::string> event_ids;
    std::vector<double> stage_weight(trade.stages.size(), 0);
    for (size_t e = 0; e < trade.events.size(); ++e) {
      const EventSpec& event = trade.events[e];
      const std::string at = where + " event " + Quote(event.id);
      EventIndex event_index;
      event_index.spec = &event;
      if (!IsValidId(event.id) || !event_ids.insert(event.id).second) {
        spec_sink.Add(event.source, at + ": id must be unique and use only a-z 0-9 - _ .");
      }
      if (event.stage.empty()) {
        if (trade.stages.size() > 1) {
          spec_sink.Add(event.source, at + ": name its stage (one of the trade's stages)");
        }
        event_index.stage = static_cast<int>(trade.stages.size()) - 1;
      } else {
        const auto it = std::find_if(trade.stages.begin(), trade.stages.end(),
                                     [&](const StageSpec& s) { return s.id == event.stage; });
        if (it == trade.stages.end()) {
          spec_sink.Add(event.source, at + ": no stage " + Quote(event.stage));
          event_index.stage = -1;  // counts towards no stage's weights
        } else {
          event_index.stage = static_cast<int>(it - trade.stages.begin());
        }
      }
      if (!(event.weight > 0)) spec_sink.Add(event.source, at + ": weight must be positive");
      if (event_index.stage >= 0 && event_index.stage < static_cast<int>(stage_weight.size())) {
        stage_weight[event_index.stage] += event.weight;
      }
      if (event.standardize.enabled && !(event.standardize.spread > 0)) {
        spec_sink.Add(event.standardize.source, at + ": standardize spread must be positive");
      }
      if (event.items.empty()) spec_sink.Add(event.source, at + " has no items");
      if (event.ranking != EventRanking::kScores) {
        const std::string how(EventRankingName(event.ranking));
        for (const ItemSpec& item : event.items) {
          const bool placings = event.ranking == EventRanking::kSkating;
          if (item.marking != Marking::kJudgement || item.step != 1 ||
              (placings ? item.max < 2 : item.max != 1) || item.rule != PanelRule::kMean ||
              !item.penalties.empty() ||
              item.normalization.value_or(event.normalization) != Normalization::kNone) {
            spec_sink.Add(item.source,
                          at + " item " + Quote(item.id) + ": a " + how + " event's items are " +
                              (placings ? "dances judged by placings (marking: judgement, "
                                          "step: 1, max: the most finalists, rule: mean)"
                                        : "crosses (marking: judgement, step: 1, max: 1, rule: "
                                          "mean)") +
                              ", without penalties or normalization");
          }
        }
      }
      if (event.ranking == EventRanking::kSkating) {
        int events_in_stage = 0;
        for (const EventSpec& other : trade.events) {
          if (other.stage == event.stage) ++events_in_stage;
        }
        const int stage = event_index.stage;
        if (events_in_stage != 1 || (stage >= 0 && stage < static_cast<int>(trade.stages.size()) &&
                                     trade.stages[stage].carry != 0)) {
          spec_sink.Add(event.source, at + ": a skating event decides its stage alone (the only "
                                           "event of the stage, weight 100, carry 0)");
        }
      }
      std::set<std::string> item_ids;
      for (const ItemSpec& item : event.items) {
        const std::string item_at = where + " item " + Quote(event.id + "." + item.id);
        if (!IsValidId(item.id) || !item_ids.insert(item.id).second) {
          spec_sink.Add(item.source, item_at +
                                         ": id must be unique in its event and use only "
                                         "a-z 0-9 - _ .");
        }
        if (!(item.max > 0)) spec_sink.Add(item.source, item_at + ": max must be positive");
        if (!(item.step > 0)) {
          spec_sink.Add(item.source, item_at + ": step must be positive");
        } else if (item.max > 0) {
          if (!IsMultipleOf(item.max, item.step)) {
            spec_sink.Add(item.source, item_at + ": max " + std::to_string(item.max) +
                                           " is not a multiple of step " +
                                           std::to_string(item.step));
          } else if (item.max / item.step > kMaxStepsPerItem) {
            spec_sink.Add(item.source, item_at +
                                           ": step is too fine (at most 1,000,000 steps "
                                           "from 0 to max)");
          }
        }
        if (!(item.weight >= 0)) spec_sink.Add(item.source, item_at + ": weight must be >= 0");
        if (item.marking == Marking::kJudgement) {
          if (item.panel_size < 1) {
            spec_sink.Add(item.source, item_at + ": panel size must be at least 1");
          }
          if (item.rule == PanelRule::kTrimmed &&
              (item.trim < 1 || item.panel_size <= 2 * item.trim)) {
            spec_sink.Add(item.source, item_at + ": trimmed panel of " +
                                           std::to_string(item.panel_size) + " cannot drop " +
                                           std::to_string(item.trim) +
                                           " at each end (need size > 2 * trim, trim >= 1)");
          }
          if (item.rule == PanelRule::kJudgement03 && item.step != 1) {
            spec_sink.Add(item.source,
                          item_at + ": judgement-0-3 marks are whole numbers 0..3 (set step: 1)");
          }
        }
        if (!(item.tolerance >= 0)) {
          spec_sink.Add(item.source, item_at + ": tolerance must be >= 0");
        }
        std::set<std::string> penalty_ids;
        for (const PenaltySpec& penalty : item.penalties) {
          if (!IsValidId(penalty.id) || !penalty_ids.insert(penalty.id).second) {
            spec_sink.Add(penalty.source, item_at + " penalty " + Quote(penalty.id) +
                                              ": id must be unique and use a-z 0-9 - _ .");
          }
          if (!(penalty.points > 0)) {
            spec_sink.Add(penalty.source,
                          item_at + " penalty " + Quote(penalty.id) + ": points must be positive");
          }
        }

        ItemIndex item_index;
        item_index.spec = &item;
        item_index.trade = static_cast<int>(t);
        item_index.event = static_cast<int>(e);
        item_index.trade_item = static_cast<int>(index.items.size());
        item_index.normalization = item.normalization.value_or(event.normalization);
        item_index.ref = trade.id + ":" + event.id + "." + item.id;
        if (item.marking == Marking::kMeasurement &&
            item_index.normalization != Normalization::kNone) {
          spec_sink.Add(item.source, item_at +
                                         ": a measurement has one value per contestant; "
                                         "judge normalization needs a judgement panel");
        }
        const int global = static_cast<int>(items_.size());
        items_.push_back(std::move(item_index));
        index.items.push_back(global);
        event_index.items.push_back(global);
      }
      index.events.push_back(std::move(event_index));
    }
    for (size_t s = 0; s < trade.stages.size(); ++s) {
      const double sum = stage_weight[s] + trade.stages[s].carry;
      if (std::abs(sum - 100) > kWeightTolerance) {
        spec_sink.Add(
            trade.stages.size() > 1 ? trade.stages[s].source : trade.source,
            where +
                (trade.stages.size() > 1 ? " stage " + Quote(trade.stages[s].id) : std::string()) +
                ": event weights" + (trade.stages[s].carry > 0 ? " + carry" : "") + " sum to " +
                FormatNumber(sum) + ", must be 100");
      }
    }
    if (trade.total_standardize.enabled && !(trade.total_standardize.spread > 0)) {
      spec_sink.Add(trade.total_standardize.source,
                    where + ": standardize spread must be positive");
    }

    // Ranking and teams.
    if (trade.ranking.tie_break.size() > kMaxTieBreakKeys) {
      spec_sink.Add(trade.ranking.source, where + " ranking: at most " +
                                              std::to_string(kMaxTieBreakKeys) + " tie-break keys");
    }
    if (trade.teams.tie_break.size() > kMaxTieBreakKeys) {
      spec_sink.Add(trade.teams.source, where + " teams: at most " +
                                            std::to_string(kMaxTieBreakKeys) + " tie-break keys");
    }
    for (const TieBreakKey& key : trade.ranking.tie_break) {
      std::string why;
      if (auto resolved = ResolveKey(trade, key, false, &why)) {
        index.tie_break.push_back(*resolved);
      } else {
        spec_sink.Add(key.source, where + " ranking: " + why);
      }
    }
    if (trade.teams.enabled) {
      if (trade.teams.rule == TeamRule::kBestK && trade.teams.k < 1) {
        spec_sink.Add(trade.teams.source, where + " teams: best-k needs k >= 1");
      }
      for (const TieBreakKey& key : trade.teams.tie_break) {
        std::string why;
        if (auto resolved = ResolveKey(trade, key, true, &why)) {
          index.team_tie_break.push_back(*resolved);
        } else {
          spec_sink.Add(key.source, where + " teams: " + why);
        }
      }
    }

    // Awards.
    std::set<std::string> tier_ids;
    double cumulative_share = 0;
    for (const AwardTier& tier : trade.awards) {
      const std::string at = where + " award " + Quote(tier.id);
      if (!IsValidId(tier.id) || !tier_ids.insert(tier.id).second) {
        spec_sink.Add(tier.source, at + ": id must be unique and use only a-z 0-9 - _ .");
      }
      award_ids.insert(tier.id);
      if (tier.by == AwardBy::kCount && tier.count < 1) {
        spec_sink.Add(tier.source, at + ": count must be at least 1");
      }
      if (tier.by == AwardBy::kShare) {
        cumulative_share += tier.share;
        if (!(tier.share > 0) || cumulative_share > 100 + kWeightTolerance) {
          spec_sink.Add(tier.source, at + ": shares must be positive and add up to at most 100");
        }
      }
    }
  }

  // Contestants.
  const bool single_trade = spec.trades.size() == 1;
  contestant_trade_.assign(roster_.contestants.size(), -1);
  contestant_row_.assign(roster_.contestants.size(), -1);
  if (roster_.contestants.empty()) contestant_sink.Add({}, "no contestants");
  for (size_t c = 0; c < roster_.contestants.size(); ++c) {
    Contestant& contestant = roster_.contestants[c];
    if (contestant.bib.empty()) {
      contestant_sink.Add(contestant.source, "bib is empty");
    } else if (!contestant_by_bib_.emplace(contestant.bib, static_cast<int>(c)).second) {
      contestant_sink.Add(
          contestant.source,
          "bib " + Quote(contestant.bib) + " is used twice (line " +
              std::to_string(roster_.contestants[contestant_by_bib_[contestant.bib]].source.line) +
              ")");
    }
    if (contestant.name.empty()) {
      contestant_sink.Add(contestant.source, "bib " + Quote(contestant.bib) + ": name is empty");
    }
    if (contestant.trade.empty() && single_trade) contestant.trade = spec.trades[0].id;
    const auto trade = trade_by_id_.find(contestant.trade);
    if (trade == trade_by_id_.end()) {
      std::string known;
      for (const TradeSpec& t : spec.trades) known += (known.empty() ? "" : ", ") + t.id;
      contestant_sink.Add(contestant.source, "bib " + Quote(contestant.bib) + ": trade " +
                                                 Quote(contestant.trade) +
                                                 " is not defined (trades: " + known + ")");
      continue;
    }
    TradeIndex& index = trades_[trade->second];
    contestant_trade_[c] = trade->second;
    contestant_row_[c] = static_cast<int>(index.contestants.size());
    index.contestants.push_back(static_cast<int>(c));
  }
  for (TradeIndex& index : trades_) {
    std::unordered_map<std::string, int> team_index;
    index.team_of_row.assign(index.contestants.size(), -1);
    if (index.spec == nullptr || !index.spec->teams.enabled) continue;
    for (size_t r = 0; r < index.contestants.size(); ++r) {
      const std::string& team = roster_.contestants[index.contestants[r]].team;
      if (team.empty()) continue;
      auto [it, inserted] = team_index.emplace(team, static_cast<int>(index.teams.size()));
      if (inserted) index.teams.push_back(team);
      index.team_of_row[r] = it->second;
    }
  }

  // Judges and panels.
  for (size_t j = 0; j < roster_.judges.size(); ++j) {
    const Judge& judge = roster_.judges[j];
    if (judge.id.empty()) {
      judge_sink.Add(judge.source, "judge id is empty");
      continue;
    }
    if (!judge_by_id_.emplace(judge.id, static_cast<int>(j)).second) {
      judge_sink.Add(judge.source, "judge id " + Quote(judge.id) + " is used twice");
    }
    for (const Assignment& a : judge.assignments) {
      const std::string what = a.event.empty() ? (a.item.empty() ? "*" : a.item)
                                               : a.event + "." + (a.item.empty() ? "*" : a.item);
      const std::string at =
          "judge " + Quote(judge.id) + " assignment " + Quote(a.trade + ":" + what);
      const auto trade = trade_by_id_.find(a.trade);
      if (trade == trade_by_id_.end()) {
        judge_sink.Add(judge.source, at + ": no trade " + Quote(a.trade));
        continue;
      }
      if (!a.bib_from.empty() && a.bib_to < a.bib_from) {
        judge_sink.Add(judge.source, at + ": bib range " + a.bib_from + "-" + a.bib_to +
                                         " is empty (first bib after last)");
      }
      const TradeIndex& index = trades_[trade->second];
      if (a.event.empty() && !a.item.empty()) {
        // A bare item name must be unique in the trade, as in scores.csv.
        std::vector<std::string> events;
        for (const int g : index.items) {
          if (items_[g].spec->id == a.item)
            events.push_back(index.events[items_[g].event].spec->id);
        }
        if (events.size() > 1) {
          std::string choices;
          for (const std::string& e : events) {
            choices += (choices.empty() ? "" : " or ") + a.trade + ":" + e + "." + a.item;
          }
          judge_sink.Add(judge.source, at + ": item " + Quote(a.item) + " is in " +
                                           std::to_string(events.size()) + " events; write " +
                                           choices);
          continue;
        }
      }
      int matched = 0;
      for (const int g : index.items) {
        ItemIndex& item = items_[g];
        const EventSpec& event = *index.events[item.event].spec;
        if (!a.event.empty() && event.id != a.event) continue;
        if (!a.item.empty() && item.spec->id != a.item) continue;
        ++matched;
        auto seat = std::find_if(item.panel.begin(), item.panel.end(), [&](const PanelSeat& s) {
          return s.judge == static_cast<int>(j);
        });
        if (seat == item.panel.end()) {
          item.panel.push_back({static_cast<int>(j), {}});
          seat = item.panel.end() - 1;
        }
        seat->bibs.push_back({a.bib_from, a.bib_to});
      }
      if (matched == 0) {
        judge_sink.Add(judge.source, at + ": names no item of trade " + Quote(a.trade) +
                                         " (write trade:item, trade:event.item, trade:event.* "
                                         "or trade:*)");
      }
    }
  }
  for (ItemIndex& item : items_) {
    const TradeIndex& index = trades_[item.trade];
    const int needed = item.spec->marking == Marking::kJudgement ? item.spec->panel_size : 1;
    if (static_cast<int>(item.panel.size()) < needed) {
      spec_sink.Add(item.spec->source, "item " + Quote(item.ref) + " needs " +
                                           std::to_string(needed) + " assigned judge(s) in " +
                                           roster_.judges_file + ", has " +
                                           std::to_string(item.panel.size()));
      continue;
    }
    // Every contestant must be covered by a full panel (split panels use bib ranges).
    int reported = 0;
    for (const int c : index.contestants) {
      int covering = 0;
      for (const PanelSeat& seat : item.panel) {
        for (const PanelSeat::BibRange& range : seat.bibs) {
          const std::string& bib = roster_.contestants[c].bib;
          if (range.from.empty() || (bib >= range.from && bib <= range.to)) {
            ++covering;
            break;
          }
        }
      }
      if (covering < needed && reported++ < 3) {
        judge_sink.Add({}, "item " + Quote(item.ref) + ": bib " +
                               Quote(roster_.contestants[c].bib) + " is covered by " +
                               std::to_string(covering) + " judge(s), the panel needs " +
                               std::to_string(needed));
      }
    }
  }

  // Cross-trade teams and the medal tally.
  if (spec.teams.enabled) {
    if (spec.teams.tie_break.size() > kMaxTieBreakKeys) {
      spec_sink.Add(spec.teams.source,
                    "teams: at most " + std::to_string(kMaxTieBreakKeys) + " tie-break keys");
    }
    const int field = field_index(spec.teams.group_by);
    if (!IsBuiltinColumn(spec.teams.group_by) && field < 0) {
      spec_sink.Add(spec.teams.source, "teams: group_by " + Quote(spec.teams.group_by) +
                                           " is not a column of " + roster_.contestants_file);
    }
    if (spec.teams.rule == TeamRule::kBestK && spec.teams.k < 1) {
      spec_sink.Add(spec.teams.source, "teams: best-k needs k >= 1");
    }
    for (const TieBreakKey& key : spec.teams.tie_break) {
      if (key.ref != "best-member") {
        spec_sink.Add(key.source, "teams across trades can break ties only by best-member, not " +
                                      Quote(key.ref));
      } else {
        competition_team_tie_break_.push_back({KeyKind::kBestMember, 0, key.order});
      }
    }
    GroupBy(roster_, field, spec.teams.group_by, competition_teams_, competition_team_of_);
  } else {
    competition_team_of_.assign(roster_.contestants.size(), -1);
  }
  if (spec.medal_tally.enabled) {
    const int field = field_index(spec.medal_tally.group_by);
    if (!IsBuiltinColumn(spec.medal_tally.group_by) && field < 0) {
      spec_sink.Add(spec.medal_tally.source, "medal_tally: group_by " +
                                                 Quote(spec.medal_tally.group_by) +
                                                 " is not a column of " + roster_.contestants_file);
    }
    if (spec.medal_tally.medals.empty()) {
      spec_sink.Add(spec.medal_tally.source, "medal_tally: list the award ids counted as medals");
    }
    for (const std::string& medal : spec.medal_tally.medals) {
      if (!award_ids.count(medal)) {
        spec_sink.Add(spec.medal_tally.source,
                      "medal_tally: no trade defines award " + Quote(medal));
      }
    }
    GroupBy(roster_, field, spec.medal_tally.group_by, tally_groups_, tally_group_of_);
  } else {
    tally_group_of_.assign(roster_.contestants.size(), -1);
  }

  // Nominations.
  std::set<std::string> nomination_ids;
  for (const NominationSpec& nomination : spec.nominations) {
    const std::string at = "nomination " + Quote(nomination.id);
    if (!IsValidId(nomination.id) || !nomination_ids.insert(nomination.id).second) {
      spec_sink.Add(nomination.source, at + ": id must be unique and use only a-z 0-9 - _ .");
    }
    Nomination compiled{.id = nomination.id, .name = nomination.name};
    for (const std::string& trade : nomination.trades) {
      const auto it = trade_by_id_.find(trade);
      if (it == trade_by_id_.end()) {
        spec_sink.Add(nomination.source, at + ": no trade " + Quote(trade));
      } else {
        compiled.trades.push_back(it->second);
      }
    }
    if (nomination.trades.empty()) {
      for (int t = 0; t < num_trades(); ++t) compiled.trades.push_back(t);
    }
    auto rule = NominationRule::Parse(nomination.rule);
    if (!rule.ok()) {
      spec_sink.Add(nomination.source, at + ": " + rule.status().message());
      continue;
    }
    for (const std::string& field : rule->FieldNames()) {
      static const std::set<std::string> kStandingFields = {
          "rank",      "total", "award", "status", "trade",
          "team_rank", "bib",   "name",  "team",   "organization"};
      if (kStandingFields.count(field) || field_index(field) >= 0) continue;
      bool known = false;
      for (const int t : compiled.trades) {
        if (t < 0 || t >= num_trades()) continue;
        for (const EventSpec& event : spec.trades[t].events) {
          if (field == "event." + event.id) known = true;
        }
      }
      if (!known) {
        spec_sink.Add(nomination.source,
                      at + ": unknown field " + Quote(field) +
                          " (use rank, total, award, status, trade, team_rank, event.ID "
                          "or a column of " +
                          roster_.contestants_file + ")");
      }
    }
    compiled.rule = std::move(*rule);
    nominations_.push_back(std::move(compiled));
  }
}

StatusOr<int> Competition::FindTrade(std::string_view id) const {
  const auto it = trade_by_id_.find(id);
  if (it == trade_by_id_.end()) return NotFoundError("no trade " + Quote(id));
  return it->second;
}

StatusOr<int> Competition::FindContestant(std::string_view bib) const {
  const auto it = contestant_by_bib_.find(bib);
  if (it == contestant_by_bib_.end()) return NotFoundError("no contestant with bib " + Quote(bib));
  return it->second;
}

StatusOr<int> Competition::FindJudge(std::string_view id) const {
  const auto it = judge_by_id_.find(id);
  if (it == judge_by_id_.end()) return NotFoundError("no judge " + Quote(id));
  return it->second;
}

StatusOr<int> Competition::FindItem(int trade, std::string_view ref) const {
  const TradeIndex& index = trades_[trade];
  std::string_view path = ref;
  if (const size_t colon = path.find(':'); colon != std::string_view::npos) {
    if (path.substr(0, colon) != index.spec->id) {
      return NotFoundError("item " + Quote(ref) + " is not in trade " + Quote(index.spec->id));
    }
    path.remove_prefix(colon + 1);
  }
  int found = -1;
  int matches = 0;
  for (const int g : index.items) {
    const ItemIndex& item = items_[g];
    const std::string& event = index.events[item.event].spec->id;
    if (path == event + "." + item.spec->id || path == item.spec->id) {
      found = g;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (matches > 1) {
    return InvalidArgumentError("item " + Quote(ref) + " is ambiguous in trade " +
                                Quote(index.spec->id) + ": write EVENT.ITEM");
  }
  std::string known;
  for (const int g : index.items) {
    known += (known.empty() ? "" : ", ") + index.events[items_[g].event].spec->id + "." +
             items_[g].spec->id;
  }
  return NotFoundError("no item " + Quote(ref) + " in trade " + Quote(index.spec->id) +
                       " (items: " + known + ")");
}

StatusOr<int> Competition::FindPenalty(int item, std::string_view id) const {
  const auto& penalties = items_[item].spec->penalties;
  for (size_t p = 0; p < penalties.size(); ++p) {
    if (penalties[p].id == id) return static_cast<int>(p);
  }
  std::string known;
  for (const PenaltySpec& p : penalties) known += (known.empty() ? "" : ", ") + p.id;
  return NotFoundError("item " + Quote(items_[item].ref) + " has no penalty " + Quote(id) +
                       (known.empty() ? " (it defines none)" : " (penalties: " + known + ")"));
}

StatusOr<int> Competition::SeatOf(int judge, int item, int contestant) const {
  const ItemIndex& index = items_[item];
  const std::string& bib = roster_.contestants[contestant].bib;
  for (size_t s = 0; s < index.panel.size(); ++s) {
    const PanelSeat& seat = index.panel[s];
    if (seat.judge != judge) continue;
    for (const PanelSeat::BibRange& range : seat.bibs) {
      if (range.from.empty() || (bib >= range.from && bib <= range.to)) {
        return index.spec->marking == Marking::kMeasurement ? 0 : static_cast<int>(s);
      }
    }
    return PermissionDeniedError("judge " + Quote(roster_.judges[judge].id) +
                                 " is assigned to item " + Quote(index.ref) + " but not to bib " +
                                 Quote(bib));
  }
  return PermissionDeniedError("judge " + Quote(roster_.judges[judge].id) +
                               " is not assigned to item " + Quote(index.ref));
}

}  // namespace podium::engine
