// Many-facet Rasch measurement (rating-scale model) for judged items: puts
// contestant ability, item difficulty, judge severity and the rating
// thresholds on one logit scale, so a harsh judge or a strong pool no longer
// decides a medal. Formulas, estimator and conventions are in engine/README.md.
//
//   log(P[x = k] / P[x = k-1]) = B(contestant) - D(item) - C(judge) - F(k)
//
// Estimated by joint maximum likelihood (JMLE), Newton-Raphson on every
// element at once, items and judges centred on 0, thresholds summing to 0.
// Deterministic: the same observations give bit-identical estimates.
#ifndef PODIUM_ENGINE_RASCH_H_
#define PODIUM_ENGINE_RASCH_H_

#include <Eigen/Core>
#include <cstdint>
#include <vector>

#include "podium/status.h"

namespace podium::engine {

// Ratings in long form: observation o is `category[o]` (0..max_category)
// given by judge `judge[o]` to contestant `contestant[o]` on item `item[o]`.
struct RaschObservations {
  int num_contestants = 0;
  int num_items = 0;
  int num_judges = 0;
  int max_category = 0;  // categories 0..max_category; at least 1
  std::vector<std::int32_t> contestant;
  std::vector<std::int32_t> item;
  std::vector<std::int32_t> judge;
  std::vector<std::int8_t> category;

  int size() const { return static_cast<int>(category.size()); }
  void Add(int contestant_index, int item_index, int judge_index, int rating);
};

struct RaschOptions {
  int max_iterations = 500;
  // Converged when no element's observed - expected score differs by more
  // than this (score points) and no measure moved more than `max_change`.
  double max_residual = 0.005;
  double max_change = 1e-5;
  // Elements with the minimum or maximum possible score have no finite JMLE
  // measure; they are estimated for a score this far inside (Winsteps'
  // and FACETS' customary 0.3 score points).
  double extreme_adjustment = 0.3;
  // If positive, a normal prior N(0, prior_sd^2) on every measure (logits):
  // penalized JMLE. Small or separated data (a category used once, a judge
  // always exactly two marks below another) have no finite JMLE estimate;
  // the prior gives a unique one, so live and replayed estimates agree. With
  // a few dozen ratings per element a prior of 5 logits moves measures by
  // well under 0.01 logits. 0: plain JMLE, as FACETS reports.
  double prior_sd = 0;
  // JMLE overstates the spread of measures; if set, every measure and
  // threshold is multiplied by (L - 1) / L, L = mean observations per
  // contestant (Wright's correction).
  bool bias_correction = false;
};

// The estimates of one facet (contestants, items or judges), per element.
struct RaschFacet {
  Eigen::VectorXd measure;         // logits
  Eigen::VectorXd standard_error;  // model SE, 1 / sqrt(information)
  Eigen::VectorXd infit;           // information-weighted mean square (1 = as modelled)
  Eigen::VectorXd outfit;          // unweighted mean square (sensitive to outliers)
  Eigen::VectorXi count;           // observations; 0: not estimated (measure 0)
  Eigen::VectorXd observed;        // sum of categories
  Eigen::Array<bool, Eigen::Dynamic, 1> extreme;  // minimum or maximum possible score

  void Resize(int elements);
};

struct RaschEstimate {
  RaschFacet contestants;
  RaschFacet items;
  RaschFacet judges;
  // Rasch-Andrich thresholds F(1..m) at index 0..m-1, summing to 0.
  Eigen::VectorXd thresholds;
  int iterations = 0;
  bool converged = false;
  double max_residual = 0;  // score points, at the last iteration

  // Expected category (0..m) at `logit` = B - D - C: the fair rating.
  double ExpectedCategory(double logit) const;
  // Fair rating of contestant `c` on item `i` by a judge of average severity.
  double FairCategory(int c, int i) const {
    return ExpectedCategory(contestants.measure[c] - items.measure[i]);
  }
};

// Groups of contestants and judges linked by shared ratings. Two judges who
// never rated a common contestant (directly or through other judges) cannot
// be compared: their severities and the abilities of their contestants are
// then on different scales.
struct RaschSubsets {
  int count = 0;                       // subsets among rated elements
  std::vector<int> contestant_subset;  // per contestant; -1 if never rated
  std::vector<int> judge_subset;       // per judge; -1 if never rated
  std::vector<int> item_subset;        // same for the contestant-item links
  int item_count = 0;
  bool connected() const { return count <= 1 && item_count <= 1; }
};

// Finds the subsets through contestant-judge and contestant-item links. O(N).
RaschSubsets FindRaschSubsets(const RaschObservations& observations);

// Estimates every measure. `start` (optional, same sizes) warm-starts the
// iterations from a previous estimate, so a live update after a few new
// ratings converges in a few iterations.
// Errors: kInvalidArgument if an index or category is out of range (names
//         the observation); kFailedPrecondition if fewer than two categories
//         are used, a category between them is never used (recode first), or
//         the judging plan is not connected (see FindRaschSubsets).
// Cost: O(observations x categories) per iteration.
StatusOr<RaschEstimate> EstimateRasch(const RaschObservations& observations,
                                      const RaschOptions& options = {},
                                      const RaschEstimate* start = nullptr);

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_RASCH_H_
