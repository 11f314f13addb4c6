// The CQL lexer: statement text in, tokens out, one at a time (the parser
// keeps a few tokens of lookahead, so memory does not grow with the text).
//
// Tokens (each a view into the text plus its line and column):
//   identifier        [A-Za-z][A-Za-z0-9_]*   (keywords are identifiers too:
//                     the parser decides; compare them case-insensitively)
//   quoted identifier "..." with "" for a quote
//   string            '...' with '' for a quote, or $$...$$ (no escapes)
//   integer           [0-9]+                   (no sign: '-' is punctuation,
//                     the parser folds it into a negative literal)
//   float             [0-9]+ ('.' [0-9]*)? ([eE] [+-]? [0-9]+)? with a '.'
//                     or an exponent
//   uuid              8-4-4-4-12 hex digits, unquoted (checked before numbers
//                     and identifiers, so 123e4567-... is one token)
//   hex               0x / 0X then hex digits (a blob)
//   duration          ([0-9]+ unit)+ with unit y mo w d h m s ms us ns
//   ?                 a positional bind marker
//   punctuation       ( ) [ ] { } , ; . : = < > + - * / and <= >= !=
// Whitespace and comments (-- and // to the end of the line, /* ... */) are
// skipped. Anything else (an unterminated string or comment, a stray byte, a
// number running into letters) is a kError token whose error() says why.
//
// Lines count from 1 and columns from 0 (in bytes), as Cassandra reports
// them ("line 1:7").
//
// Thread safety: a Lexer is used by one thread; the free functions are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace medallion::cql {

enum class TokenKind : uint8_t {
  kEnd,
  kIdentifier,
  kQuotedIdentifier,
  kString,        // '...'
  kDollarString,  // $$...$$
  kInteger,
  kFloat,
  kUuid,
  kHex,
  kDuration,
  kQuestion,  // ?
  kPunct,     // text is the one or two characters
  kError,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // exactly as written (quotes included)
  uint32_t line = 1;
  uint32_t column = 0;

  bool is_punct(char c) const {
    return kind == TokenKind::kPunct && text.size() == 1 && text[0] == c;
  }
  bool is_punct(std::string_view p) const { return kind == TokenKind::kPunct && text == p; }
  // An unquoted identifier equal to `lower_keyword` ignoring case.
  bool is_keyword(std::string_view lower_keyword) const;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  // The next token; kEnd at the end (and forever after); kError for bad
  // input, with error() describing it (the lexer stays at kError).
  Token next();
  const std::string& error() const { return error_; }

 private:
  Token make(TokenKind kind, size_t start, size_t end, uint32_t line, uint32_t column);
  Token fail(std::string message, size_t start, uint32_t line, uint32_t column);
  bool skip_space_and_comments();  // false on an unterminated /* comment
  void advance_to(size_t pos);     // moves pos_, counting newlines

  std::string_view text_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  bool failed_ = false;
  Token error_token_;
  std::string error_;
};

// ASCII lower-casing.
std::string to_lower_ascii(std::string_view s);
bool iequals_lower(std::string_view s, std::string_view lower);

// The value of a kString / kDollarString token (quotes removed, '' -> ') or
// of a kQuotedIdentifier token ("" -> "). Other tokens: their text.
std::string token_value(const Token& token);

}  // namespace medallion::cql
