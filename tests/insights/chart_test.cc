#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "insights/bar_chart_svg.h"
#include "insights/insights.h"

namespace medallion::insights {
namespace {

// A small XML well-formedness check, enough for the documents the chart
// writes: declaration, nested elements with quoted attributes, character
// data with the five predefined entities or character references, valid
// UTF-8 without control characters. Returns "" or the first problem.
class XmlCheck {
 public:
  explicit XmlCheck(std::string_view doc) : doc_(doc) {}

  std::string problem() {
    if (!valid_utf8()) return "not UTF-8 or has control characters";
    if (doc_.substr(0, 5) == "<?xml") {
      const size_t end = doc_.find("?>");
      if (end == std::string_view::npos) return "unterminated declaration";
      i_ = end + 2;
    }
    bool root_done = false;
    while (i_ < doc_.size()) {
      if (doc_[i_] != '<') {
        const size_t next = doc_.find('<', i_);
        const std::string_view text = doc_.substr(i_, next - i_);
        if ((stack_.empty()) && text.find_first_not_of(" \n\r\t") != std::string_view::npos) {
          return "text outside the root element";
        }
        if (!entities_ok(text)) return "bad entity in text";
        i_ = next == std::string_view::npos ? doc_.size() : next;
        continue;
      }
      if (doc_.substr(i_, 2) == "</") {
        i_ += 2;
        const std::string name = read_name();
        if (name.empty() || stack_.empty() || stack_.back() != name) return "mismatched </" + name;
        stack_.pop_back();
        if (i_ >= doc_.size() || doc_[i_] != '>') return "bad end tag " + name;
        ++i_;
        if (stack_.empty()) root_done = true;
        continue;
      }
      if (root_done) return "a second root element";
      ++i_;
      const std::string name = read_name();
      if (name.empty()) return "bad element name";
      ++elements_[name];
      std::map<std::string, bool> attributes;
      while (true) {
        skip_space();
        if (i_ >= doc_.size()) return "unterminated tag " + name;
        if (doc_.substr(i_, 2) == "/>") {
          i_ += 2;
          if (stack_.empty()) root_done = true;
          break;
        }
        if (doc_[i_] == '>') {
          ++i_;
          stack_.push_back(name);
          break;
        }
        const std::string attribute = read_name();
        if (attribute.empty()) return "bad attribute in " + name;
        if (attributes[attribute]) return "duplicate attribute " + attribute;
        attributes[attribute] = true;
        if (i_ + 1 >= doc_.size() || doc_[i_] != '=' ||
            (doc_[i_ + 1] != '"' && doc_[i_ + 1] != '\'')) {
          return "unquoted attribute " + attribute;
        }
        const char quote = doc_[i_ + 1];
        const size_t end = doc_.find(quote, i_ + 2);
        if (end == std::string_view::npos) return "unterminated attribute " + attribute;
        const std::string_view value = doc_.substr(i_ + 2, end - i_ - 2);
        if (value.find('<') != std::string_view::npos || !entities_ok(value)) {
          return "bad attribute value of " + attribute;
        }
        i_ = end + 1;
      }
    }
    if (!stack_.empty()) return "unclosed <" + stack_.back();
    if (!root_done) return "no root element";
    return "";
  }

  int count(const std::string& element) const {
    auto it = elements_.find(element);
    return it == elements_.end() ? 0 : it->second;
  }

 private:
  static bool name_char(char c, bool first) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    return alpha || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
  }
  std::string read_name() {
    const size_t begin = i_;
    while (i_ < doc_.size() && name_char(doc_[i_], i_ == begin)) ++i_;
    return std::string(doc_.substr(begin, i_ - begin));
  }
  void skip_space() {
    while (i_ < doc_.size() && (doc_[i_] == ' ' || doc_[i_] == '\n' || doc_[i_] == '\t')) ++i_;
  }
  static bool entities_ok(std::string_view text) {
    for (size_t k = text.find('&'); k != std::string_view::npos; k = text.find('&', k + 1)) {
      const size_t semi = text.find(';', k);
      if (semi == std::string_view::npos) return false;
      const std::string_view entity = text.substr(k + 1, semi - k - 1);
      if (entity == "amp" || entity == "lt" || entity == "gt" || entity == "quot" ||
          entity == "apos") {
        continue;
      }
      if (entity.size() < 2 || entity[0] != '#') return false;
    }
    return true;
  }
  bool valid_utf8() const {
    for (size_t k = 0; k < doc_.size();) {
      const auto b = static_cast<uint8_t>(doc_[k]);
      if (b < 0x20 && b != '\n' && b != '\r' && b != '\t') return false;
      size_t len = b < 0x80             ? 1
                   : (b & 0xE0) == 0xC0 ? 2
                   : (b & 0xF0) == 0xE0 ? 3
                   : (b & 0xF8) == 0xF0 ? 4
                                        : 0;
      if (len == 0 || k + len > doc_.size() || b == 0xC0 || b == 0xC1) return false;
      for (size_t j = 1; j < len; ++j) {
        if ((static_cast<uint8_t>(doc_[k + j]) & 0xC0) != 0x80) return false;
      }
      k += len;
    }
    return true;
  }

  std::string_view doc_;
  size_t i_ = 0;
  std::vector<std::string> stack_;
  std::map<std::string, int> elements_;
};

size_t occurrences(std::string_view text, std::string_view what) {
  size_t n = 0;
  for (size_t k = text.find(what); k != std::string_view::npos; k = text.find(what, k + 1)) ++n;
  return n;
}

Insights with_countries(size_t n) {
  Insights in;
  for (size_t i = 0; i < n; ++i) {
    in.completed_by_country.push_back(
        {"C" + std::to_string(1000 + i), static_cast<int64_t>(5000 - 7 * i)});
  }
  return in;
}

TEST(CompletedPerCountrySvg, WellFormedWithOneBarPerCountry) {
  const std::string svg = completed_per_country_svg(with_countries(246));
  XmlCheck check(svg);
  EXPECT_EQ(check.problem(), "") << svg.substr(0, 2000);
  EXPECT_EQ(check.count("svg"), 1);
  EXPECT_EQ(occurrences(svg, "<rect class=\"bar\""), 246u);
  EXPECT_EQ(check.count("title"), 246);  // one hover text per bar
  EXPECT_NE(svg.find(">Completed sessions per country</text>"), std::string::npos);
  EXPECT_NE(svg.find("<title>C1000: 5000</title>"), std::string::npos);
  EXPECT_NE(svg.find("<title>C1245: 3285</title>"), std::string::npos);
}

TEST(CompletedPerCountrySvg, LabelsInTheGivenOrder) {
  Insights in;
  in.completed_by_country = {{"IT", 30}, {"DE", 30}, {"AA", 2}};
  const std::string svg = completed_per_country_svg(in);
  const size_t it = svg.find(">IT</text>");
  const size_t de = svg.find(">DE</text>");
  const size_t aa = svg.find(">AA</text>");
  ASSERT_NE(it, std::string::npos);
  ASSERT_NE(de, std::string::npos);
  ASSERT_NE(aa, std::string::npos);
  EXPECT_LT(it, de);
  EXPECT_LT(de, aa);
}

TEST(CompletedPerCountrySvg, WidthGrowsWithTheBars) {
  auto width_of = [](const std::string& svg) {
    const size_t at = svg.find("width=\"", svg.find("<svg"));
    return std::stod(svg.substr(at + 7));
  };
  const double few = width_of(completed_per_country_svg(with_countries(3)));
  const double many = width_of(completed_per_country_svg(with_countries(246)));
  EXPECT_GE(many, 246 * 12.0);  // every bar keeps a readable slot
  EXPECT_LT(few, many);
  EXPECT_GE(few, 400.0);  // the title still fits
}

TEST(CompletedPerCountrySvg, EscapesLabels) {
  Insights in;
  in.completed_by_country = {{"(.uk)", 9},
                             {"<&>\"'", 5},
                             {std::string("a\xFF\x01"
                                          "b",
                                          4),
                              3},
                             {"\xC3\xA9t\xC3\xA9", 2}};
  const std::string svg = completed_per_country_svg(in);
  EXPECT_EQ(XmlCheck(svg).problem(), "");
  EXPECT_NE(svg.find(">(.uk)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">&lt;&amp;&gt;&quot;&apos;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">a\xEF\xBF\xBD\xEF\xBF\xBD"
                     "b</text>"),
            std::string::npos);
  EXPECT_NE(svg.find(">\xC3\xA9t\xC3\xA9</text>"), std::string::npos);  // valid UTF-8 kept
  EXPECT_EQ(svg.find('\xFF'), std::string::npos);
}

TEST(CompletedPerCountrySvg, LongLabelShortenedOnTheAxisKeptInTheHover) {
  Insights in;
  const std::string name = "A country with a very long name indeed";
  in.completed_by_country = {{name, 4}};
  const std::string svg = completed_per_country_svg(in);
  EXPECT_NE(svg.find("<title>" + name + ": 4</title>"), std::string::npos);
  EXPECT_NE(svg.find(">" + name.substr(0, 19) + "\xE2\x80\xA6</text>"), std::string::npos) << svg;
}

TEST(CompletedPerCountrySvg, Deterministic) {
  const Insights in = with_countries(40);
  EXPECT_EQ(completed_per_country_svg(in), completed_per_country_svg(in));
}

TEST(CompletedPerCountrySvg, NoCountriesStillAChart) {
  const std::string svg = completed_per_country_svg(Insights{});
  EXPECT_EQ(XmlCheck(svg).problem(), "");
  EXPECT_EQ(occurrences(svg, "class=\"bar\""), 0u);
  EXPECT_NE(svg.find("no completed sessions with a country"), std::string::npos);
}

TEST(CompletedPerCountrySvg, RoundTicksUpToTheLargestBar) {
  Insights in;
  in.completed_by_country = {{"IT", 2839}, {"DE", 10}};
  const std::string svg = completed_per_country_svg(in);
  // Step 500 up to 3000: 0, 500, ..., 3000.
  for (const char* tick : {">0</text>", ">500</text>", ">1500</text>", ">3000</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(svg.find(">3500</text>"), std::string::npos);
}

TEST(NiceTickStep, OneTwoFiveTimesAPowerOfTen) {
  EXPECT_EQ(nice_tick_step(0, 8), 1);
  EXPECT_EQ(nice_tick_step(-3, 8), 1);
  EXPECT_EQ(nice_tick_step(1, 8), 1);
  EXPECT_EQ(nice_tick_step(8, 8), 1);
  EXPECT_EQ(nice_tick_step(9, 8), 2);
  EXPECT_EQ(nice_tick_step(100, 8), 20);
  EXPECT_EQ(nice_tick_step(2839, 8), 500);
  EXPECT_EQ(nice_tick_step(4001, 8), 1000);
  EXPECT_EQ(nice_tick_step(INT64_MAX, 8), 2'000'000'000'000'000'000);
}

}  // namespace
}  // namespace medallion::insights
