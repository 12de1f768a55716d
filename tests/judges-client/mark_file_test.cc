// Planning an import: every row checked against the judge's sheet before
// anything is sent, and keys derived from content so a re-run is a no-op.
#include "judges-client/mark_file.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace podium::judge {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::HasSubstr;

v1::Sheet SheetOf(const std::string& judge) {
  v1::Sheet sheet;
  sheet.set_judge(judge);
  sheet.set_judge_name("张荣华");
  v1::SheetItem* bench = sheet.add_items();
  bench->set_item("mine-rescue:practical.respirator-bench");
  bench->set_name("氧气呼吸器席位操作");
  bench->set_max(15);
  bench->set_step(0.5);
  for (const char* bib : {"K001", "K002", "K003"}) bench->add_entries()->set_bib(bib);
  v1::SheetItem* exam = sheet.add_items();
  exam->set_item("mine-rescue:theory.exam");
  exam->set_name("理论考试");
  exam->set_max(100);
  exam->set_step(0.5);
  exam->set_locked(true);
  exam->add_entries()->set_bib("K001");
  return sheet;
}

definition::CsvTable Table(const std::string& csv) {
  auto table = definition::ParseCsv(csv, "marks.csv");
  EXPECT_THAT(table, IsOk());
  return *table;
}

std::vector<PlannedMark> Plan(const std::string& csv, ImportOptions options = {}) {
  if (options.self.empty()) options.self = "P01";
  auto plan = PlanImport(Table(csv), {{"P01", SheetOf("P01")}}, options);
  EXPECT_THAT(plan, IsOk());
  return plan.ok() ? *plan : std::vector<PlannedMark>{};
}

TEST(MarkFileTest, GoodRowsBecomeRequestsWithTheSheetsFullItemRef) {
  const auto plan = Plan(
      "编号,项目,分数,用时,备注\n"
      "K001,respirator-bench,12.5,94,第1页\n"
      "K002,practical.respirator-bench,15,,\n");
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].error, "");
  EXPECT_EQ(plan[0].line, 2);
  EXPECT_EQ(plan[0].request.item(), "mine-rescue:practical.respirator-bench");
  EXPECT_EQ(plan[0].request.value(), 12.5);
  EXPECT_EQ(plan[0].request.time_used_seconds().value(), 94);
  EXPECT_EQ(plan[0].request.note(), "第1页");
  EXPECT_EQ(plan[0].request.judge(), "");  // the caller's own mark
  EXPECT_FALSE(plan[1].request.has_time_used_seconds());
}

TEST(MarkFileTest, EveryBadRowIsNamedWithItsReason) {
  const auto plan = Plan(
      "bib,item,value\n"
      "K001,respirator-bench,15.5\n"
      "K002,respirator-bench,12.3\n"
      "K003,respirator-bench,abc\n"
      "K009,respirator-bench,10\n"
      "K001,cpr,10\n"
      "K001,exam,80\n"
      ",respirator-bench,10\n");
  ASSERT_EQ(plan.size(), 7u);
  EXPECT_THAT(plan[0].error, HasSubstr("outside [0, 15]"));
  EXPECT_THAT(plan[1].error, HasSubstr("not a multiple of the step 0.5"));
  EXPECT_THAT(plan[2].error, HasSubstr("'abc' is not a number"));
  EXPECT_THAT(plan[3].error, HasSubstr("K009 is not on P01's list"));
  EXPECT_THAT(plan[4].error, HasSubstr("'cpr' is not on P01's sheet"));
  EXPECT_THAT(plan[5].error, HasSubstr("locked"));
  EXPECT_EQ(plan[6].error, "no bib");
  for (const PlannedMark& mark : plan) EXPECT_EQ(mark.line, &mark - plan.data() + 2);
}

TEST(MarkFileTest, TheSameContentGivesTheSameKeyAndAnotherValueAnother) {
  const std::string csv = "bib,value\nK001,12.5\nK002,12.5\n";
  const auto first = Plan(csv, {.default_item = "respirator-bench"});
  const auto again = Plan(csv, {.default_item = "respirator-bench"});
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].request.idempotency_key(), again[0].request.idempotency_key());
  EXPECT_NE(first[0].request.idempotency_key(), first[1].request.idempotency_key());
  const auto changed = Plan("bib,value\nK001,13\n", {.default_item = "respirator-bench"});
  EXPECT_NE(changed[0].request.idempotency_key(), first[0].request.idempotency_key());
}

TEST(MarkFileTest, TwoMarksForOneCellAreRefused) {
  const auto plan = Plan("bib,item,value\nK001,respirator-bench,12\nK001,respirator-bench,13\n");
  ASSERT_EQ(plan.size(), 2u);
  EXPECT_EQ(plan[0].error, "");
  EXPECT_THAT(plan[1].error, HasSubstr("a second mark for K001"));
  EXPECT_THAT(plan[1].error, HasSubstr("line 2"));
}

TEST(MarkFileTest, AJudgeColumnNeedsThatJudgesSheet) {
  auto plan = PlanImport(Table("bib,item,value,judge\nK001,respirator-bench,12,P02\n"),
                         {{"P01", SheetOf("P01")}}, {.self = "CJ01"});
  ASSERT_THAT(plan, IsOk());
  EXPECT_THAT((*plan)[0].error, HasSubstr("judge 'P02' is not one you may enter marks for"));
  plan = PlanImport(Table("bib,item,value,judge\nK001,respirator-bench,12,P02\n"),
                    {{"P02", SheetOf("P02")}}, {.self = "CJ01", .transcribed = true});
  ASSERT_THAT(plan, IsOk());
  EXPECT_EQ((*plan)[0].error, "");
  EXPECT_EQ((*plan)[0].request.judge(), "P02");
  EXPECT_TRUE((*plan)[0].request.transcribed());
  EXPECT_THAT(JudgesNamed(Table("bib,value,judge\nK1,1,P02\nK2,1,CJ01\nK3,1,P02\n"), "CJ01"),
              testing::ElementsAre("P02"));
}

TEST(MarkFileTest, AFileWithoutTheNeededColumnsIsRefusedWhole) {
  auto plan = PlanImport(Table("bib,item\nK001,respirator-bench\n"), {{"P01", SheetOf("P01")}},
                         {.self = "P01"});
  EXPECT_THAT(plan, StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(plan.status().message(), HasSubstr("missing column 'value'"));
  // No item column and no --item.
  plan = PlanImport(Table("bib,value\nK001,12\n"), {{"P01", SheetOf("P01")}}, {.self = "P01"});
  EXPECT_THAT(plan.status().message(), HasSubstr("missing column 'item'"));
}

TEST(MarkFileTest, AnAmbiguousItemNameIsRefused) {
  v1::Sheet sheet = SheetOf("P01");
  sheet.mutable_items(1)->set_item("mine-rescue:theory.respirator-bench");
  EXPECT_THAT(FindItem(sheet, "respirator-bench"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(FindItem(sheet, "theory.respirator-bench"), IsOk());
}

}  // namespace
}  // namespace podium::judge
