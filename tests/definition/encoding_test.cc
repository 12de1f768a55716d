#include "server/definition/encoding.h"

#include <iconv.h>

#include <memory>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "podium/status.h"
#include "tests/testing/status_matchers.h"

namespace podium::definition {
namespace {

using ::podium::test::IsOkAndHolds;
using ::podium::test::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// "姓名" and "张三" in GBK, and U+20000 (𠀀, CJK extension B), which GB18030 encodes in 4 bytes.
constexpr std::string_view kXingMingGbk = "\xD0\xD5\xC3\xFB";
constexpr std::string_view kZhangSanGbk = "\xD5\xC5\xC8\xFD";
constexpr std::string_view kExtensionBGb18030 = "\x95\x32\x82\x36";

// Encodes UTF-8 text as GB18030 with iconv, independently of the code under test.
std::string EncodeGb18030(std::string_view utf8) {
  const iconv_t handle = iconv_open("GB18030", "UTF-8");
  EXPECT_NE(handle, reinterpret_cast<iconv_t>(-1));  // NOLINT(performance-no-int-to-ptr)
  const std::unique_ptr<void, int (*)(iconv_t)> closer(handle, &iconv_close);
  std::string out(utf8.size() * 4, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_next = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(handle, &in, &in_left, &out_next, &out_left), static_cast<size_t>(-1));
  out.resize(out.size() - out_left);
  return out;
}

TEST(EncodingTest, ParseEncodingAcceptsNamesAndAliasesInAnyCase) {
  EXPECT_THAT(ParseEncoding("auto"), IsOkAndHolds(Encoding::kAuto));
  EXPECT_THAT(ParseEncoding("AUTO"), IsOkAndHolds(Encoding::kAuto));
  EXPECT_THAT(ParseEncoding("utf-8"), IsOkAndHolds(Encoding::kUtf8));
  EXPECT_THAT(ParseEncoding("UTF8"), IsOkAndHolds(Encoding::kUtf8));
  EXPECT_THAT(ParseEncoding("gb18030"), IsOkAndHolds(Encoding::kGb18030));
  EXPECT_THAT(ParseEncoding("GBK"), IsOkAndHolds(Encoding::kGb18030));
  EXPECT_THAT(ParseEncoding("Gb2312"), IsOkAndHolds(Encoding::kGb18030));
}

TEST(EncodingTest, ParseEncodingRejectsUnknownNameAndListsAllowedValues) {
  EXPECT_THAT(ParseEncoding("latin1"), StatusIs(StatusCode::kInvalidArgument,
                                                AllOf(HasSubstr("'latin1'"), HasSubstr("auto"),
                                                      HasSubstr("utf-8"), HasSubstr("gb18030"))));
  EXPECT_THAT(ParseEncoding(""), StatusIs(StatusCode::kInvalidArgument));
}

TEST(EncodingTest, IsValidUtf8AcceptsWellFormedSequencesOfEveryLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("bib,name"));
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));      // U+0080
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));      // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));  // U+0800
  EXPECT_TRUE(IsValidUtf8("姓名"));
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
}

TEST(EncodingTest, IsValidUtf8RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));  // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(EncodingTest, IsValidUtf8RejectsSurrogates) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // a CESU-8 surrogate pair
}

TEST(EncodingTest, IsValidUtf8RejectsCodePointsAboveU10FFFF) {
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
}

TEST(EncodingTest, IsValidUtf8RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(IsValidUtf8("\xE5\xA7"));  // "姓" missing its last byte
  EXPECT_FALSE(IsValidUtf8("a\xC3"));     // truncated at the end
  EXPECT_FALSE(
      IsValidUtf8("\xC3"
                  "a"));              // lead byte followed by ASCII
  EXPECT_FALSE(IsValidUtf8("\x80"));  // continuation byte without a lead
  EXPECT_FALSE(IsValidUtf8(kXingMingGbk));
}

TEST(EncodingTest, AutoStripsUtf8ByteOrderMark) {
  EXPECT_THAT(DecodeToUtf8("\xEF\xBB\xBF"
                           "bib,姓名\r\n",
                           Encoding::kAuto, "contestants.csv"),
              IsOkAndHolds(std::string("bib,姓名\r\n")));
}

TEST(EncodingTest, AutoKeepsValidUtf8AsIs) {
  EXPECT_THAT(DecodeToUtf8("bib,姓名\nA01,张三\n", Encoding::kAuto, "contestants.csv"),
              IsOkAndHolds(std::string("bib,姓名\nA01,张三\n")));
  EXPECT_THAT(DecodeToUtf8("", Encoding::kAuto, "contestants.csv"), IsOkAndHolds(std::string()));
}

TEST(EncodingTest, AutoDecodesGbkWrittenByExcel) {
  const std::string gbk =
      "bib," + std::string(kXingMingGbk) + "\r\nA01," + std::string(kZhangSanGbk) + "\r\n";
  EXPECT_THAT(DecodeToUtf8(gbk, Encoding::kAuto, "contestants.csv"),
              IsOkAndHolds(std::string("bib,姓名\r\nA01,张三\r\n")));
}

TEST(EncodingTest, AutoDecodesFourByteGb18030Sequences) {
  const std::string bytes = std::string(kZhangSanGbk) + std::string(kExtensionBGb18030);
  EXPECT_THAT(DecodeToUtf8(bytes, Encoding::kAuto, "contestants.csv"),
              IsOkAndHolds(std::string("张三\U00020000")));
}

TEST(EncodingTest, AutoRejectsTextThatIsNeitherUtf8NorGb18030) {
  // 0xFF starts no sequence in either encoding.
  EXPECT_THAT(DecodeToUtf8("bib,name\nA01,\xFF\n", Encoding::kAuto, "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contestants.csv line 2: "), HasSubstr("UTF-8"),
                             HasSubstr("GB18030"), HasSubstr("byte offset 13"))));
}

TEST(EncodingTest, AutoHoldsFileWithBomToUtf8) {
  const std::string bytes =
      "\xEF\xBB\xBF"
      "bib\n" +
      std::string(kXingMingGbk);
  EXPECT_THAT(DecodeToUtf8(bytes, Encoding::kAuto, "judges.csv"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("judges.csv line 2: ")));
}

TEST(EncodingTest, Utf8StripsByteOrderMark) {
  EXPECT_THAT(DecodeToUtf8("\xEF\xBB\xBF"
                           "姓名",
                           Encoding::kUtf8, "judges.csv"),
              IsOkAndHolds(std::string("姓名")));
}

TEST(EncodingTest, Utf8RejectsGbkNamingFileLineOffsetAndRemedy) {
  const std::string bytes = "bib,name\nA01," + std::string(kXingMingGbk) + "\n";
  EXPECT_THAT(DecodeToUtf8(bytes, Encoding::kUtf8, "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contestants.csv line 2: "), HasSubstr("UTF-8"),
                             HasSubstr("byte offset 13"), HasSubstr("0xD0"),
                             HasSubstr("--encoding gb18030"))));
}

TEST(EncodingTest, Utf8CountsByteOffsetFromStartOfFileIncludingBom) {
  EXPECT_THAT(DecodeToUtf8("\xEF\xBB\xBF"
                           "ab\xC0\xAF",
                           Encoding::kUtf8, "scores.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("scores.csv line 1: "), HasSubstr("byte offset 5"))));
}

TEST(EncodingTest, Gb18030DecodesGbkAndFourByteSequences) {
  const std::string bytes =
      std::string(kXingMingGbk) + "," + std::string(kExtensionBGb18030) + "\n";
  EXPECT_THAT(DecodeToUtf8(bytes, Encoding::kGb18030, "contestants.csv"),
              IsOkAndHolds(std::string("姓名,\U00020000\n")));
}

TEST(EncodingTest, Gb18030StripsItsByteOrderMark) {
  // U+FEFF in GB18030.
  EXPECT_THAT(DecodeToUtf8("\x84\x31\x95\x33"
                           "bib",
                           Encoding::kGb18030, "contestants.csv"),
              IsOkAndHolds(std::string("bib")));
}

TEST(EncodingTest, Gb18030RoundTripsMixedText) {
  const std::string text =
      "bib,姓名,单位\r\nA01,张三,国家能源集团\r\nA02,Zoë Ørsted,\U0002A6A5 ①\u00B7€\r\n";
  EXPECT_THAT(DecodeToUtf8(EncodeGb18030(text), Encoding::kGb18030, "contestants.csv"),
              IsOkAndHolds(text));
}

TEST(EncodingTest, Gb18030RejectsInvalidBytesNamingFileAndLine) {
  EXPECT_THAT(DecodeToUtf8("bib\nA01\n\xFF\n", Encoding::kGb18030, "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument,
                       AllOf(StartsWith("contestants.csv line 3: "), HasSubstr("GB18030"))));
}

TEST(EncodingTest, Gb18030RejectsSequenceCutOffAtEndOfFile) {
  EXPECT_THAT(DecodeToUtf8("bib\n\xD0", Encoding::kGb18030, "contestants.csv"),
              StatusIs(StatusCode::kInvalidArgument, StartsWith("contestants.csv line 2: ")));
}

TEST(EncodingTest, RejectsUtf16InEveryMode) {
  for (const Encoding encoding : {Encoding::kAuto, Encoding::kUtf8, Encoding::kGb18030}) {
    EXPECT_THAT(DecodeToUtf8(std::string_view("\xFF\xFE"
                                              "b\0",
                                              4),
                             encoding, "judges.csv"),
                StatusIs(StatusCode::kInvalidArgument,
                         AllOf(StartsWith("judges.csv line 1: "), HasSubstr("UTF-16"))));
  }
}

}  // namespace
}  // namespace podium::definition
