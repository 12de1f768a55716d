// The outbox on a real SQLite file: what is queued survives reopening, a key
// is queued once, and answers move entries out of waiting.
#include "judges-client/outbox.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::judge {
namespace {

using ::podium::test::IsOk;
using ::podium::test::IsOkAndHolds;
using ::podium::test::TempDir;
using Answer = Outbox::Answer;

OutboxEntry Entry(const std::string& key) {
  return {.key = key,
          .method = "SubmitMark",
          .request = std::string("\x0a\x02k1\0x", 6),
          .summary = "K001 " + key};
}

TEST(OutboxTest, QueuedEntriesSurviveReopeningInOrder) {
  const TempDir tmp;
  const auto file = tmp.path() / "state" / "outbox.db";
  {
    auto outbox = Outbox::Open(file);
    ASSERT_THAT(outbox, IsOk());
    EXPECT_THAT((*outbox)->Enqueue({Entry("a"), Entry("b")}, 1000), IsOkAndHolds(2));
    EXPECT_THAT((*outbox)->Enqueue({Entry("c")}, 2000), IsOkAndHolds(1));
  }
  auto outbox = Outbox::Open(file);
  ASSERT_THAT(outbox, IsOk());
  auto waiting = (*outbox)->Waiting();
  ASSERT_THAT(waiting, IsOk());
  ASSERT_EQ(waiting->size(), 3u);
  EXPECT_EQ((*waiting)[0].key, "a");
  EXPECT_EQ((*waiting)[2].key, "c");
  EXPECT_EQ((*waiting)[0].request, std::string("\x0a\x02k1\0x", 6));  // bytes kept exactly
  EXPECT_EQ((*waiting)[2].created_ms, 2000);
}

TEST(OutboxTest, AKeyIsQueuedOnceEvenAfterItWasSent) {
  const TempDir tmp;
  auto outbox = Outbox::Open(tmp.path() / "outbox.db");
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT((*outbox)->Enqueue({Entry("a")}, 1), IsOkAndHolds(1));
  ASSERT_THAT((*outbox)->Record({{.key = "a", .kind = Answer::Kind::kSent, .sequence = 7}}),
              IsOk());
  EXPECT_THAT((*outbox)->Enqueue({Entry("a"), Entry("b")}, 2), IsOkAndHolds(1));
  auto a = (*outbox)->Find("a");
  ASSERT_THAT(a, IsOk());
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->state, "sent");
  EXPECT_EQ((*a)->sequence, 7u);
}

TEST(OutboxTest, AnswersMoveEntriesAndCountThem) {
  const TempDir tmp;
  auto outbox = Outbox::Open(tmp.path() / "outbox.db");
  ASSERT_THAT(outbox, IsOk());
  ASSERT_THAT((*outbox)->Enqueue({Entry("a"), Entry("b"), Entry("c")}, 1), IsOk());
  ASSERT_THAT((*outbox)->Record({{.key = "a", .kind = Answer::Kind::kSent, .duplicate = true},
                                 {.key = "b", .kind = Answer::Kind::kRefused, .why = "locked"},
                                 {.key = "c", .kind = Answer::Kind::kNotReached, .why = "down"}}),
              IsOk());
  auto counts = (*outbox)->Counts();
  ASSERT_THAT(counts, IsOk());
  EXPECT_EQ(counts->sent, 1);
  EXPECT_EQ(counts->refused, 1);
  EXPECT_EQ(counts->waiting, 1);
  auto refused = (*outbox)->Recent("refused", 10);
  ASSERT_THAT(refused, IsOk());
  ASSERT_EQ(refused->size(), 1u);
  EXPECT_EQ((*refused)[0].error, "locked");
  auto c = (*outbox)->Find("c");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ((*c)->attempts, 1);
  EXPECT_EQ((*c)->error, "down");
  EXPECT_TRUE((*(*outbox)->Find("a"))->duplicate);
}

TEST(OutboxTest, AnUnwritablePlaceIsNamed) {
  auto outbox = Outbox::Open("/proc/podium-outbox/outbox.db");
  EXPECT_THAT(outbox, test::StatusIs(StatusCode::kUnavailable));
  EXPECT_THAT(outbox.status().message(), testing::HasSubstr("/proc/podium-outbox/outbox.db"));
}

}  // namespace
}  // namespace podium::judge
