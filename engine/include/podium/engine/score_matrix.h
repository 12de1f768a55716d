// ItemMarks: the dense marks of one item in one trade, with a presence mask
// and exact per-judge moments kept up to date as marks arrive.
#ifndef PODIUM_ENGINE_SCORE_MATRIX_H_
#define PODIUM_ENGINE_SCORE_MATRIX_H_

#include <cstdint>

#include "podium/engine/eigen_types.h"

namespace podium::engine {

// Rows are the trade's contestants, columns the item's panel seats. A mark is
// held as an integer number of steps. Moments (count, sum, sum of squares of
// the quanta per column) are integers, so they are exact whatever the order
// marks arrive in: judge normalization is then order-independent.
// Not thread-safe; owned by the engine's single writer.
class ItemMarks final {
 public:
  ItemMarks() = default;
  ItemMarks(int rows, int columns, double step);

  int rows() const { return static_cast<int>(quanta_.rows()); }
  int columns() const { return static_cast<int>(quanta_.cols()); }
  double step() const { return step_; }

  bool present(int row, int column) const { return present_(row, column); }
  std::int32_t quanta(int row, int column) const { return quanta_(row, column); }
  double value(int row, int column) const { return quanta_(row, column) * step_; }

  // Stores a mark (replacing any earlier one in that cell).
  void Set(int row, int column, std::int32_t quanta);
  // Removes a mark; no-op if the cell is empty.
  void Clear(int row, int column);

  const QuantaMatrix& quanta() const { return quanta_; }
  const PresenceMatrix& presence() const { return present_; }
  const CountVector& count() const { return count_; }
  const CountVector& sum() const { return sum_; }
  const CountVector& sum_squares() const { return sum_squares_; }
  std::int64_t total_count() const { return count_.sum(); }

  // Recomputes the moments from the matrices (what Set/Clear maintain).
  void RecountMoments();

 private:
  double step_ = 1;
  QuantaMatrix quanta_;  // 0 where no mark is present
  PresenceMatrix present_;
  CountVector count_;
  CountVector sum_;
  CountVector sum_squares_;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SCORE_MATRIX_H_
