// The engine's Eigen vocabulary, named once.
#ifndef PODIUM_ENGINE_EIGEN_TYPES_H_
#define PODIUM_ENGINE_EIGEN_TYPES_H_

#include <Eigen/Core>
#include <cstdint>

namespace podium::engine {

// Marks of one item: rows = contestants of the trade, columns = panel seats.
// Stored as whole multiples of the item's step ("quanta"), so sums are exact
// and the same marks give bit-identical results in any order. Column-major,
// so per-judge work (moments, normalization) reads contiguous memory.
using QuantaMatrix = Eigen::Matrix<std::int32_t, Eigen::Dynamic, Eigen::Dynamic>;
// Which marks are present. Missing marks are never encoded in the values.
using PresenceMatrix = Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic>;
// Per contestant (row) × per item / event / stage scores.
using ScoreMatrix = Eigen::MatrixXd;
using ScoreVector = Eigen::VectorXd;
// Per contestant, row-major ranking keys (one row = one contestant's keys).
using KeyMatrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using CountVector = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>;

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_EIGEN_TYPES_H_
