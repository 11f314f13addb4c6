// A vertical bar chart as a standalone SVG 1.1 document: one bar per
// labelled value, in the order given, under a title, with a y axis of round
// ticks (1, 2 or 5 times a power of ten) and horizontal grid lines.
//
// The width grows with the number of bars (a fixed slot per bar), so that
// hundreds of bars stay readable; labels are rotated to fit under narrow
// bars and long ones are shortened on the chart (the hover text, a <title>
// per bar, keeps the whole label and the value).
//
// All text is XML-escaped; bytes that are not valid UTF-8, and characters
// XML 1.0 forbids (control characters), become U+FFFD, so any label gives a
// well-formed document. The output depends on the input only.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace medallion::insights {

struct Bar {
  std::string label;
  int64_t value = 0;  // negative values are drawn as 0
};

struct BarChart {
  std::string title;
  std::string x_label;                 // under the bars' labels
  std::string y_label;                 // beside the y axis
  std::string empty_text = "no data";  // shown in the plot when there are no bars
  std::vector<Bar> bars;
};

std::string bar_chart_svg(const BarChart& chart);

// The round tick step of an axis from 0 to max_value: the smallest of 1, 2,
// 5 times a power of ten that needs at most max_ticks steps (1 for
// max_value <= 0).
int64_t nice_tick_step(int64_t max_value, int max_ticks);

}  // namespace medallion::insights
