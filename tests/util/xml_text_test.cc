#include "util/xml_text.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace medallion::util {
namespace {

constexpr std::string_view kFffd = "\xEF\xBF\xBD";  // U+FFFD

// ---------------------------------------------------------------------------
// xml_escape

TEST(XmlEscape, FiveSpecialsBecomeEntities) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
}

TEST(XmlEscape, PlainTextUnchanged) {
  EXPECT_EQ(xml_escape(""), "");
  EXPECT_EQ(xml_escape("Sessions per country (2016)"), "Sessions per country (2016)");
}

TEST(XmlEscape, TabNewlineAndCarriageReturnKept) {
  EXPECT_EQ(xml_escape("tab\there\nand\rthere"), "tab\there\nand\rthere");
}

TEST(XmlEscape, ControlCharactersBecomeReplacement) {
  EXPECT_EQ(xml_escape(std::string("\x00", 1)), kFffd);
  EXPECT_EQ(xml_escape("a\x01"
                       "b\x1F"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(XmlEscape, OverlongEncodingBecomesOneReplacementPerByte) {
  EXPECT_EQ(xml_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
}

TEST(XmlEscape, SurrogateBecomesOneReplacementPerByte) {
  EXPECT_EQ(xml_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(XmlEscape, NonCharactersFffeAndFfffBecomeReplacement) {
  EXPECT_EQ(xml_escape("\xEF\xBF\xBE"), kFffd);  // U+FFFE is no XML Char
  EXPECT_EQ(xml_escape("\xEF\xBF\xBF"), kFffd);  // nor U+FFFF
}

TEST(XmlEscape, TruncatedSequenceBecomesOneReplacementPerByte) {
  EXPECT_EQ(xml_escape("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(XmlEscape, StrayByteResynchronizesOnTheNext) {
  EXPECT_EQ(xml_escape("\xFF<\xC3\xA9"), "\xEF\xBF\xBD&lt;\xC3\xA9");
}

TEST(XmlEscape, ValidMultiByteCharactersKept) {
  EXPECT_EQ(xml_escape("\xC3\xA9t\xC3\xA9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(xml_escape("\xF0\x9F\x98\x80"), "\xF0\x9F\x98\x80");  // U+1F600, 4 bytes
}

TEST(XmlEscape, AboveU10FFFFBecomesReplacementPerByte) {
  EXPECT_EQ(xml_escape("\xF4\x90\x80\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

// ---------------------------------------------------------------------------
// xml_chars and append_xml_escaped_char

TEST(XmlChars, OneElementPerCodePoint) {
  std::string storage;
  const std::vector<std::string_view> chars = xml_chars("a\xC3\xA9\xF0\x9F\x98\x80<", &storage);
  const std::vector<std::string_view> expected = {"a", "\xC3\xA9", "\xF0\x9F\x98\x80", "<"};
  EXPECT_EQ(chars, expected);
}

TEST(XmlChars, EmptyTextHasNoElements) {
  std::string storage = "left over";
  EXPECT_TRUE(xml_chars("", &storage).empty());
  EXPECT_EQ(storage, "");
}

TEST(XmlChars, InvalidBytesAndForbiddenCharactersAreReplacementElements) {
  std::string storage;
  const std::vector<std::string_view> chars = xml_chars(std::string("\xFF\x00x", 3), &storage);
  const std::vector<std::string_view> expected = {kFffd, kFffd, "x"};
  EXPECT_EQ(chars, expected);
}

TEST(XmlChars, ElementsAreSlicesOfTheStorage) {
  std::string storage;
  // Long enough that the storage outgrows any small-string buffer.
  const std::string text(100, 'x');
  const std::vector<std::string_view> chars = xml_chars(text + "\x01", &storage);
  ASSERT_EQ(chars.size(), 101u);
  EXPECT_EQ(chars.front().data(), storage.data());
  EXPECT_EQ(chars.back().data() + chars.back().size(), storage.data() + storage.size());
  EXPECT_EQ(chars.back(), kFffd);
}

TEST(AppendXmlEscapedChar, EscapesSpecialsAndKeepsOthers) {
  std::string out = "x";
  for (std::string_view ch : {"&", "<", ">", "\"", "'", "a", "\xC3\xA9"}) {
    append_xml_escaped_char(out, ch);
  }
  EXPECT_EQ(out, "x&amp;&lt;&gt;&quot;&apos;a\xC3\xA9");
}

TEST(AppendXmlEscapedChar, OverXmlCharsIsXmlEscape) {
  const std::string text = "<a\xFF\xC3\xA9&'\x01\">";
  std::string storage;
  std::string out;
  for (std::string_view ch : xml_chars(text, &storage)) append_xml_escaped_char(out, ch);
  EXPECT_EQ(out, xml_escape(text));
}

}  // namespace
}  // namespace medallion::util
