// The competition model: the rules (trades, stages, events, items, panels,
// ranking, teams, awards, nominations) and the rosters, as plain data.
// Loaders fill these structs; Competition::Create() validates and indexes them.
#ifndef PODIUM_ENGINE_MODEL_H_
#define PODIUM_ENGINE_MODEL_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace podium::engine {

// Hashes strings and string views alike, so maps keyed by ids can be
// searched with a string_view without building a string.
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

// An id -> value map searchable by string_view.
template <typename Value>
using IdMap = std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

// Where a spec element was written, so problems can point at it. 0 = unknown.
struct SourceLine {
  int line = 0;
};

enum class Marking { kMeasurement, kJudgement };
enum class PanelRule { kMean, kTrimmed, kMedian, kJudgement03 };
enum class Normalization { kNone, kJudgeZScore, kJudgeRobust, kRasch };
enum class Estimator { kSd, kMad };
// How an event's marks decide its score:
//   kScores   weighted item scores minus penalties (the default);
//   kRecalls  a preliminary round by crosses: each judge marks 1 for every
//             contestant recalled; the event score is the number of crosses;
//   kSkating  a final judged by placings (the skating system, skating.h):
//             each item is a dance, each judge places every finalist 1..n;
//             the event score is the final place, lower is better.
enum class EventRanking { kScores, kRecalls, kSkating };
enum class Order { kHigher, kLower };
enum class ContestantStatus : std::uint8_t { kPresent, kAbsent, kWithdrawn, kDisqualified };
enum class StatusPlacement { kLast, kExcluded };
enum class TeamRule { kSum, kMean, kBestK };
enum class AwardBy { kCount, kShare, kThreshold };
enum class ShareRounding { kFloor, kRound, kCeil };
enum class JudgeRole { kJudge, kChief };

// Rescales scores to `centre + spread * (x - location) / scale`.
struct Standardization {
  bool enabled = false;
  double centre = 0;
  double spread = 1;
  Estimator estimator = Estimator::kSd;
  SourceLine source;
};

struct PenaltySpec {
  std::string id;
  std::string name;
  double points = 0;  // deducted from the event score per occurrence
  SourceLine source;
};

struct ItemSpec {
  std::string id;
  std::string name;
  std::string name_en;
  double max = 100;
  double step = 0.5;
  double weight = 1;  // event score = sum(weight * item score) - penalties
  Marking marking = Marking::kJudgement;
  PanelRule rule = PanelRule::kMean;
  int trim = 1;        // kTrimmed: marks dropped at each end
  int panel_size = 1;  // marks expected per contestant
  double tolerance = std::numeric_limits<double>::infinity();  // raw spread that flags a panel
  std::optional<Normalization> normalization;                  // unset: the event's default
  std::vector<PenaltySpec> penalties;
  SourceLine source;
};

struct EventSpec {
  std::string id;
  std::string name;
  std::string name_en;
  std::string stage;    // stage id; empty when the trade has a single stage
  double weight = 100;  // percent of the stage total
  Normalization normalization = Normalization::kNone;  // default for the items
  EventRanking ranking = EventRanking::kScores;
  Standardization standardize;
  std::vector<ItemSpec> items;
  SourceLine source;
};

struct StageSpec {
  std::string id;
  std::string name;
  int advance = 0;   // top N (and all tied with the Nth) go on; 0 = last stage
  double carry = 0;  // percent of the previous stage's total carried into this one
  SourceLine source;
};

// One ranking key after the total. `ref` names what it reads:
//   "event:ID", "item:EVENT.ITEM", "time", "penalties" (contestants);
//   "best-member", "event:ID" (teams).
struct TieBreakKey {
  std::string ref;
  Order order = Order::kHigher;
  SourceLine source;
};

struct RankingSpec {
  std::vector<TieBreakKey> tie_break;
  SourceLine source;
};

struct TeamSpec {
  bool enabled = false;
  std::string group_by;  // competition-level teams: roster column that groups members
  TeamRule rule = TeamRule::kSum;
  int k = 0;  // kBestK
  std::vector<TieBreakKey> tie_break;
  SourceLine source;
};

struct AwardTier {
  std::string id;
  std::string name;
  AwardBy by = AwardBy::kCount;
  int count = 0;     // kCount
  double share = 0;  // kShare: percent of ranked contestants
  ShareRounding rounding = ShareRounding::kFloor;
  double threshold = 0;             // kThreshold: total at or above
  std::optional<double> min_total;  // no award below this total
  SourceLine source;
};

struct TradeSpec {
  std::string id;
  std::string name;
  std::string name_en;
  std::vector<StageSpec> stages;  // at least one (the loader adds `final`)
  std::vector<EventSpec> events;
  Standardization total_standardize;
  RankingSpec ranking;
  TeamSpec teams;
  std::vector<AwardTier> awards;
  SourceLine source;
};

struct MedalTallySpec {
  bool enabled = false;
  std::string group_by = "organization";
  std::vector<std::string> medals;  // award ids counted as gold, silver, bronze, ...
  SourceLine source;
};

struct NominationSpec {
  std::string id;
  std::string name;
  std::vector<std::string> trades;  // empty: every trade
  std::string rule;                 // see nomination.h for the grammar
  SourceLine source;
};

struct CompetitionSpec {
  std::string source_file = "competition.yaml";  // where it was read from, for problems
  std::string id;
  std::string name;
  std::string name_en;
  int precision = 2;
  bool blind_numbers = false;
  StatusPlacement status_placement = StatusPlacement::kLast;
  std::vector<TradeSpec> trades;
  TeamSpec teams;  // cross-trade teams (group_by a roster column)
  MedalTallySpec medal_tally;
  std::vector<NominationSpec> nominations;
  SourceLine source;
};

struct Contestant {
  std::string bib;
  std::string name;
  std::string trade;
  std::string team;
  std::string organization;
  ContestantStatus status = ContestantStatus::kPresent;
  std::vector<std::string> fields;  // values of Roster::field_names, same order
  SourceLine source;
};

// "trade:item" or "trade:event.*" or "trade:*", optionally only for bibs in
// [bib_from, bib_to] (string order, which is numeric order for same-width bibs).
struct Assignment {
  std::string trade;
  std::string event;  // empty: every event of the trade
  std::string item;   // empty: every item of the event(s)
  std::string bib_from;
  std::string bib_to;
};

struct Judge {
  std::string id;
  std::string name;
  JudgeRole role = JudgeRole::kJudge;
  std::vector<Assignment> assignments;
  SourceLine source;
};

struct Roster {
  std::vector<Contestant> contestants;
  std::vector<Judge> judges;
  std::vector<std::string> field_names;  // extra contestants.csv columns
  std::string contestants_file = "contestants.csv";
  std::string judges_file = "judges.csv";
};

// The names used in competition files and the API.
std::string_view ContestantStatusName(ContestantStatus status);
std::string_view PanelRuleName(PanelRule rule);
std::string_view NormalizationName(Normalization normalization);
std::string_view TeamRuleName(TeamRule rule);
std::string_view EventRankingName(EventRanking ranking);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_MODEL_H_
