// LiveCompetition: a competition being run — its definition, ledger, state,
// single writer, standings hub, tokens and the thread pool the engine
// borrows. What `podium serve` starts, and what the gRPC services and the
// HTTP gateway share.
#ifndef PODIUM_SERVER_CORE_LIVE_COMPETITION_H_
#define PODIUM_SERVER_CORE_LIVE_COMPETITION_H_

#include <filesystem>
#include <memory>

#include "podium/engine/competition.h"
#include "podium/status.h"
#include "server/core/auth.h"
#include "server/core/scoring_writer.h"
#include "server/core/thread_pool.h"
#include "server/definition/loader.h"
#include "server/fanout/standings_hub.h"

namespace podium::server {

struct LiveOptions {
  definition::LoadOptions load;  // the definition only: marks come from the ledger
  int threads = 2;               // lent to the engine for whole-trade recomputes
  ScoringWriter::Clock clock;    // default: the system clock
};

// Thread-safe (its parts are).
class LiveCompetition final {
 public:
  // Loads the definition in `dir`, opens (or creates) the ledger `db`,
  // replays it and starts the writer.
  // Errors: the loader's (kInvalidArgument with every problem in `problems`),
  // the ledger's (kDataLoss, kFailedPrecondition), replay's.
  static StatusOr<std::unique_ptr<LiveCompetition>> Open(
      const std::filesystem::path& dir, const std::filesystem::path& db, const LiveOptions& options,
      std::vector<engine::Problem>* problems = nullptr);

  const engine::Competition& competition() const { return *competition_; }
  const TokenStore& tokens() const { return *tokens_; }
  ScoringWriter& writer() { return *writer_; }
  StandingsHub& hub() { return hub_; }
  std::int64_t now_ms() const { return clock_(); }

 private:
  LiveCompetition() = default;

  std::shared_ptr<const engine::Competition> competition_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<ThreadPool> pool_;
  StandingsHub hub_;
  ScoringWriter::Clock clock_;
  std::unique_ptr<ScoringWriter> writer_;  // last: stops first
};

std::int64_t SystemNowMs();

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_LIVE_COMPETITION_H_
