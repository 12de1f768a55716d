#include "server/core/live_competition.h"

#include <chrono>

namespace podium::server {

std::int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StatusOr<std::unique_ptr<LiveCompetition>> LiveCompetition::Open(
    const std::filesystem::path& dir, const std::filesystem::path& db, const LiveOptions& options,
    std::vector<engine::Problem>* problems) {
  definition::LoadOptions load = options.load;
  load.load_marks = false;  // live marks live in the ledger
  PODIUM_ASSIGN_OR_RETURN(definition::LoadedCompetition loaded,
                          definition::LoadCompetition(dir, load, problems));
  std::unique_ptr<LiveCompetition> live(new LiveCompetition());
  live->competition_ = loaded.competition;
  live->clock_ = options.clock ? options.clock : ScoringWriter::Clock(&SystemNowMs);
  PODIUM_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                          Ledger::Open(db, live->competition_->spec().id));
  PODIUM_ASSIGN_OR_RETURN(live->tokens_, TokenStore::Load(*ledger, *live->competition_));
  live->pool_ = std::make_unique<ThreadPool>(std::max(1, options.threads));
  PODIUM_ASSIGN_OR_RETURN(std::unique_ptr<ContestState> state,
                          ScoringWriter::Replay(*ledger, live->competition_, live->pool_.get()));
  state->Tick(live->clock_());  // a freeze that fell due while the server was down
  live->writer_ = std::make_unique<ScoringWriter>(std::move(ledger), std::move(state), live->hub_,
                                                  live->pool_.get(), live->clock_);
  return live;
}

}  // namespace podium::server
