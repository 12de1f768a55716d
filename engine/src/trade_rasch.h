// TradeRasch: the many-facet Rasch models of one trade. The judged items of
// an event whose normalization is `rasch` and that share a rating scale (the
// same max and step) form one model, with the items and every judge seated on
// them as facets. A model's fair marks replace its items' panel aggregates.
// Private to the engine.
#ifndef PODIUM_ENGINE_SRC_TRADE_RASCH_H_
#define PODIUM_ENGINE_SRC_TRADE_RASCH_H_

#include <optional>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/engine/rasch.h"
#include "podium/engine/score_matrix.h"
#include "podium/status.h"

namespace podium::engine {

// Not thread-safe; owned by TradeScores.
class TradeRasch final {
 public:
  struct Model {
    std::vector<int> items;                 // trade items, in trade order
    std::vector<int> judges;                // competition judge indices (the judge facet)
    std::vector<std::vector<int>> seat;     // per model item, per column: judge facet index
    std::vector<std::int32_t> categories;   // mark quanta in use, ascending: category k
    double step = 1;                        // mark units per quantum
    std::optional<RaschEstimate> estimate;  // unset until the marks determine the measures
    Status status;                          // why there is no estimate
  };

  TradeRasch(const Competition& competition, const TradeIndex& trade);

  bool empty() const { return models_.empty(); }
  int num_models() const { return static_cast<int>(models_.size()); }
  const Model& model(int m) const { return models_[m]; }
  // The model of a trade item and the item's index within it, or (-1, -1).
  std::pair<int, int> ModelOf(int trade_item) const { return model_of_[trade_item]; }

  // Re-estimates model `m` from `marks` (per trade item), warm-started from
  // its previous estimate. An estimate that cannot be made (too few marks,
  // one category, a disconnected plan) leaves the model without one and its
  // items on their plain panel aggregates.
  void Estimate(int m, const std::vector<ItemMarks>& marks);

  // Fair mark (mark units) of `row` on `trade_item`: the expected mark from a
  // judge of average severity. nullopt without an estimate.
  std::optional<double> FairMark(int trade_item, int row) const;

 private:
  // The refusal of a disconnected plan, naming each group's judges.
  Status DisconnectedPlan(const Model& model, const RaschSubsets& subsets) const;

  const Competition& competition_;
  std::vector<Model> models_;
  std::vector<std::pair<int, int>> model_of_;
  int rows_ = 0;
};

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SRC_TRADE_RASCH_H_
