#include "server/definition/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <sstream>
#include <utility>

#include "server/definition/csv.h"

namespace podium::definition {

namespace fs = std::filesystem;
using engine::Problem;

namespace {

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '+')) text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// Reads typed values from competition.yaml, collecting every problem with its line.
class YamlReader final {
 public:
  YamlReader(std::vector<Problem>& problems, std::string file)
      : problems_(problems), file_(std::move(file)) {}

  static int Line(const YAML::Node& node) {
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
  }
  static engine::SourceLine Source(const YAML::Node& node) { return {Line(node)}; }

  void Add(const YAML::Node& node, std::string message) {
    problems_.push_back({file_, Line(node), std::move(message)});
  }

  // True if `node` is a map whose keys are all in `allowed`; reports otherwise.
  bool Map(const YAML::Node& node, const std::string& what,
           std::initializer_list<std::string_view> allowed) {
    if (!node.IsMap()) {
      Add(node, what + " must be a mapping (key: value)");
      return false;
    }
    for (const auto& entry : node) {
      const std::string key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::vector<std::string> names(allowed.begin(), allowed.end());
        Add(entry.first, what + ": unknown key " + Quote(key) + " (allowed: " + Join(names) + ")");
      }
    }
    return true;
  }

  bool List(const YAML::Node& node, const std::string& what) {
    if (!node.IsSequence()) {
      Add(node, what + " must be a list");
      return false;
    }
    return true;
  }

  std::string String(const YAML::Node& map, const char* key, const std::string& what, bool required,
                     std::string fallback = "") {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) {
      if (required) Add(map, what + ": missing " + Quote(key));
      return fallback;
    }
    if (!node.IsScalar()) {
      Add(node, what + ": " + Quote(key) + " must be text");
      return fallback;
    }
    return node.Scalar();
  }

  std::optional<double> OptionalNumber(const YAML::Node& map, const char* key,
                                       const std::string& what) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return std::nullopt;
    std::string text = node.IsScalar() ? node.Scalar() : "";
    if (!text.empty() && text.back() == '%') text.pop_back();
    const auto value = node.IsScalar() ? ParseNumber(text) : std::nullopt;
    if (!value) Add(node, what + ": " + Quote(key) + " must be a number, not " + Quote(text));
    return value;
  }

  double Number(const YAML::Node& map, const char* key, const std::string& what, bool required,
                double fallback) {
    const YAML::Node node = map[key];
    if ((!node.IsDefined() || node.IsNull()) && required) {
      Add(map, what + ": missing " + Quote(key));
      return fallback;
    }
    return OptionalNumber(map, key, what).value_or(fallback);
  }

  int Integer(const YAML::Node& map, const char* key, const std::string& what, bool required,
              int fallback) {
    const YAML::Node node = map[key];
    const double value = Number(map, key, what, required, fallback);
    if (value != std::floor(value) || std::abs(value) > 1e9) {
      Add(node, what + ": " + Quote(key) + " must be a whole number");
      return fallback;
    }
    return static_cast<int>(value);
  }

  bool Bool(const YAML::Node& map, const char* key, const std::string& what, bool fallback) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    bool value = fallback;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) {
      Add(node, what + ": " + Quote(key) + " must be true or false");
    }
    return value;
  }

  template <typename E>
  E Enum(const YAML::Node& map, const char* key, const std::string& what,
         std::initializer_list<std::pair<std::string_view, E>> choices, E fallback) {
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return fallback;
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    for (const auto& [name, value] : choices) {
      if (text == name) return value;
    }
    std::vector<std::string> names;
    for (const auto& choice : choices) names.emplace_back(choice.first);
    Add(node, what + ": " + Quote(key) + " must be one of " + Join(names) + ", not " + Quote(text));
    return fallback;
  }

  std::vector<std::string> StringList(const YAML::Node& map, const char* key,
                                      const std::string& what) {
    std::vector<std::string> out;
    const YAML::Node node = map[key];
    if (!node.IsDefined() || node.IsNull()) return out;
    if (node.IsScalar()) return {node.Scalar()};
    if (!List(node, what + " " + key)) return out;
    for (const auto& item : node) {
      if (item.IsScalar()) {
        out.push_back(item.Scalar());
      } else {
        Add(item, what + ": every entry of " + Quote(key) + " must be text");
      }
    }
    return out;
  }

 private:
  std::vector<Problem>& problems_;
  std::string file_;
};

engine::Standardization ReadStandardization(YamlReader& y, const YAML::Node& node,
                                            const std::string& what) {
  engine::Standardization s;
  if (!node.IsDefined() || node.IsNull()) return s;
  s.source = YamlReader::Source(node);
  if (!y.Map(node, what + " standardize", {"centre", "center", "spread", "estimator"})) return s;
  s.enabled = true;
  s.centre = node["centre"].IsDefined() ? y.Number(node, "centre", what, true, 0)
                                        : y.Number(node, "center", what + " standardize", true, 0);
  s.spread = y.Number(node, "spread", what + " standardize", true, 1);
  s.estimator = y.Enum(node, "estimator", what + " standardize",
                       {{"sd", engine::Estimator::kSd}, {"mad", engine::Estimator::kMad}},
                       engine::Estimator::kSd);
  return s;
}

engine::Normalization ReadNormalization(YamlReader& y, const YAML::Node& map,
                                        const std::string& what, engine::Normalization fallback) {
  return y.Enum(map, "normalization", what,
                {{"none", engine::Normalization::kNone},
                 {"judge-zscore", engine::Normalization::kJudgeZScore},
                 {"judge-robust", engine::Normalization::kJudgeRobust},
                 {"rasch", engine::Normalization::kRasch}},
                fallback);
}

std::vector<engine::TieBreakKey> ReadTieBreak(YamlReader& y, const YAML::Node& node,
                                              const std::string& what) {
  std::vector<engine::TieBreakKey> keys;
  if (!node.IsDefined() || node.IsNull() || !y.List(node, what + " tie_break")) return keys;
  for (const auto& entry : node) {
    engine::TieBreakKey key;
    key.source = YamlReader::Source(entry);
    if (entry.IsScalar()) {
      key.ref = entry.Scalar();
      // Less time and fewer penalties are better unless said otherwise.
      key.order = (key.ref == "time" || key.ref == "penalties") ? engine::Order::kLower
                                                                : engine::Order::kHigher;
    } else if (y.Map(entry, what + " tie_break entry", {"key", "order"})) {
      key.ref = y.String(entry, "key", what + " tie_break entry", true);
      const engine::Order fallback = (key.ref == "time" || key.ref == "penalties")
                                         ? engine::Order::kLower
                                         : engine::Order::kHigher;
      key.order =
          y.Enum(entry, "order", what + " tie_break entry",
                 {{"higher", engine::Order::kHigher}, {"lower", engine::Order::kLower}}, fallback);
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

engine::RankingSpec ReadRanking(YamlReader& y, const YAML::Node& node, const std::string& what) {
  engine::RankingSpec ranking;
  ranking.source = YamlReader::Source(node);
  if (!y.Map(node, what + " ranking", {"tie_break"})) return ranking;
  ranking.tie_break = ReadTieBreak(y, node["tie_break"], what + " ranking");
  return ranking;
}

engine::TeamSpec ReadTeams(YamlReader& y, const YAML::Node& node, const std::string& what,
                           bool cross_trade) {
  engine::TeamSpec teams;
  teams.source = YamlReader::Source(node);
  if (cross_trade) {
    if (!y.Map(node, what, {"group_by", "rule", "k", "tie_break"})) return teams;
    teams.group_by = y.String(node, "group_by", what, false, "organization");
  } else if (!y.Map(node, what, {"rule", "k", "tie_break"})) {
    return teams;
  }
  teams.enabled = true;
  teams.rule = y.Enum(node, "rule", what,
                      {{"sum", engine::TeamRule::kSum},
                       {"mean", engine::TeamRule::kMean},
                       {"best-k", engine::TeamRule::kBestK}},
                      engine::TeamRule::kSum);
  teams.k = y.Integer(node, "k", what, teams.rule == engine::TeamRule::kBestK, 0);
  teams.tie_break = ReadTieBreak(y, node["tie_break"], what);
  return teams;
}

std::vector<engine::AwardTier> ReadAwards(YamlReader& y, const YAML::Node& node,
                                          const std::string& what) {
  std::vector<engine::AwardTier> tiers;
  if (!y.List(node, what + " awards")) return tiers;
  for (const auto& entry : node) {
    engine::AwardTier tier;
    tier.source = YamlReader::Source(entry);
    const std::string at = what + " award";
    if (!y.Map(entry, at,
               {"id", "name", "by", "count", "share", "threshold", "min_total", "rounding"})) {
      continue;
    }
    tier.id = y.String(entry, "id", at, true);
    tier.name = y.String(entry, "name", at, false, tier.id);
    tier.by = y.Enum(entry, "by", at,
                     {{"count", engine::AwardBy::kCount},
                      {"share", engine::AwardBy::kShare},
                      {"threshold", engine::AwardBy::kThreshold}},
                     engine::AwardBy::kCount);
    switch (tier.by) {
      case engine::AwardBy::kCount:
        tier.count = y.Integer(entry, "count", at, true, 0);
        break;
      case engine::AwardBy::kShare:
        tier.share = y.Number(entry, "share", at, true, 0);
        break;
      case engine::AwardBy::kThreshold:
        tier.threshold = y.Number(entry, "threshold", at, true, 0);
        break;
    }
    tier.min_total = y.OptionalNumber(entry, "min_total", at);
    tier.rounding = y.Enum(entry, "rounding", at,
                           {{"floor", engine::ShareRounding::kFloor},
                            {"round", engine::ShareRounding::kRound},
                            {"ceil", engine::ShareRounding::kCeil}},
                           engine::ShareRounding::kFloor);
    tiers.push_back(std::move(tier));
  }
  return tiers;
}

engine::ItemSpec ReadItem(YamlReader& y, const YAML::Node& node, const std::string& what) {
  engine::ItemSpec item;
  item.source = YamlReader::Source(node);
  if (!y.Map(node, what,
             {"id", "name", "name_en", "max", "step", "weight", "marking", "panel", "tolerance",
              "normalization", "penalties"})) {
    return item;
  }
  item.id = y.String(node, "id", what, true);
  const std::string at = what + " " + Quote(item.id);
  item.name = y.String(node, "name", at, false, item.id);
  item.name_en = y.String(node, "name_en", at, false);
  item.max = y.Number(node, "max", at, true, 100);
  item.step = y.Number(node, "step", at, false, 0.5);
  item.weight = y.Number(node, "weight", at, false, 1);
  item.marking = y.Enum(
      node, "marking", at,
      {{"measurement", engine::Marking::kMeasurement}, {"judgement", engine::Marking::kJudgement}},
      engine::Marking::kJudgement);
  const YAML::Node panel = node["panel"];
  if (item.marking == engine::Marking::kJudgement) {
    if (!panel.IsDefined()) {
      y.Add(node, at + ": a judgement item needs a panel (size, rule)");
    } else if (y.Map(panel, at + " panel", {"size", "rule", "trim"})) {
      item.panel_size = y.Integer(panel, "size", at + " panel", true, 1);
      item.rule = y.Enum(panel, "rule", at + " panel",
                         {{"mean", engine::PanelRule::kMean},
                          {"trimmed", engine::PanelRule::kTrimmed},
                          {"median", engine::PanelRule::kMedian},
                          {"judgement-0-3", engine::PanelRule::kJudgement03}},
                         engine::PanelRule::kMean);
      item.trim = y.Integer(panel, "trim", at + " panel", false, 1);
    }
  } else if (panel.IsDefined()) {
    y.Add(panel, at + ": a measurement takes one value per contestant and has no panel");
  }
  if (const auto tolerance = y.OptionalNumber(node, "tolerance", at)) item.tolerance = *tolerance;
  if (node["normalization"].IsDefined()) {
    item.normalization = ReadNormalization(y, node, at, engine::Normalization::kNone);
  }
  const YAML::Node penalties = node["penalties"];
  if (penalties.IsDefined() && y.List(penalties, at + " penalties")) {
    for (const auto& entry : penalties) {
      engine::PenaltySpec penalty;
      penalty.source = YamlReader::Source(entry);
      if (!y.Map(entry, at + " penalty", {"id", "name", "points"})) continue;
      penalty.id = y.String(entry, "id", at + " penalty", true);
      penalty.name = y.String(entry, "name", at + " penalty", false, penalty.id);
      penalty.points = y.Number(entry, "points", at + " penalty " + Quote(penalty.id), true, 0);
      item.penalties.push_back(std::move(penalty));
    }
  }
  return item;
}

engine::TradeSpec ReadTrade(YamlReader& y, const YAML::Node& node, const YAML::Node& defaults) {
  engine::TradeSpec trade;
  trade.source = YamlReader::Source(node);
  if (!y.Map(
          node, "trade",
          {"id", "name", "name_en", "stages", "total", "events", "ranking", "teams", "awards"})) {
    return trade;
  }
  trade.id = y.String(node, "id", "trade", true);
  const std::string at = "trade " + Quote(trade.id);
  trade.name = y.String(node, "name", at, false, trade.id);
  trade.name_en = y.String(node, "name_en", at, false);

  const YAML::Node stages = node["stages"];
  if (stages.IsDefined() && y.List(stages, at + " stages")) {
    for (const auto& entry : stages) {
      engine::StageSpec stage;
      stage.source = YamlReader::Source(entry);
      if (!y.Map(entry, at + " stage", {"id", "name", "advance", "carry"})) continue;
      stage.id = y.String(entry, "id", at + " stage", true);
      stage.name = y.String(entry, "name", at + " stage", false, stage.id);
      stage.advance = y.Integer(entry, "advance", at + " stage " + Quote(stage.id), false, 0);
      stage.carry = y.Number(entry, "carry", at + " stage " + Quote(stage.id), false, 0);
      trade.stages.push_back(std::move(stage));
    }
  }
  if (trade.stages.empty()) trade.stages.push_back({.id = "final", .name = "决赛"});

  const YAML::Node total = node["total"];
  if (total.IsDefined() && y.Map(total, at + " total", {"standardize"})) {
    trade.total_standardize = ReadStandardization(y, total["standardize"], at + " total");
  }

  const YAML::Node events = node["events"];
  if (!events.IsDefined()) {
    y.Add(node, at + ": missing 'events'");
  } else if (y.List(events, at + " events")) {
    for (const auto& entry : events) {
      engine::EventSpec event;
      event.source = YamlReader::Source(entry);
      if (!y.Map(entry, at + " event",
                 {"id", "name", "name_en", "stage", "weight", "normalization", "ranking",
                  "standardize", "items"})) {
        continue;
      }
      event.id = y.String(entry, "id", at + " event", true);
      const std::string event_at = at + " event " + Quote(event.id);
      event.name = y.String(entry, "name", event_at, false, event.id);
      event.name_en = y.String(entry, "name_en", event_at, false);
      event.stage = y.String(entry, "stage", event_at, false);
      event.weight = y.Number(entry, "weight", event_at, true, 0);
      event.ranking = y.Enum(entry, "ranking", event_at,
                             {{"scores", engine::EventRanking::kScores},
                              {"recalls", engine::EventRanking::kRecalls},
                              {"skating", engine::EventRanking::kSkating}},
                             engine::EventRanking::kScores);
      event.normalization = ReadNormalization(y, entry, event_at, engine::Normalization::kNone);
      event.standardize = ReadStandardization(y, entry["standardize"], event_at);
      const YAML::Node items = entry["items"];
      if (!items.IsDefined()) {
        y.Add(entry, event_at + ": missing 'items'");
      } else if (y.List(items, event_at + " items")) {
        for (const auto& item : items) event.items.push_back(ReadItem(y, item, event_at + " item"));
      }
      trade.events.push_back(std::move(event));
    }
  }

  // Ranking, teams and awards fall back to the competition's defaults.
  auto pick = [&](const char* key) {
    const YAML::Node own = node[key];
    if (own.IsDefined()) return own;
    return defaults.IsDefined() ? defaults[key] : YAML::Node();
  };
  if (const YAML::Node ranking = pick("ranking"); ranking.IsDefined() && !ranking.IsNull()) {
    trade.ranking = ReadRanking(y, ranking, at);
  }
  if (const YAML::Node teams = pick("teams"); teams.IsDefined() && !teams.IsNull()) {
    trade.teams = ReadTeams(y, teams, at + " teams", false);
  }
  if (const YAML::Node awards = pick("awards"); awards.IsDefined() && !awards.IsNull()) {
    trade.awards = ReadAwards(y, awards, at);
  }
  return trade;
}

struct RosterFiles {
  std::string contestants = "contestants.csv";
  std::string judges = "judges.csv";
  std::string scores = "scores.csv";
  std::string penalties = "penalties.csv";
  Encoding encoding = Encoding::kAuto;
};

// Reads the top level; fills `spec` and `files`.
void ReadCompetition(YamlReader& y, const YAML::Node& root, engine::CompetitionSpec& spec,
                     RosterFiles& files) {
  if (!y.Map(root, "competition.yaml",
             {"competition", "rosters", "defaults", "trades", "teams", "medal_tally",
              "nominations"})) {
    return;
  }
  const YAML::Node competition = root["competition"];
  if (!competition.IsDefined()) {
    y.Add(root, "missing 'competition' (id, name)");
  } else if (y.Map(competition, "competition",
                   {"id", "name", "name_en", "precision", "blind_numbers", "status_placement"})) {
    spec.source = YamlReader::Source(competition);
    spec.id = y.String(competition, "id", "competition", true);
    spec.name = y.String(competition, "name", "competition", true);
    spec.name_en = y.String(competition, "name_en", "competition", false);
    spec.precision = y.Integer(competition, "precision", "competition", false, 2);
    spec.blind_numbers = y.Bool(competition, "blind_numbers", "competition", false);
    spec.status_placement = y.Enum(competition, "status_placement", "competition",
                                   {{"last", engine::StatusPlacement::kLast},
                                    {"excluded", engine::StatusPlacement::kExcluded}},
                                   engine::StatusPlacement::kLast);
  }
  const YAML::Node rosters = root["rosters"];
  if (rosters.IsDefined() &&
      y.Map(rosters, "rosters", {"contestants", "judges", "scores", "penalties", "encoding"})) {
    files.contestants = y.String(rosters, "contestants", "rosters", false, files.contestants);
    files.judges = y.String(rosters, "judges", "rosters", false, files.judges);
    files.scores = y.String(rosters, "scores", "rosters", false, files.scores);
    files.penalties = y.String(rosters, "penalties", "rosters", false, files.penalties);
    const std::string encoding = y.String(rosters, "encoding", "rosters", false, "auto");
    if (auto parsed = ParseEncoding(encoding); parsed.ok()) {
      files.encoding = *parsed;
    } else {
      y.Add(rosters["encoding"], "rosters: " + parsed.status().message());
    }
  }
  const YAML::Node defaults = root["defaults"];
  if (defaults.IsDefined()) y.Map(defaults, "defaults", {"ranking", "teams", "awards"});
  const YAML::Node trades = root["trades"];
  if (!trades.IsDefined()) {
    y.Add(root, "missing 'trades'");
  } else if (y.List(trades, "trades")) {
    for (const auto& trade : trades) spec.trades.push_back(ReadTrade(y, trade, defaults));
  }
  if (const YAML::Node teams = root["teams"]; teams.IsDefined()) {
    spec.teams = ReadTeams(y, teams, "teams", true);
  }
  if (const YAML::Node tally = root["medal_tally"]; tally.IsDefined()) {
    spec.medal_tally.source = YamlReader::Source(tally);
    if (y.Map(tally, "medal_tally", {"group_by", "medals"})) {
      spec.medal_tally.enabled = true;
      spec.medal_tally.group_by = y.String(tally, "group_by", "medal_tally", false, "organization");
      spec.medal_tally.medals = y.StringList(tally, "medals", "medal_tally");
    }
  }
  if (const YAML::Node nominations = root["nominations"];
      nominations.IsDefined() && y.List(nominations, "nominations")) {
    for (const auto& entry : nominations) {
      engine::NominationSpec nomination;
      nomination.source = YamlReader::Source(entry);
      if (!y.Map(entry, "nomination", {"id", "name", "trades", "rule"})) continue;
      nomination.id = y.String(entry, "id", "nomination", true);
      nomination.name = y.String(entry, "name", "nomination", false, nomination.id);
      nomination.trades = y.StringList(entry, "trades", "nomination " + Quote(nomination.id));
      nomination.rule = y.String(entry, "rule", "nomination " + Quote(nomination.id), true);
      spec.nominations.push_back(std::move(nomination));
    }
  }
}

// --- CSV rosters -----------------------------------------------------------

// CSV errors read "FILE line N: what"; split them back into a located problem.
Problem CsvProblem(const Status& status, const std::string& file) {
  std::string_view message = status.message();
  const std::string prefix = file + " line ";
  if (message.rfind(prefix, 0) == 0) {
    std::string_view rest = message.substr(prefix.size());
    int line = 0;
    const auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), line);
    const std::string_view tail(end, rest.data() + rest.size() - end);
    if (ec == std::errc() && tail.rfind(": ", 0) == 0) {
      return {file, line, std::string(tail.substr(2))};
    }
  }
  if (message.rfind(file + ": ", 0) == 0) message.remove_prefix(file.size() + 2);
  return {file, 0, std::string(message)};
}

std::optional<engine::ContestantStatus> ParseStatus(std::string_view text) {
  static const std::map<std::string, engine::ContestantStatus, std::less<>> kNames = {
      {"", engine::ContestantStatus::kPresent},
      {"present", engine::ContestantStatus::kPresent},
      {"正常", engine::ContestantStatus::kPresent},
      {"参赛", engine::ContestantStatus::kPresent},
      {"absent", engine::ContestantStatus::kAbsent},
      {"缺考", engine::ContestantStatus::kAbsent},
      {"缺席", engine::ContestantStatus::kAbsent},
      {"withdrawn", engine::ContestantStatus::kWithdrawn},
      {"弃赛", engine::ContestantStatus::kWithdrawn},
      {"退赛", engine::ContestantStatus::kWithdrawn},
      {"disqualified", engine::ContestantStatus::kDisqualified},
      {"取消资格", engine::ContestantStatus::kDisqualified},
  };
  const auto it = kNames.find(text);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

// Reads contestants.csv into `roster`.
void ReadContestants(const CsvTable& table, engine::Roster& roster,
                     std::vector<Problem>& problems) {
  auto columns = CsvColumns::Bind(table, {{"bib", {"参赛编号", "编号", "参赛号"}, true},
                                          {"name", {"姓名", "名称", "作品名称"}, true},
                                          {"trade", {"工种", "赛道", "赛项"}, false},
                                          {"team", {"队伍", "团队", "队名"}, false},
                                          {"organization", {"单位", "代表队", "所在单位"}, false},
                                          {"status", {"状态"}, false}});
  if (!columns.ok()) {
    problems.push_back(CsvProblem(columns.status(), table.file));
    return;
  }
  for (const auto& [name, index] : columns->extra_columns()) roster.field_names.push_back(name);
  for (const CsvRow& row : table.rows) {
    engine::Contestant c;
    c.source = {row.line};
    c.bib = std::string(columns->Get(row, "bib"));
    c.name = std::string(columns->Get(row, "name"));
    c.trade = std::string(columns->Get(row, "trade"));
    c.team = std::string(columns->Get(row, "team"));
    c.organization = std::string(columns->Get(row, "organization"));
    const std::string_view status = columns->Get(row, "status");
    if (const auto parsed = ParseStatus(status)) {
      c.status = *parsed;
    } else {
      problems.push_back({table.file, row.line,
                          "bib " + Quote(c.bib) + ": status " + Quote(status) +
                              " must be present, absent (缺考), withdrawn (弃赛) or "
                              "disqualified (取消资格)"});
    }
    for (const auto& [name, index] : columns->extra_columns()) c.fields.push_back(row.cells[index]);
    roster.contestants.push_back(std::move(c));
  }
}

// "trade:event.item@A01-A22" and its shorter forms.
std::optional<engine::Assignment> ParseAssignment(std::string_view text, std::string* why) {
  engine::Assignment a;
  std::string_view ref = text;
  if (const size_t at = ref.find('@'); at != std::string_view::npos) {
    std::string_view range = ref.substr(at + 1);
    ref = ref.substr(0, at);
    // The dash that splits a range is the one with equal-length halves
    // (bibs may contain dashes themselves), else the first.
    size_t dash = std::string_view::npos;
    for (size_t i = 0; i < range.size(); ++i) {
      if (range[i] != '-') continue;
      if (dash == std::string_view::npos) dash = i;
      if (i == range.size() - 1 - i) {
        dash = i;
        break;
      }
    }
    if (range.empty()) {
      *why = "empty bib range after '@'";
      return std::nullopt;
    }
    a.bib_from = std::string(range.substr(0, dash));
    a.bib_to = dash == std::string_view::npos ? a.bib_from : std::string(range.substr(dash + 1));
  }
  const size_t colon = ref.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    *why = "write trade:item, trade:event.item, trade:event.* or trade:*";
    return std::nullopt;
  }
  a.trade = std::string(ref.substr(0, colon));
  std::string_view path = ref.substr(colon + 1);
  if (path == "*" || path.empty()) return a;
  if (const size_t dot = path.find('.'); dot != std::string_view::npos) {
    a.event = std::string(path.substr(0, dot));
    const std::string_view item = path.substr(dot + 1);
    if (item != "*") a.item = std::string(item);
  } else {
    a.item = std::string(path);
  }
  return a;
}

void ReadJudges(const CsvTable& table, engine::Roster& roster, std::vector<Problem>& problems) {
  auto columns = CsvColumns::Bind(table, {{"id", {"编号", "裁判编号"}, true},
                                          {"name", {"姓名"}, true},
                                          {"role", {"角色", "职务"}, false},
                                          {"assignments", {"分工", "执裁项目"}, false}});
  if (!columns.ok()) {
    problems.push_back(CsvProblem(columns.status(), table.file));
    return;
  }
  for (const CsvRow& row : table.rows) {
    engine::Judge judge;
    judge.source = {row.line};
    judge.id = std::string(columns->Get(row, "id"));
    judge.name = std::string(columns->Get(row, "name"));
    const std::string_view role = columns->Get(row, "role");
    if (role.empty() || role == "judge" || role == "裁判员" || role == "裁判") {
      judge.role = engine::JudgeRole::kJudge;
    } else if (role == "chief" || role == "裁判长") {
      judge.role = engine::JudgeRole::kChief;
    } else {
      problems.push_back({table.file, row.line,
                          "judge " + Quote(judge.id) + ": role " + Quote(role) +
                              " must be judge (裁判员) or chief (裁判长)"});
    }
    std::string entries(columns->Get(row, "assignments"));
    std::replace(entries.begin(), entries.end(), ';', ' ');
    std::replace(entries.begin(), entries.end(), ',', ' ');
    std::istringstream words(entries);
    std::string entry;
    while (words >> entry) {
      std::string why;
      if (auto a = ParseAssignment(entry, &why)) {
        judge.assignments.push_back(std::move(*a));
      } else {
        problems.push_back(
            {table.file, row.line,
             "judge " + Quote(judge.id) + " assignment " + Quote(entry) + ": " + why});
      }
    }
    roster.judges.push_back(std::move(judge));
  }
}

// Files named in competition.yaml are relative to its directory.
fs::path Resolve(const fs::path& dir, const std::string& name) {
  const fs::path path(name);
  return path.is_absolute() ? path : dir / path;
}

// --scores FILE: relative to the competition directory, else to the working directory.
fs::path ResolveOption(const fs::path& dir, const std::string& name) {
  const fs::path path(name);
  if (path.is_absolute() || fs::exists(dir / path) || !fs::exists(path)) return Resolve(dir, name);
  return path;
}

// The columns every marks file has: who marked whom on which item.
std::vector<ColumnSpec> MarkColumns(std::vector<ColumnSpec> more) {
  std::vector<ColumnSpec> specs = {{"judge", {"裁判", "裁判编号"}, true},
                                   {"contestant", {"bib", "参赛编号", "编号"}, true},
                                   {"item", {"项目", "评分项"}, true},
                                   {"note", {"备注"}, false}};
  specs.insert(specs.end(), more.begin(), more.end());
  return specs;
}

struct MarkTarget {
  int contestant = 0;
  int judge = 0;
  int item = 0;
};

// Resolves a row's bib, judge and item, or says which is wrong.
StatusOr<MarkTarget> ResolveTarget(const CsvColumns& columns, const CsvRow& row,
                                   const engine::Competition& c) {
  PODIUM_ASSIGN_OR_RETURN(const int contestant, c.FindContestant(columns.Get(row, "contestant")));
  PODIUM_ASSIGN_OR_RETURN(const int judge, c.FindJudge(columns.Get(row, "judge")));
  const auto item = c.FindItem(c.trade_of(contestant), columns.Get(row, "item"));
  if (!item.ok()) {
    return Status(item.status().code(),
                  "bib " + Quote(c.contestant(contestant).bib) + ": " + item.status().message());
  }
  return MarkTarget{.contestant = contestant, .judge = judge, .item = *item};
}

// Reads a marks-like file: binds the columns, resolves each row's target,
// and hands it to `read`, which returns the event or why the row is wrong.
void ReadRows(const CsvTable& table, const engine::Competition& c, std::vector<ColumnSpec> more,
              const std::function<StatusOr<engine::Event>(const CsvColumns&, const CsvRow&,
                                                          const MarkTarget&)>& read,
              std::vector<RecordedEvent>& events, std::vector<Problem>& problems) {
  auto columns = CsvColumns::Bind(table, MarkColumns(std::move(more)));
  if (!columns.ok()) {
    problems.push_back(CsvProblem(columns.status(), table.file));
    return;
  }
  for (const CsvRow& row : table.rows) {
    auto target = ResolveTarget(*columns, row, c);
    auto event =
        target.ok() ? read(*columns, row, *target) : StatusOr<engine::Event>(target.status());
    if (!event.ok()) {
      problems.push_back({table.file, row.line, event.status().message()});
      continue;
    }
    events.push_back(
        {std::move(*event), table.file, row.line, std::string(columns->Get(row, "note"))});
  }
}

// Reads marks (scores.csv) into events.
void ReadMarks(const CsvTable& table, const engine::Competition& c,
               std::vector<RecordedEvent>& events, std::vector<Problem>& problems) {
  auto read = [](const CsvColumns& columns, const CsvRow& row,
                 const MarkTarget& target) -> StatusOr<engine::Event> {
    const std::string_view value_text = columns.Get(row, "value");
    const auto value = ParseNumber(value_text);
    if (!value) return InvalidArgumentError("value " + Quote(value_text) + " is not a number");
    engine::MarkEvent mark{.contestant = target.contestant,
                           .item = target.item,
                           .judge = target.judge,
                           .value = *value};
    if (const std::string_view time = columns.Get(row, "time"); !time.empty()) {
      PODIUM_ASSIGN_OR_RETURN(mark.time_used, ParseDuration(time));
    }
    return engine::Event(mark);
  };
  ReadRows(table, c, {{"value", {"分数", "成绩", "得分"}, true}, {"time", {"用时"}, false}}, read,
           events, problems);
}

// Reads penalties (penalties.csv) into events.
void ReadPenalties(const CsvTable& table, const engine::Competition& c,
                   std::vector<RecordedEvent>& events, std::vector<Problem>& problems) {
  auto read = [&c](const CsvColumns& columns, const CsvRow& row,
                   const MarkTarget& target) -> StatusOr<engine::Event> {
    PODIUM_ASSIGN_OR_RETURN(const int penalty,
                            c.FindPenalty(target.item, columns.Get(row, "penalty")));
    int count = 1;
    if (const std::string_view text = columns.Get(row, "count"); !text.empty()) {
      const auto parsed = ParseNumber(text);
      if (!parsed || *parsed != std::floor(*parsed) || *parsed == 0 || std::abs(*parsed) > 1000) {
        return InvalidArgumentError("count " + Quote(text) +
                                    " must be a whole number other than 0");
      }
      count = static_cast<int>(*parsed);
    }
    return engine::Event(engine::PenaltyEvent{.contestant = target.contestant,
                                              .item = target.item,
                                              .penalty = penalty,
                                              .judge = target.judge,
                                              .count = count});
  };
  ReadRows(table, c, {{"penalty", {"扣分项"}, true}, {"count", {"次数"}, false}}, read, events,
           problems);
}

Status FirstProblem(const std::vector<Problem>& problems, size_t from) {
  std::string message = problems[from].ToString();
  if (problems.size() - from > 1) {
    message += " (and " + std::to_string(problems.size() - from - 1) + " more problems)";
  }
  return InvalidArgumentError(std::move(message));
}

}  // namespace

StatusOr<double> ParseDuration(std::string_view text) {
  double seconds = 0;
  size_t parts = 0;
  std::string_view rest = text;
  while (true) {
    const size_t colon = rest.find(':');
    const auto part = ParseNumber(rest.substr(0, colon));
    if (!part || *part < 0 || ++parts > 3) {
      return InvalidArgumentError("time " + Quote(text) +
                                  " must be seconds (845), mm:ss (14:05) or hh:mm:ss");
    }
    seconds = seconds * 60 + *part;
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return seconds;
}

StatusOr<LoadedCompetition> LoadCompetition(const fs::path& dir, const LoadOptions& options,
                                            std::vector<Problem>* problems) {
  if (!fs::is_directory(dir)) return NotFoundError("no competition directory " + dir.string());
  fs::path spec_file = dir / "competition.yaml";
  if (!fs::exists(spec_file) && fs::exists(dir / "competition.json")) {
    spec_file = dir / "competition.json";
  }
  if (!fs::exists(spec_file)) {
    return NotFoundError("no competition.yaml in " + dir.string());
  }
  std::vector<Problem> found;
  YamlReader y(found, spec_file.filename().string());
  engine::CompetitionSpec spec;
  spec.source_file = spec_file.filename().string();
  RosterFiles files;
  try {
    const YAML::Node root = YAML::LoadFile(spec_file.string());
    ReadCompetition(y, root, spec, files);
  } catch (const YAML::Exception& e) {
    found.push_back({spec_file.filename().string(), e.mark.line + 1, e.msg});
  }
  const Encoding encoding = options.encoding != Encoding::kAuto ? options.encoding : files.encoding;

  engine::Roster roster;
  roster.contestants_file = fs::path(files.contestants).filename().string();
  roster.judges_file = fs::path(files.judges).filename().string();
  if (auto table = ReadCsvFile(Resolve(dir, files.contestants), encoding); table.ok()) {
    ReadContestants(*table, roster, found);
  } else {
    found.push_back(CsvProblem(table.status(), roster.contestants_file));
  }
  if (auto table = ReadCsvFile(Resolve(dir, files.judges), encoding); table.ok()) {
    ReadJudges(*table, roster, found);
  } else {
    found.push_back(CsvProblem(table.status(), roster.judges_file));
  }
  // The engine model validates what only makes sense as a whole (weights,
  // references, panels). Skip it if the files could not even be read.
  LoadedCompetition loaded;
  if (found.empty()) {
    auto competition = engine::Competition::Create(std::move(spec), std::move(roster), &found);
    if (competition.ok()) loaded.competition = std::move(*competition);
  }
  if (loaded.competition != nullptr && options.load_marks) {
    const bool custom_scores = !options.scores_file.empty();
    const fs::path scores =
        custom_scores ? ResolveOption(dir, options.scores_file) : Resolve(dir, files.scores);
    if (fs::exists(scores) || custom_scores) {
      if (auto table = ReadCsvFile(scores, encoding); table.ok()) {
        ReadMarks(*table, *loaded.competition, loaded.events, found);
      } else {
        found.push_back(CsvProblem(table.status(), scores.filename().string()));
      }
    }
    const fs::path penalties = Resolve(dir, files.penalties);
    if (fs::exists(penalties)) {
      if (auto table = ReadCsvFile(penalties, encoding); table.ok()) {
        ReadPenalties(*table, *loaded.competition, loaded.events, found);
      } else {
        found.push_back(CsvProblem(table.status(), penalties.filename().string()));
      }
    }
  }
  if (!found.empty()) {
    if (problems != nullptr) problems->insert(problems->end(), found.begin(), found.end());
    return FirstProblem(found, 0);
  }
  return loaded;
}

int ApplyRecordedEvents(const std::vector<RecordedEvent>& events, engine::ScoringEngine& engine,
                        std::vector<Problem>* problems) {
  int refused = 0;
  for (const RecordedEvent& recorded : events) {
    const Status status = engine.Apply(recorded.event);
    if (status.ok()) continue;
    ++refused;
    if (problems != nullptr) problems->push_back({recorded.file, recorded.line, status.message()});
  }
  return refused;
}

}  // namespace podium::definition
