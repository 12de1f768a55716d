// ContestState: everything the ledger's events determine — the scoring
// engine, the lifecycle, locked items and the idempotency keys seen — and the
// rules that decide whether a command may become an event.
#ifndef PODIUM_SERVER_CORE_CONTEST_STATE_H_
#define PODIUM_SERVER_CORE_CONTEST_STATE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <variant>

#include "podium/engine/competition.h"
#include "podium/engine/scoring_engine.h"
#include "podium/status.h"
#include "server/core/auth.h"
#include "server/core/command.h"
#include "server/core/idempotency_index.h"
#include "server/ledger/ledger.h"

namespace podium::server {

struct Lifecycle {
  Phase phase = Phase::kOpen;
  std::int64_t freeze_at_ms = 0;  // a scheduled freeze, while open (0: none)
  std::int64_t frozen_at_ms = 0;
  std::uint64_t frozen_version = 0;  // standings version displays see while frozen
  bool results_released = false;
};

// Not thread-safe: owned by the server's writer thread.
class ContestState final {
 public:
  // `recent_keys`: idempotency keys kept in memory once LookUpOldKeysIn()
  // lets older ones be found in the ledger (see IdempotencyIndex).
  explicit ContestState(std::shared_ptr<const engine::Competition> competition,
                        std::size_t recent_keys = IdempotencyIndex::kRecentKeys);

  // What Prepare() decided: a new record to append (with the engine event it
  // stands for, already resolved and validated, if it is one), or the earlier
  // result of a retried command.
  struct Accepted {
    LedgerRecord record;
    std::optional<engine::Event> event;
  };
  struct Duplicate {
    std::uint64_t sequence = 0;
    WriteOutcome outcome = WriteOutcome::kCounted;
  };
  using Prepared = std::variant<Accepted, Duplicate>;

  // Checks `command` from `who` against the rules and the current state and
  // turns it into a ledger record (sequence not yet assigned). Changes nothing.
  // Errors: kInvalidArgument (malformed, out of range, unknown bib/item/judge:
  // kNotFound), kPermissionDenied (role, assignment), kFailedPrecondition
  // (phase, lock, no mark to correct), kAlreadyExists (key reused with other
  // content).
  StatusOr<Prepared> Prepare(const Command& command, const Principal& who,
                             std::int64_t now_ms) const;
  // A hint for a writer `ahead` commands before it prepares `command`: see
  // IdempotencyIndex::Prefetch().
  void PrefetchFor(const Command& command, std::size_t ahead) const {
    keys_.Prefetch(command.idempotency_key, ahead);
  }

  // Carries out a scheduled freeze once `now_ms` has reached it: displays
  // keep the standings as they were at that moment. True if it froze.
  // The writer calls it before each command (with the time the command is
  // recorded at) and when the time comes; Apply() calls it for each record.
  bool Tick(std::int64_t now_ms);

  // Folds a record in (live after Prepare, or on replay). Records the key.
  // `prepared`: the event Prepare() resolved for it (live), so bib, item and
  // judge are not looked up again; nullptr on replay.
  // Errors: kFailedPrecondition if a replayed record no longer fits the
  // competition definition (the message names its sequence).
  Status Apply(const LedgerRecord& record, const engine::Event* prepared = nullptr);

  // Lets idempotency keys older than the most recent ones leave memory: they
  // are then found in `ledger`, which must outlive this state. Call before
  // replaying, so the replay itself stays within bounded memory.
  void LookUpOldKeysIn(const Ledger& ledger);

  engine::ScoringEngine& engine() { return *engine_; }
  const engine::ScoringEngine& engine() const { return *engine_; }
  const engine::Competition& competition() const { return *competition_; }
  const std::shared_ptr<const engine::Competition>& shared_competition() const {
    return competition_;
  }
  const Lifecycle& lifecycle() const { return lifecycle_; }
  bool locked(int item) const { return locked_.count(item) > 0; }
  std::uint64_t last_sequence() const { return last_sequence_; }
  // What displays see while the competition is frozen (and until results are
  // released): the standings as of the freeze. Null while open.
  std::shared_ptr<const engine::Standings> frozen_standings() const { return frozen_standings_; }

  // A transcribed paper mark waiting for its second entry, or two that disagree.
  struct Transcription {
    double value = 0;
    std::optional<double> time_used;
    std::string actor;
    std::uint64_t sequence = 0;
  };
  struct Conflict {
    int contestant = 0, item = 0, judge = 0;
    Transcription first, second;
  };
  // Conflicts for the chief judge, in (contestant, item, judge) order.
  std::vector<Conflict> conflicts() const;

  // The sequence of the latest record about `contestant`'s `item` (a mark,
  // correction, void, penalty or transcription), 0 if none: where the
  // ledger's History() starts following the records' links.
  std::uint64_t LastRecordOn(int contestant, int item) const {
    return last_record_on_[ItemSlot(contestant, item)];
  }

  // The canonical "trade:event.item" ref of an item, and back.
  const std::string& ItemRef(int item) const { return competition_->item(item).ref; }
  // Resolves an item as a bib's trade sees it ("item", "event.item" or a full ref).
  StatusOr<int> ResolveItem(int contestant, std::string_view ref) const;

 private:
  // The engine event a mark-like record stands for.
  StatusOr<engine::Event> ToEngineEvent(const LedgerRecord& record) const;
  // The same with the record's bib, item and judge already resolved.
  StatusOr<engine::Event> ToEngineEvent(const LedgerRecord& record, int contestant, int item,
                                        int judge) const;
  // Whether `who`'s role may do `kind` (for `judge`'s mark).
  Status CheckRole(CommandKind kind, int judge, const Principal& who) const;
  // Items a lock names ("trade:event.item" or "trade:event.*").
  StatusOr<std::vector<int>> LockTargets(std::string_view ref) const;
  // Where a contestant's item is in last_record_on_.
  std::size_t ItemSlot(int contestant, int item) const {
    return first_item_slot_[contestant] + competition_->item(item).trade_item;
  }

  std::shared_ptr<const engine::Competition> competition_;
  std::unique_ptr<engine::ScoringEngine> engine_;
  engine::IdMap<int> item_by_ref_;
  Lifecycle lifecycle_;
  std::set<int> locked_;
  using Cell = std::tuple<int, int, int>;  // contestant, item, judge
  std::map<Cell, Transcription> pending_;
  std::map<Cell, std::pair<Transcription, Transcription>> conflicts_;
  IdempotencyIndex keys_;
  std::uint64_t last_sequence_ = 0;
  // Per contestant, its trade's items in trade order (8 bytes per contestant
  // and item): the sequence of the latest record about each.
  std::vector<std::size_t> first_item_slot_;
  std::vector<std::uint64_t> last_record_on_;
  std::shared_ptr<const engine::Standings> frozen_standings_;
};

// Names used in ledger records.
std::string_view CommandKindName(CommandKind kind);
std::string_view PhaseName(Phase phase);  // open | frozen | final

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_CONTEST_STATE_H_
