#include "podium/engine/rasch.h"

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "podium/check.h"

namespace podium::engine {
namespace {

// A Newton step never moves a measure further than this (logits): far from
// the solution the quadratic model overshoots.
constexpr double kMaxStep = 1.0;

// Category probabilities at `logit` for thresholds `tau` (cumulative sums of
// F, tau[0] = 0). Writes p[0..m]; returns the expected category and its
// variance through `expected` and `variance`.
void CategoryProbabilities(double logit, const Eigen::VectorXd& tau, double* p, double* expected,
                           double* variance) {
  const int m = static_cast<int>(tau.size()) - 1;
  double top = -INFINITY;
  for (int k = 0; k <= m; ++k) {
    p[k] = k * logit - tau[k];
    top = std::max(top, p[k]);
  }
  double total = 0;
  for (int k = 0; k <= m; ++k) {
    p[k] = std::exp(p[k] - top);
    total += p[k];
  }
  double e = 0;
  double e2 = 0;
  for (int k = 0; k <= m; ++k) {
    p[k] /= total;
    e += k * p[k];
    e2 += static_cast<double>(k) * k * p[k];
  }
  *expected = e;
  *variance = std::max(e2 - e * e, 1e-12);
}

Eigen::VectorXd CumulativeThresholds(const Eigen::VectorXd& thresholds) {
  Eigen::VectorXd tau(thresholds.size() + 1);
  tau[0] = 0;
  for (int k = 0; k < thresholds.size(); ++k) tau[k + 1] = tau[k] + thresholds[k];
  return tau;
}

// Union-find over `a` elements then `b` elements.
class Subsets final {
 public:
  explicit Subsets(int n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Join(int x, int y) {
    x = Find(x);
    y = Find(y);
    if (x != y) parent_[std::max(x, y)] = std::min(x, y);
  }

 private:
  std::vector<int> parent_;
};

// Numbers the components of the contestant + other graph; returns how many.
int Label(const std::vector<std::int32_t>& contestant, const std::vector<std::int32_t>& other,
          int num_contestants, int num_other, std::vector<int>& contestant_subset,
          std::vector<int>* other_subset) {
  Subsets sets(num_contestants + num_other);
  std::vector<char> rated(num_contestants + num_other, 0);
  for (std::size_t o = 0; o < contestant.size(); ++o) {
    sets.Join(contestant[o], num_contestants + other[o]);
    rated[contestant[o]] = 1;
    rated[num_contestants + other[o]] = 1;
  }
  std::vector<int> label(num_contestants + num_other, -1);
  int count = 0;
  std::vector<int> label_of_root(num_contestants + num_other, -1);
  for (int x = 0; x < num_contestants + num_other; ++x) {
    if (!rated[x]) continue;
    int& root_label = label_of_root[sets.Find(x)];
    if (root_label < 0) root_label = count++;
    label[x] = root_label;
  }
  contestant_subset.assign(label.begin(), label.begin() + num_contestants);
  if (other_subset != nullptr) other_subset->assign(label.begin() + num_contestants, label.end());
  return count;
}

std::string SubsetSummary(const RaschSubsets& subsets) {
  std::vector<int> contestants(subsets.count, 0);
  std::vector<int> judges(subsets.count, 0);
  for (int s : subsets.contestant_subset) {
    if (s >= 0) ++contestants[s];
  }
  for (int s : subsets.judge_subset) {
    if (s >= 0) ++judges[s];
  }
  std::string text;
  for (int s = 0; s < subsets.count; ++s) {
    if (!text.empty()) text += "; ";
    text += "subset " + std::to_string(s + 1) + ": " + std::to_string(judges[s]) + " judge(s), " +
            std::to_string(contestants[s]) + " contestant(s)";
  }
  return text;
}

Status ValidateShape(const RaschObservations& obs) {
  if (obs.max_category < 1) {
    return FailedPreconditionError("a rating scale needs at least two categories, got " +
                                   std::to_string(obs.max_category + 1));
  }
  if (obs.contestant.size() != obs.category.size() || obs.item.size() != obs.category.size() ||
      obs.judge.size() != obs.category.size()) {
    return InvalidArgumentError("observation columns differ in length");
  }
  if (obs.size() == 0) return FailedPreconditionError("no ratings to estimate from");
  for (int o = 0; o < obs.size(); ++o) {
    if (obs.contestant[o] < 0 || obs.contestant[o] >= obs.num_contestants || obs.item[o] < 0 ||
        obs.item[o] >= obs.num_items || obs.judge[o] < 0 || obs.judge[o] >= obs.num_judges) {
      return InvalidArgumentError("observation " + std::to_string(o + 1) +
                                  ": contestant, item or judge index out of range");
    }
    if (obs.category[o] < 0 || obs.category[o] > obs.max_category) {
      return InvalidArgumentError("observation " + std::to_string(o + 1) + ": category " +
                                  std::to_string(obs.category[o]) + " outside [0, " +
                                  std::to_string(obs.max_category) + "]");
    }
  }
  return OkStatus();
}

// Whether the ratings that take part in the joint estimate (everything but
// extreme scores) determine the measures.
Status CheckEstimable(const RaschObservations& obs, bool with_prior) {
  if (obs.size() == 0) {
    return FailedPreconditionError(
        "every contestant, item or judge has an extreme score (all marks the lowest or the "
        "highest in use)");
  }
  std::vector<int> used(obs.max_category + 1, 0);
  for (int o = 0; o < obs.size(); ++o) ++used[obs.category[o]];
  for (int k = 0; k <= obs.max_category; ++k) {
    // With a prior an unused category's threshold stays finite.
    if (used[k] == 0 && !with_prior) {
      return FailedPreconditionError(
          "rating category " + std::to_string(k) +
          " is not used (apart from contestants, items or judges with extreme scores); the "
          "categories in use must run 0..m without gaps");
    }
  }
  const RaschSubsets subsets = FindRaschSubsets(obs);
  if (subsets.count > 1) {
    return FailedPreconditionError(
        "judging plan is not connected: " + std::to_string(subsets.count) +
        " groups of judges never rated a common contestant, so their severities cannot be "
        "compared (" +
        SubsetSummary(subsets) + ")");
  }
  if (subsets.item_count > 1) {
    return FailedPreconditionError(
        "judging plan is not connected: " + std::to_string(subsets.item_count) +
        " groups of items were rated for disjoint contestants");
  }
  return OkStatus();
}

// Shifts a facet's rated elements to mean 0.
void Centre(RaschFacet& facet) {
  double total = 0;
  int n = 0;
  for (int e = 0; e < facet.measure.size(); ++e) {
    if (facet.count[e] == 0) continue;
    total += facet.measure[e];
    ++n;
  }
  if (n == 0) return;
  const double mean = total / n;
  for (int e = 0; e < facet.measure.size(); ++e) {
    if (facet.count[e] != 0) facet.measure[e] -= mean;
  }
}

// Counts and scores of every element over `obs`; marks as extreme the
// elements with the minimum or maximum possible score.
void CountFacet(const std::vector<std::int32_t>& index, const RaschObservations& obs,
                RaschFacet& facet) {
  facet.count.setZero();
  facet.observed.setZero();
  for (int o = 0; o < obs.size(); ++o) {
    ++facet.count[index[o]];
    facet.observed[index[o]] += obs.category[o];
  }
  for (int e = 0; e < facet.count.size(); ++e) {
    const double top = static_cast<double>(facet.count[e]) * obs.max_category;
    facet.extreme[e] = facet.count[e] > 0 && (facet.observed[e] <= 0 || facet.observed[e] >= top);
  }
}

// The ratings that take part in the joint estimate: extreme elements are
// removed, and removing them can make others extreme, so repeat until none.
RaschObservations WithoutExtremes(const RaschObservations& obs, RaschEstimate& est) {
  RaschObservations active = obs;
  while (true) {
    CountFacet(active.contestant, active, est.contestants);
    CountFacet(active.item, active, est.items);
    CountFacet(active.judge, active, est.judges);
    RaschObservations kept = active;
    kept.contestant.clear();
    kept.item.clear();
    kept.judge.clear();
    kept.category.clear();
    for (int o = 0; o < active.size(); ++o) {
      if (est.contestants.extreme[active.contestant[o]] || est.items.extreme[active.item[o]] ||
          est.judges.extreme[active.judge[o]]) {
        continue;
      }
      kept.Add(active.contestant[o], active.item[o], active.judge[o], active.category[o]);
    }
    if (kept.size() == active.size()) return active;
    active = std::move(kept);
  }
}

// What one observation tells about the parameters at the current measures.
struct ObservationTerms {
  double expected = 0;
  double variance = 0;
  std::vector<double> p;       // P(x = k), k = 0..m
  std::vector<double> above;   // P(x >= k), k = 1..m at index k - 1
  std::vector<double> linked;  // Cov(x, [x >= k]), k = 1..m at index k - 1

  explicit ObservationTerms(int m) : p(m + 1), above(m), linked(m) {}
  void Compute(double logit, const Eigen::VectorXd& tau) {
    CategoryProbabilities(logit, tau, p.data(), &expected, &variance);
    const int m = static_cast<int>(above.size());
    double at_or_above = 0;
    double weighted = 0;  // sum of h p(h), h >= k
    for (int k = m; k >= 1; --k) {
      at_or_above += p[k];
      weighted += k * p[k];
      above[k - 1] = at_or_above;
      linked[k - 1] = weighted - expected * at_or_above;
    }
  }
};

// Joint Newton-Raphson over all parameters. Contestants are many and each
// touches few items and judges, so their block of the information matrix is
// diagonal: it is eliminated (Schur complement), leaving a small dense system
// over items, judges and thresholds. Exact Newton steps converge in a handful
// of iterations where per-element steps take dozens (the facets absorb the
// same residuals and a ring of rotating panels propagates them slowly).
class JointNewton final {
 public:
  JointNewton(const RaschObservations& obs, double prior_sd, RaschEstimate& est)
      : obs_(obs),
        precision_(prior_sd > 0 ? 1 / (prior_sd * prior_sd) : 0),
        est_(est),
        m_(obs.max_category),
        items_(obs.num_items),
        params_(obs.num_items + obs.num_judges + obs.max_category),
        terms_(obs.max_category) {
    // Observations grouped by contestant (counting sort, stable).
    first_.assign(obs.num_contestants + 1, 0);
    for (int o = 0; o < obs.size(); ++o) ++first_[obs.contestant[o] + 1];
    for (int c = 0; c < obs.num_contestants; ++c) first_[c + 1] += first_[c];
    order_.resize(obs.size());
    std::vector<int> next(first_.begin(), first_.end() - 1);
    for (int o = 0; o < obs.size(); ++o) order_[next[obs.contestant[o]]++] = o;
    variance_.resize(obs.size());
    gradient_.resize(obs.num_contestants);
    information_.resize(obs.num_contestants);
    linked_sum_.resize(obs.num_contestants, m_);
    slot_.assign(params_, -1);
  }

  // One Newton step on every parameter. Returns the largest score residual
  // before the step and the largest change it made.
  void Step(double* max_residual, double* max_change) {
    const Eigen::VectorXd tau = CumulativeThresholds(est_.thresholds);
    Eigen::MatrixXd reduced = Eigen::MatrixXd::Zero(params_, params_);
    Eigen::VectorXd rhs = Eigen::VectorXd::Zero(params_);
    Eigen::VectorXd raw_gradient = Eigen::VectorXd::Zero(params_);
    std::vector<int> touched;
    std::vector<double> coupling;
    *max_residual = 0;
    for (int c = 0; c < obs_.num_contestants; ++c) {
      if (first_[c] == first_[c + 1]) continue;
      touched.clear();
      coupling.clear();
      for (int k = 0; k < m_; ++k) Touch(Threshold(k), touched, coupling);
      double g = 0;
      double info = 0;
      for (int at = first_[c]; at < first_[c + 1]; ++at) {
        const int o = order_[at];
        const int d = Item(obs_.item[o]);
        const int s = Judge(obs_.judge[o]);
        terms_.Compute(est_.contestants.measure[c] - est_.items.measure[obs_.item[o]] -
                           est_.judges.measure[obs_.judge[o]],
                       tau);
        const double v = terms_.variance;
        const double residual = obs_.category[o] - terms_.expected;
        variance_[o] = v;
        g += residual;
        info += v;
        // Gradient and information of the item, judge and threshold block.
        raw_gradient[d] -= residual;
        raw_gradient[s] -= residual;
        reduced(d, d) += v;
        reduced(s, s) += v;
        reduced(d, s) += v;
        reduced(s, d) += v;
        coupling[Touch(d, touched, coupling)] -= v;
        coupling[Touch(s, touched, coupling)] -= v;
        for (int k = 0; k < m_; ++k) {
          const int f = Threshold(k);
          raw_gradient[f] += terms_.above[k] - (obs_.category[o] > k ? 1 : 0);
          reduced(d, f) += terms_.linked[k];
          reduced(f, d) += terms_.linked[k];
          reduced(s, f) += terms_.linked[k];
          reduced(f, s) += terms_.linked[k];
          coupling[k] -= terms_.linked[k];
          for (int l = 0; l <= k; ++l) {
            // Cov([x >= k], [x >= l]) = P(x >= max) - P(x >= k) P(x >= l).
            const double cov = terms_.above[k] - terms_.above[k] * terms_.above[l];
            reduced(f, Threshold(l)) += cov;
            if (l != k) reduced(Threshold(l), f) += cov;
          }
        }
      }
      g -= precision_ * est_.contestants.measure[c];
      info += precision_;
      gradient_[c] = g;
      information_[c] = info;
      for (int k = 0; k < m_; ++k) linked_sum_(c, k) = -coupling[k];
      *max_residual = std::max(*max_residual, std::abs(g));
      // Eliminate the contestant: reduced -= a a' / info, rhs -= a g / info.
      for (std::size_t x = 0; x < touched.size(); ++x) {
        rhs[touched[x]] -= coupling[x] * g / info;
        for (std::size_t y = 0; y < touched.size(); ++y) {
          reduced(touched[x], touched[y]) -= coupling[x] * coupling[y] / info;
        }
      }
      for (int p : touched) slot_[p] = -1;
    }
    rhs += raw_gradient;

    // A prior N(0, prior_sd^2) on every measure: its log density is added to
    // the likelihood (gradient -x / sd^2, information 1 / sd^2).
    if (precision_ > 0) {
      for (int i = 0; i < obs_.num_items; ++i) {
        rhs[Item(i)] -= precision_ * est_.items.measure[i];
        reduced(Item(i), Item(i)) += precision_;
      }
      for (int j = 0; j < obs_.num_judges; ++j) {
        rhs[Judge(j)] -= precision_ * est_.judges.measure[j];
        reduced(Judge(j), Judge(j)) += precision_;
      }
      for (int k = 0; k < m_; ++k) {
        rhs[Threshold(k)] -= precision_ * est_.thresholds[k];
        reduced(Threshold(k), Threshold(k)) += precision_;
      }
    }
    if (precision_ > 0) {
      for (int i = 0; i < obs_.num_items; ++i) {
        raw_gradient[Item(i)] -= precision_ * est_.items.measure[i];
      }
      for (int j = 0; j < obs_.num_judges; ++j) {
        raw_gradient[Judge(j)] -= precision_ * est_.judges.measure[j];
      }
      for (int k = 0; k < m_; ++k) {
        raw_gradient[Threshold(k)] -= precision_ * est_.thresholds[k];
      }
    }
    // At the constrained optimum each block's gradient is constant (the
    // constraint's multiplier), so the residual is its deviation from the
    // block mean.
    *max_residual =
        std::max({*max_residual, BlockResidual(raw_gradient, 0, obs_.num_items, &est_.items.count),
                  BlockResidual(raw_gradient, items_, obs_.num_judges, &est_.judges.count),
                  BlockResidual(raw_gradient, params_ - m_, m_, nullptr)});
    const Eigen::VectorXd delta = SolveCentred(reduced, rhs);
    *max_change = 0;
    const auto apply = [&](double& measure, double step) {
      step = std::clamp(step, -kMaxStep, kMaxStep);
      measure += step;
      *max_change = std::max(*max_change, std::abs(step));
    };
    for (int i = 0; i < obs_.num_items; ++i) apply(est_.items.measure[i], delta[Item(i)]);
    for (int j = 0; j < obs_.num_judges; ++j) apply(est_.judges.measure[j], delta[Judge(j)]);
    for (int k = 0; k < m_; ++k) apply(est_.thresholds[k], delta[Threshold(k)]);
    for (int c = 0; c < obs_.num_contestants; ++c) {
      if (first_[c] == first_[c + 1]) continue;
      // delta_c = (g_c - a_c' delta_e) / info_c.
      double coupled = 0;
      for (int at = first_[c]; at < first_[c + 1]; ++at) {
        const int o = order_[at];
        coupled -= variance_[o] * (delta[Item(obs_.item[o])] + delta[Judge(obs_.judge[o])]);
      }
      for (int k = 0; k < m_; ++k) coupled -= linked_sum_(c, k) * delta[Threshold(k)];
      apply(est_.contestants.measure[c], (gradient_[c] - coupled) / information_[c]);
    }
  }

 private:
  int Item(int i) const { return i; }
  int Judge(int j) const { return items_ + j; }
  int Threshold(int k) const { return params_ - m_ + k; }

  // The slot of parameter `p` in this contestant's coupling vector.
  int Touch(int p, std::vector<int>& touched, std::vector<double>& coupling) {
    if (slot_[p] < 0) {
      slot_[p] = static_cast<int>(touched.size());
      touched.push_back(p);
      coupling.push_back(0);
    }
    return slot_[p];
  }

  static double BlockResidual(const Eigen::VectorXd& gradient, int offset, int count,
                              const Eigen::VectorXi* counts) {
    double sum = 0;
    int rated = 0;
    for (int a = 0; a < count; ++a) {
      if (counts != nullptr && (*counts)[a] == 0) continue;
      sum += gradient[offset + a];
      ++rated;
    }
    double largest = 0;
    for (int a = 0; a < count; ++a) {
      if (counts != nullptr && (*counts)[a] == 0) continue;
      largest = std::max(largest, std::abs(gradient[offset + a] - sum / rated));
    }
    return largest;
  }

  // The Newton step under the centring constraints (items, judges and
  // thresholds each sum to 0), as the KKT system
  //   [reduced U; U' 0] [delta; lambda] = [rhs; -U' current].
  // Without them the likelihood is flat along "shift every item (or judge,
  // or threshold) and let the contestants follow". Never-rated elements are
  // pinned where they are.
  Eigen::VectorXd SolveCentred(const Eigen::MatrixXd& reduced, const Eigen::VectorXd& rhs) const {
    const int n = params_ + 3;
    Eigen::MatrixXd kkt = Eigen::MatrixXd::Zero(n, n);
    Eigen::VectorXd b = Eigen::VectorXd::Zero(n);
    kkt.topLeftCorner(params_, params_) = reduced;
    b.head(params_) = rhs;
    const auto constrain = [&](int offset, int count, const Eigen::VectorXi* counts,
                               const Eigen::VectorXd& measures, int row) {
      int rated = 0;
      for (int a = 0; a < count; ++a) {
        if (counts != nullptr && (*counts)[a] == 0) {
          kkt.row(offset + a).setZero();
          kkt(offset + a, offset + a) = 1;
          b[offset + a] = 0;
          continue;
        }
        kkt(offset + a, row) = kkt(row, offset + a) = 1;
        b[row] -= measures[a];
        ++rated;
      }
      if (rated == 0) kkt(row, row) = 1;
    };
    constrain(0, obs_.num_items, &est_.items.count, est_.items.measure, params_);
    constrain(items_, obs_.num_judges, &est_.judges.count, est_.judges.measure, params_ + 1);
    constrain(params_ - m_, m_, nullptr, est_.thresholds, params_ + 2);
    return kkt.partialPivLu().solve(b).head(params_);
  }

  const RaschObservations& obs_;
  const double precision_;  // 1 / prior_sd^2, or 0 without a prior
  RaschEstimate& est_;
  const int m_;
  const int items_;
  const int params_;
  ObservationTerms terms_;
  std::vector<int> first_;
  std::vector<int> order_;
  std::vector<double> variance_;
  std::vector<double> gradient_;
  std::vector<double> information_;
  Eigen::MatrixXd linked_sum_;  // per contestant: sum of Cov(x, [x >= k])
  std::vector<int> slot_;
};

// Measure of one element whose other parameters are fixed, for `target`
// score on its observations `logit_offsets` (the rest of each logit).
double SolveAlone(const std::vector<double>& logit_offsets, double sign, double target,
                  double start, const Eigen::VectorXd& tau, int m) {
  std::vector<double> p(m + 1);
  double measure = start;
  for (int iteration = 0; iteration < 100; ++iteration) {
    double expected_sum = 0;
    double information = 0;
    for (double offset : logit_offsets) {
      double expected = 0;
      double variance = 0;
      CategoryProbabilities(offset + sign * measure, tau, p.data(), &expected, &variance);
      expected_sum += expected;
      information += variance;
    }
    const double step =
        std::clamp((target - expected_sum) / information, -kMaxStep, kMaxStep) * sign;
    measure += step;
    if (std::abs(step) < 1e-9) break;
  }
  return measure;
}

// Gives every extreme element a finite measure: the one whose expected
// score is `adjustment` inside the extreme, the other measures fixed.
void MeasureExtremes(const RaschObservations& obs, double adjustment, RaschEstimate& est) {
  const Eigen::VectorXd tau = CumulativeThresholds(est.thresholds);
  const double top = obs.max_category;
  const auto solve = [&](RaschFacet& facet, const std::vector<std::int32_t>& index, double sign) {
    // The rest of each logit, per extreme element, in one pass.
    std::vector<std::vector<double>> offsets(facet.measure.size());
    for (int o = 0; o < obs.size(); ++o) {
      const int e = index[o];
      if (!facet.extreme[e]) continue;
      const double logit = est.contestants.measure[obs.contestant[o]] -
                           est.items.measure[obs.item[o]] - est.judges.measure[obs.judge[o]];
      offsets[e].push_back(logit - sign * facet.measure[e]);
    }
    for (int e = 0; e < facet.measure.size(); ++e) {
      if (!facet.extreme[e]) continue;
      const double n = static_cast<double>(offsets[e].size());
      const double target = facet.observed[e] <= 0 ? adjustment : n * top - adjustment;
      facet.measure[e] =
          SolveAlone(offsets[e], sign, target, facet.measure[e], tau, obs.max_category);
    }
  };
  solve(est.items, obs.item, -1);
  solve(est.judges, obs.judge, -1);
  solve(est.contestants, obs.contestant, +1);
}

// Fit and precision of every element over all its observations.
void ComputeFit(const RaschObservations& obs, RaschEstimate& est) {
  const Eigen::VectorXd tau = CumulativeThresholds(est.thresholds);
  std::vector<double> p(obs.max_category + 1);
  for (RaschFacet* facet : {&est.contestants, &est.items, &est.judges}) {
    facet->standard_error.setZero();
    facet->infit.setZero();
    facet->outfit.setZero();
  }
  // standard_error holds the information until the end.
  for (int o = 0; o < obs.size(); ++o) {
    const int c = obs.contestant[o];
    const int i = obs.item[o];
    const int j = obs.judge[o];
    double expected = 0;
    double variance = 0;
    CategoryProbabilities(est.contestants.measure[c] - est.items.measure[i] - est.judges.measure[j],
                          tau, p.data(), &expected, &variance);
    const double squared = (obs.category[o] - expected) * (obs.category[o] - expected);
    const auto add = [&](RaschFacet& facet, int e) {
      facet.standard_error[e] += variance;
      facet.infit[e] += squared;
      facet.outfit[e] += squared / variance;
    };
    add(est.contestants, c);
    add(est.items, i);
    add(est.judges, j);
  }
  for (RaschFacet* facet : {&est.contestants, &est.items, &est.judges}) {
    for (int e = 0; e < facet->measure.size(); ++e) {
      if (facet->count[e] == 0) continue;
      const double information = facet->standard_error[e];
      facet->standard_error[e] = 1 / std::sqrt(information);
      facet->infit[e] /= information;
      facet->outfit[e] /= facet->count[e];
    }
  }
}

}  // namespace

void RaschObservations::Add(int contestant_index, int item_index, int judge_index, int rating) {
  contestant.push_back(contestant_index);
  item.push_back(item_index);
  judge.push_back(judge_index);
  category.push_back(static_cast<std::int8_t>(rating));
}

void RaschFacet::Resize(int elements) {
  measure.setZero(elements);
  standard_error.setZero(elements);
  infit.setZero(elements);
  outfit.setZero(elements);
  count.setZero(elements);
  observed.setZero(elements);
  extreme.setConstant(elements, false);
}

double RaschEstimate::ExpectedCategory(double logit) const {
  const Eigen::VectorXd tau = CumulativeThresholds(thresholds);
  std::vector<double> p(tau.size());
  double expected = 0;
  double variance = 0;
  CategoryProbabilities(logit, tau, p.data(), &expected, &variance);
  return expected;
}

RaschSubsets FindRaschSubsets(const RaschObservations& obs) {
  RaschSubsets subsets;
  subsets.count = Label(obs.contestant, obs.judge, obs.num_contestants, obs.num_judges,
                        subsets.contestant_subset, &subsets.judge_subset);
  std::vector<int> by_item;
  subsets.item_count = Label(obs.contestant, obs.item, obs.num_contestants, obs.num_items, by_item,
                             &subsets.item_subset);
  return subsets;
}

StatusOr<RaschEstimate> EstimateRasch(const RaschObservations& obs, const RaschOptions& options,
                                      const RaschEstimate* start) {
  PODIUM_RETURN_IF_ERROR(ValidateShape(obs));
  const int m = obs.max_category;
  RaschEstimate est;
  est.contestants.Resize(obs.num_contestants);
  est.items.Resize(obs.num_items);
  est.judges.Resize(obs.num_judges);
  est.thresholds.setZero(m);
  if (start != nullptr) {
    PODIUM_CHECK(start->contestants.measure.size() == obs.num_contestants &&
                 start->items.measure.size() == obs.num_items &&
                 start->judges.measure.size() == obs.num_judges && start->thresholds.size() == m);
    est.contestants.measure = start->contestants.measure;
    est.items.measure = start->items.measure;
    est.judges.measure = start->judges.measure;
    est.thresholds = start->thresholds;
  }
  const RaschObservations active = WithoutExtremes(obs, est);
  // Extreme flags from the exclusion rounds; counts over every rating.
  const auto extreme_contestants = est.contestants.extreme;
  const auto extreme_items = est.items.extreme;
  const auto extreme_judges = est.judges.extreme;
  PODIUM_RETURN_IF_ERROR(CheckEstimable(active, options.prior_sd > 0));

  JointNewton newton(active, options.prior_sd, est);
  for (est.iterations = 0; est.iterations < options.max_iterations;) {
    double max_residual = 0;
    double max_change = 0;
    newton.Step(&max_residual, &max_change);
    ++est.iterations;
    est.max_residual = max_residual;
    est.thresholds.array() -= est.thresholds.mean();
    Centre(est.items);
    Centre(est.judges);
    if (max_residual <= options.max_residual && max_change <= options.max_change) {
      est.converged = true;
      break;
    }
  }

  CountFacet(obs.contestant, obs, est.contestants);
  CountFacet(obs.item, obs, est.items);
  CountFacet(obs.judge, obs, est.judges);
  est.contestants.extreme = est.contestants.extreme || extreme_contestants;
  est.items.extreme = est.items.extreme || extreme_items;
  est.judges.extreme = est.judges.extreme || extreme_judges;
  MeasureExtremes(obs, options.extreme_adjustment, est);
  if (options.bias_correction) {
    const double per_contestant =
        static_cast<double>(obs.size()) /
        std::max<Eigen::Index>(1, (est.contestants.count.array() > 0).count());
    if (per_contestant > 1) {
      const double factor = (per_contestant - 1) / per_contestant;
      est.contestants.measure *= factor;
      est.items.measure *= factor;
      est.judges.measure *= factor;
      est.thresholds *= factor;
    }
  }
  ComputeFit(obs, est);
  return est;
}

}  // namespace podium::engine
