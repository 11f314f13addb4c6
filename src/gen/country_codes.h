// Country values of the session-events source: the 246 distinct values of the
// real assignment file's `country` field, which the generator spreads over its
// players. 244 are ISO 3166-1 alpha-2 codes (all officially assigned codes
// except five uninhabited territories: AQ, BV, GS, HM, UM); two are junk that
// leaked from a scraped table, `Code` and `(.uk)`, kept because raw is raw and
// the pipeline must count them as data-quality warnings.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace medallion::gen {

inline constexpr size_t kIsoCountryCount = 244;
inline constexpr size_t kJunkCountryCount = 2;
inline constexpr size_t kCountryValueCount = kIsoCountryCount + kJunkCountryCount;

// The ISO codes in alphabetical order, then the two junk values. The order is
// part of the generator's output: changing it changes every seed's file.
std::span<const std::string_view> country_values();

// True for the junk values (`Code`, `(.uk)`).
bool is_junk_country(std::string_view value);

}  // namespace medallion::gen
