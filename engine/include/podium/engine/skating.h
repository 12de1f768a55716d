// The skating system: places contestants in events judged by placings (the
// finals of dance sport), following the eleven rules of "The Skating System"
// (Official Board of Ballroom Dancing; as published today by the WDSF).
//   rule 1      CountRecalls(): crosses in the preliminary rounds
//   rules 5-8   SkateSingleDance(): the places in one item (one dance)
//   rules 9-11  SkateMultiDance(): the final places over several items
// Render*() turn the results into the tables a scrutineer checks by hand.
// The rules as implemented, and where they are subtle: docs/skating.md.
//
// Contestants are rows and are numbered from 0; judges are columns. Places,
// columns and the rule numbers in the results are 1-based, as printed.
#ifndef PODIUM_ENGINE_SKATING_H_
#define PODIUM_ENGINE_SKATING_H_

#include <Eigen/Core>
#include <string>
#include <vector>

#include "podium/status.h"

namespace podium::engine {

// The placings of one item: rows = contestants, columns = judges. Each judge's
// column is a permutation of 1..contestants (1 = best; no ties).
using PlacingMatrix = Eigen::MatrixXi;
// The crosses of one item in a preliminary round: true where the judge
// recalls the contestant.
using RecallMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
// Which cells of a Breakdown the rules looked at.
using CellMask = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;

// The working table of the skating system: rows = contestants, column c (from
// 0) = place c + 1 or better, printed "1", "1-2", "1-3", ...
struct Breakdown {
  Eigen::MatrixXi count;  // marks (or items) at that place or better
  Eigen::MatrixXd sum;    // the sum of those marks (item places may be shared: 2.5)
  CellMask examined;      // cells the rules needed; the rest print as "-"
  CellMask sum_examined;  // cells whose sum was needed too, printed "count(sum)"
};

// The places in one item (rules 5-8).
struct SingleDanceResult {
  int majority = 0;           // the absolute majority: judges / 2 + 1
  std::vector<double> place;  // per contestant; a shared place is the mean (2.5)
  Breakdown breakdown;        // over the judges' placings
  // The column (1-based) in which the contestant's place was decided.
  std::vector<int> deciding_column;
  // The rule that decided the contestant's place, the first that applies of:
  //   7  equal majorities: it took the sum of the placings forming the
  //      majority, or a later column, to separate it from another contestant,
  //      or nothing did and the place is shared;
  //   8  nobody left had a majority in the column(s) before the deciding one,
  //      so the column was extended;
  //   6  several contestants had a majority in the deciding column, and the
  //      size of its majority placed it;
  //   5  it alone had a majority in the deciding column.
  std::vector<int> rule;
};

// Places the contestants in one item.
// Errors: kInvalidArgument if there is no contestant or no judge, or if a
// judge's column is not a permutation of 1..contestants (the message names
// the judge, 1-based, and the problem).
StatusOr<SingleDanceResult> SkateSingleDance(const Eigen::Ref<const PlacingMatrix>& placings);

// The final places over several items (rules 9-11).
struct MultiDanceResult {
  std::vector<SingleDanceResult> dances;  // one per item, in input order
  std::vector<double> place_sum;          // rule 9: the sum of the item places
  std::vector<double> place;              // the final places; shared ones are averaged
  // The rule that decided the contestant's place: 9 if its place sum alone
  // did; 10 if it was tied on the place sum and rule 10 last separated it
  // from the others tied (also when rule 10 put it behind a group that rule
  // 11 then placed first); 11 if rule 11 last separated it (also when it was
  // the last of such a group left), or it shares a place after rule 11.
  std::vector<int> rule;
  // Rule 10: count = items in which the contestant was placed c + 1 or
  // better, sum = the sum of those places. Examined for the tied contestants
  // at the places they were considered for.
  Breakdown rule10;
  // Rule 11: the placings of all judges in all items taken as one item.
  // Examined for the contestants rule 10 left equal, from the column of each
  // place rule 11 was applied for among them.
  Breakdown rule11;
  int rule11_majority = 0;  // judges * items / 2 + 1
};

// Places the contestants over `dances` (one PlacingMatrix per item, all of
// the same contestants and judges, rows in the same order). Contestants that
// rule 10 leaves equal are placed together, by rule 11, before the others
// tied with them on the place sum (docs/skating.md).
// Errors: kInvalidArgument if there is no item, no contestant or no judge, if
// the items' dimensions differ, or if a judge's column in an item is not a
// permutation of 1..contestants (the message names item and judge, 1-based).
StatusOr<MultiDanceResult> SkateMultiDance(const std::vector<PlacingMatrix>& dances);

// The outcome of a preliminary round (rule 1).
struct RecallResult {
  std::vector<int> crosses;    // per contestant, over all items and judges
  std::vector<bool> recalled;  // per contestant: goes on to the next round
  int recalled_count = 0;
  int cutoff = 0;                    // the crosses of the last contestant recalled
  bool tie_exceeds_advance = false;  // ties at the cutoff recalled more than `advance`
};

// Recalls the `advance` contestants with the most crosses over all `dances`
// (one RecallMatrix per item, same shape), and everyone tied with the last
// of them; when those ties recall more than `advance`, says so (the chairman
// of judges decides how many dance on). Every judge must have marked exactly
// `crosses_per_judge` contestants in every item.
// Errors: kInvalidArgument if there is no item, no contestant or no judge, if
// the items' shapes differ, if `advance` < 1 or `crosses_per_judge` is not in
// 0..contestants, or if a judge marked a different number of contestants
// (the message names item and judge, 1-based).
StatusOr<RecallResult> CountRecalls(const std::vector<RecallMatrix>& dances, int crosses_per_judge,
                                    int advance);

// Text tables: plain rows of cells, the header row first.
using TextTable = std::vector<std::vector<std::string>>;

// "3", "2.5": a place or a sum of places as the rule books print it.
std::string FormatPlace(double place);

// The breakdown as a scrutineer writes it: a header ("", "1", "1-2", ...,
// "place"), then one row per contestant with an examined cell, labelled by
// `labels` (or "1", "2", ... if empty). A cell is "4", "4(6)" when its sum
// was needed, or "-". Requires labels.size() to be 0 or the contestant count.
TextTable RenderBreakdown(const Breakdown& breakdown, const std::vector<double>& place,
                          const std::vector<std::string>& labels = {});

// One item in full: the judges' placings (judges "A", "B", ...), the
// breakdown and the place, one row per contestant.
TextTable RenderSingleDance(const Eigen::Ref<const PlacingMatrix>& placings,
                            const SingleDanceResult& result,
                            const std::vector<std::string>& labels = {});

// The final summary: the place in each item ("1", "2", ... or `dance_names`),
// "total", "place" and "rule" (9, 10 or 11), one row per contestant.
TextTable RenderSummary(const MultiDanceResult& result,
                        const std::vector<std::string>& dance_names = {},
                        const std::vector<std::string>& labels = {});

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SKATING_H_
