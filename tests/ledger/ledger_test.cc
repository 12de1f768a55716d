#include "server/ledger/ledger.h"

#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/files.h"
#include "tests/testing/sanitizers.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::podium::test::TempDir;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

LedgerRecord Mark(const std::string& key, const std::string& bib, double value) {
  LedgerRecord r;
  r.recorded_at_ms = 1'700'000'000'000;
  r.actor = "P01";
  r.role = 1;
  r.device = "tablet-3";
  r.idempotency_key = key;
  r.kind = "mark";
  r.bib = bib;
  r.item = "mine-rescue:practical.cpr";
  r.judge = "P01";
  r.value = value;
  r.fingerprint = r.ComputeFingerprint();
  return r;
}

std::vector<LedgerRecord> ReadAll(const Ledger& ledger) {
  std::vector<LedgerRecord> records;
  EXPECT_THAT(ledger.Replay([&](const LedgerRecord& r) {
    records.push_back(r);
    return OkStatus();
  }),
              IsOk());
  return records;
}

TEST(LedgerTest, AppendAssignsSequencesAndReplaysInOrder) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "mine-rescue-2026");
  ASSERT_THAT(ledger, IsOk());
  std::vector<LedgerRecord> batch = {Mark("k1", "K001", 12.5), Mark("k2", "K002", 13)};
  ASSERT_THAT((*ledger)->Append(batch), IsOk());
  EXPECT_EQ(batch[0].sequence, 1u);
  EXPECT_EQ(batch[1].sequence, 2u);
  std::vector<LedgerRecord> more = {Mark("k3", "K003", 9.5)};
  ASSERT_THAT((*ledger)->Append(more), IsOk());
  EXPECT_EQ(more[0].sequence, 3u);
  const auto records = ReadAll(**ledger);
  ASSERT_THAT(records, SizeIs(3));
  EXPECT_EQ(records[2].bib, "K003");
  EXPECT_EQ(records[2].value, 9.5);
  EXPECT_EQ(records[0].device, "tablet-3");
  EXPECT_EQ(records[0].fingerprint, Mark("k1", "K001", 12.5).fingerprint);
  EXPECT_FALSE(records[0].time_used.has_value());
}

TEST(LedgerTest, RecordsSurviveAbandoningWithoutClosing) {
  TempDir dir;
  const auto file = dir.path() / "contest.db";
  {
    // The leak is the point; LeakSanitizer need not report it.
    PODIUM_LEAK_ON_PURPOSE();
    auto ledger = Ledger::Open(file, "c");
    ASSERT_THAT(ledger, IsOk());
    std::vector<LedgerRecord> batch = {Mark("k1", "K001", 1), Mark("k2", "K002", 2)};
    ASSERT_THAT((*ledger)->Append(batch), IsOk());
    // Leak the connection: no close, as if the process died after the commit.
    (void)ledger->release();
  }
  auto reopened = Ledger::Open(file, "c");
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ((*reopened)->last_sequence(), 2u);
  EXPECT_THAT(ReadAll(**reopened), SizeIs(2));
}

TEST(LedgerTest, BelongsToOneCompetition) {
  TempDir dir;
  const auto file = dir.path() / "contest.db";
  ASSERT_THAT(Ledger::Open(file, "mine-rescue-2026"), IsOk());
  EXPECT_THAT(Ledger::Open(file, "dance-2026"),
              StatusIs(StatusCode::kFailedPrecondition,
                       HasSubstr("ledger of competition 'mine-rescue-2026', not 'dance-2026'")));
}

TEST(LedgerTest, ANonLedgerFileIsDataLossNamingIt) {
  TempDir dir;
  const auto file = dir.path() / "notes.db";
  std::ofstream(file) << "this is not a database, it is a judge's notes file\n";
  EXPECT_THAT(Ledger::Open(file, "c"), StatusIs(StatusCode::kDataLoss, HasSubstr(file.string())));
}

TEST(LedgerTest, ATruncatedLedgerIsDataLossNeverACrash) {
  TempDir dir;
  const auto file = dir.path() / "contest.db";
  {
    auto ledger = Ledger::Open(file, "c");
    ASSERT_THAT(ledger, IsOk());
    std::vector<LedgerRecord> batch;
    for (int i = 0; i < 2000; ++i) {
      batch.push_back(Mark("k" + std::to_string(i), "K" + std::to_string(i), i % 15));
    }
    ASSERT_THAT((*ledger)->Append(batch), IsOk());
  }
  // Checkpointed into the main file on close; cut it in half.
  const auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size / 2);
  auto reopened = Ledger::Open(file, "c");
  if (reopened.ok()) {
    const Status replay = (*reopened)->Replay([](const LedgerRecord&) { return OkStatus(); });
    EXPECT_THAT(replay, StatusIs(StatusCode::kDataLoss, HasSubstr(file.string())));
  } else {
    EXPECT_THAT(reopened, StatusIs(StatusCode::kDataLoss, HasSubstr(file.string())));
  }
}

TEST(LedgerTest, AFullDiskRefusesTheWholeBatchAndKeepsWhatWasStored) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  std::vector<LedgerRecord> first = {Mark("k0", "K000", 1)};
  ASSERT_THAT((*ledger)->Append(first), IsOk());
  (*ledger)->SetMaxPages(8);
  std::vector<LedgerRecord> big;
  for (int i = 1; i < 5000; ++i) big.push_back(Mark("k" + std::to_string(i), "K", 1));
  EXPECT_THAT((*ledger)->Append(big),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("disk full")));
  EXPECT_EQ(big[0].sequence, 0u);
  EXPECT_EQ((*ledger)->last_sequence(), 1u);
  EXPECT_THAT(ReadAll(**ledger), SizeIs(1));
  // Space returns: appends work again, numbered on from the last stored one.
  (*ledger)->SetMaxPages(1'000'000);
  std::vector<LedgerRecord> next = {Mark("k-next", "K001", 2)};
  ASSERT_THAT((*ledger)->Append(next), IsOk());
  EXPECT_EQ(next[0].sequence, 2u);
}

TEST(LedgerTest, AStoredKeyCannotBeStoredAgain) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  std::vector<LedgerRecord> first = {Mark("same", "K001", 1)};
  ASSERT_THAT((*ledger)->Append(first), IsOk());
  std::vector<LedgerRecord> again = {Mark("other", "K002", 1), Mark("same", "K001", 1)};
  EXPECT_THAT((*ledger)->Append(again), StatusIs(StatusCode::kAlreadyExists));
  EXPECT_THAT(ReadAll(**ledger), SizeIs(1));
}

TEST(LedgerTest, HistoryListsTheEventsOfOneMark) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  LedgerRecord correction = Mark("k3", "K001", 14);
  correction.kind = "correction";
  correction.reason = "登分错误";
  std::vector<LedgerRecord> batch = {Mark("k1", "K001", 12), Mark("k2", "K002", 9), correction};
  ASSERT_THAT((*ledger)->Append(batch), IsOk());
  auto history = (*ledger)->History("K001", "mine-rescue:practical.cpr", "");
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ((*history)[1].kind, "correction");
  EXPECT_EQ((*history)[1].reason, "登分错误");
}

// Links `records` as the server's writer does: each to the previous record
// about the same bib and item, numbered from `first`.
void Link(std::vector<LedgerRecord>& records, std::uint64_t first,
          std::map<std::pair<std::string, std::string>, std::uint64_t>& last) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    std::uint64_t& head = last[{records[i].bib, records[i].item}];
    records[i].previous = head;
    head = first + i;
  }
}

TEST(LedgerTest, HistoryFollowsTheLinksFromTheLatestRecord) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  std::map<std::pair<std::string, std::string>, std::uint64_t> last;
  LedgerRecord other_judge = Mark("k4", "K001", 11);
  other_judge.judge = "P02";
  LedgerRecord correction = Mark("k5", "K001", 14);
  correction.kind = "correction";
  correction.reason = "登分错误";
  std::vector<LedgerRecord> batch = {Mark("k1", "K001", 12), Mark("k2", "K002", 9),
                                     Mark("k3", "K003", 10), other_judge, correction};
  Link(batch, 1, last);
  ASSERT_THAT((*ledger)->Append(batch), IsOk());
  EXPECT_EQ(batch[3].previous, 1u);
  EXPECT_EQ(batch[4].previous, 4u);

  const std::uint64_t head = last[{"K001", "mine-rescue:practical.cpr"}];
  auto linked = (*ledger)->History("K001", "mine-rescue:practical.cpr", "", head);
  ASSERT_THAT(linked, IsOk());
  std::vector<std::uint64_t> sequences;
  for (const LedgerRecord& r : *linked) sequences.push_back(r.sequence);
  EXPECT_THAT(sequences, ElementsAre(1, 4, 5));
  EXPECT_EQ((*linked)[2].reason, "登分错误");
  // The scan (no head known) finds the same records.
  auto scanned = (*ledger)->History("K001", "mine-rescue:practical.cpr", "");
  ASSERT_THAT(scanned, IsOk());
  ASSERT_THAT(*scanned, SizeIs(3));
  EXPECT_EQ((*scanned)[1].sequence, 4u);
  // One judge's records only.
  auto p01 = (*ledger)->History("K001", "mine-rescue:practical.cpr", "P01", head);
  ASSERT_THAT(p01, IsOk());
  ASSERT_THAT(*p01, SizeIs(2));
  EXPECT_EQ((*p01)[1].sequence, 5u);
  // Nothing recorded yet.
  EXPECT_THAT((*ledger)->History("K009", "mine-rescue:practical.cpr", "", 0),
              IsOkAndHolds(SizeIs(0)));
}

TEST(LedgerTest, ABrokenLinkIsDataLossNamingTheFileAndSequence) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  std::vector<LedgerRecord> batch = {Mark("k1", "K001", 12), Mark("k2", "K002", 9)};
  batch[1].previous = 1;  // links K002 to a record of K001
  ASSERT_THAT((*ledger)->Append(batch), IsOk());
  EXPECT_THAT((*ledger)->History("K002", "mine-rescue:practical.cpr", "", 2),
              StatusIs(StatusCode::kDataLoss,
                       AllOf(HasSubstr("contest.db"), HasSubstr("sequence 1 (linked from 2)"))));
  EXPECT_THAT((*ledger)->History("K002", "mine-rescue:practical.cpr", "", 7),
              StatusIs(StatusCode::kDataLoss, HasSubstr("sequence 7 is missing")));
}

// A ledger as Podium wrote it before records were linked (schema 1).
void WriteSchema1Ledger(const std::filesystem::path& file) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  constexpr char kSql[] = R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events(seq INTEGER PRIMARY KEY, at_ms INTEGER NOT NULL, actor TEXT NOT NULL,
  role INTEGER NOT NULL, device TEXT NOT NULL, key TEXT NOT NULL UNIQUE,
  fingerprint INTEGER NOT NULL, kind TEXT NOT NULL, bib TEXT NOT NULL, item TEXT NOT NULL,
  judge TEXT NOT NULL, penalty TEXT NOT NULL, status TEXT NOT NULL, value REAL NOT NULL,
  time_used REAL, count INTEGER NOT NULL, reason TEXT NOT NULL, note TEXT NOT NULL);
CREATE INDEX events_by_mark ON events(bib, item);
CREATE TABLE tokens(hash BLOB PRIMARY KEY, role INTEGER NOT NULL, subject TEXT NOT NULL,
  created_ms INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
INSERT INTO meta VALUES ('schema', '1'), ('competition', 'c');
INSERT INTO events VALUES
  (1, 1, 'P01', 1, 't', 'k1', 7, 'mark', 'K001', 'x:p.cpr', 'P01', '', '', 12, NULL, 0, '', ''),
  (2, 2, 'P01', 1, 't', 'k2', 7, 'mark', 'K002', 'x:p.cpr', 'P01', '', '', 9, NULL, 0, '', ''),
  (3, 3, 'CJ', 2, 't', 'k3', 7, 'lock', '', 'x:p.cpr', '', '', '', 0, NULL, 0, '', ''),
  (4, 4, 'CJ', 2, 't', 'k4', 7, 'status', 'K001', '', '', '', 'absent', 0, NULL, 0, 'ill', ''),
  (5, 5, 'CJ', 2, 't', 'k5', 7, 'correction', 'K001', 'x:p.cpr', 'P01', '', '', 13, NULL, 0,
   'typo', '');
)sql";
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, kSql, nullptr, nullptr, &error), SQLITE_OK) << error;
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(LedgerTest, ASchema1LedgerIsReadAsItIsAndLinkedWhenOpenedForWriting) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "old.db";
  WriteSchema1Ledger(file);
  {
    // Read-only: not migrated, histories by scanning.
    auto old = Ledger::OpenReadOnly(file);
    ASSERT_THAT(old, IsOk());
    auto history = (*old)->History("K001", "x:p.cpr", "");
    ASSERT_THAT(history, IsOk());
    ASSERT_THAT(*history, SizeIs(2));
    EXPECT_EQ((*history)[1].kind, "correction");
    EXPECT_EQ((*history)[1].previous, 0u);
  }
  auto ledger = Ledger::Open(file, "c");
  ASSERT_THAT(ledger, IsOk());
  const auto records = ReadAll(**ledger);
  ASSERT_THAT(records, SizeIs(5));
  std::vector<std::uint64_t> previous;
  for (const LedgerRecord& r : records) previous.push_back(r.previous);
  // The correction of K001's item follows its mark; locks and statuses are
  // about no contestant's item.
  EXPECT_THAT(previous, ElementsAre(0, 0, 0, 0, 1));
  auto history = (*ledger)->History("K001", "x:p.cpr", "", 5);
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ((*history)[0].sequence, 1u);
  // New records append after the migration.
  std::vector<LedgerRecord> more = {Mark("k6", "K002", 10)};
  more[0].previous = 2;
  ASSERT_THAT((*ledger)->Append(more), IsOk());
  EXPECT_EQ(more[0].sequence, 6u);
  ledger->reset();
  // Schema 2 now, and the (bib, item) index the links replace is gone.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* query = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT (SELECT value FROM meta WHERE key = 'schema'), "
                               "(SELECT COUNT(*) FROM sqlite_master WHERE name = 'events_by_mark')",
                               -1, &query, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(query), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(query, 0)), "2");
  EXPECT_EQ(sqlite3_column_int(query, 1), 0);
  sqlite3_finalize(query);
  sqlite3_close(db);
}

TEST(LedgerTest, FingerprintsTellRetriesFromReuse) {
  const LedgerRecord a = Mark("k", "K001", 12.5);
  LedgerRecord retry = Mark("k", "K001", 12.5);
  retry.device = "another-tablet";
  retry.recorded_at_ms += 5000;
  EXPECT_EQ(a.ComputeFingerprint(), retry.ComputeFingerprint());
  EXPECT_NE(a.ComputeFingerprint(), Mark("k", "K001", 13).ComputeFingerprint());
  EXPECT_NE(a.ComputeFingerprint(), Mark("k", "K002", 12.5).ComputeFingerprint());
}

TEST(LedgerTest, TokensAreStoredAndRevoked) {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", "c");
  ASSERT_THAT(ledger, IsOk());
  ASSERT_THAT((*ledger)->PutToken({.hash = std::string(32, 'a'), .role = 1, .subject = "P01"}),
              IsOk());
  ASSERT_THAT((*ledger)->RevokeToken("P01"), IsOk());
  EXPECT_THAT((*ledger)->RevokeToken("P99"), StatusIs(StatusCode::kNotFound, HasSubstr("P99")));
  auto tokens = (*ledger)->Tokens();
  ASSERT_THAT(tokens, IsOk());
  ASSERT_THAT(*tokens, SizeIs(1));
  EXPECT_TRUE((*tokens)[0].revoked);
  EXPECT_EQ((*tokens)[0].hash, std::string(32, 'a'));
}

}  // namespace
}  // namespace podium::server
