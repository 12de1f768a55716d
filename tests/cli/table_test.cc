#include "server/cli/table.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace podium::cli {
namespace {

TEST(DisplayWidthTest, CountsAsciiAsOneColumnEach) {
  EXPECT_EQ(DisplayWidth(""), 0);
  EXPECT_EQ(DisplayWidth("A01"), 3);
  EXPECT_EQ(DisplayWidth("Zoë Ørsted"), 10);
}

TEST(DisplayWidthTest, CountsEastAsianWideAndFullwidthAsTwo) {
  EXPECT_EQ(DisplayWidth("张三"), 4);        // CJK unified ideographs
  EXPECT_EQ(DisplayWidth("㐀"), 2);          // extension A
  EXPECT_EQ(DisplayWidth("\U00020000"), 2);  // extension B
  EXPECT_EQ(DisplayWidth("　。「」"), 8);    // CJK punctuation from U+3000
  EXPECT_EQ(DisplayWidth("，：（）"), 8);    // fullwidth forms
  EXPECT_EQ(DisplayWidth("ＡＢ１"), 6);
  EXPECT_EQ(DisplayWidth("￥"), 2);      // U+FFE5, a fullwidth sign
  EXPECT_EQ(DisplayWidth("한국어"), 6);  // Hangul syllables
  EXPECT_EQ(DisplayWidth("ひらがなカタカナ"), 16);
  EXPECT_EQ(DisplayWidth("第25届"), 6);
}

TEST(DisplayWidthTest, CountsHalfwidthFormsAsOne) {
  EXPECT_EQ(DisplayWidth("ｶﾀｶﾅ"), 4);    // U+FF76.. halfwidth katakana
  EXPECT_EQ(DisplayWidth("\u303F"), 1);  // ideographic half fill space
}

TEST(DisplayWidthTest, CountsCombiningMarksAndZeroWidthCharactersAsZero) {
  EXPECT_EQ(DisplayWidth("e\u0301"), 1);       // e + combining acute
  EXPECT_EQ(DisplayWidth("\u304B\u3099"), 2);  // か + combining voiced mark
  EXPECT_EQ(DisplayWidth("a\u200Bb"), 2);      // zero width space
  EXPECT_EQ(DisplayWidth("\uFEFFbib"), 3);
}

TEST(DisplayWidthTest, CountsEachInvalidByteAsOne) {
  EXPECT_EQ(DisplayWidth("\xD0\xD5\xC3\xFB"), 4);  // GBK bytes, not UTF-8
  EXPECT_EQ(DisplayWidth("a\xE5\xA7"), 3);         // truncated sequence
}

TEST(TextTableTest, AlignsColumnsByDisplayWidth) {
  TextTable table({"bib", "name", "organization"});
  table.AddRow({"A01", "张三", "国家能源集团"});
  table.AddRow({"A102", "Li Wei", "Shenhua"});
  EXPECT_EQ(table.Render(),
            "bib   name    organization\n"
            "----  ------  ------------\n"
            "A01   张三    国家能源集团\n"
            "A102  Li Wei  Shenhua\n");
}

TEST(TextTableTest, RightAlignsChosenColumnsIncludingHeader) {
  TextTable table({"rank", "姓名", "total"});
  table.SetAlignRight(0);
  table.SetAlignRight(2);
  table.AddRow({"1", "张三", "98.50"});
  table.AddRow({"10", "欧阳娜娜", "7.25"});
  EXPECT_EQ(table.Render(),
            "rank  姓名      total\n"
            "----  --------  -----\n"
            "   1  张三      98.50\n"
            "  10  欧阳娜娜   7.25\n");
}

TEST(TextTableTest, PadsShortRowsAndLeavesNoTrailingSpaces) {
  TextTable table({"bib", "note", "x"});
  table.AddRow({"A01"});
  table.AddRow({"A02", "ok", ""});
  EXPECT_EQ(table.Render(),
            "bib  note  x\n"
            "---  ----  -\n"
            "A01\n"
            "A02  ok\n");
}

TEST(TextTableTest, ShowsLineBreaksAndTabsInCellsAsSpaces) {
  TextTable table({"bib", "note"});
  table.AddRow({"A01", "first\r\nsecond\tthird"});
  EXPECT_EQ(table.Render(),
            "bib  note\n"
            "---  -------------------\n"
            "A01  first  second third\n");
}

TEST(TextTableTest, RendersHeaderAloneWithoutRows) {
  EXPECT_EQ(TextTable({"judge", "裁判"}).Render(), "judge  裁判\n-----  ----\n");
}

TEST(TextTableDeathTest, RowWiderThanHeaderIsABug) {
  TextTable table({"bib"});
  EXPECT_DEATH(table.AddRow({"A01", "extra"}), "PODIUM_CHECK failed");
}

TEST(TextTableDeathTest, AlignRightOutsideTheHeaderIsABug) {
  TextTable table({"bib"});
  EXPECT_DEATH(table.SetAlignRight(1), "PODIUM_CHECK failed");
}

}  // namespace
}  // namespace podium::cli
