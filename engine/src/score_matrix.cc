#include "podium/engine/score_matrix.h"

#include "podium/check.h"

namespace podium::engine {

ItemMarks::ItemMarks(int rows, int columns, double step) : step_(step) {
  PODIUM_CHECK(rows >= 0 && columns >= 0 && step > 0);
  quanta_.setZero(rows, columns);
  present_.setConstant(rows, columns, false);
  count_.setZero(columns);
  sum_.setZero(columns);
  sum_squares_.setZero(columns);
}

void ItemMarks::Set(int row, int column, std::int32_t quanta) {
  Clear(row, column);
  quanta_(row, column) = quanta;
  present_(row, column) = true;
  count_(column) += 1;
  sum_(column) += quanta;
  sum_squares_(column) += std::int64_t{quanta} * quanta;
}

void ItemMarks::Clear(int row, int column) {
  if (!present_(row, column)) return;
  const std::int32_t old = quanta_(row, column);
  count_(column) -= 1;
  sum_(column) -= old;
  sum_squares_(column) -= std::int64_t{old} * old;
  quanta_(row, column) = 0;
  present_(row, column) = false;
}

void ItemMarks::RecountMoments() {
  for (Eigen::Index c = 0; c < quanta_.cols(); ++c) {
    // Missing cells hold 0, so plain column sums are sums over present marks.
    const auto column = quanta_.col(c).cast<std::int64_t>();
    count_(c) = present_.col(c).count();
    sum_(c) = column.sum();
    sum_squares_(c) = column.squaredNorm();
  }
}

}  // namespace podium::engine
