#include "insights/bar_chart_svg.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "util/xml_text.h"

namespace medallion::insights {
namespace {

// Layout, in px. Text widths are estimated (no font metrics in a pure
// function): kCharWidth is a generous average for an 11 px sans-serif face.
constexpr double kSlot = 18;  // horizontal space per bar, at least
constexpr double kMaxSlot = 48;
constexpr double kBarFraction = 2.0 / 3;  // of the slot
constexpr double kPlotHeight = 360;
constexpr double kMinPlotWidth = 480;  // so that the title fits over few bars
constexpr double kTop = 64;            // title and its gap
constexpr double kRight = 24;
constexpr double kCharWidth = 6.6;
constexpr double kLabelGap = 8;  // between the x axis and the labels
constexpr double kAxisTitleSpace = 36;
constexpr double kCos45 = 0.70710678118654752;
constexpr size_t kMaxLabelChars = 20;  // code points shown under a bar
constexpr int kMaxTicks = 8;

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

// The label as shown under its bar: at most kMaxLabelChars code points,
// ending in an ellipsis when cut; escaped.
std::string short_label(std::string_view label, size_t* shown_chars) {
  std::string storage;
  const std::vector<std::string_view> chars = util::xml_chars(label, &storage);
  const bool cut = chars.size() > kMaxLabelChars;
  const size_t keep = cut ? kMaxLabelChars - 1 : chars.size();
  std::string out;
  for (size_t i = 0; i < keep; ++i) util::append_xml_escaped_char(out, chars[i]);
  if (cut) out.append(kEllipsis);
  *shown_chars = cut ? kMaxLabelChars : chars.size();
  return out;
}

// Coordinates with one decimal: enough for a screen, and stable text.
std::string px(double v) { return fmt::format("{:.1f}", v); }

}  // namespace

int64_t nice_tick_step(int64_t max_value, int max_ticks) {
  if (max_value <= 0) return 1;
  const int64_t ticks = std::max(max_ticks, 1);
  constexpr std::array<int64_t, 3> kMultipliers = {1, 2, 5};
  int64_t power = 1;
  int64_t step = 1;
  while (true) {
    for (int64_t m : kMultipliers) {
      step = m * power;
      // ceil(max_value / step) steps reach max_value.
      if (max_value / step + (max_value % step != 0 ? 1 : 0) <= ticks) return step;
    }
    if (power > std::numeric_limits<int64_t>::max() / 50) return step;
    power *= 10;
  }
}

std::string bar_chart_svg(const BarChart& chart) {
  const size_t n = chart.bars.size();
  int64_t max_value = 0;
  for (const Bar& bar : chart.bars) max_value = std::max(max_value, bar.value);
  const int64_t step = nice_tick_step(max_value, kMaxTicks);
  const int64_t steps = std::max<int64_t>(1, max_value / step + (max_value % step != 0 ? 1 : 0));
  const int64_t axis_max = steps * step;

  std::vector<std::string> labels(n);
  size_t longest_label = 0;
  for (size_t i = 0; i < n; ++i) {
    size_t shown = 0;
    labels[i] = short_label(chart.bars[i].label, &shown);
    longest_label = std::max(longest_label, shown);
  }
  // Labels are rotated 45 degrees: their extent is the same along both axes.
  const double label_extent = static_cast<double>(longest_label) * kCharWidth * kCos45;
  // Few bars spread over the minimum width (up to kMaxSlot each).
  const double slot =
      n == 0 ? kSlot : std::clamp(kMinPlotWidth / static_cast<double>(n), kSlot, kMaxSlot);
  const size_t tick_chars = fmt::format("{}", axis_max).size();
  const double left = std::max(static_cast<double>(tick_chars) * kCharWidth + 16 + kAxisTitleSpace,
                               label_extent - slot / 2 + 8);
  const double bar_width = slot * kBarFraction;
  const double plot_width = std::max(static_cast<double>(n) * slot, kMinPlotWidth);
  const double width = left + plot_width + kRight;
  const double axis_y = kTop + kPlotHeight;
  const double height = axis_y + kLabelGap + label_extent + 12 + kAxisTitleSpace;

  std::string out;
  out.reserve(1024 + n * 320);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n",
      px(width), px(height));
  out +=
      "<style type=\"text/css\">"
      ".title{font-size:18px;font-weight:bold;fill:#222}"
      ".axis-title{font-size:12px;fill:#444}"
      ".tick{font-size:11px;fill:#444}"
      ".label{font-size:11px;fill:#222}"
      ".grid{stroke:#e3e3e3;stroke-width:1}"
      ".axis{stroke:#444;stroke-width:1}"
      ".bar{fill:#3b75af}"
      ".bar:hover{fill:#f28e2b}"
      "</style>\n";
  out +=
      fmt::format("<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n", px(width), px(height));
  // Left-aligned over the plot: a chart of many bars is wider than a
  // screen, and its title should be seen first.
  out += fmt::format("<text class=\"title\" x=\"{}\" y=\"34\">{}</text>\n", px(left),
                     util::xml_escape(chart.title));

  // Grid lines and y ticks.
  out += "<g class=\"y-axis\">\n";
  for (int64_t k = 0; k <= steps; ++k) {
    const double y = axis_y - kPlotHeight * static_cast<double>(k) / static_cast<double>(steps);
    if (k > 0) {
      out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                         px(left), px(y), px(left + plot_width), px(y));
    }
    out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                       px(left - 5), px(y), px(left), px(y));
    out += fmt::format(
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" dominant-baseline=\"middle\">"
        "{}</text>\n",
        px(left - 8), px(y), k * step);
  }
  out += "</g>\n";

  // Bars, each with its exact value on hover.
  out += "<g class=\"bars\">\n";
  for (size_t i = 0; i < n; ++i) {
    const Bar& bar = chart.bars[i];
    const double value = static_cast<double>(std::max<int64_t>(bar.value, 0));
    const double h = kPlotHeight * value / static_cast<double>(axis_max);
    const double x = left + static_cast<double>(i) * slot + (slot - bar_width) / 2;
    out += fmt::format(
        "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}: {}</title>"
        "</rect>\n",
        px(x), px(axis_y - h), px(bar_width), px(h), util::xml_escape(bar.label), bar.value);
  }
  out += "</g>\n";

  // Labels, rotated so that their ends sit under the bars' centres.
  out += "<g class=\"labels\">\n";
  for (size_t i = 0; i < n; ++i) {
    const double cx = left + (static_cast<double>(i) + 0.5) * slot;
    out += fmt::format(
        "<text class=\"label\" text-anchor=\"end\" transform=\"translate({},{}) rotate(-45)\">"
        "{}</text>\n",
        px(cx + 3), px(axis_y + kLabelGap), labels[i]);
  }
  out += "</g>\n";
  if (n == 0) {
    out += fmt::format(
        "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
        px(left + plot_width / 2), px(kTop + kPlotHeight / 2), util::xml_escape(chart.empty_text));
  }

  // Axes over the bars' bottoms, then their titles.
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", px(left),
                     px(kTop), px(left), px(axis_y));
  out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", px(left),
                     px(axis_y), px(left + plot_width), px(axis_y));
  out +=
      fmt::format("<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                  px(left + plot_width / 2), px(height - 12), util::xml_escape(chart.x_label));
  out += fmt::format(
      "<text class=\"axis-title\" text-anchor=\"middle\" transform=\"translate({},{}) "
      "rotate(-90)\">{}</text>\n",
      px(16), px(kTop + kPlotHeight / 2), util::xml_escape(chart.y_label));
  out += "</svg>\n";
  return out;
}

}  // namespace medallion::insights
