// JSON numbers for IEEE floats, laid out as ECMAScript's Number::toString
// does (what JSON.stringify prints), so that our output matches fixtures
// produced by JavaScript tools byte for byte.
//
// The digits are the shortest decimal that reads back as the same value
// (std::to_chars; for float the shortest for binary32, not for the double
// the float widens to). With digits d1..dk and exponent n such that
// value = 0.d1..dk x 10^n:
//
//   k <= n <= 21    d1..dk then n-k zeros          100, 123456789012345680000
//   0 < n <= 21     d1..dn '.' d(n+1)..dk          1.5, 10.1
//   -6 < n <= 0     '0.' then -n zeros then digits 0.5, 0.000123
//   otherwise       d1 ['.' d2..dk] 'e' sign (n-1) 1e+21, 1.5e-7, 3.4028235e+38
//
// Negative values get a leading '-'. Values JSON cannot hold as numbers
// follow the Parquet fixtures' convention (testdata/parquet/MANIFEST.json):
//   NaN -> "NaN" (a JSON string, quotes included), +inf -> "Infinity",
//   -inf -> "-Infinity", -0 -> -0.0, +0 -> 0.
//
// Thread safety: pure functions; they only append to *out.
#pragma once

#include <string>

namespace medallion::parquet {

void append_json_double(double value, std::string* out);
void append_json_float(float value, std::string* out);

}  // namespace medallion::parquet
