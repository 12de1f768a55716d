#include "podium/engine/panel.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace podium::engine {

namespace {

// Rows per block: the block's accumulators stay in L1 while every judge
// column streams through once.
constexpr int kBlock = 256;
// Raw spreads are compared with this much slack against decimal steps.
constexpr double kSpreadTolerance = 1e-9;
constexpr double kInf = std::numeric_limits<double>::infinity();

using Block = Eigen::Array<double, Eigen::Dynamic, 1, Eigen::ColMajor, kBlock, 1>;

// The present adjusted marks of `row`, with their columns, sorted by value
// then column: the order in which trimming drops from each end.
struct RowMarks {
  std::vector<double> values;
  std::vector<int> columns;
};

double AdjustedMark(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                    const PanelParams& params, int row, int column) {
  const double raw = marks.quanta(row, column) * marks.step();
  return std::min(std::max(raw * adjustment.scale(column) + adjustment.offset(column), 0.0),
                  params.mark_max);
}

RowMarks SortedRow(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                   const PanelParams& params, int row) {
  RowMarks sorted;
  for (int c = 0; c < marks.columns(); ++c) {
    if (!marks.present(row, c)) continue;
    sorted.values.push_back(AdjustedMark(marks, adjustment, params, row, c));
    sorted.columns.push_back(c);
  }
  std::vector<int> by_value(sorted.values.size());
  std::iota(by_value.begin(), by_value.end(), 0);
  std::stable_sort(by_value.begin(), by_value.end(),
                   [&](int a, int b) { return sorted.values[a] < sorted.values[b]; });
  RowMarks out;
  for (const int i : by_value) {
    out.values.push_back(sorted.values[i]);
    out.columns.push_back(sorted.columns[i]);
  }
  return out;
}

// How many marks the rule drops from each end of `n` sorted marks.
int DroppedPerEnd(const PanelParams& params, int n) {
  switch (params.rule) {
    case PanelRule::kTrimmed:
      return std::min(params.trim, (n - 1) / 2);
    case PanelRule::kMedian:
      return (n - 1) / 2;
    case PanelRule::kMean:
    case PanelRule::kJudgement03:
      return 0;
  }
  return 0;
}

// The slow path: sort one row and average the marks that are kept.
double AggregateSortedRow(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                          const PanelParams& params, int row) {
  const RowMarks sorted = SortedRow(marks, adjustment, params, row);
  const int n = static_cast<int>(sorted.values.size());
  if (n == 0) return 0;
  const int drop = DroppedPerEnd(params, n);
  double sum = 0;
  for (int i = drop; i < n - drop; ++i) sum += sorted.values[i];
  return sum / (n - 2 * drop);
}

}  // namespace

PanelParams PanelParams::For(const ItemSpec& item) {
  PanelParams params;
  params.rule = item.marking == Marking::kMeasurement ? PanelRule::kMean : item.rule;
  params.trim = item.trim;
  params.mark_max = item.max;
  params.tolerance = item.tolerance;
  if (params.rule == PanelRule::kJudgement03) {
    params.mark_max = 3;
    params.score_scale = item.max / 3;
    params.tolerance = 1;
  }
  return params;
}

namespace {

// What the kernel may skip for one column, decided once per call.
struct ColumnPlan {
  bool all_present = false;  // no mask needed
  bool clamp = true;         // the adjustment can leave [0, mark_max]
  bool identity = false;     // adjusted == raw
};

// Per-block accumulators over a row block.
struct Accumulators {
  Block sum, n, lo, hi, raw_lo, raw_hi;
  void Reset(int len, double present_columns) {
    sum = Block::Zero(len);
    n = Block::Constant(len, present_columns);
    lo = Block::Constant(len, kInf);
    hi = Block::Constant(len, -kInf);
    raw_lo = Block::Constant(len, kInf);
    raw_hi = Block::Constant(len, -kInf);
  }
};

// Adds one column's marks for rows [b, b + len). `kRaw`: also track the raw
// spread separately (needed when some adjustment is not the identity).
template <bool kRaw>
void AccumulateColumn(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                      const PanelParams& params, const ColumnPlan& plan, int c, int b, int len,
                      Accumulators& acc) {
  const Block raw = marks.quanta().col(c).segment(b, len).array().cast<double>() * marks.step();
  Block v;
  if (plan.identity) {
    v = raw;
  } else if (plan.clamp) {
    v = (raw * adjustment.scale(c) + adjustment.offset(c)).max(0.0).min(params.mark_max);
  } else {
    v = raw * adjustment.scale(c) + adjustment.offset(c);
  }
  if (plan.all_present) {
    acc.sum += v;
    acc.lo = acc.lo.min(v);
    acc.hi = acc.hi.max(v);
    if constexpr (kRaw) {
      acc.raw_lo = acc.raw_lo.min(raw);
      acc.raw_hi = acc.raw_hi.max(raw);
    }
    return;
  }
  const auto present = marks.presence().col(c).segment(b, len);
  acc.sum += present.select(v, 0.0);
  acc.n += present.cast<double>();
  acc.lo = present.select(v.min(acc.lo), acc.lo);
  acc.hi = present.select(v.max(acc.hi), acc.hi);
  if constexpr (kRaw) {
    acc.raw_lo = present.select(raw.min(acc.raw_lo), acc.raw_lo);
    acc.raw_hi = present.select(raw.max(acc.raw_hi), acc.raw_hi);
  }
}

}  // namespace

void AggregatePanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                    const PanelParams& params, int first, int count, PanelOutput out) {
  const int columns = marks.columns();
  std::vector<ColumnPlan> plans(columns);
  double present_columns = 0;
  bool all_identity = true;
  for (int c = 0; c < columns; ++c) {
    ColumnPlan& plan = plans[c];
    const double scale = adjustment.scale(c);
    const double offset = adjustment.offset(c);
    plan.all_present = marks.count()(c) == marks.rows();
    plan.identity = scale == 1 && offset == 0;
    // Raw marks lie in [0, mark_max]; so does their image if both ends do.
    plan.clamp = !(scale > 0 && offset >= 0 && scale * params.mark_max + offset <= params.mark_max);
    present_columns += plan.all_present ? 1 : 0;
    all_identity = all_identity && plan.identity;
  }
  const bool sum_min_max = params.rule == PanelRule::kMean ||
                           params.rule == PanelRule::kJudgement03 ||
                           (params.rule == PanelRule::kTrimmed && params.trim == 1);
  Accumulators acc;
  for (int b = first; b < first + count; b += kBlock) {
    const int len = std::min(kBlock, first + count - b);
    acc.Reset(len, present_columns);
    for (int c = 0; c < columns; ++c) {
      if (all_identity) {
        AccumulateColumn<false>(marks, adjustment, params, plans[c], c, b, len, acc);
      } else {
        AccumulateColumn<true>(marks, adjustment, params, plans[c], c, b, len, acc);
      }
    }
    // Identity adjustments: the adjusted extremes are the raw ones.
    const Block& raw_lo = all_identity ? acc.lo : acc.raw_lo;
    const Block& raw_hi = all_identity ? acc.hi : acc.raw_hi;
    Block result;
    if (params.rule == PanelRule::kTrimmed && params.trim == 1) {
      result = (acc.n >= 3)
                   .select((acc.sum - acc.lo - acc.hi) / (acc.n - 2),
                           (acc.n > 0).select(acc.sum / acc.n, 0.0));
    } else if (sum_min_max) {
      result = (acc.n > 0).select(acc.sum / acc.n, 0.0);
    } else {
      result.resize(len);
      for (int i = 0; i < len; ++i)
        result(i) = AggregateSortedRow(marks, adjustment, params, b + i);
    }
    out.score.segment(b, len) = (result * params.score_scale).matrix();
    out.marks.segment(b, len) = acc.n.min(255.0).cast<std::uint8_t>();
    out.flagged.segment(b, len) =
        (acc.n >= 2) && (raw_hi - raw_lo > params.tolerance + kSpreadTolerance);
  }
}

std::vector<SeatMark> ExplainPanel(const ItemMarks& marks, const JudgeAdjustment& adjustment,
                                   const PanelParams& params, int row) {
  const RowMarks sorted = SortedRow(marks, adjustment, params, row);
  const int n = static_cast<int>(sorted.values.size());
  const int drop = DroppedPerEnd(params, n);
  std::vector<SeatMark> seats;
  for (int c = 0; c < marks.columns(); ++c) {
    if (!marks.present(row, c)) continue;
    SeatMark seat{.column = c,
                  .raw = marks.value(row, c),
                  .adjusted = AdjustedMark(marks, adjustment, params, row, c)};
    const auto at =
        std::find(sorted.columns.begin(), sorted.columns.end(), c) - sorted.columns.begin();
    seat.dropped = at < drop || at >= n - drop;
    seats.push_back(seat);
  }
  return seats;
}

}  // namespace podium::engine
