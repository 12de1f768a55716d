#include "server/definition/writer.h"

#include <yaml-cpp/yaml.h>

#include <fstream>

#include "server/definition/csv.h"

namespace podium::definition {

namespace fs = std::filesystem;

namespace {

void EmitStandardization(YAML::Emitter& y, const engine::Standardization& s) {
  if (!s.enabled) return;
  y << YAML::Key << "standardize" << YAML::Value << YAML::Flow << YAML::BeginMap;
  y << YAML::Key << "centre" << YAML::Value << s.centre;
  y << YAML::Key << "spread" << YAML::Value << s.spread;
  y << YAML::Key << "estimator" << YAML::Value
    << (s.estimator == engine::Estimator::kSd ? "sd" : "mad");
  y << YAML::EndMap;
}

void EmitTieBreak(YAML::Emitter& y, const std::vector<engine::TieBreakKey>& keys) {
  y << YAML::Key << "tie_break" << YAML::Value << YAML::BeginSeq;
  for (const engine::TieBreakKey& key : keys) {
    y << YAML::Flow << YAML::BeginMap << YAML::Key << "key" << YAML::Value << key.ref << YAML::Key
      << "order" << YAML::Value << (key.order == engine::Order::kHigher ? "higher" : "lower")
      << YAML::EndMap;
  }
  y << YAML::EndSeq;
}

void EmitTeams(YAML::Emitter& y, const engine::TeamSpec& teams, bool cross_trade) {
  y << YAML::Key << "teams" << YAML::Value << YAML::BeginMap;
  if (cross_trade) y << YAML::Key << "group_by" << YAML::Value << teams.group_by;
  y << YAML::Key << "rule" << YAML::Value << std::string(engine::TeamRuleName(teams.rule));
  if (teams.rule == engine::TeamRule::kBestK) y << YAML::Key << "k" << YAML::Value << teams.k;
  EmitTieBreak(y, teams.tie_break);
  y << YAML::EndMap;
}

void EmitItem(YAML::Emitter& y, const engine::ItemSpec& item) {
  y << YAML::BeginMap;
  y << YAML::Key << "id" << YAML::Value << item.id;
  y << YAML::Key << "name" << YAML::Value << item.name;
  if (!item.name_en.empty()) y << YAML::Key << "name_en" << YAML::Value << item.name_en;
  y << YAML::Key << "max" << YAML::Value << item.max;
  y << YAML::Key << "step" << YAML::Value << item.step;
  if (item.weight != 1) y << YAML::Key << "weight" << YAML::Value << item.weight;
  const bool judged = item.marking == engine::Marking::kJudgement;
  y << YAML::Key << "marking" << YAML::Value << (judged ? "judgement" : "measurement");
  if (judged) {
    y << YAML::Key << "panel" << YAML::Value << YAML::Flow << YAML::BeginMap;
    y << YAML::Key << "size" << YAML::Value << item.panel_size;
    y << YAML::Key << "rule" << YAML::Value << std::string(engine::PanelRuleName(item.rule));
    if (item.rule == engine::PanelRule::kTrimmed)
      y << YAML::Key << "trim" << YAML::Value << item.trim;
    y << YAML::EndMap;
  }
  if (std::isfinite(item.tolerance)) y << YAML::Key << "tolerance" << YAML::Value << item.tolerance;
  if (item.normalization) {
    y << YAML::Key << "normalization" << YAML::Value
      << std::string(engine::NormalizationName(*item.normalization));
  }
  if (!item.penalties.empty()) {
    y << YAML::Key << "penalties" << YAML::Value << YAML::BeginSeq;
    for (const engine::PenaltySpec& p : item.penalties) {
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << p.id << YAML::Key
        << "name" << YAML::Value << p.name << YAML::Key << "points" << YAML::Value << p.points
        << YAML::EndMap;
    }
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
}

void EmitTrade(YAML::Emitter& y, const engine::TradeSpec& trade) {
  y << YAML::BeginMap;
  y << YAML::Key << "id" << YAML::Value << trade.id;
  y << YAML::Key << "name" << YAML::Value << trade.name;
  if (!trade.name_en.empty()) y << YAML::Key << "name_en" << YAML::Value << trade.name_en;
  // The loader gives a trade without stages one stage `final`; anything
  // else is written out.
  const bool staged = trade.stages.size() > 1 ||
                      (trade.stages.size() == 1 &&
                       (trade.stages[0].id != "final" || trade.stages[0].name != "决赛"));
  if (staged) {
    y << YAML::Key << "stages" << YAML::Value << YAML::BeginSeq;
    for (const engine::StageSpec& s : trade.stages) {
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << s.id << YAML::Key
        << "name" << YAML::Value << s.name;
      if (s.advance > 0) y << YAML::Key << "advance" << YAML::Value << s.advance;
      if (s.carry > 0) y << YAML::Key << "carry" << YAML::Value << s.carry;
      y << YAML::EndMap;
    }
    y << YAML::EndSeq;
  }
  if (trade.total_standardize.enabled) {
    y << YAML::Key << "total" << YAML::Value << YAML::BeginMap;
    EmitStandardization(y, trade.total_standardize);
    y << YAML::EndMap;
  }
  y << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
  for (const engine::EventSpec& e : trade.events) {
    y << YAML::BeginMap;
    y << YAML::Key << "id" << YAML::Value << e.id;
    y << YAML::Key << "name" << YAML::Value << e.name;
    if (!e.name_en.empty()) y << YAML::Key << "name_en" << YAML::Value << e.name_en;
    if (staged) y << YAML::Key << "stage" << YAML::Value << e.stage;
    y << YAML::Key << "weight" << YAML::Value << e.weight;
    if (e.ranking != engine::EventRanking::kScores) {
      y << YAML::Key << "ranking" << YAML::Value
        << std::string(engine::EventRankingName(e.ranking));
    }
    if (e.normalization != engine::Normalization::kNone) {
      y << YAML::Key << "normalization" << YAML::Value
        << std::string(engine::NormalizationName(e.normalization));
    }
    EmitStandardization(y, e.standardize);
    y << YAML::Key << "items" << YAML::Value << YAML::BeginSeq;
    for (const engine::ItemSpec& item : e.items) EmitItem(y, item);
    y << YAML::EndSeq << YAML::EndMap;
  }
  y << YAML::EndSeq;
  if (!trade.ranking.tie_break.empty()) {
    y << YAML::Key << "ranking" << YAML::Value << YAML::BeginMap;
    EmitTieBreak(y, trade.ranking.tie_break);
    y << YAML::EndMap;
  }
  if (trade.teams.enabled) EmitTeams(y, trade.teams, false);
  if (!trade.awards.empty()) {
    y << YAML::Key << "awards" << YAML::Value << YAML::BeginSeq;
    for (const engine::AwardTier& tier : trade.awards) {
      y << YAML::Flow << YAML::BeginMap << YAML::Key << "id" << YAML::Value << tier.id << YAML::Key
        << "name" << YAML::Value << tier.name;
      switch (tier.by) {
        case engine::AwardBy::kCount:
          y << YAML::Key << "by" << YAML::Value << "count" << YAML::Key << "count" << YAML::Value
            << tier.count;
          break;
        case engine::AwardBy::kShare:
          y << YAML::Key << "by" << YAML::Value << "share" << YAML::Key << "share" << YAML::Value
            << tier.share;
          if (tier.rounding == engine::ShareRounding::kRound) {
            y << YAML::Key << "rounding" << YAML::Value << "round";
          } else if (tier.rounding == engine::ShareRounding::kCeil) {
            y << YAML::Key << "rounding" << YAML::Value << "ceil";
          }
          break;
        case engine::AwardBy::kThreshold:
          y << YAML::Key << "by" << YAML::Value << "threshold" << YAML::Key << "threshold"
            << YAML::Value << tier.threshold;
          break;
      }
      if (tier.min_total) y << YAML::Key << "min_total" << YAML::Value << *tier.min_total;
      y << YAML::EndMap;
    }
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
}

Status WriteFile(const fs::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  if (!out) return FailedPreconditionError("cannot write " + path.string());
  return OkStatus();
}

std::string JoinAssignments(const engine::Judge& judge) {
  std::string out;
  for (const engine::Assignment& a : judge.assignments) {
    if (!out.empty()) out += ";";
    out += a.trade + ":";
    if (a.event.empty() && a.item.empty()) {
      out += "*";
    } else if (a.event.empty()) {
      out += a.item;
    } else {
      out += a.event + "." + (a.item.empty() ? "*" : a.item);
    }
    if (!a.bib_from.empty()) {
      // A single bib with a dash of its own is written as a range, so the
      // dash is not read as one.
      const bool single = a.bib_to == a.bib_from && a.bib_from.find('-') == std::string::npos;
      out += "@" + a.bib_from + (single ? "" : "-" + a.bib_to);
    }
  }
  return out;
}

}  // namespace

std::string CompetitionYaml(const engine::CompetitionSpec& spec) {
  YAML::Emitter y;
  y << YAML::BeginMap;
  y << YAML::Key << "competition" << YAML::Value << YAML::BeginMap;
  y << YAML::Key << "id" << YAML::Value << spec.id;
  y << YAML::Key << "name" << YAML::Value << spec.name;
  if (!spec.name_en.empty()) y << YAML::Key << "name_en" << YAML::Value << spec.name_en;
  y << YAML::Key << "precision" << YAML::Value << spec.precision;
  y << YAML::Key << "blind_numbers" << YAML::Value << spec.blind_numbers;
  y << YAML::Key << "status_placement" << YAML::Value
    << (spec.status_placement == engine::StatusPlacement::kLast ? "last" : "excluded");
  y << YAML::EndMap;
  y << YAML::Key << "trades" << YAML::Value << YAML::BeginSeq;
  for (const engine::TradeSpec& trade : spec.trades) EmitTrade(y, trade);
  y << YAML::EndSeq;
  if (spec.teams.enabled) EmitTeams(y, spec.teams, true);
  if (spec.medal_tally.enabled) {
    y << YAML::Key << "medal_tally" << YAML::Value << YAML::BeginMap;
    y << YAML::Key << "group_by" << YAML::Value << spec.medal_tally.group_by;
    y << YAML::Key << "medals" << YAML::Value << YAML::Flow << spec.medal_tally.medals;
    y << YAML::EndMap;
  }
  if (!spec.nominations.empty()) {
    y << YAML::Key << "nominations" << YAML::Value << YAML::BeginSeq;
    for (const engine::NominationSpec& n : spec.nominations) {
      y << YAML::BeginMap << YAML::Key << "id" << YAML::Value << n.id << YAML::Key << "name"
        << YAML::Value << n.name;
      if (!n.trades.empty()) y << YAML::Key << "trades" << YAML::Value << YAML::Flow << n.trades;
      y << YAML::Key << "rule" << YAML::Value << n.rule << YAML::EndMap;
    }
    y << YAML::EndSeq;
  }
  y << YAML::EndMap;
  return std::string(y.c_str()) + "\n";
}

std::string ContestantsCsv(const engine::Roster& roster) {
  std::vector<std::string> header = {"bib", "name", "trade", "team", "organization", "status"};
  header.insert(header.end(), roster.field_names.begin(), roster.field_names.end());
  std::string out = CsvLine(header);
  for (const engine::Contestant& c : roster.contestants) {
    std::vector<std::string> cells = {c.bib,          c.name,
                                      c.trade,        c.team,
                                      c.organization, std::string(ContestantStatusName(c.status))};
    cells.insert(cells.end(), c.fields.begin(), c.fields.end());
    out += CsvLine(cells);
  }
  return out;
}

std::string JudgesCsv(const engine::Roster& roster) {
  std::string out = CsvLine({"id", "name", "role", "assignments"});
  for (const engine::Judge& j : roster.judges) {
    out += CsvLine({j.id, j.name, j.role == engine::JudgeRole::kChief ? "chief" : "judge",
                    JoinAssignments(j)});
  }
  return out;
}

Status WriteDefinition(const fs::path& dir, const engine::CompetitionSpec& spec,
                       const engine::Roster& roster) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return FailedPreconditionError("cannot create " + dir.string() + ": " + ec.message());
  PODIUM_RETURN_IF_ERROR(WriteFile(dir / "competition.yaml", CompetitionYaml(spec)));
  PODIUM_RETURN_IF_ERROR(WriteFile(dir / "contestants.csv", ContestantsCsv(roster)));
  return WriteFile(dir / "judges.csv", JudgesCsv(roster));
}

}  // namespace podium::definition
