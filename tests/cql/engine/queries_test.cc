// Runs the query-level tests in tests/cql/engine/queries/*.test, one test
// per file, each against a fresh Store (temp dir, fake clock). Format, one
// directive per block, blocks separated by blank lines; '#' lines are
// comments:
//
//   statement ok                  the CQL below must succeed
//   <cql, one or more lines>
//
//   statement error <code>[: <substring>]
//   <cql>                         must fail with that status code name
//                                 (invalid_argument, not_found,
//                                 already_exists, failed_precondition,
//                                 unsupported) and a message containing
//                                 <substring> when given
//
//   query [page=N]                the CQL must return exactly these rows,
//   <cql>                         one line each, values joined by '|'
//   ----                          (NULL for null, text as is, blobs 0x..,
//   1|x                           collections [a, b] / {a, b} / {k: v}).
//                                 page=N fetches page by page and checks that
//                                 no page is empty while more are announced.
//
//   clock +<N>s                   advances the fake clock (TTL tests)
//   reopen                        closes and reopens store and processor
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine_test_util.h"

namespace medallion::cql {
namespace {

std::string render(const CqlValue& v);

std::string render_list(const CqlList& l, char open, char close) {
  std::string s(1, open);
  for (size_t i = 0; i < l.elements.size(); ++i) {
    if (i) s += ", ";
    s += render(l.elements[i]);
  }
  return s + close;
}

std::string render(const CqlValue& v) {
  return std::visit(
      [&](const auto& x) -> std::string {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return "NULL";
        else if constexpr (std::is_same_v<T, bool>)
          return x ? "true" : "false";
        else if constexpr (std::is_same_v<T, int8_t> || std::is_same_v<T, int16_t> ||
                           std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>)
          return std::to_string(x);
        else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
          char buf[64];
          std::snprintf(buf, sizeof buf, "%g", static_cast<double>(x));
          return buf;
        } else if constexpr (std::is_same_v<T, std::string>)
          return x;
        else if constexpr (std::is_same_v<T, Varint> || std::is_same_v<T, Decimal> ||
                           std::is_same_v<T, Uuid>)
          return x.to_string();
        else if constexpr (std::is_same_v<T, Timestamp>)
          return std::to_string(x.millis);
        else if constexpr (std::is_same_v<T, Date>)
          return std::to_string(x.days_since_epoch());
        else if constexpr (std::is_same_v<T, Time>)
          return std::to_string(x.nanos);
        else if constexpr (std::is_same_v<T, InetAddress>) {
          std::string s;
          for (char c : x.bytes)
            s += (s.empty() ? "" : ".") + std::to_string(static_cast<uint8_t>(c));
          return s;
        } else if constexpr (std::is_same_v<T, CqlList>)
          return render_list(x, '[', ']');
        else {
          std::string s = "{";
          for (size_t i = 0; i < x.entries.size(); ++i) {
            if (i) s += ", ";
            s += render(x.entries[i].first) + ": " + render(x.entries[i].second);
          }
          return s + "}";
        }
      },
      v.v);
}

std::string render_cell(const CqlType& type, const std::optional<std::string>& bytes) {
  if (!bytes) return "NULL";
  if (type.id == TypeId::kBlob) {
    static const char* hex = "0123456789abcdef";
    std::string s = "0x";
    for (char c : *bytes) {
      s += hex[static_cast<uint8_t>(c) >> 4];
      s += hex[static_cast<uint8_t>(c) & 15];
    }
    return s;
  }
  auto v = decode_value(type, *bytes);
  if (!v) return "<bad:" + v.status().message() + ">";
  if (type.id == TypeId::kSet) return render_list(std::get<CqlList>(v->v), '{', '}');
  return render(*v);
}

std::vector<std::string> render_rows(const RowsResult& rows, const std::vector<ColumnSpec>& cols) {
  std::vector<std::string> out;
  for (const auto& row : rows.rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) line += "|";
      line += i < cols.size() ? render_cell(cols[i].type, row[i]) : "?";
    }
    out.push_back(line);
  }
  return out;
}

std::string code_name(const util::Status& st) {
  std::string name(util::status_code_name(st.code()));
  std::replace(name.begin(), name.end(), ' ', '_');
  return name;
}

class QueryFileTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QueryFileTest, Runs) {
  const std::string path = GetParam();
  std::ifstream in(path);
  ASSERT_TRUE(in) << path;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  testing::EngineFixture fx;
  size_t i = 0;
  auto block_text = [&](size_t* j, bool stop_at_dashes) {
    std::string text;
    while (*j < lines.size() && !lines[*j].empty() && !(stop_at_dashes && lines[*j] == "----")) {
      if (!text.empty()) text += "\n";
      text += lines[*j];
      ++*j;
    }
    return text;
  };
  while (i < lines.size()) {
    const std::string head = lines[i];
    const size_t line_no = i + 1;
    ++i;
    if (head.empty() || head[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(line_no);
    if (head.rfind("clock +", 0) == 0) {
      fx.advance_seconds(std::stoll(head.substr(7)));
      continue;
    }
    if (head == "reopen") {
      fx.open();
      continue;
    }
    if (head == "statement ok") {
      const std::string cql = block_text(&i, false);
      auto r = fx.query(cql);
      EXPECT_TRUE(r.is_ok()) << where << ": " << cql << "\n-> " << r.status().message();
      continue;
    }
    if (head.rfind("statement error", 0) == 0) {
      std::string expect = head.size() > 16 ? head.substr(16) : "";
      std::string code = expect, substring;
      if (auto colon = expect.find(": "); colon != std::string::npos) {
        code = expect.substr(0, colon);
        substring = expect.substr(colon + 2);
      }
      const std::string cql = block_text(&i, false);
      auto r = fx.query(cql);
      if (r.is_ok()) {
        ADD_FAILURE() << where << ": expected an error for " << cql;
      } else {
        if (!code.empty()) {
          EXPECT_EQ(code_name(r.status()), code) << where << ": " << r.status().message();
        }
        if (!substring.empty()) {
          EXPECT_NE(r.status().message().find(substring), std::string::npos)
              << where << ": " << r.status().message();
        }
      }
      continue;
    }
    if (head.rfind("query", 0) == 0) {
      int page = 0;
      if (auto p = head.find("page="); p != std::string::npos) page = std::stoi(head.substr(p + 5));
      const std::string cql = block_text(&i, true);
      std::vector<std::string> expected;
      if (i < lines.size() && lines[i] == "----") {
        ++i;
        while (i < lines.size() && !lines[i].empty()) expected.push_back(lines[i++]);
      }
      auto st = fx.prepare(cql);
      if (!st) {
        ADD_FAILURE() << where << ": " << cql << "\n-> " << st.status().message();
        continue;
      }
      const auto& cols = (*st)->result.result_metadata.columns;
      std::vector<std::string> got;
      QueryParameters params;
      if (page > 0) params.page_size = page;
      for (int pages = 0; pages < 100000; ++pages) {
        auto r = fx.execute(*st, params);
        if (!r) {
          ADD_FAILURE() << where << ": " << cql << "\n-> " << r.status().message();
          break;
        }
        auto* rows = std::get_if<RowsResult>(&*r);
        if (rows == nullptr) {
          ADD_FAILURE() << where << ": not a Rows result";
          break;
        }
        auto part = render_rows(*rows, cols.empty() ? rows->metadata.columns : cols);
        got.insert(got.end(), part.begin(), part.end());
        if (!rows->metadata.paging_state) break;
        EXPECT_FALSE(part.empty()) << where << ": empty page with more pages announced";
        if (part.empty()) break;
        params.paging_state = rows->metadata.paging_state;
      }
      std::string g, e;
      for (auto& s : got) g += s + "\n";
      for (auto& s : expected) e += s + "\n";
      EXPECT_EQ(g, e) << where << ": " << cql;
      continue;
    }
    ADD_FAILURE() << where << ": unknown directive '" << head << "'";
    block_text(&i, false);
  }
}

std::vector<std::string> query_files() {
  std::vector<std::string> out;
  const auto dir = std::filesystem::path(__FILE__).parent_path() / "queries";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".test") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Files, QueryFileTest, ::testing::ValuesIn(query_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return std::filesystem::path(info.param).stem().string();
                         });

}  // namespace
}  // namespace medallion::cql
