#include "podium/engine/synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

namespace podium::engine {

namespace {

constexpr double kItemMax = 20;
constexpr double kItemStep = 0.5;

constexpr std::array<const char*, 24> kSurnames = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵",
                                                   "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
                                                   "何", "高", "林", "罗", "郑", "梁", "谢", "宋"};
constexpr std::array<const char*, 24> kGiven = {
    "伟", "芳", "娜", "敏",   "静", "强", "磊",   "军",   "洋",   "勇",   "艳", "杰",
    "涛", "明", "超", "秀英", "华", "慧", "建国", "志强", "晓东", "海燕", "婷", "鹏"};

std::string Padded(const char* prefix, int number, int width) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%0*d", prefix, width, number);
  return buffer;
}

std::string TradeId(int t) { return Padded("trade-", t + 1, 2); }

}  // namespace

SyntheticDefinition MakeSyntheticDefinition(const SyntheticOptions& options) {
  SyntheticDefinition out;
  CompetitionSpec& spec = out.spec;
  spec.id = "synthetic";
  spec.name = "合成竞赛";
  spec.name_en = "Synthetic competition";
  const int theory_items = std::min(2, std::max(1, options.items - 1));
  for (int t = 0; t < options.trades; ++t) {
    TradeSpec trade;
    trade.id = TradeId(t);
    trade.name = "工种" + std::to_string(t + 1);
    trade.stages.push_back({.id = "final", .name = "决赛"});
    EventSpec theory{.id = "theory", .name = "理论", .weight = 30};
    EventSpec practical{.id = "practical", .name = "实操", .weight = 70};
    for (int i = 0; i < options.items; ++i) {
      ItemSpec item;
      item.id = Padded("item-", i + 1, 2);
      item.name = "项目" + std::to_string(i + 1);
      item.max = kItemMax;
      item.step = kItemStep;
      item.marking = Marking::kJudgement;
      item.rule = options.judges >= 3 ? PanelRule::kTrimmed : PanelRule::kMean;
      item.trim = 1;
      item.panel_size = options.judges;
      item.tolerance = 4;
      (i < theory_items ? theory : practical).items.push_back(item);
    }
    theory.normalization = options.normalization;
    practical.normalization = options.normalization;
    trade.events.push_back(std::move(theory));
    if (!practical.items.empty()) trade.events.push_back(std::move(practical));
    if (trade.events.size() == 1) trade.events[0].weight = 100;
    trade.ranking.tie_break.push_back({.ref = "event:" + trade.events.back().id});
    if (options.team_size > 0) {
      trade.teams.enabled = true;
      trade.teams.rule = TeamRule::kSum;
      trade.teams.tie_break.push_back({.ref = "best-member"});
    }
    trade.awards = {{.id = "first", .name = "一等奖", .by = AwardBy::kShare, .share = 10},
                    {.id = "second", .name = "二等奖", .by = AwardBy::kShare, .share = 20},
                    {.id = "third", .name = "三等奖", .by = AwardBy::kShare, .share = 30}};
    spec.trades.push_back(std::move(trade));
  }
  spec.medal_tally = {
      .enabled = true, .group_by = "organization", .medals = {"first", "second", "third"}};

  Roster& roster = out.roster;
  roster.contestants.reserve(options.contestants);
  const int per_trade = (options.contestants + options.trades - 1) / std::max(1, options.trades);
  for (int c = 0; c < options.contestants; ++c) {
    Contestant who;
    who.bib = Padded("S", c + 1, 7);
    who.name = std::string(kSurnames[c % kSurnames.size()]) +
               kGiven[(c / kSurnames.size()) % kGiven.size()];
    who.trade = TradeId(std::min(c / std::max(1, per_trade), options.trades - 1));
    if (options.team_size > 0) who.team = Padded("T", c / options.team_size + 1, 6);
    who.organization = Padded("单位", c % 50 + 1, 2);
    roster.contestants.push_back(std::move(who));
  }
  for (int t = 0; t < options.trades; ++t) {
    for (int i = 0; i < options.items; ++i) {
      for (int j = 0; j < options.judges; ++j) {
        Judge judge;
        judge.id =
            Padded(("J" + std::to_string(t + 1) + "-").c_str(), i * options.judges + j + 1, 3);
        judge.name = "裁判" + judge.id;
        judge.assignments.push_back({.trade = TradeId(t), .item = Padded("item-", i + 1, 2)});
        roster.judges.push_back(std::move(judge));
      }
    }
  }
  return out;
}

void GenerateSyntheticMarks(const Competition& competition, const SyntheticOptions& options,
                            const std::function<void(const MarkEvent&)>& emit) {
  std::mt19937_64 rng(options.seed);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::vector<double> severity(competition.num_judges());
  for (double& s : severity) s = options.judge_severity_sd * normal(rng);
  for (int c = 0; c < competition.num_contestants(); ++c) {
    const double ability = 13 + 2.5 * normal(rng);
    const TradeIndex& trade = competition.trade(competition.trade_of(c));
    for (const int item : trade.items) {
      const ItemIndex& index = competition.item(item);
      const double difficulty = (index.trade_item % 3) - 1.0;
      for (const PanelSeat& seat : index.panel) {
        if (options.fill < 1 && uniform(rng) >= options.fill) continue;
        const double raw =
            ability - difficulty + severity[seat.judge] + options.mark_noise_sd * normal(rng);
        const double mark = std::clamp(std::round(raw / kItemStep) * kItemStep, 0.0, kItemMax);
        emit(MarkEvent{.contestant = c, .item = item, .judge = seat.judge, .value = mark});
      }
    }
  }
}

}  // namespace podium::engine
