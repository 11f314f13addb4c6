#include "cql/engine/lexer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace medallion::cql {
namespace {

struct Lexed {
  std::vector<Token> tokens;  // up to and excluding kEnd / kError
  bool failed = false;
  std::string error;
};

Lexed lex(std::string_view text) {
  Lexer lexer(text);
  Lexed out;
  for (;;) {
    Token t = lexer.next();
    if (t.kind == TokenKind::kEnd) break;
    if (t.kind == TokenKind::kError) {
      out.failed = true;
      out.error = lexer.error();
      out.tokens.push_back(t);
      break;
    }
    out.tokens.push_back(t);
  }
  return out;
}

std::vector<TokenKind> kinds(const Lexed& l) {
  std::vector<TokenKind> k;
  for (const auto& t : l.tokens) k.push_back(t.kind);
  return k;
}

std::vector<std::string> texts(const Lexed& l) {
  std::vector<std::string> k;
  for (const auto& t : l.tokens) k.emplace_back(t.text);
  return k;
}

TEST(LexerTest, IdentifiersKeywordsAndPunctuation) {
  auto l = lex("SELECT a,b FROM ks.t WHERE x<=1 AND y>=2 AND z!=3;");
  ASSERT_FALSE(l.failed);
  EXPECT_EQ(texts(l), (std::vector<std::string>{"SELECT", "a", ",",  "b", "FROM", "ks", ".",  "t",
                                                "WHERE",  "x", "<=", "1", "AND",  "y",  ">=", "2",
                                                "AND",    "z", "!=", "3", ";"}));
  EXPECT_TRUE(l.tokens[0].is_keyword("select"));
  EXPECT_FALSE(l.tokens[1].is_keyword("select"));
}

TEST(LexerTest, LineAndColumn) {
  auto l = lex("SELECT\n  a\n\t, b");
  ASSERT_EQ(l.tokens.size(), 4u);
  EXPECT_EQ(l.tokens[0].line, 1u);
  EXPECT_EQ(l.tokens[0].column, 0u);
  EXPECT_EQ(l.tokens[1].line, 2u);
  EXPECT_EQ(l.tokens[1].column, 2u);
  EXPECT_EQ(l.tokens[2].line, 3u);
  EXPECT_EQ(l.tokens[2].column, 1u);
  EXPECT_EQ(l.tokens[3].column, 3u);
}

TEST(LexerTest, StringsWithEscapes) {
  auto l = lex("'it''s' $$a'b$$ ''");
  ASSERT_EQ(kinds(l), (std::vector<TokenKind>{TokenKind::kString, TokenKind::kDollarString,
                                              TokenKind::kString}));
  EXPECT_EQ(token_value(l.tokens[0]), "it's");
  EXPECT_EQ(token_value(l.tokens[1]), "a'b");
  EXPECT_EQ(token_value(l.tokens[2]), "");
}

TEST(LexerTest, QuotedIdentifier) {
  auto l = lex(R"("Ks" "a""b")");
  ASSERT_EQ(kinds(l),
            (std::vector<TokenKind>{TokenKind::kQuotedIdentifier, TokenKind::kQuotedIdentifier}));
  EXPECT_EQ(token_value(l.tokens[0]), "Ks");
  EXPECT_EQ(token_value(l.tokens[1]), "a\"b");
}

TEST(LexerTest, Numbers) {
  auto l = lex("12 3.5 1.5e-3 2E10 7. 0xCAFE 0x");
  EXPECT_EQ(kinds(l), (std::vector<TokenKind>{
                          TokenKind::kInteger, TokenKind::kFloat, TokenKind::kFloat,
                          TokenKind::kFloat, TokenKind::kFloat, TokenKind::kHex, TokenKind::kHex}));
  EXPECT_EQ(texts(l)[2], "1.5e-3");
}

TEST(LexerTest, MinusIsPunctuation) {
  auto l = lex("-12 c-1");
  EXPECT_EQ(texts(l), (std::vector<std::string>{"-", "12", "c", "-", "1"}));
}

TEST(LexerTest, UnquotedUuidIsOneToken) {
  auto l = lex("123e4567-e89b-12d3-a456-426614174000 DEADBEEF-e89b-12d3-a456-426614174000");
  ASSERT_EQ(kinds(l), (std::vector<TokenKind>{TokenKind::kUuid, TokenKind::kUuid}));
  EXPECT_EQ(texts(l)[0], "123e4567-e89b-12d3-a456-426614174000");
}

TEST(LexerTest, AlmostUuidIsNotUuid) {
  auto l = lex("abcdef01-e89b-12d3-a456-42661417400");  // 11 digits at the end
  EXPECT_NE(kinds(l)[0], TokenKind::kUuid);
}

TEST(LexerTest, Durations) {
  auto l = lex("1h30m 2mo 5us 10ms");
  EXPECT_EQ(kinds(l), (std::vector<TokenKind>(4, TokenKind::kDuration)));
}

TEST(LexerTest, BindMarkers) {
  auto l = lex("? :name");
  EXPECT_EQ(kinds(l), (std::vector<TokenKind>{TokenKind::kQuestion, TokenKind::kPunct,
                                              TokenKind::kIdentifier}));
}

TEST(LexerTest, CommentsAreSkipped) {
  auto l = lex("a -- one\nb // two\nc /* three\n */ d");
  EXPECT_EQ(texts(l), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(l.tokens[3].line, 4u);
}

TEST(LexerTest, UnterminatedString) {
  auto l = lex("SELECT 'abc");
  ASSERT_TRUE(l.failed);
  EXPECT_EQ(l.tokens.back().column, 7u);
  EXPECT_NE(l.error.find("unterminated string"), std::string::npos);
}

TEST(LexerTest, UnterminatedComment) {
  auto l = lex("a /* b");
  ASSERT_TRUE(l.failed);
  EXPECT_NE(l.error.find("comment"), std::string::npos);
}

TEST(LexerTest, UnterminatedDollarString) { EXPECT_TRUE(lex("$$abc$").failed); }

TEST(LexerTest, UnterminatedQuotedIdentifier) { EXPECT_TRUE(lex("\"abc").failed); }

TEST(LexerTest, NumberRunningIntoLetters) { EXPECT_TRUE(lex("12abc").failed); }

TEST(LexerTest, StrayByte) {
  auto l = lex("a \x01");
  ASSERT_TRUE(l.failed);
  EXPECT_EQ(l.tokens.back().column, 2u);
}

TEST(LexerTest, ErrorIsSticky) {
  Lexer lexer("# a");
  EXPECT_EQ(lexer.next().kind, TokenKind::kError);
  EXPECT_EQ(lexer.next().kind, TokenKind::kError);
}

TEST(LexerTest, EndIsRepeated) {
  Lexer lexer("a");
  EXPECT_EQ(lexer.next().kind, TokenKind::kIdentifier);
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
  EXPECT_EQ(lexer.next().kind, TokenKind::kEnd);
}

TEST(LexerTest, LongInputIsLinear) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "'a''b', ";
  auto l = lex(text);
  EXPECT_FALSE(l.failed);
  EXPECT_EQ(l.tokens.size(), 400000u);
}

}  // namespace
}  // namespace medallion::cql
