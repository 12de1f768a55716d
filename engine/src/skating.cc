#include "podium/engine/skating.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "podium/check.h"
#include "podium/status.h"

namespace podium::engine {
namespace {

// The absolute majority of `marks` marks: more than half of them.
int Majority(int marks) { return marks / 2 + 1; }

// "judge 3" or "dance 2 judge 3" (1-based), for error messages.
std::string JudgeName(int dance, int judge) {
  std::string name = dance < 0 ? "" : "dance " + std::to_string(dance + 1) + " ";
  return name + "judge " + std::to_string(judge + 1);
}

Status CheckShape(Eigen::Index contestants, Eigen::Index judges, const std::string& prefix) {
  if (contestants == 0) return InvalidArgumentError(prefix + "no contestants");
  if (judges == 0) return InvalidArgumentError(prefix + "no judges: need at least 1");
  return OkStatus();
}

// Every judge's column must be a permutation of 1..contestants (rules 2-4).
Status CheckPlacings(const Eigen::Ref<const PlacingMatrix>& placings, int dance) {
  const int n = static_cast<int>(placings.rows());
  const std::string expected = "placings are not 1.." + std::to_string(n) + " each once";
  std::vector<int> seen(n + 1);
  for (int j = 0; j < placings.cols(); ++j) {
    std::fill(seen.begin(), seen.end(), 0);
    for (int r = 0; r < n; ++r) {
      const int value = placings(r, j);
      if (value < 1 || value > n) {
        return InvalidArgumentError(JudgeName(dance, j) + ": " + expected + " (" +
                                    std::to_string(value) + " is out of range)");
      }
      ++seen[value];
    }
    for (int value = 1; value <= n; ++value) {
      if (seen[value] > 1) {
        const std::string times =
            seen[value] == 2 ? "twice" : std::to_string(seen[value]) + " times";
        return InvalidArgumentError(JudgeName(dance, j) + ": " + expected + " (" +
                                    std::to_string(value) + " appears " + times + ")");
      }
    }
  }
  return OkStatus();
}

Breakdown EmptyBreakdown(int rows, int columns) {
  Breakdown breakdown;
  breakdown.count = Eigen::MatrixXi::Zero(rows, columns);
  breakdown.sum = Eigen::MatrixXd::Zero(rows, columns);
  breakdown.examined = CellMask::Constant(rows, columns, false);
  breakdown.sum_examined = CellMask::Constant(rows, columns, false);
  return breakdown;
}

// Turns per-place tallies into "place c + 1 or better" tallies.
void Accumulate(Breakdown* breakdown) {
  for (Eigen::Index c = 1; c < breakdown->count.cols(); ++c) {
    breakdown->count.col(c) += breakdown->count.col(c - 1);
    breakdown->sum.col(c) += breakdown->sum.col(c - 1);
  }
}

// The breakdown of placings in 1..columns (every judge's marks, or the marks
// of all judges in all items for rule 11).
Breakdown CountPlacings(const Eigen::Ref<const PlacingMatrix>& marks, int columns) {
  Breakdown breakdown = EmptyBreakdown(static_cast<int>(marks.rows()), columns);
  for (Eigen::Index j = 0; j < marks.cols(); ++j) {
    for (Eigen::Index r = 0; r < marks.rows(); ++r) {
      const int value = marks(r, j);
      breakdown.count(r, value - 1) += 1;
      breakdown.sum(r, value - 1) += value;
    }
  }
  Accumulate(&breakdown);
  return breakdown;
}

// Where two contestants' rows first differ, reading column `from` onwards:
// first the counts (larger wins, rule 6), then the sums (lower wins, rule 7),
// then the next column (rule 7). `tied` if they never differ.
struct Difference {
  int column = 0;
  bool by_sum = false;
  bool tied = false;
};

Difference FirstDifference(const Breakdown& breakdown, int a, int b, int from) {
  const int columns = static_cast<int>(breakdown.count.cols());
  for (int c = from; c < columns; ++c) {
    if (breakdown.count(a, c) != breakdown.count(b, c)) return {c, false, false};
    if (breakdown.sum(a, c) != breakdown.sum(b, c)) return {c, true, false};
  }
  return {columns - 1, true, true};
}

// True if contestant `a` is placed before `b` by rules 6 and 7 from column `from`.
bool Before(const Breakdown& breakdown, int a, int b, int from) {
  const Difference d = FirstDifference(breakdown, a, b, from);
  if (d.tied) return false;
  if (d.by_sum) return breakdown.sum(a, d.column) < breakdown.sum(b, d.column);
  return breakdown.count(a, d.column) > breakdown.count(b, d.column);
}

// Records the cells a scrutineer reads to compare `a` and `b` from column `from`.
void MarkComparison(const Difference& d, int a, int b, int from, Breakdown* breakdown) {
  const int last_sum = d.by_sum ? d.column : d.column - 1;
  for (int c = from; c <= d.column; ++c) {
    breakdown->examined(a, c) = breakdown->examined(b, c) = true;
    if (c <= last_sum) breakdown->sum_examined(a, c) = breakdown->sum_examined(b, c) = true;
  }
}

// Orders `set` by rules 6 and 7 from column `from`; contestants tied through
// the last column keep their index order.
void OrderByRules(const Breakdown& breakdown, int from, std::vector<int>* set) {
  std::stable_sort(set->begin(), set->end(),
                   [&](int a, int b) { return Before(breakdown, a, b, from); });
}

// The mean of the places first..last: how tied contestants share them.
double SharedPlace(int first, int last) { return 0.5 * (first + last); }

// Places `ordered` (the contestants with a majority in column `column`,
// ordered by rules 6 and 7) from `first_place` on.
void PlaceMajorities(const std::vector<int>& ordered, int column, int first_place, bool extended,
                     SingleDanceResult* result) {
  const int size = static_cast<int>(ordered.size());
  std::vector<Difference> next(size);  // next[i]: ordered[i] against ordered[i + 1]
  for (int i = 0; i + 1 < size; ++i) {
    next[i] = FirstDifference(result->breakdown, ordered[i], ordered[i + 1], column);
    MarkComparison(next[i], ordered[i], ordered[i + 1], column, &result->breakdown);
  }
  const auto needs_rule7 = [&](const Difference& d) {
    return d.tied || d.by_sum || d.column > column;
  };
  int group_start = 0;
  for (int i = 0; i < size; ++i) {
    const int contestant = ordered[i];
    int rule = size == 1 ? 5 : 6;
    int deciding = column;
    for (int neighbour : {i - 1, i}) {
      if (neighbour < 0 || neighbour + 1 >= size) continue;
      const Difference& d = next[neighbour];
      if (needs_rule7(d)) rule = 7;
      deciding = std::max(deciding, d.column);
    }
    if (extended && rule != 7) rule = 8;
    result->rule[contestant] = rule;
    result->deciding_column[contestant] = deciding + 1;
    // Contestants tied through the last column share their places.
    if (i + 1 == size || !next[i].tied) {
      const double place = SharedPlace(first_place + group_start, first_place + i);
      for (int k = group_start; k <= i; ++k) result->place[ordered[k]] = place;
      group_start = i + 1;
    }
  }
}

// Rules 5-8 on placings already checked.
SingleDanceResult SkateChecked(const Eigen::Ref<const PlacingMatrix>& placings) {
  const int n = static_cast<int>(placings.rows());
  SingleDanceResult result;
  result.majority = Majority(static_cast<int>(placings.cols()));
  result.breakdown = CountPlacings(placings, n);
  result.place.assign(n, 0.0);
  result.deciding_column.assign(n, 0);
  result.rule.assign(n, 0);

  std::vector<int> unplaced(n);
  std::iota(unplaced.begin(), unplaced.end(), 0);
  int next_place = 1;
  bool extended = false;  // a column passed without a majority since the last place
  // Columns advance one at a time; all contestants with a majority in a
  // column are placed before the next column is read (rules 5, 6).
  for (int column = 0; !unplaced.empty(); ++column) {
    PODIUM_CHECK(column < n);  // in the last column every contestant has every mark
    std::vector<int> majorities;
    for (int r : unplaced) {
      result.breakdown.examined(r, column) = true;
      if (result.breakdown.count(r, column) >= result.majority) majorities.push_back(r);
    }
    if (majorities.empty()) {  // rule 8: take in the next place
      extended = true;
      continue;
    }
    OrderByRules(result.breakdown, column, &majorities);
    PlaceMajorities(majorities, column, next_place, extended, &result);
    std::erase_if(unplaced, [&](int r) { return result.place[r] != 0.0; });
    next_place += static_cast<int>(majorities.size());
    extended = false;
  }
  return result;
}

// Rule 11 for `place` among `tied`: the marks of all judges in all items as
// one item, read from the column of `place` on. Returns who takes the place:
// one contestant, or all those tied through the last column (they share).
std::vector<int> DecideByAllMarks(const std::vector<int>& tied, int place, int majority,
                                  Breakdown* breakdown) {
  const int columns = static_cast<int>(breakdown->count.cols());
  for (int column = place - 1; column < columns; ++column) {
    std::vector<int> majorities;
    for (int r : tied) {
      breakdown->examined(r, column) = true;
      if (breakdown->count(r, column) >= majority) majorities.push_back(r);
    }
    if (majorities.empty()) continue;
    OrderByRules(*breakdown, column, &majorities);
    std::vector<int> winners = {majorities[0]};
    for (size_t i = 1; i < majorities.size(); ++i) {
      const Difference d = FirstDifference(*breakdown, majorities[0], majorities[i], column);
      MarkComparison(d, majorities[0], majorities[i], column, breakdown);
      if (d.tied) winners.push_back(majorities[i]);
    }
    return winners;
  }
  PODIUM_CHECK(false);  // in the last column every contestant has every mark
  return {};
}

// Every dance's placings side by side: the single item rule 11 reads.
PlacingMatrix AllMarks(const std::vector<PlacingMatrix>& dances) {
  const Eigen::Index judges = dances[0].cols();
  PlacingMatrix all(dances[0].rows(), judges * static_cast<Eigen::Index>(dances.size()));
  for (size_t d = 0; d < dances.size(); ++d) {
    all.middleCols(static_cast<Eigen::Index>(d) * judges, judges) = dances[d];
  }
  return all;
}

// Places are whole or halves (shared places); twice a place is a whole number,
// so sums and comparisons of places are exact.
std::int64_t Twice(double place) { return std::llround(2.0 * place); }

// Rule 10's table: per contestant and place p, the items placed p or better
// and the sum of those places.
Breakdown CountItemPlaces(const std::vector<SingleDanceResult>& dances, int n) {
  Breakdown breakdown = EmptyBreakdown(n, n);
  for (const SingleDanceResult& dance : dances) {
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < n; ++c) {
        if (Twice(dance.place[r]) <= 2 * (c + 1)) {
          breakdown.count(r, c) += 1;
          breakdown.sum(r, c) += dance.place[r];
        }
      }
    }
  }
  return breakdown;
}

// The contestants of `set` with the smallest (or largest) `key`.
template <typename Key>
std::vector<int> Extremes(const std::vector<int>& set, Key key, bool smallest) {
  std::vector<int> best;
  for (int r : set) {
    if (!best.empty()) {
      const auto current = key(best[0]);
      const auto candidate = key(r);
      if (candidate == current) {
        best.push_back(r);
        continue;
      }
      if ((candidate < current) != smallest) continue;
      best.clear();
    }
    best.push_back(r);
  }
  return best;
}

// Gives `winners` the places from *next_place on, shared (averaged) if there
// are several, and moves *next_place past them.
void Award(const std::vector<int>& winners, int* next_place, std::vector<double>* place) {
  const int last_place = *next_place + static_cast<int>(winners.size()) - 1;
  for (int r : winners) (*place)[r] = SharedPlace(*next_place, last_place);
  *next_place = last_place + 1;
}

// Rule 10 (a) and (b) for `place` among `tied` (two or more): the most items
// placed `place` or better, then the lowest sum of those places. Returns
// those it leaves equal (one if it decided the place).
std::vector<int> DecideByItemPlaces(const std::vector<int>& tied, int place,
                                    MultiDanceResult* result) {
  const int column = place - 1;
  Breakdown& table = result->rule10;
  // Each pass relabels those it considers: the last rule that separated a
  // contestant from the others is the one that decided its place.
  for (int r : tied) {
    result->rule[r] = 10;
    table.examined(r, column) = true;
  }
  std::vector<int> equal = Extremes(
      tied, [&](int r) { return table.count(r, column); }, /*smallest=*/false);
  if (equal.size() > 1) {
    for (int r : equal) table.sum_examined(r, column) = true;
    equal = Extremes(
        equal, [&](int r) { return Twice(table.sum(r, column)); }, /*smallest=*/true);
  }
  return equal;
}

// Rules 10 and 11 for `tied`, contestants equal on the place sum: places all
// of them, from *next_place on, and moves *next_place past them.
//
// Rule 10 decides one place at a time; whoever it does not place is
// reconsidered, from rule 10 again, for the next place. When rule 10 leaves
// several equal, they stay together: rule 11 gives the place to one of them
// (or to several, who share), and the rest of them are placed next, among
// themselves and again from rule 10, before anyone of `tied` that rule 10 had
// already put behind them (DTV TSO Anhang 2, the couples 26-76 and 27-77
// examples; docs/skating.md).
void PlaceTied(std::vector<int> tied, int* next_place, MultiDanceResult* result) {
  while (!tied.empty()) {
    std::vector<int> equal = tied;
    if (tied.size() > 1) equal = DecideByItemPlaces(tied, *next_place, result);
    if (equal.size() == 1) {
      Award(equal, next_place, &result->place);
    } else {
      for (int r : equal) result->rule[r] = 11;
      const std::vector<int> winners =
          DecideByAllMarks(equal, *next_place, result->rule11_majority, &result->rule11);
      Award(winners, next_place, &result->place);
      std::vector<int> rest = equal;
      std::erase_if(rest, [&](int r) { return result->place[r] != 0.0; });
      PlaceTied(std::move(rest), next_place, result);  // places at least one fewer
    }
    std::erase_if(tied, [&](int r) { return result->place[r] != 0.0; });
  }
}

}  // namespace

StatusOr<SingleDanceResult> SkateSingleDance(const Eigen::Ref<const PlacingMatrix>& placings) {
  PODIUM_RETURN_IF_ERROR(CheckShape(placings.rows(), placings.cols(), ""));
  PODIUM_RETURN_IF_ERROR(CheckPlacings(placings, -1));
  return SkateChecked(placings);
}

StatusOr<MultiDanceResult> SkateMultiDance(const std::vector<PlacingMatrix>& dances) {
  if (dances.empty()) return InvalidArgumentError("no dances: need at least 1");
  const Eigen::Index rows = dances[0].rows();
  const Eigen::Index judges = dances[0].cols();
  PODIUM_RETURN_IF_ERROR(CheckShape(rows, judges, "dance 1: "));
  for (size_t d = 0; d < dances.size(); ++d) {
    if (dances[d].rows() != rows || dances[d].cols() != judges) {
      return InvalidArgumentError("dance " + std::to_string(d + 1) + ": " +
                                  std::to_string(dances[d].rows()) + " contestants x " +
                                  std::to_string(dances[d].cols()) + " judges, but dance 1 has " +
                                  std::to_string(rows) + " x " + std::to_string(judges));
    }
    PODIUM_RETURN_IF_ERROR(CheckPlacings(dances[d], static_cast<int>(d)));
  }

  const int n = static_cast<int>(rows);
  MultiDanceResult result;
  for (const PlacingMatrix& dance : dances) result.dances.push_back(SkateChecked(dance));

  // Rule 9: the sum of the places in the items.
  std::vector<std::int64_t> twice_sum(n, 0);
  result.place_sum.assign(n, 0.0);
  for (int r = 0; r < n; ++r) {
    for (const SingleDanceResult& dance : result.dances) twice_sum[r] += Twice(dance.place[r]);
    result.place_sum[r] = 0.5 * static_cast<double>(twice_sum[r]);
  }
  result.rule10 = CountItemPlaces(result.dances, n);
  result.rule11 = CountPlacings(AllMarks(dances), n);
  result.rule11_majority = Majority(static_cast<int>(judges) * static_cast<int>(dances.size()));
  result.place.assign(n, 0.0);
  result.rule.assign(n, 9);

  std::vector<int> unplaced(n);
  std::iota(unplaced.begin(), unplaced.end(), 0);
  int next_place = 1;
  // Each pass places the contestants with the lowest place sum left (rule 9),
  // breaking their tie, if any, by rules 10 and 11.
  while (!unplaced.empty()) {
    const std::vector<int> tied = Extremes(
        unplaced, [&](int r) { return twice_sum[r]; }, /*smallest=*/true);
    PlaceTied(tied, &next_place, &result);
    std::erase_if(unplaced, [&](int r) { return result.place[r] != 0.0; });
  }
  return result;
}

StatusOr<RecallResult> CountRecalls(const std::vector<RecallMatrix>& dances, int crosses_per_judge,
                                    int advance) {
  if (dances.empty()) return InvalidArgumentError("no dances: need at least 1");
  const Eigen::Index rows = dances[0].rows();
  const Eigen::Index judges = dances[0].cols();
  PODIUM_RETURN_IF_ERROR(CheckShape(rows, judges, "dance 1: "));
  const int n = static_cast<int>(rows);
  if (advance < 1) {
    return InvalidArgumentError("advance " + std::to_string(advance) + ": need at least 1");
  }
  if (crosses_per_judge < 0 || crosses_per_judge > n) {
    return InvalidArgumentError("crosses per judge " + std::to_string(crosses_per_judge) +
                                " outside [0, " + std::to_string(n) + "]");
  }
  RecallResult result;
  result.crosses.assign(n, 0);
  for (size_t d = 0; d < dances.size(); ++d) {
    const RecallMatrix& dance = dances[d];
    if (dance.rows() != rows || dance.cols() != judges) {
      return InvalidArgumentError("dance " + std::to_string(d + 1) + ": " +
                                  std::to_string(dance.rows()) + " contestants x " +
                                  std::to_string(dance.cols()) + " judges, but dance 1 has " +
                                  std::to_string(rows) + " x " + std::to_string(judges));
    }
    for (Eigen::Index j = 0; j < judges; ++j) {
      const int marked = static_cast<int>(dance.col(j).count());
      if (marked != crosses_per_judge) {
        return InvalidArgumentError(JudgeName(static_cast<int>(d), static_cast<int>(j)) + ": " +
                                    std::to_string(marked) + " crosses, asked for " +
                                    std::to_string(crosses_per_judge));
      }
    }
    for (int r = 0; r < n; ++r) result.crosses[r] += static_cast<int>(dance.row(r).count());
  }

  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return result.crosses[a] > result.crosses[b]; });
  result.cutoff = result.crosses[order[std::min(advance, n) - 1]];
  result.recalled.assign(n, false);
  for (int r = 0; r < n; ++r) {
    if (result.crosses[r] >= result.cutoff) {
      result.recalled[r] = true;
      ++result.recalled_count;
    }
  }
  result.tie_exceeds_advance = result.recalled_count > advance;
  return result;
}

std::string FormatPlace(double place) {
  const std::int64_t twice = Twice(place);
  const std::string whole = std::to_string(twice / 2);
  return twice % 2 == 0 ? whole : whole + ".5";
}

namespace {

std::string ColumnName(int column) { return column == 0 ? "1" : "1-" + std::to_string(column + 1); }

std::string JudgeLetter(int judge) {
  return judge < 26 ? std::string(1, static_cast<char>('A' + judge))
                    : "J" + std::to_string(judge + 1);
}

std::string Label(const std::vector<std::string>& labels, int contestant) {
  return labels.empty() ? std::to_string(contestant + 1) : labels[contestant];
}

std::string Cell(const Breakdown& breakdown, int r, int c) {
  if (!breakdown.examined(r, c)) return "-";
  std::string cell = std::to_string(breakdown.count(r, c));
  if (breakdown.sum_examined(r, c)) cell += "(" + FormatPlace(breakdown.sum(r, c)) + ")";
  return cell;
}

}  // namespace

TextTable RenderBreakdown(const Breakdown& breakdown, const std::vector<double>& place,
                          const std::vector<std::string>& labels) {
  const int rows = static_cast<int>(breakdown.count.rows());
  const int columns = static_cast<int>(breakdown.count.cols());
  PODIUM_CHECK(static_cast<int>(place.size()) == rows);
  PODIUM_CHECK(labels.empty() || static_cast<int>(labels.size()) == rows);
  TextTable table;
  std::vector<std::string> header = {""};
  for (int c = 0; c < columns; ++c) header.push_back(ColumnName(c));
  header.push_back("place");
  table.push_back(std::move(header));
  for (int r = 0; r < rows; ++r) {
    if (!breakdown.examined.row(r).any()) continue;
    std::vector<std::string> row = {Label(labels, r)};
    for (int c = 0; c < columns; ++c) row.push_back(Cell(breakdown, r, c));
    row.push_back(FormatPlace(place[r]));
    table.push_back(std::move(row));
  }
  return table;
}

TextTable RenderSingleDance(const Eigen::Ref<const PlacingMatrix>& placings,
                            const SingleDanceResult& result,
                            const std::vector<std::string>& labels) {
  const int rows = static_cast<int>(placings.rows());
  const int judges = static_cast<int>(placings.cols());
  PODIUM_CHECK(static_cast<int>(result.place.size()) == rows);
  PODIUM_CHECK(labels.empty() || static_cast<int>(labels.size()) == rows);
  const Breakdown& breakdown = result.breakdown;
  TextTable table;
  std::vector<std::string> header = {""};
  for (int j = 0; j < judges; ++j) header.push_back(JudgeLetter(j));
  for (int c = 0; c < breakdown.count.cols(); ++c) header.push_back(ColumnName(c));
  header.push_back("place");
  table.push_back(std::move(header));
  for (int r = 0; r < rows; ++r) {
    std::vector<std::string> row = {Label(labels, r)};
    for (int j = 0; j < judges; ++j) row.push_back(std::to_string(placings(r, j)));
    for (int c = 0; c < breakdown.count.cols(); ++c) row.push_back(Cell(breakdown, r, c));
    row.push_back(FormatPlace(result.place[r]));
    table.push_back(std::move(row));
  }
  return table;
}

TextTable RenderSummary(const MultiDanceResult& result, const std::vector<std::string>& dance_names,
                        const std::vector<std::string>& labels) {
  const int rows = static_cast<int>(result.place.size());
  const int dances = static_cast<int>(result.dances.size());
  PODIUM_CHECK(dance_names.empty() || static_cast<int>(dance_names.size()) == dances);
  PODIUM_CHECK(labels.empty() || static_cast<int>(labels.size()) == rows);
  TextTable table;
  std::vector<std::string> header = {""};
  for (int d = 0; d < dances; ++d) {
    header.push_back(dance_names.empty() ? std::to_string(d + 1) : dance_names[d]);
  }
  header.insert(header.end(), {"total", "place", "rule"});
  table.push_back(std::move(header));
  for (int r = 0; r < rows; ++r) {
    std::vector<std::string> row = {Label(labels, r)};
    for (const SingleDanceResult& dance : result.dances) row.push_back(FormatPlace(dance.place[r]));
    row.push_back(FormatPlace(result.place_sum[r]));
    row.push_back(FormatPlace(result.place[r]));
    row.push_back(std::to_string(result.rule[r]));
    table.push_back(std::move(row));
  }
  return table;
}

}  // namespace podium::engine
