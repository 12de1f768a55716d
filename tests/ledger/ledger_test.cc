#include "server/ledger/ledger.h"

#include <fstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/files.h"
#include "tests/testing/sanitizers.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::podium::test::TempDir;
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
