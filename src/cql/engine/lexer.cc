#include "cql/engine/lexer.h"

#include <algorithm>
#include <utility>

namespace medallion::cql {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// An unquoted uuid at `pos`: 8-4-4-4-12 hex digits not followed by an
// identifier character.
bool uuid_at(std::string_view t, size_t pos) {
  if (t.size() - pos < 36) return false;
  for (size_t i = 0; i < 36; ++i) {
    const char c = t[pos + i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!is_hex(c)) {
      return false;
    }
  }
  return pos + 36 == t.size() || !is_ident_char(t[pos + 36]);
}

// The length of a duration unit at `pos` (0 if none); longest match first.
size_t duration_unit_at(std::string_view t, size_t pos) {
  auto at = [&](size_t i) { return pos + i < t.size() ? lower(t[pos + i]) : '\0'; };
  const char a = at(0), b = at(1);
  if ((a == 'm' && (b == 'o' || b == 's')) || ((a == 'u' || a == 'n') && b == 's')) return 2;
  if (a == 'y' || a == 'w' || a == 'd' || a == 'h' || a == 'm' || a == 's') return 1;
  return 0;
}

}  // namespace

bool iequals_lower(std::string_view s, std::string_view lower_kw) {
  if (s.size() != lower_kw.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (lower(s[i]) != lower_kw[i]) return false;
  }
  return true;
}

bool Token::is_keyword(std::string_view lower_keyword) const {
  return kind == TokenKind::kIdentifier && iequals_lower(text, lower_keyword);
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

std::string token_value(const Token& token) {
  std::string_view t = token.text;
  char quote = 0;
  switch (token.kind) {
    case TokenKind::kDollarString:
      return std::string(t.substr(2, t.size() - 4));
    case TokenKind::kString:
      quote = '\'';
      break;
    case TokenKind::kQuotedIdentifier:
      quote = '"';
      break;
    default:
      return std::string(t);
  }
  t = t.substr(1, t.size() - 2);
  std::string out;
  out.reserve(t.size());
  for (size_t i = 0; i < t.size(); ++i) {
    out.push_back(t[i]);
    if (t[i] == quote) ++i;  // the doubled quote
  }
  return out;
}

Token Lexer::make(TokenKind kind, size_t start, size_t end, uint32_t line, uint32_t column) {
  Token tok;
  tok.kind = kind;
  tok.text = text_.substr(start, end - start);
  tok.line = line;
  tok.column = column;
  advance_to(end);
  return tok;
}

Token Lexer::fail(std::string message, size_t start, uint32_t line, uint32_t column) {
  failed_ = true;
  error_ = std::move(message);
  error_token_.kind = TokenKind::kError;
  size_t end = start + 1;
  while (end < text_.size() && end - start < 16 && is_ident_char(text_[end])) ++end;
  error_token_.text = text_.substr(start, std::min(end, text_.size()) - start);
  error_token_.line = line;
  error_token_.column = column;
  return error_token_;
}

void Lexer::advance_to(size_t pos) {
  for (; pos_ < pos; ++pos_) {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
  }
}

bool Lexer::skip_space_and_comments() {
  const size_t n = text_.size();
  while (pos_ < n) {
    const char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      advance_to(pos_ + 1);
    } else if ((c == '-' || c == '/') && pos_ + 1 < n && text_[pos_ + 1] == c) {
      size_t e = text_.find('\n', pos_);
      advance_to(e == std::string_view::npos ? n : e);
    } else if (c == '/' && pos_ + 1 < n && text_[pos_ + 1] == '*') {
      size_t e = text_.find("*/", pos_ + 2);
      if (e == std::string_view::npos) return false;
      advance_to(e + 2);
    } else {
      break;
    }
  }
  return true;
}

Token Lexer::next() {
  if (failed_) return error_token_;
  {
    const size_t start = pos_;
    const uint32_t line = line_;
    const auto column = static_cast<uint32_t>(pos_ - line_start_);
    if (!skip_space_and_comments()) {
      return fail("unterminated /* comment", start, line, column);
    }
  }
  const size_t n = text_.size();
  const size_t s = pos_;
  const uint32_t line = line_;
  const auto col = static_cast<uint32_t>(pos_ - line_start_);
  if (s >= n) {
    Token end;
    end.kind = TokenKind::kEnd;
    end.text = text_.substr(n);
    end.line = line;
    end.column = col;
    return end;
  }
  const char c = text_[s];

  if (is_hex(c) && uuid_at(text_, s)) return make(TokenKind::kUuid, s, s + 36, line, col);

  if (is_alpha(c)) {
    size_t e = s + 1;
    while (e < n && is_ident_char(text_[e])) ++e;
    return make(TokenKind::kIdentifier, s, e, line, col);
  }

  if (is_digit(c)) {
    if (c == '0' && s + 1 < n && (text_[s + 1] == 'x' || text_[s + 1] == 'X')) {
      size_t e = s + 2;
      while (e < n && is_hex(text_[e])) ++e;
      if (e < n && is_ident_char(text_[e])) return fail("invalid hex blob", s, line, col);
      return make(TokenKind::kHex, s, e, line, col);
    }
    size_t e = s;
    while (e < n && is_digit(text_[e])) ++e;
    bool is_float = false;
    if (e < n && text_[e] == '.') {
      // 1.5, 1., but not 1..2 (never valid anyway)
      is_float = true;
      ++e;
      while (e < n && is_digit(text_[e])) ++e;
    }
    if (e < n && (text_[e] == 'e' || text_[e] == 'E')) {
      size_t x = e + 1;
      if (x < n && (text_[x] == '+' || text_[x] == '-')) ++x;
      if (x < n && is_digit(text_[x])) {
        while (x < n && is_digit(text_[x])) ++x;
        is_float = true;
        e = x;
      }
    }
    if (!is_float && e < n && is_alpha(text_[e])) {
      // A duration: (digits unit)+.
      size_t d = s;
      bool ok = true;
      while (d < n && is_digit(text_[d])) {
        while (d < n && is_digit(text_[d])) ++d;
        const size_t u = duration_unit_at(text_, d);
        if (u == 0) {
          ok = false;
          break;
        }
        d += u;
      }
      if (ok && (d >= n || !is_ident_char(text_[d]))) {
        return make(TokenKind::kDuration, s, d, line, col);
      }
      return fail("invalid number", s, line, col);
    }
    if (e < n && is_ident_char(text_[e])) return fail("invalid number", s, line, col);
    return make(is_float ? TokenKind::kFloat : TokenKind::kInteger, s, e, line, col);
  }

  if (c == '\'' || c == '"') {
    size_t e = s + 1;
    for (;;) {
      const size_t q = text_.find(c, e);
      if (q == std::string_view::npos) {
        return fail(c == '\'' ? "unterminated string literal" : "unterminated quoted identifier", s,
                    line, col);
      }
      if (q + 1 < n && text_[q + 1] == c) {
        e = q + 2;
        continue;
      }
      return make(c == '\'' ? TokenKind::kString : TokenKind::kQuotedIdentifier, s, q + 1, line,
                  col);
    }
  }

  if (c == '$' && s + 1 < n && text_[s + 1] == '$') {
    const size_t q = text_.find("$$", s + 2);
    if (q == std::string_view::npos) return fail("unterminated $$ string", s, line, col);
    return make(TokenKind::kDollarString, s, q + 2, line, col);
  }

  if (c == '?') return make(TokenKind::kQuestion, s, s + 1, line, col);

  if ((c == '<' || c == '>' || c == '!') && s + 1 < n && text_[s + 1] == '=') {
    return make(TokenKind::kPunct, s, s + 2, line, col);
  }
  switch (c) {
    case '(':
    case ')':
    case '[':
    case ']':
    case '{':
    case '}':
    case ',':
    case ';':
    case '.':
    case ':':
    case '=':
    case '<':
    case '>':
    case '+':
    case '-':
    case '*':
    case '/':
      return make(TokenKind::kPunct, s, s + 1, line, col);
    default:
      break;
  }
  return fail("unexpected character", s, line, col);
}

}  // namespace medallion::cql
