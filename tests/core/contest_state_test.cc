#include "server/core/contest_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "server/definition/loader.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;

class ContestStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    definition::LoadOptions options;
    options.load_marks = false;
    auto loaded =
        definition::LoadCompetition(test::DataDir() / "mine-rescue-2026", options, nullptr);
    ASSERT_THAT(loaded, IsOk());
    competition_ = loaded->competition;
    state_ = std::make_unique<ContestState>(competition_);
    auto m01 = competition_->FindJudge("M01");
    ASSERT_THAT(m01, IsOk());
    judge_ = {.role = Role::kJudge, .actor = "M01", .judge = *m01};
  }

  Command Exam(const std::string& key, const std::string& bib, double value) const {
    Command command;
    command.kind = CommandKind::kMark;
    command.idempotency_key = key;
    command.bib = bib;
    command.item = "theory.exam";
    command.value = value;
    return command;
  }

  int Contestant(const std::string& bib) const { return *competition_->FindContestant(bib); }

  // Prepares and applies `command` as the writer does; returns its record.
  LedgerRecord Write(const Command& command) {
    auto prepared = state_->Prepare(command, judge_, 1000);
    EXPECT_THAT(prepared, IsOk());
    auto& accepted = std::get<ContestState::Accepted>(*prepared);
    accepted.record.sequence = state_->last_sequence() + 1;
    EXPECT_THAT(state_->Apply(accepted.record, accepted.event ? &*accepted.event : nullptr),
                IsOk());
    return accepted.record;
  }

  std::shared_ptr<const engine::Competition> competition_;
  std::unique_ptr<ContestState> state_;
  Principal judge_;
};

TEST_F(ContestStateTest, AContestantLookedUpByTheCallerIsUsed) {
  Command command = Exam("k1", "K002", 81);
  command.contestant = Contestant("K002");
  const LedgerRecord record = Write(command);
  EXPECT_EQ(record.bib, "K002");
  auto exam = state_->ResolveItem(Contestant("K002"), "theory.exam");
  ASSERT_THAT(exam, IsOk());
  EXPECT_EQ(state_->engine().MarkOf(Contestant("K002"), *exam, judge_.judge), 81);
}

TEST_F(ContestStateTest, ALookedUpContestantOfAnotherBibIsIgnored) {
  // The bib decides, whatever the caller looked up.
  Command command = Exam("k1", "K002", 81);
  command.contestant = Contestant("K003");
  const LedgerRecord record = Write(command);
  EXPECT_EQ(record.bib, "K002");
  auto exam = state_->ResolveItem(Contestant("K002"), "theory.exam");
  ASSERT_THAT(exam, IsOk());
  EXPECT_EQ(state_->engine().MarkOf(Contestant("K002"), *exam, judge_.judge), 81);
  EXPECT_FALSE(state_->engine().MarkOf(Contestant("K003"), *exam, judge_.judge).has_value());
  // Out of range, and an unknown bib with a valid contestant.
  Command out_of_range = Exam("k2", "K004", 70);
  out_of_range.contestant = competition_->num_contestants();
  EXPECT_EQ(Write(out_of_range).bib, "K004");
  Command unknown = Exam("k3", "K999", 70);
  unknown.contestant = Contestant("K005");
  EXPECT_THAT(state_->Prepare(unknown, judge_, 1000),
              StatusIs(StatusCode::kNotFound, HasSubstr("K999")));
}

TEST_F(ContestStateTest, RecordsAboutAContestantsItemAreLinked) {
  const int k001 = Contestant("K001");
  auto exam = state_->ResolveItem(k001, "theory.exam");
  ASSERT_THAT(exam, IsOk());
  EXPECT_EQ(state_->LastRecordOn(k001, *exam), 0u);
  EXPECT_EQ(Write(Exam("k1", "K001", 80)).previous, 0u);
  EXPECT_EQ(Write(Exam("k2", "K002", 75)).previous, 0u);
  Command correction = Exam("k3", "K001", 82);
  correction.kind = CommandKind::kCorrection;
  correction.reason = "登分错误";
  const LedgerRecord corrected = Write(correction);
  EXPECT_EQ(corrected.previous, 1u);
  EXPECT_EQ(state_->LastRecordOn(k001, *exam), 3u);
  EXPECT_EQ(state_->LastRecordOn(Contestant("K002"), *exam), 2u);
  // A replayed state links the same way.
  ContestState replayed(competition_);
  LedgerRecord first = Write(Exam("k4", "K003", 60));
  ASSERT_THAT(replayed.Apply(first), IsOk());
  EXPECT_EQ(replayed.LastRecordOn(Contestant("K003"), *exam), first.sequence);
}

}  // namespace
}  // namespace podium::server
