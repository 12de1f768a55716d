#include "server/cli/standings_output.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "podium/engine/rounding.h"
#include "server/cli/table.h"
#include "server/definition/csv.h"
#include "server/reports/results.h"

namespace podium::cli {

namespace {

using engine::Competition;
using engine::StandingRow;
using engine::Standings;
using engine::TradeStandings;

// The published value: rounded to the competition's precision.
double Published(double value, int precision) { return engine::RoundScore(value, precision); }

std::string RankLabel(const StandingRow& row) {
  return row.rank > 0 ? std::to_string(row.rank) : "—";
}

// Trades to show: one, or all.
std::vector<int> SelectedTrades(const Standings& standings, int trade) {
  std::vector<int> trades;
  for (int t = 0; t < static_cast<int>(standings.trades.size()); ++t) {
    if (trade < 0 || t == trade) trades.push_back(t);
  }
  return trades;
}

std::string TeamName(const Competition& c, int trade, int team) {
  return trade >= 0 ? c.trade(trade).teams[team] : c.competition_teams()[team];
}

}  // namespace

std::string FormatScore(double value, int precision) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", precision, Published(value, precision) + 0.0);
  return buffer;
}

std::string StandingsTable(const Standings& standings, int trade) {
  const Competition& c = *standings.competition;
  const int precision = c.spec().precision;
  std::ostringstream out;
  out << c.spec().name;
  if (!c.spec().name_en.empty()) out << "  " << c.spec().name_en;
  out << "\n";
  for (const int t : SelectedTrades(standings, trade)) {
    const engine::TradeIndex& index = c.trade(t);
    const TradeStandings& ts = standings.trades[t];
    const bool staged = index.spec->stages.size() > 1;
    out << "\n== " << index.spec->name << " " << index.spec->id << " ==\n";
    std::vector<std::string> header = {"名次 Rank", "编号 Bib", "姓名 Name", "单位 Organization"};
    for (const engine::EventIndex& event : index.events) header.push_back(event.spec->name);
    if (staged) header.push_back("阶段 Stage");
    header.insert(header.end(), {"总分 Total", "奖项 Award", "备注 Note"});
    TextTable table(header);
    table.SetAlignRight(0);
    const int first_event = 4;
    for (int e = 0; e < static_cast<int>(index.events.size()) + 1; ++e) {
      table.SetAlignRight(first_event + e +
                          (staged && e == static_cast<int>(index.events.size()) ? 1 : 0));
    }
    for (int p = 0; p < ts.size(); ++p) {
      const int row = ts.row_at(p);
      const StandingRow s = ts.row(row);
      const engine::Contestant& who = c.contestant(s.contestant);
      std::vector<std::string> cells = {RankLabel(s), who.bib, who.name, who.organization};
      for (int e = 0; e < ts.num_events; ++e) {
        cells.push_back(FormatScore(ts.event_score(row, e), precision));
      }
      if (staged) cells.push_back(index.spec->stages[s.stage].name);
      cells.insert(cells.end(),
                   {FormatScore(s.total, precision), standings.award_name(s), reports::NoteOf(s)});
      table.AddRow(std::move(cells));
    }
    out << table.Render();
    if (static_cast<size_t>(ts.num_teams()) > 0) {
      out << "\n团体 Teams\n";
      TextTable teams({"名次 Rank", "团体 Team", "人数 Members", "总分 Total"});
      teams.SetAlignRight(0);
      teams.SetAlignRight(2);
      teams.SetAlignRight(3);
      for (size_t p = 0; p < static_cast<size_t>(ts.num_teams()); ++p) {
        const engine::TeamRow team = ts.team_at_position(static_cast<int>(p));
        teams.AddRow({team.rank > 0 ? std::to_string(team.rank) : "—", TeamName(c, t, team.team),
                      std::to_string(team.members), FormatScore(team.total, precision)});
      }
      out << teams.Render();
    }
  }
  if (trade < 0 && !standings.competition_teams.empty()) {
    out << "\n团体总分 Team totals\n";
    TextTable teams({"名次 Rank", "团体 Team", "人数 Members", "总分 Total"});
    teams.SetAlignRight(0);
    teams.SetAlignRight(2);
    teams.SetAlignRight(3);
    for (const engine::TeamRow& team : standings.competition_teams) {
      teams.AddRow({team.rank > 0 ? std::to_string(team.rank) : "—", TeamName(c, -1, team.team),
                    std::to_string(team.members), FormatScore(team.total, precision)});
    }
    out << teams.Render();
  }
  if (trade < 0 && !standings.medal_tally.empty()) {
    out << "\n奖牌榜 Medal tally\n";
    std::vector<std::string> header = {"名次 Rank", "代表队 Delegation"};
    const auto& medals = c.spec().medal_tally.medals;
    for (const std::string& id : medals) {
      std::string name = id;
      for (int t = 0; t < c.num_trades(); ++t) {
        for (const engine::AwardTier& tier : c.trade(t).spec->awards) {
          if (tier.id == id) name = tier.name;
        }
      }
      header.push_back(name);
    }
    header.push_back("获奖人数 Awarded");
    TextTable tally(header);
    for (size_t col = 0; col < header.size(); ++col) {
      if (col != 1) tally.SetAlignRight(static_cast<int>(col));
    }
    for (const engine::MedalRow& row : standings.medal_tally) {
      std::vector<std::string> cells = {std::to_string(row.rank), c.tally_groups()[row.group]};
      for (const int count : row.medals) cells.push_back(std::to_string(count));
      cells.push_back(std::to_string(row.awarded));
      tally.AddRow(std::move(cells));
    }
    out << tally.Render();
  }
  if (trade < 0) {
    for (const engine::NominationList& list : standings.Nominations()) {
      const engine::Nomination& nomination = c.nominations()[list.nomination];
      out << "\n推荐名单 Nomination: " << nomination.name << " (" << nomination.rule.text()
          << ")\n";
      if (list.contestants.empty()) {
        out << "  (无 none)\n";
        continue;
      }
      TextTable table(
          {"名次 Rank", "编号 Bib", "姓名 Name", "单位 Organization", "工种 Trade", "总分 Total"});
      table.SetAlignRight(0);
      table.SetAlignRight(5);
      for (const int contestant : list.contestants) {
        const StandingRow s = standings.row_of(contestant);
        const engine::Contestant& who = c.contestant(contestant);
        table.AddRow({RankLabel(s), who.bib, who.name, who.organization,
                      c.trade(c.trade_of(contestant)).spec->name, FormatScore(s.total, precision)});
      }
      out << table.Render();
    }
  }
  return out.str();
}

std::string StandingsJson(const Standings& standings, int trade) {
  using nlohmann::ordered_json;
  const Competition& c = *standings.competition;
  const int precision = c.spec().precision;
  ordered_json root;
  root["competition"] = {{"id", c.spec().id}, {"name", c.spec().name}};
  root["version"] = standings.version;
  ordered_json trades = ordered_json::array();
  auto team_json = [&](const engine::TeamRow& team, int t) {
    return ordered_json{{"team", TeamName(c, t, team.team)},
                        {"rank", team.rank > 0 ? ordered_json(team.rank) : ordered_json()},
                        {"total", Published(team.total, precision)},
                        {"members", team.members}};
  };
  for (const int t : SelectedTrades(standings, trade)) {
    const engine::TradeIndex& index = c.trade(t);
    const TradeStandings& ts = standings.trades[t];
    ordered_json rows = ordered_json::array();
    for (int p = 0; p < ts.size(); ++p) {
      const int row = ts.row_at(p);
      const StandingRow s = ts.row(row);
      const engine::Contestant& who = c.contestant(s.contestant);
      ordered_json events = ordered_json::object();
      for (int e = 0; e < ts.num_events; ++e) {
        events[index.events[e].spec->id] = Published(ts.event_score(row, e), precision);
      }
      const std::string& award = standings.award_id(s);
      rows.push_back({{"contestant", who.bib},
                      {"name", who.name},
                      {"organization", who.organization},
                      {"team", who.team},
                      {"rank", s.rank > 0 ? ordered_json(s.rank) : ordered_json()},
                      {"total", Published(s.total, precision)},
                      {"events", events},
                      {"award", award.empty() ? ordered_json() : ordered_json(award)},
                      {"status", std::string(engine::ContestantStatusName(s.status))},
                      {"stage", index.spec->stages[s.stage].id},
                      {"complete", s.complete},
                      {"flagged", s.flagged}});
    }
    ordered_json teams = ordered_json::array();
    for (size_t p = 0; p < static_cast<size_t>(ts.num_teams()); ++p) {
      teams.push_back(team_json(ts.team_at_position(static_cast<int>(p)), t));
    }
    trades.push_back({{"id", index.spec->id},
                      {"name", index.spec->name},
                      {"standings", rows},
                      {"teams", teams}});
  }
  root["trades"] = trades;
  ordered_json teams = ordered_json::array();
  for (const engine::TeamRow& team : standings.competition_teams)
    teams.push_back(team_json(team, -1));
  root["teams"] = teams;
  ordered_json tally = ordered_json::array();
  for (const engine::MedalRow& row : standings.medal_tally) {
    ordered_json medals = ordered_json::object();
    for (size_t m = 0; m < row.medals.size(); ++m) {
      medals[c.spec().medal_tally.medals[m]] = row.medals[m];
    }
    tally.push_back({{"delegation", c.tally_groups()[row.group]},
                     {"rank", row.rank},
                     {"medals", medals},
                     {"awarded", row.awarded}});
  }
  root["medal_tally"] = tally;
  ordered_json nominations = ordered_json::array();
  for (const engine::NominationList& list : standings.Nominations()) {
    const engine::Nomination& nomination = c.nominations()[list.nomination];
    ordered_json who = ordered_json::array();
    for (const int contestant : list.contestants) {
      const int t = c.trade_of(contestant);
      if (trade >= 0 && t != trade) continue;
      const StandingRow s = standings.row_of(contestant);
      who.push_back({{"contestant", c.contestant(contestant).bib},
                     {"name", c.contestant(contestant).name},
                     {"trade", c.trade(t).spec->id},
                     {"rank", s.rank > 0 ? ordered_json(s.rank) : ordered_json()},
                     {"total", Published(s.total, precision)}});
    }
    nominations.push_back({{"id", nomination.id}, {"name", nomination.name}, {"contestants", who}});
  }
  root["nominations"] = nominations;
  return root.dump(2) + "\n";
}

std::string StandingsCsv(const Standings& standings, int trade) {
  const Competition& c = *standings.competition;
  const int precision = c.spec().precision;
  const std::vector<int> trades = SelectedTrades(standings, trade);
  // Event columns: the union of event ids, in first-seen order.
  std::vector<std::string> event_ids;
  for (const int t : trades) {
    for (const engine::EventIndex& e : c.trade(t).events) {
      if (std::find(event_ids.begin(), event_ids.end(), e.spec->id) == event_ids.end()) {
        event_ids.push_back(e.spec->id);
      }
    }
  }
  std::string out = "\xEF\xBB\xBF";
  std::vector<std::string> header = {"trade", "rank", "bib", "name", "organization", "team"};
  for (const std::string& id : event_ids) header.push_back("event:" + id);
  header.insert(header.end(), {"total", "award", "status", "stage"});
  out += definition::CsvLine(header);
  for (const int t : trades) {
    const engine::TradeIndex& index = c.trade(t);
    const TradeStandings& ts = standings.trades[t];
    for (int p = 0; p < ts.size(); ++p) {
      const int row = ts.row_at(p);
      const StandingRow s = ts.row(row);
      const engine::Contestant& who = c.contestant(s.contestant);
      std::vector<std::string> cells = {index.spec->id,   s.rank > 0 ? std::to_string(s.rank) : "",
                                        who.bib,          who.name,
                                        who.organization, who.team};
      for (const std::string& id : event_ids) {
        std::string cell;
        for (int e = 0; e < ts.num_events; ++e) {
          if (index.events[e].spec->id == id) cell = FormatScore(ts.event_score(row, e), precision);
        }
        cells.push_back(cell);
      }
      cells.insert(cells.end(), {FormatScore(s.total, precision), standings.award_id(s),
                                 std::string(engine::ContestantStatusName(s.status)),
                                 index.spec->stages[s.stage].id});
      out += definition::CsvLine(cells);
    }
  }
  return out;
}

std::string RenderTextRows(const std::vector<std::vector<std::string>>& rows,
                           const std::string& indent) {
  if (rows.empty()) return "";
  TextTable table(rows[0]);
  for (std::size_t i = 1; i < rows[0].size(); ++i) table.SetAlignRight(static_cast<int>(i));
  for (std::size_t r = 1; r < rows.size(); ++r) table.AddRow(rows[r]);
  std::string out;
  std::istringstream lines(table.Render());
  for (std::string line; std::getline(lines, line);) out += indent + line + "\n";
  return out;
}

std::string ExplanationText(const Standings& standings, const engine::Explanation& x) {
  const Competition& c = *standings.competition;
  const int precision = c.spec().precision;
  const engine::TradeIndex& trade = c.trade(x.trade);
  const engine::Contestant& who = c.contestant(x.contestant);
  auto score = [&](double v) { return FormatScore(v, precision); };
  // Marks are shown with enough decimals to recompute by hand.
  auto mark = [](double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
    return std::string(buffer);
  };
  auto logit = [](double v, const char* format = "%.2f") {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, format, v);
    return std::string(buffer);
  };
  std::ostringstream out;
  out << who.bib << " " << who.name;
  if (!who.organization.empty()) out << " · " << who.organization;
  if (!who.team.empty()) out << " · " << who.team;
  out << "\n" << trade.spec->name << " (" << trade.spec->id << ")\n";
  out << "名次 rank " << RankLabel(x.standing) << " · 总分 total " << score(x.standing.total);
  if (x.standing.award >= 0) out << " · 奖项 award " << standings.award_name(x.standing);
  if (x.standing.status != engine::ContestantStatus::kPresent) {
    out << " · " << reports::StatusLabel(x.standing.status);
  }
  if (!x.standing.complete) out << " · 未完成 incomplete";
  out << "\n";
  const int reached = static_cast<int>(x.stages.size()) - 1;
  for (const engine::ExplainedEvent& event : x.events) {
    // Stages the contestant did not reach have nothing of theirs to show.
    if (trade.events[event.event].stage > reached) continue;
    const engine::EventSpec& spec = *trade.events[event.event].spec;
    out << "\n" << spec.name << " " << spec.id << " (weight " << mark(event.weight) << "%";
    if (trade.spec->stages.size() > 1) {
      out << ", stage " << trade.spec->stages[trade.events[event.event].stage].id;
    }
    out << ")\n";
    for (const engine::ExplainedItem& item : event.items) {
      const engine::ItemIndex& index = c.item(item.item);
      const engine::ItemSpec& is = *index.spec;
      out << "  " << is.name << " " << is.id << " [max " << mark(is.max);
      if (is.marking == engine::Marking::kMeasurement) {
        out << ", measurement";
      } else {
        out << ", " << engine::PanelRuleName(is.rule);
        if (is.rule == engine::PanelRule::kTrimmed) out << " drop " << is.trim << "+" << is.trim;
        if (index.normalization == engine::Normalization::kJudgeZScore) out << ", judge z-score";
        if (index.normalization == engine::Normalization::kJudgeRobust) out << ", judge robust";
        if (index.normalization == engine::Normalization::kRasch) out << ", Rasch fair mark";
      }
      out << "]";
      if (static_cast<int>(item.marks.size()) < item.expected_marks) {
        out << " " << item.marks.size() << "/" << item.expected_marks << " marks";
      }
      out << "\n    ";
      if (item.marks.empty()) out << "(no marks yet)";
      for (const engine::ExplainedMark& m : item.marks) {
        out << c.judge(m.judge).id << " " << mark(m.raw);
        if (std::abs(m.adjusted - m.raw) > 1e-9) out << "→" << mark(m.adjusted);
        if (m.dropped) out << " (dropped)";
        if (m.judge_severity) out << " (severity " << logit(*m.judge_severity, "%+.2f") << ")";
        out << "   ";
      }
      if (item.rasch && item.rasch->applied) {
        const engine::ExplainedRasch& r = *item.rasch;
        out << "\n    Rasch: ability " << logit(r.measure) << " ± " << logit(r.standard_error)
            << " logits, item difficulty " << logit(r.item_difficulty)
            << " → fair mark (average-severity judge) " << mark(r.fair_mark);
      } else if (item.rasch) {
        out << "\n    Rasch not applied (" << item.rasch->note << "): plain panel aggregate";
      }
      const engine::EventRanking ranking = spec.ranking;
      if (ranking == engine::EventRanking::kSkating) {
        out << "\n    (placings: see the skating system below)\n";
        continue;
      }
      if (ranking == engine::EventRanking::kRecalls) {
        out << "\n    = " << std::lround(item.score * static_cast<double>(item.marks.size()))
            << " crosses\n";
        continue;
      }
      out << "\n    = " << score(item.score);
      if (item.weight != 1) out << " × weight " << mark(item.weight);
      if (item.time_used) out << " · time " << mark(*item.time_used) << " s";
      if (item.flagged) out << " · spread above tolerance " << mark(is.tolerance) << ": review";
      out << "\n";
      for (const engine::ExplainedPenalty& p : item.penalties) {
        out << "    penalty " << is.penalties[p.penalty].name << " × " << p.count << " = −"
            << mark(p.points) << "\n";
      }
    }
    if (spec.ranking == engine::EventRanking::kSkating) {
      out << "  place = " << (event.score > 0 ? engine::FormatPlace(event.score) : "-") << "\n";
      continue;
    }
    if (spec.ranking == engine::EventRanking::kRecalls) {
      out << "  crosses = " << std::lround(event.score) << "\n";
      continue;
    }
    out << "  event score = ";
    if (event.penalty_points != 0) {
      out << score(event.weighted_items) << " − " << mark(event.penalty_points) << " = ";
    }
    out << score(event.raw_score);
    if (std::abs(event.score - event.raw_score) > 1e-12) {
      out << " → standardized " << score(event.score);
    }
    out << "\n";
  }
  out << "\n";
  for (const engine::ExplainedStage& stage : x.stages) {
    const engine::StageSpec& spec = trade.spec->stages[stage.stage];
    if (stage.skating) {
      out << spec.name << " " << spec.id
          << " place = " << (stage.total > 0 ? engine::FormatPlace(stage.total) : std::string("-"))
          << " (skating system, lower is better)";
      if (trade.spec->stages.size() > 1) out << " · stage rank " << stage.stage_rank;
      out << "\n" << SkatingText(c, *stage.skating);
      continue;
    }
    out << (trade.spec->stages.size() > 1 ? spec.name + " " + spec.id + " total"
                                          : std::string("total"))
        << " = ";
    bool first = true;
    for (const engine::ExplainedEvent& event : x.events) {
      if (trade.events[event.event].stage != stage.stage) continue;
      out << (first ? "" : " + ") << mark(event.weight) << "% × " << score(event.score);
      first = false;
    }
    if (stage.carried != 0) out << " + carried " << score(stage.carried);
    out << " = " << score(stage.raw_total);
    if (std::abs(stage.total - stage.raw_total) > 1e-12)
      out << " → standardized " << score(stage.total);
    if (trade.spec->stages.size() > 1) {
      out << " · stage rank " << stage.stage_rank << (stage.advanced ? " · advanced" : "");
    }
    out << "\n";
  }
  if (x.time_used > 0) out << "time used " << mark(x.time_used) << " s\n";
  return out.str();
}

std::string SkatingText(const engine::Competition& c, const engine::ExplainedSkating& skating) {
  std::ostringstream out;
  out << "  skating system 名次法 (placings of " << skating.contestants.size() << " finalists)\n";
  if (!skating.result) {
    out << "  no places yet: " << skating.note << "\n";
    return out.str();
  }
  std::vector<std::string> bibs;
  for (const int contestant : skating.contestants) bibs.push_back(c.contestant(contestant).bib);
  std::vector<std::string> dance_names;
  for (const int item : skating.dances) dance_names.push_back(c.item(item).spec->name);
  const engine::MultiDanceResult& result = *skating.result;
  for (std::size_t d = 0; d < skating.dances.size(); ++d) {
    out << "  " << dance_names[d] << " (rules 5-8, majority " << result.dances[d].majority << ")\n"
        << RenderTextRows(engine::RenderSingleDance(skating.placings[d], result.dances[d], bibs),
                          "    ");
  }
  out << "  summary (rules 9-11)\n"
      << RenderTextRows(engine::RenderSummary(result, dance_names, bibs), "    ");
  if (result.rule10.examined.any()) {
    out << "  rule 10 (dances placed at or above the place in question)\n"
        << RenderTextRows(engine::RenderBreakdown(result.rule10, result.place, bibs), "    ");
  }
  if (result.rule11.examined.any()) {
    out << "  rule 11 (every mark of every dance as one dance, majority " << result.rule11_majority
        << ")\n"
        << RenderTextRows(engine::RenderBreakdown(result.rule11, result.place, bibs), "    ");
  }
  return out.str();
}

std::string SheetTable(const reports::Sheet& sheet, int precision) {
  std::vector<std::string> header;
  for (const reports::Column& column : sheet.columns) header.push_back(column.header);
  TextTable table(std::move(header));
  for (std::size_t i = 0; i < sheet.columns.size(); ++i) {
    if (sheet.columns[i].kind != reports::Column::Kind::kText) {
      table.SetAlignRight(static_cast<int>(i));
    }
  }
  for (const std::vector<reports::Cell>& row : sheet.rows) {
    std::vector<std::string> cells;
    for (const reports::Cell& cell : row) cells.push_back(reports::CellText(cell, precision));
    table.AddRow(std::move(cells));
  }
  return sheet.title + "\n" + table.Render();
}

}  // namespace podium::cli
