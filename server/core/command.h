// Commands: what callers ask the server to change, in the server's own
// terms (no wire types). The rpc and gateway layers build them from requests.
#ifndef PODIUM_SERVER_CORE_COMMAND_H_
#define PODIUM_SERVER_CORE_COMMAND_H_

#include <cstdint>
#include <optional>
#include <string>

#include "podium/engine/model.h"
#include "podium/status.h"

namespace podium::server {

// The lifecycle phases, numbered as podium.v1.Phase.
enum class Phase { kOpen = 1, kFrozen = 2, kFinal = 3 };

enum class CommandKind {
  kMark,        // a judge's mark (or a chief judge's transcription of one)
  kCorrection,  // replaces a mark; reason required
  kVoid,        // withdraws a mark; reason required
  kStatus,      // absent / withdrawn / disqualified / present; reason required
  kPenalty,     // adds (or revokes) occurrences of an item's penalty
  kLock,        // the chief judge locks an item or event
  kUnlock,
  kPhase,    // freeze, unfreeze, finalize
  kRelease,  // results released (blind numbers lifted)
};

struct Command {
  CommandKind kind = CommandKind::kMark;
  std::string idempotency_key;  // 1..128 characters
  std::string device;
  std::string bib;
  std::string item;   // "item", "event.item", "trade:event.item" (locks: "trade:event.*" too)
  std::string judge;  // whose mark; empty: the caller
  double value = 0;
  std::optional<double> time_used;
  std::string penalty;
  int count = 0;
  engine::ContestantStatus status = engine::ContestantStatus::kPresent;
  Phase phase = Phase::kOpen;
  std::int64_t at_ms = 0;  // kPhase to frozen: when (ms since the epoch); 0 or past: now
  std::string reason;
  std::string note;
  bool transcribed = false;  // a mark from paper: needs a second person's matching entry
  // The contestant `bib` names, if the caller looked it up (the competition
  // never changes, so any thread can): the writer then only checks that it
  // has that bib instead of searching for it. -1: not looked up.
  int contestant = -1;
};

// What became of an accepted write.
enum class WriteOutcome {
  kCounted,               // part of the standings
  kAwaitingConfirmation,  // a first transcription
  kConflict,              // a second transcription that differs
};

struct CommandResult {
  Status status;
  std::uint64_t sequence = 0;  // ledger sequence of the event
  bool duplicate = false;      // the key was already recorded with this content
  WriteOutcome outcome = WriteOutcome::kCounted;
};

// The outcome a ledger record kind stands for.
WriteOutcome OutcomeOf(std::string_view kind);

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_COMMAND_H_
