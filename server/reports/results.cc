#include "server/reports/results.h"

#include <ctime>
#include <sstream>

#include "server/core/auth.h"

namespace podium::reports {

namespace {

using engine::Competition;
using engine::StandingRow;
using engine::Standings;
using engine::TradeStandings;
using Kind = Column::Kind;

Cell RankCell(int rank) { return rank > 0 ? Cell{std::int64_t{rank}} : Cell{}; }

// Spreadsheet tab names: at most 31 characters (not bytes), none of []:*?/\.
std::string TabName(const std::string& name) {
  std::string out;
  int characters = 0;
  for (size_t i = 0; i < name.size() && characters < 31;) {
    const unsigned char lead = static_cast<unsigned char>(name[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    const std::string piece = name.substr(i, length);
    out += piece.find_first_of("[]:*?/\\") == std::string::npos ? piece : "_";
    i += length;
    ++characters;
  }
  return out;
}

std::string TeamName(const Competition& c, int trade, int team) {
  return trade >= 0 ? c.trade(trade).teams[team] : c.competition_teams()[team];
}

Sheet TeamSheet(std::string id, std::string name, std::string title) {
  Sheet sheet{std::move(id), TabName(name), std::move(title), {}, {}};
  sheet.columns = {{"rank", "名次 Rank", Kind::kInteger},
                   {"team", "团体 Team", Kind::kText},
                   {"members", "人数 Members", Kind::kInteger},
                   {"total", "总分 Total", Kind::kScore}};
  return sheet;
}

void AddTeamRow(Sheet& sheet, const Competition& c, int trade, const engine::TeamRow& team) {
  sheet.rows.push_back(
      {RankCell(team.rank), TeamName(c, trade, team.team), std::int64_t{team.members}, team.total});
}

// The person columns award and nomination lists share, and the roster's own.
std::vector<Column> PersonColumns(const Competition& c) {
  std::vector<Column> columns = {{"trade", "工种 Trade", Kind::kText},
                                 {"rank", "名次 Rank", Kind::kInteger},
                                 {"bib", "编号 Bib", Kind::kText},
                                 {"name", "姓名 Name", Kind::kText},
                                 {"organization", "单位 Organization", Kind::kText},
                                 {"team", "团体 Team", Kind::kText},
                                 {"total", "总分 Total", Kind::kScore},
                                 {"award", "奖项 Award", Kind::kText}};
  for (const std::string& field : c.roster().field_names) {
    columns.push_back({"field:" + field, field, Kind::kText});
  }
  return columns;
}

std::vector<Cell> PersonRow(const Standings& standings, int contestant) {
  const Competition& c = *standings.competition;
  const engine::Contestant& who = c.contestant(contestant);
  const StandingRow s = standings.row_of(contestant);
  std::vector<Cell> row = {c.trade(c.trade_of(contestant)).spec->name,
                           RankCell(s.rank),
                           who.bib,
                           who.name,
                           who.organization,
                           who.team,
                           s.total,
                           standings.award_name(s)};
  for (const std::string& value : who.fields) row.push_back(value);
  return row;
}

Sheet TradeSheet(const Standings& standings, int t) {
  const Competition& c = *standings.competition;
  const engine::TradeIndex& index = c.trade(t);
  const TradeStandings& ts = standings.trades[t];
  const bool staged = index.spec->stages.size() > 1;
  Sheet sheet{"results-" + index.spec->id,
              TabName("成绩 " + index.spec->name),
              index.spec->name + " 成绩 Results",
              {},
              {}};
  sheet.columns = {{"rank", "名次 Rank", Kind::kInteger},
                   {"bib", "编号 Bib", Kind::kText},
                   {"name", "姓名 Name", Kind::kText},
                   {"organization", "单位 Organization", Kind::kText},
                   {"team", "团体 Team", Kind::kText}};
  for (const engine::EventIndex& event : index.events) {
    sheet.columns.push_back({"event:" + event.spec->id, event.spec->name, Kind::kScore});
  }
  if (staged) sheet.columns.push_back({"stage", "阶段 Stage", Kind::kText});
  sheet.columns.insert(sheet.columns.end(), {{"total", "总分 Total", Kind::kScore},
                                             {"award", "奖项 Award", Kind::kText},
                                             {"note", "备注 Note", Kind::kText}});
  for (int p = 0; p < ts.size(); ++p) {
    const int row = ts.row_at(p);
    const StandingRow s = ts.row(row);
    const engine::Contestant& who = c.contestant(s.contestant);
    std::vector<Cell> cells = {RankCell(s.rank), who.bib, who.name, who.organization, who.team};
    for (int e = 0; e < ts.num_events; ++e) cells.push_back(ts.event_score(row, e));
    if (staged) cells.push_back(index.spec->stages[s.stage].name);
    cells.insert(cells.end(), {s.total, standings.award_name(s), NoteOf(s)});
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

Sheet MedalTallySheet(const Standings& standings) {
  const Competition& c = *standings.competition;
  Sheet sheet{"medal-tally", "奖牌榜", "奖牌榜 Medal tally", {}, {}};
  sheet.columns = {{"rank", "名次 Rank", Kind::kInteger},
                   {"delegation", "代表队 Delegation", Kind::kText}};
  for (const std::string& id : c.spec().medal_tally.medals) {
    std::string name = id;
    for (int t = 0; t < c.num_trades(); ++t) {
      for (const engine::AwardTier& tier : c.trade(t).spec->awards) {
        if (tier.id == id) name = tier.name;
      }
    }
    sheet.columns.push_back({"medal:" + id, name, Kind::kInteger});
  }
  sheet.columns.push_back({"awarded", "获奖人数 Awarded", Kind::kInteger});
  for (const engine::MedalRow& row : standings.medal_tally) {
    std::vector<Cell> cells = {RankCell(row.rank), c.tally_groups()[row.group]};
    for (const int count : row.medals) cells.push_back(std::int64_t{count});
    cells.push_back(std::int64_t{row.awarded});
    sheet.rows.push_back(std::move(cells));
  }
  return sheet;
}

// Award winners by trade, then tier, then leaderboard order.
Sheet AwardSheet(const Standings& standings) {
  const Competition& c = *standings.competition;
  Sheet sheet{"awards", "获奖名单", "获奖名单 Award list", PersonColumns(c), {}};
  for (int t = 0; t < c.num_trades(); ++t) {
    const TradeStandings& ts = standings.trades[t];
    for (size_t tier = 0; tier < c.trade(t).spec->awards.size(); ++tier) {
      for (int p = 0; p < ts.size(); ++p) {
        const StandingRow s = ts.row(ts.row_at(p));
        if (s.award == static_cast<int>(tier)) {
          sheet.rows.push_back(PersonRow(standings, s.contestant));
        }
      }
    }
  }
  return sheet;
}

}  // namespace

Sheet JudgeAnalyticsSheet(const engine::Competition& c,
                          const std::vector<engine::JudgeItemStats>& stats) {
  Sheet sheet{"judges", "裁判分析", "裁判评分分析 Judge analytics", {}, {}};
  sheet.columns = {{"trade", "工种 Trade", Kind::kText},
                   {"item", "项目 Item", Kind::kText},
                   {"judge", "裁判 Judge", Kind::kText},
                   {"name", "姓名 Name", Kind::kText},
                   {"marks", "评分数 Marks", Kind::kInteger},
                   {"mean_deviation", "平均偏差 Mean deviation", Kind::kScore},
                   {"mean_absolute_deviation", "平均绝对偏差 Mean |deviation|", Kind::kScore},
                   {"dropped", "被去掉 Dropped", Kind::kInteger},
                   {"dropped_percent", "去掉比例% Dropped %", Kind::kScore},
                   {"spread_outliers", "超差离群 Spread outliers", Kind::kInteger},
                   {"severity", "严厉度 Severity (logits)", Kind::kScore},
                   {"severity_se", "标准误 S.E.", Kind::kScore},
                   {"infit", "Infit MnSq", Kind::kScore},
                   {"outfit", "Outfit MnSq", Kind::kScore}};
  for (const engine::JudgeItemStats& s : stats) {
    const engine::ItemIndex& item = c.item(s.item);
    const engine::Judge& judge = c.judge(s.judge);
    std::vector<Cell> row = {c.trade(item.trade).spec->name,
                             item.spec->name,
                             judge.id,
                             judge.name,
                             std::int64_t{s.marks},
                             s.compared > 0 ? Cell(s.mean_deviation) : Cell(),
                             s.compared > 0 ? Cell(s.mean_absolute_deviation) : Cell(),
                             std::int64_t{s.dropped},
                             s.dropped_share() * 100,
                             std::int64_t{s.spread_outliers}};
    if (s.rasch) {
      row.insert(row.end(),
                 {s.rasch->severity, s.rasch->standard_error, s.rasch->infit, s.rasch->outfit});
    } else {
      row.resize(sheet.columns.size());
    }
    sheet.rows.push_back(std::move(row));
  }
  return sheet;
}

std::vector<Sheet> SkatingSheets(const engine::Competition& c, int trade,
                                 const std::vector<engine::ExplainedSkating>& stages) {
  std::vector<Sheet> sheets;
  const engine::TradeSpec& spec = *c.trade(trade).spec;
  for (const engine::ExplainedSkating& skating : stages) {
    const engine::StageSpec& stage = spec.stages[skating.stage];
    Sheet sheet;
    sheet.id = "skating-" + spec.id + (stages.size() > 1 ? "-" + stage.id : "");
    sheet.name = "名次法 " + spec.name;
    sheet.title = spec.name + " " + stage.name + " 名次法计算表 Skating system";
    // Stacked tables: a title row, the table's own header row, its rows.
    std::vector<std::pair<std::string, engine::TextTable>> tables;
    if (!skating.result) {
      tables.push_back({"尚无名次 No places yet", {{skating.note}}});
    } else {
      std::vector<std::string> bibs;
      for (const int contestant : skating.contestants) bibs.push_back(c.contestant(contestant).bib);
      std::vector<std::string> dances;
      for (const int item : skating.dances) dances.push_back(c.item(item).spec->name);
      const engine::MultiDanceResult& result = *skating.result;
      for (std::size_t d = 0; d < dances.size(); ++d) {
        tables.push_back({dances[d] + " (rules 5-8)",
                          engine::RenderSingleDance(skating.placings[d], result.dances[d], bibs)});
      }
      tables.push_back({"总表 Summary (rules 9-11)", engine::RenderSummary(result, dances, bibs)});
      if (result.rule10.examined.any()) {
        tables.push_back(
            {"规则10 Rule 10", engine::RenderBreakdown(result.rule10, result.place, bibs)});
      }
      if (result.rule11.examined.any()) {
        tables.push_back(
            {"规则11 Rule 11", engine::RenderBreakdown(result.rule11, result.place, bibs)});
      }
    }
    std::size_t width = 1;
    for (const auto& [title, rows] : tables) {
      for (const auto& row : rows) width = std::max(width, row.size());
    }
    for (std::size_t i = 0; i < width; ++i) {
      sheet.columns.push_back({"c" + std::to_string(i + 1), "", Kind::kText});
    }
    for (const auto& [title, rows] : tables) {
      std::vector<Cell> title_row(width);
      title_row[0] = title;
      sheet.rows.push_back(std::move(title_row));
      for (const auto& row : rows) {
        std::vector<Cell> cells(width);
        for (std::size_t i = 0; i < row.size(); ++i) cells[i] = row[i];
        sheet.rows.push_back(std::move(cells));
      }
    }
    sheets.push_back(std::move(sheet));
  }
  return sheets;
}

std::string StatusLabel(engine::ContestantStatus status) {
  switch (status) {
    case engine::ContestantStatus::kPresent:
      return "";
    case engine::ContestantStatus::kAbsent:
      return "缺考 absent";
    case engine::ContestantStatus::kWithdrawn:
      return "弃赛 withdrawn";
    case engine::ContestantStatus::kDisqualified:
      return "取消资格 disqualified";
  }
  return "";
}

std::string NoteOf(const StandingRow& s) {
  std::string note = StatusLabel(s.status);
  if (!s.complete && s.status == engine::ContestantStatus::kPresent) note = "未完成 incomplete";
  if (s.flagged) note += std::string(note.empty() ? "" : " ") + "待复核 review";
  return note;
}

Workbook ResultsWorkbook(const Standings& standings) {
  const Competition& c = *standings.competition;
  Workbook book;
  book.competition_id = c.spec().id;
  book.competition_name = c.spec().name;
  book.version = standings.version;
  book.precision = c.spec().precision;
  for (int t = 0; t < c.num_trades(); ++t) {
    book.sheets.push_back(TradeSheet(standings, t));
    const TradeStandings& ts = standings.trades[t];
    if (ts.num_teams() == 0) continue;
    const std::string& name = c.trade(t).spec->name;
    Sheet teams = TeamSheet("teams-" + c.trade(t).spec->id, "团体 " + name,
                            name + " 团体成绩 Team standings");
    for (int p = 0; p < ts.num_teams(); ++p) AddTeamRow(teams, c, t, ts.team_at_position(p));
    book.sheets.push_back(std::move(teams));
  }
  if (!standings.competition_teams.empty()) {
    Sheet totals = TeamSheet("team-totals", "团体总分", "团体总分 Team totals");
    for (const engine::TeamRow& team : standings.competition_teams) {
      AddTeamRow(totals, c, -1, team);
    }
    book.sheets.push_back(std::move(totals));
  }
  if (!standings.medal_tally.empty()) book.sheets.push_back(MedalTallySheet(standings));
  book.sheets.push_back(AwardSheet(standings));
  for (const engine::NominationList& list : standings.Nominations()) {
    const engine::Nomination& nomination = c.nominations()[list.nomination];
    Sheet sheet{"nomination-" + nomination.id,
                TabName("推荐 " + nomination.name),
                nomination.name + " 推荐名单 Nominations (" + nomination.rule.text() + ")",
                PersonColumns(c),
                {}};
    for (const int contestant : list.contestants) {
      sheet.rows.push_back(PersonRow(standings, contestant));
    }
    book.sheets.push_back(std::move(sheet));
  }
  return book;
}

Sheet AuditSheet(const std::vector<server::LedgerRecord>& records) {
  Sheet sheet{"audit", "审计日志", "审计日志 Audit trail", {}, {}};
  sheet.columns = {{"sequence", "序号 Seq", Kind::kInteger},
                   {"time", "时间 Time", Kind::kText},
                   {"time_ms", "时间戳 Time (ms)", Kind::kInteger},
                   {"actor", "操作人 Actor", Kind::kText},
                   {"role", "角色 Role", Kind::kText},
                   {"device", "设备 Device", Kind::kText},
                   {"kind", "类型 Kind", Kind::kText},
                   {"bib", "编号 Bib", Kind::kText},
                   {"item", "项目 Item", Kind::kText},
                   {"judge", "裁判 Judge", Kind::kText},
                   {"value", "分数 Value", Kind::kText},
                   {"reason", "原因 Reason", Kind::kText},
                   {"note", "备注 Note", Kind::kText},
                   {"idempotency_key", "幂等键 Idempotency key", Kind::kText}};
  for (const server::LedgerRecord& r : records) {
    sheet.rows.push_back(
        {static_cast<std::int64_t>(r.sequence), FormatLocalTime(r.recorded_at_ms), r.recorded_at_ms,
         r.actor, std::string(server::RoleName(static_cast<server::Role>(r.role))), r.device,
         r.kind, r.bib, r.item, r.judge, RecordValue(r), r.reason, r.note, r.idempotency_key});
  }
  return sheet;
}

std::string RecordValue(const server::LedgerRecord& r) {
  std::ostringstream value;
  if (r.kind == "mark" || r.kind == "correction") {
    value << r.value;
    if (r.time_used) value << " (" << *r.time_used << " s)";
  }
  if (r.kind == "penalty") value << r.penalty << " x" << r.count;
  if (r.kind == "status" || r.kind == "phase") value << r.status;
  return value.str();
}

std::string FormatLocalTime(std::int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
}

}  // namespace podium::reports
