#include "server/definition/writer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/engine/competition.h"
#include "podium/engine/events.h"
#include "podium/engine/model.h"
#include "podium/engine/scoring_engine.h"
#include "podium/engine/standings.h"
#include "podium/engine/synthetic.h"
#include "podium/status.h"
#include "server/definition/loader.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {

// Lets GoogleTest print problems as people read them.
void PrintTo(const Problem& problem, std::ostream* os) { *os << problem.ToString(); }

}  // namespace podium::engine

namespace podium::definition {
namespace {

using ::podium::test::DataDir;
using ::podium::test::TempDir;

namespace fs = std::filesystem;

using ::podium::engine::Problem;
using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Scored {
  LoadedCompetition loaded;
  std::unique_ptr<engine::ScoringEngine> engine;
};

// Loads `dir` (with `scores_file`, if given), applies every mark and recomputes.
Scored LoadAndScore(const fs::path& dir, const std::string& scores_file = "") {
  Scored scored;
  std::vector<Problem> problems;
  LoadOptions options;
  options.scores_file = scores_file;
  StatusOr<LoadedCompetition> loaded = LoadCompetition(dir, options, &problems);
  EXPECT_THAT(loaded, IsOk()) << dir;
  EXPECT_THAT(problems, IsEmpty());
  if (!loaded.ok()) return scored;
  scored.loaded = std::move(*loaded);
  scored.engine = std::make_unique<engine::ScoringEngine>(scored.loaded.competition);
  EXPECT_EQ(ApplyRecordedEvents(scored.loaded.events, *scored.engine, &problems), 0);
  EXPECT_THAT(problems, IsEmpty());
  scored.engine->Recompute();
  return scored;
}

// Expects the two snapshots to publish exactly the same results: every trade's leaderboard
// row by row (bib, rank, total, event scores, award, status, stage, completeness, flag),
// team standings, cross-trade teams, the medal tally and the nomination lists.
void ExpectSameStandings(const engine::Standings& a, const engine::Standings& b) {
  const engine::Competition& ca = *a.competition;
  const engine::Competition& cb = *b.competition;
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t t = 0; t < a.trades.size(); ++t) {
    const engine::TradeStandings& ta = a.trades[t];
    const engine::TradeStandings& tb = b.trades[t];
    SCOPED_TRACE("trade " + ca.trade(static_cast<int>(t)).spec->id);
    EXPECT_EQ(ca.trade(static_cast<int>(t)).spec->id, cb.trade(static_cast<int>(t)).spec->id);
    ASSERT_EQ(ta.size(), tb.size());
    ASSERT_EQ(ta.num_events, tb.num_events);
    for (int p = 0; p < ta.size(); ++p) {
      const engine::StandingRow ra = ta.at_position(p);
      const engine::StandingRow rb = tb.at_position(p);
      const std::string& bib = ca.contestant(ra.contestant).bib;
      SCOPED_TRACE("position " + std::to_string(p) + " bib " + bib);
      EXPECT_EQ(bib, cb.contestant(rb.contestant).bib);
      EXPECT_EQ(ra.rank, rb.rank);
      EXPECT_EQ(ra.total, rb.total);
      EXPECT_EQ(a.award_id(ra), b.award_id(rb));
      EXPECT_EQ(ra.status, rb.status);
      EXPECT_EQ(ra.stage, rb.stage);
      EXPECT_EQ(ra.complete, rb.complete);
      EXPECT_EQ(ra.flagged, rb.flagged);
      for (int e = 0; e < ta.num_events; ++e) {
        EXPECT_EQ(ta.event_score(ta.row_at(p), e), tb.event_score(tb.row_at(p), e))
            << "event " << e;
      }
    }
    ASSERT_EQ(ta.num_teams(), tb.num_teams());
    for (int p = 0; p < ta.num_teams(); ++p) {
      const engine::TeamRow ra = ta.team_at_position(p);
      const engine::TeamRow rb = tb.team_at_position(p);
      EXPECT_EQ(ca.trade(static_cast<int>(t)).teams[ra.team],
                cb.trade(static_cast<int>(t)).teams[rb.team]);
      EXPECT_EQ(ra.rank, rb.rank);
      EXPECT_EQ(ra.total, rb.total);
      EXPECT_EQ(ra.members, rb.members);
    }
  }
  ASSERT_EQ(a.competition_teams.size(), b.competition_teams.size());
  for (size_t p = 0; p < a.competition_teams.size(); ++p) {
    const engine::TeamRow& ra = a.competition_teams[p];
    const engine::TeamRow& rb = b.competition_teams[p];
    EXPECT_EQ(ca.competition_teams()[ra.team], cb.competition_teams()[rb.team]);
    EXPECT_EQ(ra.rank, rb.rank);
    EXPECT_EQ(ra.total, rb.total);
    EXPECT_EQ(ra.members, rb.members);
  }
  ASSERT_EQ(a.medal_tally.size(), b.medal_tally.size());
  for (size_t p = 0; p < a.medal_tally.size(); ++p) {
    const engine::MedalRow& ra = a.medal_tally[p];
    const engine::MedalRow& rb = b.medal_tally[p];
    EXPECT_EQ(ca.tally_groups()[ra.group], cb.tally_groups()[rb.group]);
    EXPECT_EQ(ra.rank, rb.rank);
    EXPECT_EQ(ra.medals, rb.medals);
    EXPECT_EQ(ra.awarded, rb.awarded);
  }
  const std::vector<engine::NominationList> na = a.Nominations();
  const std::vector<engine::NominationList> nb = b.Nominations();
  ASSERT_EQ(na.size(), nb.size());
  for (size_t n = 0; n < na.size(); ++n) {
    EXPECT_EQ(ca.nominations()[na[n].nomination].id, cb.nominations()[nb[n].nomination].id);
    std::vector<std::string> bibs_a, bibs_b;
    for (const int c : na[n].contestants) bibs_a.push_back(ca.contestant(c).bib);
    for (const int c : nb[n].contestants) bibs_b.push_back(cb.contestant(c).bib);
    EXPECT_EQ(bibs_a, bibs_b) << "nomination " << ca.nominations()[na[n].nomination].id;
  }
}

void ExpectSameSpec(const engine::CompetitionSpec& a, const engine::CompetitionSpec& b);
void ExpectSameRoster(const engine::Roster& a, const engine::Roster& b);

class WriterSampleTest : public ::testing::TestWithParam<std::string> {};

// Load a sample, write its spec and rosters, copy its marks, load again: the standings
// must be the same to the last bit.
TEST_P(WriterSampleTest, RoundTripGivesTheSameStandings) {
  const fs::path source = DataDir() / GetParam();
  const TempDir copy;
  const Scored original = LoadAndScore(source);
  ASSERT_NE(original.engine, nullptr);
  const engine::Competition& c = *original.loaded.competition;
  ASSERT_THAT(WriteDefinition(copy.path(), c.spec(), c.roster()), IsOk());
  for (const char* marks : {"scores.csv", "scores-live.csv", "penalties.csv"}) {
    if (fs::exists(source / marks)) fs::copy_file(source / marks, copy.path() / marks);
  }
  const Scored reloaded = LoadAndScore(copy.path());
  ASSERT_NE(reloaded.engine, nullptr);
  EXPECT_EQ(reloaded.loaded.events.size(), original.loaded.events.size());
  ExpectSameStandings(*original.engine->standings(), *reloaded.engine->standings());

  // The live view too.
  const Scored live = LoadAndScore(source, "scores-live.csv");
  const Scored live_reloaded = LoadAndScore(copy.path(), "scores-live.csv");
  ASSERT_NE(live.engine, nullptr);
  ASSERT_NE(live_reloaded.engine, nullptr);
  ExpectSameStandings(*live.engine->standings(), *live_reloaded.engine->standings());
}

// Writing what was read back gives the same files: nothing is lost or changed on the way.
TEST_P(WriterSampleTest, WrittenFilesAreAFixedPoint) {
  const fs::path source = DataDir() / GetParam();
  const TempDir copy;
  std::vector<Problem> problems;
  LoadOptions options;
  options.load_marks = false;
  StatusOr<LoadedCompetition> first = LoadCompetition(source, options, &problems);
  ASSERT_THAT(first, IsOk());
  const engine::Competition& c = *first->competition;
  ASSERT_THAT(WriteDefinition(copy.path(), c.spec(), c.roster()), IsOk());
  EXPECT_EQ(ReadFile(copy.path() / "competition.yaml"), CompetitionYaml(c.spec()));
  EXPECT_EQ(ReadFile(copy.path() / "contestants.csv"), ContestantsCsv(c.roster()));
  EXPECT_EQ(ReadFile(copy.path() / "judges.csv"), JudgesCsv(c.roster()));

  StatusOr<LoadedCompetition> second = LoadCompetition(copy.path(), options, &problems);
  ASSERT_THAT(second, IsOk());
  EXPECT_THAT(problems, IsEmpty());
  const engine::Competition& d = *second->competition;
  EXPECT_EQ(CompetitionYaml(d.spec()), CompetitionYaml(c.spec()));
  EXPECT_EQ(ContestantsCsv(d.roster()), ContestantsCsv(c.roster()));
  EXPECT_EQ(JudgesCsv(d.roster()), JudgesCsv(c.roster()));
  EXPECT_EQ(d.num_items(), c.num_items());
  ExpectSameSpec(c.spec(), d.spec());
  ExpectSameRoster(c.roster(), d.roster());
}

INSTANTIATE_TEST_SUITE_P(Samples, WriterSampleTest,
                         ::testing::Values("mine-rescue-2026", "provincial-2026", "dance-2026"),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

struct SyntheticCase {
  std::string name;
  engine::SyntheticOptions options;
};

class WriterSyntheticTest : public ::testing::TestWithParam<SyntheticCase> {};

// A synthetic definition written, loaded and fed the same marks scores like the original.
TEST_P(WriterSyntheticTest, RoundTripGivesTheSameStandings) {
  const engine::SyntheticOptions& options = GetParam().options;
  SCOPED_TRACE("seed " + std::to_string(options.seed));
  const engine::SyntheticDefinition definition = engine::MakeSyntheticDefinition(options);
  std::vector<Problem> problems;
  auto original = engine::Competition::Create(definition.spec, definition.roster, &problems);
  ASSERT_THAT(original, IsOk());
  const TempDir dir;
  ASSERT_THAT(WriteDefinition(dir.path(), definition.spec, definition.roster), IsOk());
  StatusOr<LoadedCompetition> loaded = LoadCompetition(dir.path(), LoadOptions{}, &problems);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_THAT(loaded->events, IsEmpty());
  const engine::Competition& a = **original;
  const engine::Competition& b = *loaded->competition;
  ASSERT_EQ(b.num_contestants(), a.num_contestants());
  ASSERT_EQ(b.num_judges(), a.num_judges());
  ASSERT_EQ(b.num_items(), a.num_items());
  EXPECT_EQ(CompetitionYaml(b.spec()), CompetitionYaml(definition.spec));
  EXPECT_EQ(ContestantsCsv(b.roster()), ContestantsCsv(definition.roster));
  EXPECT_EQ(JudgesCsv(b.roster()), JudgesCsv(definition.roster));

  engine::ScoringEngine engine_a(*original);
  engine::ScoringEngine engine_b(loaded->competition);
  int marks = 0;
  engine::GenerateSyntheticMarks(a, options, [&](const engine::MarkEvent& m) {
    ASSERT_THAT(engine_a.Apply(m), IsOk());
    // The same mark, addressed by what people type.
    auto contestant = b.FindContestant(a.contestant(m.contestant).bib);
    auto judge = b.FindJudge(a.judge(m.judge).id);
    ASSERT_THAT(contestant, IsOk());
    ASSERT_THAT(judge, IsOk());
    auto item = b.FindItem(b.trade_of(*contestant), a.item(m.item).ref);
    ASSERT_THAT(item, IsOk());
    engine::MarkEvent copy = m;
    copy.contestant = *contestant;
    copy.judge = *judge;
    copy.item = *item;
    ASSERT_THAT(engine_b.Apply(copy), IsOk());
    ++marks;
  });
  EXPECT_GT(marks, 0);
  engine_a.Recompute();
  engine_b.Recompute();
  ExpectSameStandings(*engine_a.standings(), *engine_b.standings());
}

engine::SyntheticOptions Options(int contestants, int trades, int items, int judges, int team_size,
                                 engine::Normalization normalization, double fill) {
  engine::SyntheticOptions o;
  o.contestants = contestants;
  o.trades = trades;
  o.items = items;
  o.judges = judges;
  o.team_size = team_size;
  o.normalization = normalization;
  o.fill = fill;
  o.seed = 20260101;
  return o;
}

INSTANTIATE_TEST_SUITE_P(
    Synthetic, WriterSyntheticTest,
    ::testing::Values(SyntheticCase{"ZScoreTeams", Options(300, 2, 7, 5, 5,
                                                           engine::Normalization::kJudgeZScore, 1)},
                      SyntheticCase{"NoNormalizationNoTeams",
                                    Options(120, 3, 4, 3, 0, engine::Normalization::kNone, 1)},
                      SyntheticCase{"MeanPanelPartlyMarked",
                                    Options(90, 1, 1, 2, 3, engine::Normalization::kNone, 0.7)}),
    [](const ::testing::TestParamInfo<SyntheticCase>& info) { return info.param.name; });

// --- Every feature of the format -----------------------------------------------

void ExpectSameTieBreak(const std::vector<engine::TieBreakKey>& a,
                        const std::vector<engine::TieBreakKey>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(a[k].ref, b[k].ref);
    EXPECT_EQ(a[k].order, b[k].order) << a[k].ref;
  }
}

void ExpectSameStandardization(const engine::Standardization& a, const engine::Standardization& b) {
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.centre, b.centre);
  EXPECT_EQ(a.spread, b.spread);
  EXPECT_EQ(a.estimator, b.estimator);
}

void ExpectSameTeams(const engine::TeamSpec& a, const engine::TeamSpec& b) {
  EXPECT_EQ(a.enabled, b.enabled);
  EXPECT_EQ(a.group_by, b.group_by);
  EXPECT_EQ(a.rule, b.rule);
  EXPECT_EQ(a.k, b.k);
  ExpectSameTieBreak(a.tie_break, b.tie_break);
}

// Field by field, source lines aside: what a round trip must keep.
void ExpectSameSpec(const engine::CompetitionSpec& a, const engine::CompetitionSpec& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.name_en, b.name_en);
  EXPECT_EQ(a.precision, b.precision);
  EXPECT_EQ(a.blind_numbers, b.blind_numbers);
  EXPECT_EQ(a.status_placement, b.status_placement);
  ASSERT_EQ(a.trades.size(), b.trades.size());
  for (size_t t = 0; t < a.trades.size(); ++t) {
    const engine::TradeSpec& ta = a.trades[t];
    const engine::TradeSpec& tb = b.trades[t];
    SCOPED_TRACE("trade " + ta.id);
    EXPECT_EQ(ta.id, tb.id);
    EXPECT_EQ(ta.name, tb.name);
    EXPECT_EQ(ta.name_en, tb.name_en);
    ASSERT_EQ(ta.stages.size(), tb.stages.size());
    for (size_t s = 0; s < ta.stages.size(); ++s) {
      EXPECT_EQ(ta.stages[s].id, tb.stages[s].id);
      EXPECT_EQ(ta.stages[s].name, tb.stages[s].name);
      EXPECT_EQ(ta.stages[s].advance, tb.stages[s].advance);
      EXPECT_EQ(ta.stages[s].carry, tb.stages[s].carry);
    }
    ExpectSameStandardization(ta.total_standardize, tb.total_standardize);
    ASSERT_EQ(ta.events.size(), tb.events.size());
    for (size_t e = 0; e < ta.events.size(); ++e) {
      const engine::EventSpec& ea = ta.events[e];
      const engine::EventSpec& eb = tb.events[e];
      SCOPED_TRACE("event " + ea.id);
      EXPECT_EQ(ea.id, eb.id);
      EXPECT_EQ(ea.name, eb.name);
      EXPECT_EQ(ea.name_en, eb.name_en);
      EXPECT_EQ(ea.stage, eb.stage);
      EXPECT_EQ(ea.weight, eb.weight);
      EXPECT_EQ(ea.normalization, eb.normalization);
      ExpectSameStandardization(ea.standardize, eb.standardize);
      ASSERT_EQ(ea.items.size(), eb.items.size());
      for (size_t i = 0; i < ea.items.size(); ++i) {
        const engine::ItemSpec& ia = ea.items[i];
        const engine::ItemSpec& ib = eb.items[i];
        SCOPED_TRACE("item " + ia.id);
        EXPECT_EQ(ia.id, ib.id);
        EXPECT_EQ(ia.name, ib.name);
        EXPECT_EQ(ia.name_en, ib.name_en);
        EXPECT_EQ(ia.max, ib.max);
        EXPECT_EQ(ia.step, ib.step);
        EXPECT_EQ(ia.weight, ib.weight);
        EXPECT_EQ(ia.marking, ib.marking);
        EXPECT_EQ(ia.rule, ib.rule);
        EXPECT_EQ(ia.trim, ib.trim);
        EXPECT_EQ(ia.panel_size, ib.panel_size);
        EXPECT_EQ(ia.tolerance, ib.tolerance);
        EXPECT_EQ(ia.normalization, ib.normalization);
        ASSERT_EQ(ia.penalties.size(), ib.penalties.size());
        for (size_t p = 0; p < ia.penalties.size(); ++p) {
          EXPECT_EQ(ia.penalties[p].id, ib.penalties[p].id);
          EXPECT_EQ(ia.penalties[p].name, ib.penalties[p].name);
          EXPECT_EQ(ia.penalties[p].points, ib.penalties[p].points);
        }
      }
    }
    ExpectSameTieBreak(ta.ranking.tie_break, tb.ranking.tie_break);
    ExpectSameTeams(ta.teams, tb.teams);
    ASSERT_EQ(ta.awards.size(), tb.awards.size());
    for (size_t w = 0; w < ta.awards.size(); ++w) {
      const engine::AwardTier& wa = ta.awards[w];
      const engine::AwardTier& wb = tb.awards[w];
      SCOPED_TRACE("award " + wa.id);
      EXPECT_EQ(wa.id, wb.id);
      EXPECT_EQ(wa.name, wb.name);
      EXPECT_EQ(wa.by, wb.by);
      EXPECT_EQ(wa.count, wb.count);
      EXPECT_EQ(wa.share, wb.share);
      EXPECT_EQ(wa.threshold, wb.threshold);
      EXPECT_EQ(wa.min_total, wb.min_total);
      if (wa.by == engine::AwardBy::kShare) {
        EXPECT_EQ(wa.rounding, wb.rounding);
      }
    }
  }
  ExpectSameTeams(a.teams, b.teams);
  EXPECT_EQ(a.medal_tally.enabled, b.medal_tally.enabled);
  EXPECT_EQ(a.medal_tally.group_by, b.medal_tally.group_by);
  EXPECT_EQ(a.medal_tally.medals, b.medal_tally.medals);
  ASSERT_EQ(a.nominations.size(), b.nominations.size());
  for (size_t n = 0; n < a.nominations.size(); ++n) {
    EXPECT_EQ(a.nominations[n].id, b.nominations[n].id);
    EXPECT_EQ(a.nominations[n].name, b.nominations[n].name);
    EXPECT_EQ(a.nominations[n].trades, b.nominations[n].trades);
    EXPECT_EQ(a.nominations[n].rule, b.nominations[n].rule);
  }
}

void ExpectSameRoster(const engine::Roster& a, const engine::Roster& b) {
  EXPECT_EQ(a.field_names, b.field_names);
  ASSERT_EQ(a.contestants.size(), b.contestants.size());
  for (size_t c = 0; c < a.contestants.size(); ++c) {
    const engine::Contestant& ca = a.contestants[c];
    const engine::Contestant& cb = b.contestants[c];
    SCOPED_TRACE("bib " + ca.bib);
    EXPECT_EQ(ca.bib, cb.bib);
    EXPECT_EQ(ca.name, cb.name);
    EXPECT_EQ(ca.trade, cb.trade);
    EXPECT_EQ(ca.team, cb.team);
    EXPECT_EQ(ca.organization, cb.organization);
    EXPECT_EQ(ca.status, cb.status);
    EXPECT_EQ(ca.fields, cb.fields);
  }
  ASSERT_EQ(a.judges.size(), b.judges.size());
  for (size_t j = 0; j < a.judges.size(); ++j) {
    const engine::Judge& ja = a.judges[j];
    const engine::Judge& jb = b.judges[j];
    SCOPED_TRACE("judge " + ja.id);
    EXPECT_EQ(ja.id, jb.id);
    EXPECT_EQ(ja.name, jb.name);
    EXPECT_EQ(ja.role, jb.role);
    ASSERT_EQ(ja.assignments.size(), jb.assignments.size());
    for (size_t k = 0; k < ja.assignments.size(); ++k) {
      EXPECT_EQ(ja.assignments[k].trade, jb.assignments[k].trade);
      EXPECT_EQ(ja.assignments[k].event, jb.assignments[k].event);
      EXPECT_EQ(ja.assignments[k].item, jb.assignments[k].item);
      EXPECT_EQ(ja.assignments[k].bib_from, jb.assignments[k].bib_from);
      EXPECT_EQ(ja.assignments[k].bib_to, jb.assignments[k].bib_to);
    }
  }
}

// Writes `spec` and `roster`, loads them back and expects the same definition.
void ExpectRoundTrip(const engine::CompetitionSpec& spec, const engine::Roster& roster) {
  std::vector<Problem> problems;
  ASSERT_THAT(engine::Competition::Create(spec, roster, &problems), IsOk());
  const TempDir dir;
  ASSERT_THAT(WriteDefinition(dir.path(), spec, roster), IsOk());
  StatusOr<LoadedCompetition> loaded = LoadCompetition(dir.path(), LoadOptions{}, &problems);
  ASSERT_THAT(loaded, IsOk()) << ::testing::PrintToString(problems);
  EXPECT_THAT(problems, IsEmpty());
  ExpectSameSpec(spec, loaded->competition->spec());
  ExpectSameRoster(roster, loaded->competition->roster());
}

engine::ItemSpec JudgedItem(std::string id, double max, int panel_size) {
  engine::ItemSpec item;
  item.id = std::move(id);
  item.name = "项目 " + item.id;
  item.max = max;
  item.step = 0.5;
  item.marking = engine::Marking::kJudgement;
  item.rule = engine::PanelRule::kMean;
  item.panel_size = panel_size;
  return item;
}

// A definition that uses every key of the format at a value other than its default.
engine::SyntheticDefinition RichDefinition() {
  engine::SyntheticDefinition d;
  engine::CompetitionSpec& spec = d.spec;
  spec.id = "rich-2026";
  spec.name = "全功能竞赛";
  spec.name_en = "Everything, at once";
  spec.precision = 3;
  spec.blind_numbers = true;
  spec.status_placement = engine::StatusPlacement::kExcluded;

  engine::TradeSpec staged;
  staged.id = "staged";
  staged.name = "分阶段";
  staged.name_en = "Staged";
  staged.stages = {{.id = "round-1", .name = "初赛", .advance = 2},
                   {.id = "last", .name = "决赛", .carry = 25}};
  staged.total_standardize = {
      .enabled = true, .centre = 500, .spread = 100, .estimator = engine::Estimator::kMad};
  engine::EventSpec first{
      .id = "first", .name = "初赛评分", .name_en = "Round one", .stage = "round-1", .weight = 100};
  engine::ItemSpec trimmed = JudgedItem("trimmed", 20, 3);
  trimmed.rule = engine::PanelRule::kTrimmed;
  trimmed.trim = 1;
  trimmed.weight = 1.0 / 3;  // needs every digit
  trimmed.tolerance = 2.5;
  trimmed.name_en = "Trimmed item";
  first.items.push_back(trimmed);
  engine::ItemSpec median = JudgedItem("median", 10, 3);
  median.rule = engine::PanelRule::kMedian;
  median.step = 0.1;
  median.weight = 0;
  first.items.push_back(median);
  staged.events.push_back(first);
  engine::EventSpec last{
      .id = "last-perf",
      .name = "决赛评分",
      .stage = "last",
      .weight = 75,
      .normalization = engine::Normalization::kJudgeRobust,
      .standardize = {
          .enabled = true, .centre = 50, .spread = 10, .estimator = engine::Estimator::kSd}};
  engine::ItemSpec zero_to_three = JudgedItem("zero-to-three", 30, 3);
  zero_to_three.rule = engine::PanelRule::kJudgement03;
  zero_to_three.step = 1;
  zero_to_three.normalization = engine::Normalization::kJudgeZScore;
  last.items.push_back(zero_to_three);
  engine::ItemSpec timed;
  timed.id = "timed";
  timed.name = "计时项目";
  timed.max = 60;
  timed.step = 0.25;
  timed.marking = engine::Marking::kMeasurement;
  timed.normalization = engine::Normalization::kNone;
  timed.penalties = {{.id = "late", .name = "超时", .points = 0.5},
                     {.id = "unsafe", .name = "违规: 危险操作", .points = 3}};
  last.items.push_back(timed);
  staged.events.push_back(last);
  staged.ranking.tie_break = {{.ref = "time", .order = engine::Order::kLower},
                              {.ref = "penalties", .order = engine::Order::kLower},
                              {.ref = "item:last-perf.timed", .order = engine::Order::kHigher},
                              {.ref = "event:first", .order = engine::Order::kLower}};
  staged.teams = {.enabled = true,
                  .rule = engine::TeamRule::kBestK,
                  .k = 2,
                  .tie_break = {{.ref = "best-member", .order = engine::Order::kHigher}}};
  staged.awards = {
      {.id = "gold",
       .name = "金奖",
       .by = engine::AwardBy::kShare,
       .share = 10,
       .rounding = engine::ShareRounding::kCeil},
      {.id = "silver",
       .name = "银奖",
       .by = engine::AwardBy::kShare,
       .share = 12.5,
       .rounding = engine::ShareRounding::kRound,
       .min_total = 60.5},
      {.id = "bronze", .name = "铜奖", .by = engine::AwardBy::kCount, .count = 2},
      {.id = "merit", .name = "优秀奖", .by = engine::AwardBy::kThreshold, .threshold = 42.25}};
  spec.trades.push_back(staged);

  engine::TradeSpec plain;
  plain.id = "plain";
  plain.name = "单阶段";
  plain.stages = {{.id = "final", .name = "决赛"}};
  engine::EventSpec only{.id = "only", .name = "实操", .weight = 100};
  only.items.push_back(JudgedItem("work", 100, 2));
  plain.events.push_back(only);
  plain.awards = {{.id = "gold", .name = "金奖", .by = engine::AwardBy::kCount, .count = 1}};
  spec.trades.push_back(plain);

  spec.teams = {.enabled = true,
                .group_by = "organization",
                .rule = engine::TeamRule::kMean,
                .tie_break = {{.ref = "best-member", .order = engine::Order::kHigher}}};
  spec.medal_tally = {.enabled = true, .group_by = "region", .medals = {"gold", "silver"}};
  spec.nominations = {
      {.id = "star",
       .name = "新星",
       .trades = {"staged"},
       .rule = "rank <= 1 and eligible == \"是\""},
      {.id = "all", .name = "全部 'quoted'", .rule = "not (status == \"absent\") or total >= 0"}};

  engine::Roster& roster = d.roster;
  roster.field_names = {"eligible", "region"};
  for (int c = 0; c < 8; ++c) {
    engine::Contestant who;
    who.bib = "R" + std::to_string(10 + c);
    who.name = c == 3 ? "O'Neil, \"Jr\"" : "选手" + std::to_string(c);
    who.trade = c < 6 ? "staged" : "plain";
    who.team = c < 6 ? "队" + std::to_string(c / 2) : "";
    who.organization = c % 2 == 0 ? "甲单位" : " 乙单位, 分部 ";
    who.status = static_cast<engine::ContestantStatus>(c % 4);
    who.fields = {c % 3 == 0 ? "是" : "否", "region-" + std::to_string(c % 2)};
    roster.contestants.push_back(std::move(who));
  }
  roster.judges.push_back({.id = "CJ", .name = "Chief", .role = engine::JudgeRole::kChief});
  for (int j = 0; j < 3; ++j) {
    roster.judges.push_back(
        {.id = "S" + std::to_string(j + 1),
         .name = "裁判" + std::to_string(j + 1),
         .assignments = {{.trade = "staged", .event = "first"},
                         {.trade = "staged", .event = "last-perf", .item = "zero-to-three"}}});
  }
  roster.judges.push_back(
      {.id = "T1",
       .name = "Timer",
       .assignments = {{.trade = "staged", .item = "timed", .bib_from = "R10", .bib_to = "R12"}}});
  roster.judges.push_back(
      {.id = "T2",
       .name = "Timer 2",
       .assignments = {{.trade = "staged", .item = "timed", .bib_from = "R13", .bib_to = "R15"}}});
  roster.judges.push_back({.id = "P1", .name = "Plain 1", .assignments = {{.trade = "plain"}}});
  roster.judges.push_back({.id = "P2",
                           .name = "Plain 2",
                           .assignments = {{.trade = "plain", .event = "only", .item = "work"}}});
  return d;
}

TEST(WriterRoundTripTest, EveryFeatureOfTheFormatSurvives) {
  const engine::SyntheticDefinition d = RichDefinition();
  ExpectRoundTrip(d.spec, d.roster);
}

TEST(WriterRoundTripTest, SingleStageWithItsOwnIdAndNameSurvives) {
  engine::SyntheticDefinition d = RichDefinition();
  d.spec.trades[1].stages = {{.id = "showcase", .name = "展演"}};
  d.spec.trades[1].events[0].stage = "showcase";
  ExpectRoundTrip(d.spec, d.roster);
}

TEST(WriterRoundTripTest, BibRangesOfBibsWithDashesSurvive) {
  engine::SyntheticDefinition d = RichDefinition();
  for (int c = 0; c < 6; ++c) d.roster.contestants[c].bib = "R-" + std::to_string(10 + c);
  d.roster.judges[4].assignments[0].bib_from = "R-10";  // T1: R-10 to R-12
  d.roster.judges[4].assignments[0].bib_to = "R-12";
  d.roster.judges[5].assignments[0].bib_from = "R-13";  // T2: R-13 to R-15, then R-15 alone
  d.roster.judges[5].assignments[0].bib_to = "R-14";
  d.roster.judges[5].assignments.push_back(
      {.trade = "staged", .item = "timed", .bib_from = "R-15", .bib_to = "R-15"});
  ExpectRoundTrip(d.spec, d.roster);
}

TEST(WriterRoundTripTest, TextThatYamlWouldReadAsSomethingElseSurvives) {
  engine::SyntheticDefinition d = RichDefinition();
  d.spec.name = "null";
  d.spec.name_en = "~";
  d.spec.trades[0].name = "yes";
  d.spec.trades[0].name_en = "- dash: colon # hash";
  d.spec.trades[0].events[0].name = "123";
  d.spec.trades[0].events[0].items[0].name = "  spaced  ";
  d.spec.trades[0].events[0].items[1].name = "'single' \"double\"";
  d.spec.trades[0].events[1].items[1].penalties[0].name = "{flow}, [seq]";
  ExpectRoundTrip(d.spec, d.roster);
}

// --- The individual writers -------------------------------------------------

TEST(WriterTest, ContestantsCsvWritesEveryColumnAndEscapes) {
  engine::Roster roster;
  roster.field_names = {"eligible"};
  roster.contestants.push_back({.bib = "A01",
                                .name = "张三",
                                .trade = "welder",
                                .team = "一队",
                                .organization = "甲厂, 分厂",
                                .status = engine::ContestantStatus::kWithdrawn,
                                .fields = {"是"}});
  EXPECT_EQ(ContestantsCsv(roster),
            "bib,name,trade,team,organization,status,eligible\r\n"
            "A01,张三,welder,一队,\"甲厂, 分厂\",withdrawn,是\r\n");
}

TEST(WriterTest, JudgesCsvWritesRolesAndAssignmentsInTheirShortForms) {
  engine::Roster roster;
  roster.judges.push_back({.id = "CJ", .name = "Chief", .role = engine::JudgeRole::kChief});
  roster.judges.push_back(
      {.id = "J1",
       .name = "One",
       .assignments = {{.trade = "welder"},
                       {.trade = "welder", .item = "plate", .bib_from = "A01", .bib_to = "A22"},
                       {.trade = "welder", .event = "practical"},
                       {.trade = "welder",
                        .event = "practical",
                        .item = "plate",
                        .bib_from = "A05",
                        .bib_to = "A05"}}});
  EXPECT_EQ(JudgesCsv(roster),
            "id,name,role,assignments\r\n"
            "CJ,Chief,chief,\r\n"
            "J1,One,judge,welder:*;welder:plate@A01-A22;welder:practical.*;"
            "welder:practical.plate@A05\r\n");
}

TEST(WriterTest, WriteDefinitionFailsNamingWhatItCouldNotWrite) {
  const TempDir dir;
  // A regular file where the directory should be.
  const fs::path blocked = dir.path() / "blocked";
  std::ofstream(blocked) << "x";
  const engine::SyntheticDefinition definition =
      engine::MakeSyntheticDefinition(engine::SyntheticOptions{.contestants = 10});
  EXPECT_THAT(WriteDefinition(blocked / "out", definition.spec, definition.roster),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("blocked")));
  // A directory where competition.yaml should be.
  fs::create_directories(dir.path() / "taken" / "competition.yaml");
  EXPECT_THAT(WriteDefinition(dir.path() / "taken", definition.spec, definition.roster),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("competition.yaml")));
}

TEST(WriterTest, CompetitionYamlStartsWithTheCompetition) {
  const engine::SyntheticDefinition definition =
      engine::MakeSyntheticDefinition(engine::SyntheticOptions{.contestants = 10});
  const std::string yaml = CompetitionYaml(definition.spec);
  EXPECT_THAT(yaml, StartsWith("competition:\n  id: synthetic\n"));
  EXPECT_THAT(yaml, HasSubstr("name: 合成竞赛"));
  EXPECT_EQ(yaml.back(), '\n');
}

}  // namespace
}  // namespace podium::definition
