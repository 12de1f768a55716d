#include "podium/engine/nomination.h"

#include <cmath>
#include <map>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/status.h"
#include "tests/testing/status_matchers.h"

namespace podium::engine {
namespace {

using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const double kMissing = std::nan("");

// Field values for one contestant; a field that is not set reads as a missing number.
class FakeFields final : public RuleFields {
 public:
  FakeFields() = default;
  FakeFields(std::initializer_list<std::pair<const std::string, RuleValue>> values)
      : values_(values) {}

  FakeFields& Set(const std::string& field, RuleValue value) {
    values_[field] = std::move(value);
    return *this;
  }

  RuleValue Get(std::string_view field) const override {
    const auto it = values_.find(std::string(field));
    return it == values_.end() ? RuleValue(kMissing) : it->second;
  }

 private:
  std::map<std::string, RuleValue> values_;
};

// Parses a rule the test expects to be valid.
NominationRule Rule(std::string_view text) {
  StatusOr<NominationRule> rule = NominationRule::Parse(text);
  EXPECT_THAT(rule, IsOk()) << "rule `" << text << "`";
  return rule.ok() ? std::move(rule).value() : NominationRule();
}

bool Matches(std::string_view text, const FakeFields& fields) { return Rule(text).Matches(fields); }

// ---------------------------------------------------------------------------
// Grammar

TEST(NominationRuleTest, RankAndEligibleInChinese) {
  const NominationRule rule = Rule(R"(rank == 1 and eligible == "是")");
  EXPECT_TRUE(rule.Matches(FakeFields{{"rank", 1.0}, {"eligible", std::string("是")}}));
  EXPECT_FALSE(rule.Matches(FakeFields{{"rank", 1.0}, {"eligible", std::string("否")}}));
  EXPECT_FALSE(rule.Matches(FakeFields{{"rank", 2.0}, {"eligible", std::string("是")}}));
  EXPECT_FALSE(rule.Matches(FakeFields{{"rank", 1.0}, {"eligible", std::string("")}}));
  EXPECT_EQ(rule.text(), R"(rank == 1 and eligible == "是")");
}

TEST(NominationRuleTest, ChineseFieldNames) {
  const NominationRule rule = Rule(R"(资格 == "是" and 工龄 >= 5)");
  EXPECT_THAT(rule.FieldNames(), ElementsAre("资格", "工龄"));
  EXPECT_TRUE(rule.Matches(FakeFields{{"资格", std::string("是")}, {"工龄", 7.0}}));
  EXPECT_FALSE(rule.Matches(FakeFields{{"资格", std::string("是")}, {"工龄", 4.0}}));
  // No space needed between a Chinese field and the operator.
  EXPECT_TRUE(Matches(R"(资格=="是")", FakeFields{{"资格", std::string("是")}}));
}

TEST(NominationRuleTest, SymbolicOperatorsMeanTheSameAsWords) {
  const FakeFields fields{{"rank", 3.0}, {"award", std::string("second")}};
  EXPECT_TRUE(Matches(R"(rank <= 3 && !(award == ""))", fields));
  EXPECT_TRUE(Matches(R"(rank <= 3 and not (award == ""))", fields));
  EXPECT_TRUE(Matches(R"(rank == 1 || award == "second")", fields));
  EXPECT_TRUE(Matches(R"(rank == 1 or award == "second")", fields));
  EXPECT_FALSE(Matches(R"(!(rank == 3))", fields));
  EXPECT_TRUE(Matches("rank==3&&rank>=3", fields));
  EXPECT_TRUE(Matches("rank!=1", fields));
  EXPECT_FALSE(Matches("!rank==3", fields));
}

TEST(NominationRuleTest, AndBindsTighterThanOr) {
  const std::string rule = "a == 1 or b == 1 and c == 1";
  // a or (b and c): true when only a holds; (a or b) and c would be false.
  EXPECT_TRUE(Matches(rule, FakeFields{{"a", 1.0}, {"b", 0.0}, {"c", 0.0}}));
  EXPECT_FALSE(Matches(rule, FakeFields{{"a", 0.0}, {"b", 1.0}, {"c", 0.0}}));
  EXPECT_TRUE(Matches(rule, FakeFields{{"a", 0.0}, {"b", 1.0}, {"c", 1.0}}));
  // The same the other way round: (a and b) or c.
  EXPECT_TRUE(
      Matches("a == 1 and b == 1 or c == 1", FakeFields{{"a", 0.0}, {"b", 0.0}, {"c", 1.0}}));
}

TEST(NominationRuleTest, ParenthesesOverridePrecedence) {
  const std::string rule = "(a == 1 or b == 1) and c == 1";
  EXPECT_FALSE(Matches(rule, FakeFields{{"a", 1.0}, {"b", 0.0}, {"c", 0.0}}));
  EXPECT_TRUE(Matches(rule, FakeFields{{"a", 1.0}, {"b", 0.0}, {"c", 1.0}}));
  EXPECT_TRUE(Matches("((a == 1))", FakeFields{{"a", 1.0}}));
}

TEST(NominationRuleTest, NotBindsToTheNearestComparison) {
  // (not a == 1) and b == 1, not not (a == 1 and b == 1).
  EXPECT_FALSE(Matches("not a == 1 and b == 1", FakeFields{{"a", 0.0}, {"b", 0.0}}));
  EXPECT_TRUE(Matches("not a == 1 and b == 1", FakeFields{{"a", 0.0}, {"b", 1.0}}));
  EXPECT_TRUE(Matches("not not a == 1", FakeFields{{"a", 1.0}}));
  EXPECT_TRUE(Matches("not (a == 1 and b == 1)", FakeFields{{"a", 1.0}, {"b", 0.0}}));
}

TEST(NominationRuleTest, OrIsLeftAssociativeOverManyTerms) {
  const std::string rule = "rank == 1 or rank == 2 or rank == 3 and total > 90";
  EXPECT_TRUE(Matches(rule, FakeFields{{"rank", 2.0}, {"total", 10.0}}));
  EXPECT_FALSE(Matches(rule, FakeFields{{"rank", 3.0}, {"total", 10.0}}));
  EXPECT_TRUE(Matches(rule, FakeFields{{"rank", 3.0}, {"total", 95.0}}));
}

TEST(NominationRuleTest, FieldsThatStartWithKeywords) {
  const NominationRule rule = Rule(R"(notes == "x" or order > 2 and android < 1 or nothing != 0)");
  EXPECT_THAT(rule.FieldNames(), ElementsAre("notes", "order", "android", "nothing"));
  EXPECT_TRUE(rule.Matches(FakeFields{{"order", 3.0}, {"android", 0.0}, {"nothing", 0.0}}));
  EXPECT_FALSE(rule.Matches(
      FakeFields{{"notes", std::string("y")}, {"order", 3.0}, {"android", 5.0}, {"nothing", 0.0}}));
}

TEST(NominationRuleTest, FieldNamesWithDotsDashesAndUnderscores) {
  const NominationRule rule = Rule("event.practical >= 60 and team_rank <= 3 and id-type == 1");
  EXPECT_THAT(rule.FieldNames(), ElementsAre("event.practical", "team_rank", "id-type"));
  EXPECT_TRUE(
      rule.Matches(FakeFields{{"event.practical", 60.0}, {"team_rank", 3.0}, {"id-type", 1.0}}));
}

TEST(NominationRuleTest, NumberLiterals) {
  const FakeFields fields{{"total", 85.5}, {"delta", -3.0}};
  EXPECT_TRUE(Matches("total == 85.5", fields));
  EXPECT_TRUE(Matches("total > 85.49", fields));
  EXPECT_TRUE(Matches("total >= 85.50", fields));
  EXPECT_TRUE(Matches("total < 100", fields));
  EXPECT_TRUE(Matches("delta == -3", fields));
  EXPECT_TRUE(Matches("delta < -2.5", fields));
  EXPECT_TRUE(Matches("delta > -3.5", fields));
  EXPECT_TRUE(Matches("total > +85", fields));
  EXPECT_TRUE(Matches("0 < total", fields));
  EXPECT_TRUE(Matches("1 == 1", fields));
  EXPECT_FALSE(Matches("1 == 2", fields));
}

TEST(NominationRuleTest, SignedNumberLiteralFollowedByParenthesisOrOperator) {
  const FakeFields fields{{"total", 85.0}, {"delta", -3.0}};
  EXPECT_TRUE(Matches("(delta == -3)", fields));
  EXPECT_TRUE(Matches("(total == +85)", fields));
  EXPECT_TRUE(Matches("total==+85&&delta==-3", fields));
}

TEST(NominationRuleTest, StringLiterals) {
  const FakeFields fields{{"name", std::string("Li Lei")}, {"organization", std::string("华北局")}};
  EXPECT_TRUE(Matches(R"(name == "Li Lei")", fields));
  EXPECT_TRUE(Matches("name == 'Li Lei'", fields));
  EXPECT_FALSE(Matches(R"(name == "li lei")", fields));
  EXPECT_TRUE(Matches(R"(organization == "华北局")", fields));
  EXPECT_TRUE(Matches(R"(organization != "华东局")", fields));
  EXPECT_TRUE(Matches(R"(name == "Li Lei" and "x" == "x")", fields));
  EXPECT_TRUE(Matches(R"(name != "")", fields));
  // A quote of the other kind inside a string is kept.
  EXPECT_TRUE(Matches(R"(note == "it's")", FakeFields{{"note", std::string("it's")}}));
}

TEST(NominationRuleTest, TextComparesByteWise) {
  const FakeFields fields{{"team", std::string("beta")}};
  EXPECT_TRUE(Matches(R"(team > "alpha")", fields));
  EXPECT_TRUE(Matches(R"(team < "gamma")", fields));
  EXPECT_TRUE(Matches(R"(team <= "beta")", fields));
  EXPECT_FALSE(Matches(R"(team < "Beta")", fields));  // 'b' > 'B'
}

TEST(NominationRuleTest, FieldComparedWithField) {
  EXPECT_TRUE(Matches("rank <= team_rank", FakeFields{{"rank", 2.0}, {"team_rank", 3.0}}));
  EXPECT_FALSE(Matches("rank <= team_rank", FakeFields{{"rank", 4.0}, {"team_rank", 3.0}}));
  EXPECT_TRUE(Matches("team == organization",
                      FakeFields{{"team", std::string("a")}, {"organization", std::string("a")}}));
}

// ---------------------------------------------------------------------------
// Numbers against text, and missing values

TEST(NominationRuleTest, NumberAgainstTextThatParsesAsNumber) {
  const FakeFields fields{{"years", std::string("12.5")}, {"padded", std::string(" 7 ")}};
  EXPECT_TRUE(Matches("years > 10", fields));
  EXPECT_TRUE(Matches("years == 12.5", fields));
  EXPECT_FALSE(Matches("years < 12.5", fields));
  EXPECT_TRUE(Matches("10 < years", fields));
  EXPECT_TRUE(Matches("padded == 7", fields));
  // A number literal and text compare as numbers: "12.50" equals 12.5.
  EXPECT_TRUE(Matches("12.5 == years", FakeFields{{"years", std::string("12.50")}}));
}

TEST(NominationRuleTest, NumberAgainstTextThatDoesNotParseIsMissing) {
  const FakeFields fields{{"years", std::string("twelve")},
                          {"blank", std::string("")},
                          {"partly", std::string("12abc")}};
  for (const std::string field : {"years", "blank", "partly"}) {
    SCOPED_TRACE(field);
    EXPECT_FALSE(Matches(field + " == 12", fields));
    EXPECT_FALSE(Matches(field + " < 12", fields));
    EXPECT_FALSE(Matches(field + " <= 12", fields));
    EXPECT_FALSE(Matches(field + " > 12", fields));
    EXPECT_FALSE(Matches(field + " >= 12", fields));
    EXPECT_TRUE(Matches(field + " != 12", fields));
  }
}

TEST(NominationRuleTest, MissingNumberFailsEveryComparisonExceptNotEqual) {
  const FakeFields unranked{{"rank", kMissing}, {"award", std::string("")}};
  EXPECT_FALSE(Matches("rank == 1", unranked));
  EXPECT_FALSE(Matches("rank < 1000", unranked));
  EXPECT_FALSE(Matches("rank <= 1000", unranked));
  EXPECT_FALSE(Matches("rank > 0", unranked));
  EXPECT_FALSE(Matches("rank >= 0", unranked));
  EXPECT_TRUE(Matches("rank != 1", unranked));
  EXPECT_FALSE(Matches("rank == rank", unranked));
  EXPECT_TRUE(Matches("not rank <= 5", unranked));
  EXPECT_FALSE(Matches(R"(rank == "")", unranked));
  // A field the fields object does not know is missing too.
  EXPECT_FALSE(Matches("unknown >= 0", FakeFields{}));
  EXPECT_TRUE(Matches("unknown != 0", FakeFields{}));
}

// ---------------------------------------------------------------------------
// FieldNames and defaults

TEST(NominationRuleTest, FieldNamesListsEveryFieldRead) {
  EXPECT_THAT(Rule(R"(rank <= 5 and (award != "" or event.theory > 90))").FieldNames(),
              ElementsAre("rank", "award", "event.theory"));
  EXPECT_THAT(Rule(R"(1 == 1 and "a" != "b")").FieldNames(), IsEmpty());
}

TEST(NominationRuleTest, DefaultRuleMatchesNothing) {
  EXPECT_FALSE(NominationRule().Matches(FakeFields{{"rank", 1.0}}));
}

// ---------------------------------------------------------------------------
// Parse errors: kInvalidArgument naming the column.

struct ParseErrorCase {
  std::string name;
  std::string text;
  int column;
  std::string what;
};

void PrintTo(const ParseErrorCase& c, std::ostream* os) { *os << "`" << c.text << "`"; }

class NominationRuleParseErrorTest : public ::testing::TestWithParam<ParseErrorCase> {};

TEST_P(NominationRuleParseErrorTest, ReportsColumnAndWhatWasExpected) {
  const ParseErrorCase& c = GetParam();
  EXPECT_THAT(NominationRule::Parse(c.text),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("rule `" + c.text + "`"),
                             HasSubstr("at column " + std::to_string(c.column) + ": "),
                             HasSubstr(c.what))));
}

INSTANTIATE_TEST_SUITE_P(
    AllErrors, NominationRuleParseErrorTest,
    ::testing::Values(
        ParseErrorCase{"Empty", "", 1, "expected a number, string or field"},
        ParseErrorCase{"OnlySpaces", "   ", 4, "expected a number, string or field"},
        ParseErrorCase{"MissingRightOperand", "rank <= ", 9, "expected a number, string or field"},
        ParseErrorCase{"MissingOperator", "rank 1", 6, "expected a comparison"},
        ParseErrorCase{"SingleEquals", "rank = 1", 6, "expected a comparison"},
        ParseErrorCase{"BareField", "eligible", 9, "expected a comparison"},
        ParseErrorCase{"UnclosedParenthesis", "(rank == 1", 11, "expected ')'"},
        ParseErrorCase{"ExtraClosingParenthesis", "rank == 1)", 10, "unexpected text ')'"},
        ParseErrorCase{"TwoComparisonsWithoutAnd", "rank == 1 rank == 2", 11,
                       "unexpected text 'rank == 2'"},
        ParseErrorCase{"UnterminatedString", R"(name == "Li)", 9, "unterminated string"},
        ParseErrorCase{"TrailingAnd", "rank == 1 and", 14, "expected a number, string or field"},
        ParseErrorCase{"TrailingOr", "rank == 1 ||", 13, "expected a number, string or field"},
        ParseErrorCase{"KeywordAsOperand", "rank == and", 9, "not 'and'"},
        ParseErrorCase{"NotAsOperand", "rank == not", 9, "not 'not'"},
        ParseErrorCase{"LoneMinus", "rank == - 1", 9, "bad number"},
        ParseErrorCase{"TwoDecimalPoints", "total > 1.2.3", 9, "bad number"},
        ParseErrorCase{"BadCharacter", "rank == @", 9, "expected a number, string or field"},
        ParseErrorCase{"LeadingOperator", "!= 3", 1, "expected a number, string or field"},
        ParseErrorCase{"ChainedComparison", "1 < rank < 5", 10, "unexpected text '< 5'"},
        ParseErrorCase{"EmptyParentheses", "()", 2, "expected a number, string or field"},
        ParseErrorCase{"NotWithoutOperand", "not", 4, "expected a number, string or field"}),
    [](const ::testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

TEST(NominationRuleTest, ParseErrorAfterChineseTextNamesAColumn) {
  EXPECT_THAT(NominationRule::Parse(R"(资格 == "是)"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("at column"), HasSubstr("unterminated string"))));
}

}  // namespace
}  // namespace podium::engine
