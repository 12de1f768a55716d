#include "server/core/idempotency_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "server/core/contest_state.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Optional;

using Entry = IdempotencyIndex::Entry;

// A stand-in for the ledger: every key ever added, and how often it was asked.
struct FakeLedger {
  std::map<std::string, Entry, std::less<>> stored;
  int asked = 0;
  IdempotencyIndex::Lookup Lookup() {
    return [this](std::string_view key) -> StatusOr<std::optional<Entry>> {
      ++asked;
      const auto it = stored.find(key);
      if (it == stored.end()) return {std::nullopt};
      return {it->second};
    };
  }
};

TEST(IdempotencyIndexTest, WithoutALookupEveryKeyStaysInMemory) {
  IdempotencyIndex index(/*recent_keys=*/4, /*filter_bits=*/1024);
  for (int i = 0; i < 100; ++i) index.Add("k" + std::to_string(i), {7, std::uint64_t(i + 1)});
  EXPECT_EQ(index.recent_size(), 100u);
  EXPECT_THAT(index.Find("k0"), IsOkAndHolds(Optional(Field(&Entry::sequence, 1u))));
  EXPECT_THAT(index.Find("k100"), IsOkAndHolds(::testing::Eq(std::nullopt)));
}

TEST(IdempotencyIndexTest, OldKeysLeaveMemoryAndAreFoundInTheLedger) {
  FakeLedger ledger;
  IdempotencyIndex index(/*recent_keys=*/8, /*filter_bits=*/1 << 16);
  index.set_lookup(ledger.Lookup());
  for (int i = 0; i < 10000; ++i) {
    const std::string key = "k" + std::to_string(i);
    const Entry entry{std::uint64_t(i) * 31, std::uint64_t(i + 1), WriteOutcome::kCounted};
    index.Add(key, entry);
    ledger.stored[key] = entry;
  }
  EXPECT_EQ(index.recent_size(), 8u);  // memory stays flat
  // A recent key: answered from memory.
  EXPECT_THAT(index.Find("k9999"), IsOkAndHolds(Optional(Field(&Entry::sequence, 10000u))));
  EXPECT_EQ(ledger.asked, 0);
  // An old key: the filter says maybe, the ledger answers.
  EXPECT_THAT(index.Find("k17"),
              IsOkAndHolds(Optional(Field(&Entry::fingerprint, std::uint64_t{17 * 31}))));
  EXPECT_EQ(ledger.asked, 1);
  // New keys: the filter rules almost all of them out without a ledger read.
  int false_positives = 0;
  for (int i = 0; i < 10000; ++i) {
    const int before = ledger.asked;
    EXPECT_THAT(index.Find("new-" + std::to_string(i)), IsOkAndHolds(::testing::Eq(std::nullopt)));
    false_positives += ledger.asked - before;
  }
  // 65,536 bits, 7 probes, 10,000 keys: about 5% expected.
  EXPECT_LT(false_positives, 1000);
}

// Random adds, re-adds and look-ups against a plain model of the rules: the
// last `capacity` keys answer from memory, older ones from the ledger, and
// keys never added are unknown. Short keys over a small alphabet make
// colliding probe runs, so evictions move entries within them.
TEST(IdempotencyIndexTest, RecentKeysMatchAModelThroughEvictions) {
  constexpr std::uint32_t kSeed = 20261122;
  std::cout << "seed " << kSeed << "\n";
  std::mt19937 rng(kSeed);
  constexpr std::size_t kCapacity = 64;
  FakeLedger ledger;
  IdempotencyIndex index(kCapacity, /*filter_bits=*/1 << 14);
  index.set_lookup(ledger.Lookup());
  std::vector<std::string> order;  // keys in the order first added
  auto random_key = [&] {
    std::string key(1 + rng() % 6, 'a');
    for (char& c : key) c = static_cast<char>('a' + rng() % 3);
    return key;
  };
  for (int step = 0; step < 20000; ++step) {
    const std::string key = random_key();
    const bool known = ledger.stored.count(key) > 0;
    const auto position = std::find(order.begin(), order.end(), key);
    const bool recent = known && order.end() - position <= static_cast<long>(kCapacity);
    if (rng() % 2 == 0) {
      const int before = ledger.asked;
      auto found = index.Find(key);
      ASSERT_THAT(found, IsOk()) << "step " << step;
      if (known) {
        ASSERT_TRUE(found->has_value()) << "step " << step << " key " << key;
        EXPECT_EQ(**found, ledger.stored[key]) << "step " << step << " key " << key;
      } else {
        EXPECT_FALSE(found->has_value()) << "step " << step << " key " << key;
      }
      if (recent) {
        EXPECT_EQ(ledger.asked, before) << "step " << step << " key " << key;
      }
    } else if (!known || recent) {
      // A new key, or a recent one updated in place (as on a replayed record).
      const Entry entry{rng(), static_cast<std::uint64_t>(step + 1), WriteOutcome::kCounted};
      index.Add(key, entry);
      ledger.stored[key] = entry;
      if (!known) order.push_back(key);
    }
    ASSERT_EQ(index.recent_size(), std::min(order.size(), kCapacity)) << "step " << step;
    if (HasFailure()) break;
  }
  EXPECT_GT(order.size(), kCapacity * 4);  // many evictions took place
}

TEST(IdempotencyIndexTest, KeysKeptWithoutALookupAreEvictedOnceOneIsSet) {
  FakeLedger ledger;
  IdempotencyIndex index(/*recent_keys=*/4, /*filter_bits=*/1 << 14);
  for (int i = 0; i < 1000; ++i) {  // the table grows several times
    const std::string key = "key-" + std::to_string(i);
    const Entry entry{std::uint64_t(i) * 7, std::uint64_t(i + 1)};
    index.Add(key, entry);
    ledger.stored[key] = entry;
  }
  EXPECT_EQ(index.recent_size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_THAT(index.Find("key-" + std::to_string(i)),
                IsOkAndHolds(Optional(Field(&Entry::sequence, std::uint64_t(i + 1)))));
  }
  index.set_lookup(ledger.Lookup());
  index.Add("key-1000", {1, 1001});
  ledger.stored["key-1000"] = {1, 1001};
  EXPECT_EQ(index.recent_size(), 4u);
  EXPECT_THAT(index.Find("key-999"), IsOkAndHolds(Optional(Field(&Entry::sequence, 1000u))));
  EXPECT_EQ(ledger.asked, 0);
  EXPECT_THAT(index.Find("key-3"), IsOkAndHolds(Optional(Field(&Entry::sequence, 4u))));
  EXPECT_EQ(ledger.asked, 1);
}

TEST(IdempotencyIndexTest, ALedgerErrorIsReturnedNotTakenForANewKey) {
  IdempotencyIndex index(/*recent_keys=*/1, /*filter_bits=*/1024);
  index.set_lookup([](std::string_view) -> StatusOr<std::optional<Entry>> {
    return DataLossError("contest.db: disk I/O error");
  });
  index.Add("a", {1, 1});
  index.Add("b", {2, 2});  // evicts "a"
  EXPECT_THAT(index.Find("a"), StatusIs(StatusCode::kDataLoss, HasSubstr("contest.db")));
}

// The live path: a retry of a mark whose key has long left memory is still
// answered with the original, and a reuse of it with other content refused.
TEST(IdempotencyIndexTest, ContestStateFindsOldKeysInTheLedger) {
  definition::LoadOptions options;
  options.load_marks = false;
  auto loaded = definition::LoadCompetition(test::DataDir() / "mine-rescue-2026", options, nullptr);
  ASSERT_THAT(loaded, IsOk());
  const test::TempDir dir;
  auto ledger = Ledger::Open(dir.path() / "contest.db", loaded->competition->spec().id);
  ASSERT_THAT(ledger, IsOk());
  ContestState state(loaded->competition, /*recent_keys=*/4);
  state.LookUpOldKeysIn(**ledger);
  auto m01 = loaded->competition->FindJudge("M01");
  ASSERT_THAT(m01, IsOk());
  const Principal judge{.role = Role::kJudge, .actor = "M01", .judge = *m01};
  const auto mark = [](int bib, double value) {
    Command command;
    command.kind = CommandKind::kMark;
    command.idempotency_key = "exam-K" + std::to_string(bib);
    char text[8];
    std::snprintf(text, sizeof text, "K%03d", bib);
    command.bib = text;
    command.item = "theory.exam";
    command.value = value;
    return command;
  };
  for (int bib = 1; bib <= 20; ++bib) {
    auto prepared = state.Prepare(mark(bib, 80), judge, 1000);
    ASSERT_THAT(prepared, IsOk());
    std::vector<LedgerRecord> records = {std::get<ContestState::Accepted>(*prepared).record};
    records[0].sequence = (*ledger)->last_sequence() + 1;
    ASSERT_THAT(state.Apply(records[0]), IsOk());
    ASSERT_THAT((*ledger)->Append(records), IsOk());
  }
  // K001's key left memory long ago (4 kept): the ledger answers the retry.
  auto retry = state.Prepare(mark(1, 80), judge, 2000);
  ASSERT_THAT(retry, IsOk());
  ASSERT_TRUE(std::holds_alternative<ContestState::Duplicate>(*retry));
  EXPECT_EQ(std::get<ContestState::Duplicate>(*retry).sequence, 1u);
  EXPECT_THAT(state.Prepare(mark(1, 85), judge, 2000),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("ledger sequence 1")));
}

}  // namespace
}  // namespace podium::server
