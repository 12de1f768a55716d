// The events the engine folds over. Every index is resolved against a
// Competition (contestant, item, judge are its dense indices); the server and
// the file loaders turn what people type into these.
#ifndef PODIUM_ENGINE_EVENTS_H_
#define PODIUM_ENGINE_EVENTS_H_

#include <optional>
#include <string>
#include <variant>

#include "podium/engine/model.h"

namespace podium::engine {

// A judge's mark for a contestant on an item. For a measurement it is the one
// value; a later mark by the same judge replaces theirs.
struct MarkEvent {
  int contestant = 0;
  int item = 0;
  int judge = 0;
  double value = 0;                 // in [0, max] (judgement-0-3: 0..3), a multiple of step
  std::optional<double> time_used;  // seconds the contestant used on the item
};

// Replaces an existing mark; the reason is required and kept by the ledger.
struct CorrectionEvent {
  MarkEvent mark;
  std::string reason;
};

// Withdraws a judge's mark (it no longer counts).
struct VoidMarkEvent {
  int contestant = 0;
  int item = 0;
  int judge = 0;
  std::string reason;
};

struct StatusEvent {
  int contestant = 0;
  ContestantStatus status = ContestantStatus::kPresent;
};

// Adds `count` occurrences of a penalty defined on an item (negative revokes).
struct PenaltyEvent {
  int contestant = 0;
  int item = 0;
  int penalty = 0;  // index into the item's penalties
  int judge = 0;
  int count = 1;
};

using Event = std::variant<MarkEvent, CorrectionEvent, VoidMarkEvent, StatusEvent, PenaltyEvent>;

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_EVENTS_H_
