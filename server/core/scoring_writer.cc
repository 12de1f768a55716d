#include "server/core/scoring_writer.h"

#include <chrono>

namespace podium::server {

namespace {

// Commands per transaction at most: bounds the latency of one batch.
constexpr std::size_t kMaxBatch = 8192;

std::int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

StatusOr<std::unique_ptr<ContestState>> ScoringWriter::Replay(
    const Ledger& ledger, std::shared_ptr<const engine::Competition> competition,
    engine::TaskRunner* runner) {
  auto state = std::make_unique<ContestState>(std::move(competition));
  state->LookUpOldKeysIn(ledger);
  if (runner != nullptr) state->engine().set_task_runner(runner);
  PODIUM_RETURN_IF_ERROR(ledger.Replay([&](const LedgerRecord& r) { return state->Apply(r); }));
  state->engine().Recompute();
  return state;
}

ScoringWriter::ScoringWriter(std::unique_ptr<Ledger> ledger, std::unique_ptr<ContestState> state,
                             StandingsHub& hub, engine::TaskRunner* runner, Clock clock)
    : ledger_(std::move(ledger)),
      state_(std::move(state)),
      hub_(hub),
      runner_(runner),
      clock_(std::move(clock)) {
  if (runner_ != nullptr) state_->engine().set_task_runner(runner_);
  PublishStandings();
  thread_ = std::thread([this] { Loop(); });
}

ScoringWriter::~ScoringWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  thread_.join();
  std::deque<Pending> left;
  {
    std::lock_guard lock(mutex_);
    left.swap(queue_);
  }
  for (Pending& p : left) {
    if (p.done) p.done({UnavailableError("the server is shutting down")});
  }
}

void ScoringWriter::Submit(Command command, Principal who, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(command), std::move(who), std::move(done), nullptr, NowUs()});
      metrics_.queue_depth = queue_.size();
      ready_.notify_one();
      return;
    }
  }
  done({UnavailableError("the server is shutting down")});
}

void ScoringWriter::SubmitAll(std::vector<Command> commands, Principal who,
                              std::function<void(std::vector<CommandResult>)> done) {
  struct Gather {
    std::vector<CommandResult> results;
    std::atomic<std::size_t> remaining;
    std::function<void(std::vector<CommandResult>)> done;
  };
  if (commands.empty()) {
    done({});
    return;
  }
  auto gather = std::make_shared<Gather>();
  gather->results.resize(commands.size());
  gather->remaining = commands.size();
  gather->done = std::move(done);
  std::vector<Pending> pending;
  pending.reserve(commands.size());
  const std::int64_t now = NowUs();
  for (std::size_t i = 0; i < commands.size(); ++i) {
    pending.push_back({std::move(commands[i]), who,
                       [gather, i](const CommandResult& result) {
                         gather->results[i] = result;
                         if (--gather->remaining == 0) gather->done(std::move(gather->results));
                       },
                       nullptr, now});
  }
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      for (Pending& p : pending) queue_.push_back(std::move(p));
      metrics_.queue_depth = queue_.size();
      ready_.notify_one();
      return;
    }
  }
  for (Pending& p : pending) p.done({UnavailableError("the server is shutting down")});
}

void ScoringWriter::Run(Query query) {
  std::lock_guard lock(mutex_);
  if (stopping_) return;  // dropped unrun, like a query still queued when the writer stops
  queue_.push_back({Command{}, Principal{}, nullptr, std::move(query), NowUs()});
  ready_.notify_one();
}

void ScoringWriter::LimitLedger(std::int64_t pages) {
  // SQLite's largest page count stands for "no cap".
  Run([this, pages](const ContestState&, const Ledger&) {
    ledger_->SetMaxPages(pages > 0 ? pages : 4294967294);
  });
}

void ScoringWriter::Loop() {
  std::vector<Pending> batch;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      // A scheduled freeze happens on time even if nobody writes.
      const std::int64_t freeze_at = state_->lifecycle().freeze_at_ms;
      if (freeze_at != 0) {
        const auto wait =
            std::chrono::milliseconds(std::max<std::int64_t>(0, freeze_at - clock_()));
        ready_.wait_for(lock, wait, [&] { return stopping_ || !queue_.empty(); });
      } else {
        ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      }
      if (stopping_) return;
      if (queue_.empty()) {
        lock.unlock();
        if (state_->Tick(clock_())) PublishStandings();
        continue;
      }
      // Everything that queued up while the last batch was committing goes
      // into this one: that is the group commit.
      while (!queue_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      metrics_.queue_depth = queue_.size();
    }
    Process(batch);
    batch.clear();
  }
}

void ScoringWriter::Process(std::vector<Pending>& batch) {
  std::vector<LedgerRecord> records;
  std::vector<Pending*> owners;
  std::vector<std::pair<Pending*, ContestState::Duplicate>> duplicates;
  auto flush = [&] {
    if (!records.empty() || !duplicates.empty()) Commit(records, owners, duplicates);
    records.clear();
    owners.clear();
    duplicates.clear();
  };
  // Loads, a few commands ahead, what checking a command's idempotency key
  // will read; each is otherwise a cache miss.
  constexpr std::size_t kPrefetchAhead = 8;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (i + kPrefetchAhead < batch.size() && !batch[i + kPrefetchAhead].query) {
      state_->PrefetchFor(batch[i + kPrefetchAhead].command, kPrefetchAhead);
    }
    Pending& p = batch[i];
    if (p.query) {
      flush();  // queries see every earlier command applied
      p.query(*state_, *ledger_);
      continue;
    }
    // A phase change is an event of its own: a freeze captures exactly the
    // standings before it.
    const bool alone = p.command.kind == CommandKind::kPhase;
    if (alone) flush();
    // The time the command is recorded at: a scheduled freeze due by then
    // comes first, exactly as on replay.
    const std::int64_t now = clock_();
    state_->Tick(now);
    auto prepared = state_->Prepare(p.command, p.who, now);
    if (!prepared.ok()) {
      metrics_.refused++;
      p.done({prepared.status()});
      RecordLatency(p.submitted_us);
      continue;
    }
    if (auto* duplicate = std::get_if<ContestState::Duplicate>(&*prepared)) {
      duplicates.emplace_back(&p, *duplicate);
      continue;
    }
    auto& [record, event] = std::get<ContestState::Accepted>(*prepared);
    // Folded in now, so later commands in the batch see it; numbered as the
    // ledger will number it.
    record.sequence = ledger_->last_sequence() + records.size() + 1;
    const Status applied = state_->Apply(record, event ? &*event : nullptr);
    if (!applied.ok()) {  // Prepare accepted it: a bug, but refuse rather than corrupt.
      metrics_.refused++;
      p.done({InternalError(applied.message())});
      continue;
    }
    records.push_back(std::move(record));
    owners.push_back(&p);
    if (alone) flush();
  }
  flush();
}

void ScoringWriter::Commit(std::vector<LedgerRecord>& records, std::vector<Pending*>& owners,
                           std::vector<std::pair<Pending*, ContestState::Duplicate>>& duplicates) {
  const std::int64_t start = NowUs();
  const std::uint64_t first = ledger_->last_sequence() + 1;
  const Status committed = ledger_->Append(records);
  metrics_.last_commit_us = static_cast<std::uint64_t>(NowUs() - start);
  if (!committed.ok()) {
    // Nothing of the batch is stored: refuse it all and rebuild the state
    // from what the ledger holds.
    for (Pending* p : owners) {
      metrics_.refused++;
      p->done({committed});
      RecordLatency(p->submitted_us);
    }
    auto rebuilt = Replay(*ledger_, state_->shared_competition(), runner_);
    PODIUM_CHECK(rebuilt.ok());  // the ledger replayed at start; it must still
    state_ = std::move(*rebuilt);
  } else {
    PODIUM_CHECK(records.empty() || records.front().sequence == first);
    metrics_.batches++;
    metrics_.last_batch_size = records.size();
    const std::int64_t recompute_start = NowUs();
    PublishStandings();
    metrics_.last_recompute_us = static_cast<std::uint64_t>(NowUs() - recompute_start);
    for (std::size_t i = 0; i < owners.size(); ++i) {
      metrics_.accepted++;
      owners[i]->done({OkStatus(), records[i].sequence, false, OutcomeOf(records[i].kind)});
      RecordLatency(owners[i]->submitted_us);
    }
  }
  // A retry's original is durable by now (it was in an earlier batch, or in
  // this one, which committed) — unless this batch failed.
  for (auto& [p, original] : duplicates) {
    if (original.sequence > ledger_->last_sequence()) {
      p->done({UnavailableError("the original of this retry could not be stored; retry again")});
    } else {
      metrics_.duplicates++;
      p->done({OkStatus(), original.sequence, true, original.outcome});
    }
    RecordLatency(p->submitted_us);
  }
}

void ScoringWriter::PublishStandings() {
  const engine::ScoringEngine::Update update = state_->engine().Recompute();
  const PublishedVersion previous = hub_.latest();
  PublishedVersion version;
  version.standings = update.standings;
  const Lifecycle& lifecycle = state_->lifecycle();
  version.display_frozen = lifecycle.phase != Phase::kOpen && !lifecycle.results_released &&
                           state_->frozen_standings() != nullptr;
  version.display = version.display_frozen ? state_->frozen_standings() : update.standings;
  // Nothing new for anyone: a lock, or a mark that changed no standing.
  if (previous.standings == version.standings && previous.display == version.display &&
      previous.display_frozen == version.display_frozen) {
    return;
  }
  if (previous.standings != nullptr && previous.standings != version.standings) {
    version.delta = std::make_shared<engine::StandingsDelta>(update.delta);
  }
  hub_.Publish(std::move(version));
}

void ScoringWriter::RecordLatency(std::int64_t submitted_us) {
  const auto us = static_cast<std::uint64_t>(std::max<std::int64_t>(0, NowUs() - submitted_us));
  metrics_.latency_sum_us += us;
  std::size_t bucket = 0;
  while (bucket < std::size(WriterMetrics::kLatencyBucketsUs) &&
         us > WriterMetrics::kLatencyBucketsUs[bucket]) {
    ++bucket;
  }
  metrics_.latency_buckets[bucket]++;
}

}  // namespace podium::server
