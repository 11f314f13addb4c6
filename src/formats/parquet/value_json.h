// Canonical JSON of Parquet values: the rendering the expected files under
// testdata/parquet/expected/ use (MANIFEST.json "rendering_convention" and
// "digest.canonical_json"), and what `medallion parquet cat` prints. One row
// is one compact JSON object, no whitespace anywhere, keys in schema order:
//
//   {"id":4,"price":"123.45","ts":"2009-03-01T00:00:00.000000Z","tags":["a",null],
//    "attrs":[["k1",1],["k2",null]],"point":{"x":1.5,"y":-0.0}}
//
// Leaves, by annotation (the LogicalType when it applies to the physical
// type, else the ConvertedType, else the physical type alone):
//
//   BOOLEAN                     true | false
//   INT32, INT64, INT_8..INT_64 the exact integer; INT_8/INT_16/UINT_8/UINT_16
//   UINT_8..UINT_64, INTEGER    keep the low 8/16 bits of the INT32 (as Arrow
//                               and DuckDB do); UINT_32 / UINT_64 read the
//                               storage as unsigned (INT32 -1 is 4294967295).
//                               Beyond +-(2^53 - 1) the decimal goes in a
//                               JSON string: "9223372036854775807"
//   FLOAT, DOUBLE               json_number.h (shortest round trip, ECMAScript
//                               layout; "NaN", "Infinity", -0.0)
//   FLOAT16 (FLBA(2))           widened to binary32, then as FLOAT
//   DECIMAL (INT32, INT64,      "<exact value>" with exactly `scale` fraction
//     BYTE_ARRAY, FLBA)         digits: "-0.05", "7"; big-endian two's
//                               complement of any length for byte storage
//   STRING/UTF8, ENUM, JSON     the bytes as a JSON string (see
//                               util::append_json_string)
//   BSON, INTERVAL, plain binary lower-case hex of the bytes: "0a0b", ""
//   UUID (FLBA(16))             "00112233-4455-6677-8899-aabbccddeeff"
//   DATE                        "YYYY-MM-DD"
//   TIME                        "HH:MM:SS.ffffff" (.fffffffff for NANOS)
//   TIMESTAMP MILLIS/MICROS     "YYYY-MM-DDTHH:MM:SS.ffffffZ"; no Z when the
//                               LogicalType says isAdjustedToUTC=false; the
//                               legacy TIMESTAMP_MILLIS/MICROS take the Z
//   TIMESTAMP NANOS             9 fraction digits
//   INT96                       as TIMESTAMP MICROS with Z (see int96_to_micros)
//
// Dates and timestamps are proleptic Gregorian, split with floor division
// (-1 ms is 1969-12-31T23:59:59.999000Z); years outside 0000..9999 carry a
// sign and at least 4 digits: "+290000-12-30", "-0001-12-31".
//
// An annotation that does not fit the storage (DATE on INT64, UUID on FLBA(8),
// FLOAT16 on FLBA(4)) is ignored and the value rendered by its physical type.
//
// Nesting: a null at any level is null; a struct is an object with its
// fields in schema order; a list is an array; a map is an array of
// [key, value] pairs in stored order ([key, null] in a key-only legacy map).
//
// Preconditions: `array` has the shape of `node` (as the reader assembles
// it) and its leaf vectors hold the column's physical type; indexes are in
// range. Nothing here allocates per value beyond the growth of *out, except
// byte decimals longer than 256 bytes.
//
// Thread safety: pure functions; they only append to *out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/plain_encoding.h"
#include "formats/parquet/value_array.h"

namespace medallion::parquet {

// Slot i of a leaf column's values (the caller knows it is not null).
void append_leaf_json(const ColumnDescriptor& column, const LeafValues& values, size_t i,
                      std::string* out);

// Slot i of an array of the shape of `node`; leaf descriptors come from
// `columns` (SchemaTree::columns()).
void append_value_json(const ValueNode& node, const std::vector<ColumnDescriptor>& columns,
                       const ValueArray& array, size_t i, std::string* out);

// Row `row` of `batch` as {"<field>":<value>,...} for batch.fields in order;
// no trailing newline. `root` is the struct whose children batch.fields
// index (SchemaTree::root()).
void append_row_json(const ValueNode& root, const std::vector<ColumnDescriptor>& columns,
                     const RowBatch& batch, size_t row, std::string* out);
void append_row_json(const SchemaTree& schema, const RowBatch& batch, size_t row, std::string* out);

// Every row of `batch`, each followed by '\n' (the bytes the digest hashes).
void append_rows_jsonl(const ValueNode& root, const std::vector<ColumnDescriptor>& columns,
                       const RowBatch& batch, std::string* out);
void append_rows_jsonl(const SchemaTree& schema, const RowBatch& batch, std::string* out);

// Strings are escaped by util::append_json_string (util/json_writer.h).

// ---- building blocks, also used outside row rendering.

// The instant of an INT96 timestamp in microseconds since the epoch:
// bytes 0..7 little-endian signed nanoseconds of the day, bytes 8..11
// little-endian signed Julian day (2440588 = 1970-01-01);
//   micros = (julian_day - 2440588) * 86400000000 + floor(nanos / 1000)
// computed with int64 two's-complement wrap-around, as Spark and parquet-mr
// do (so the overflow artefact in int96_from_spark.parquet reads as
// +290000-12-30T23:00:00Z).
int64_t int96_to_micros(const Int96& value);

// The exact decimal of a big-endian two's-complement integer divided by
// 10^scale, without quotes: "-0.05", "123.45", "7" (empty input is 0).
// A scale outside [0, 10000] (never valid in a schema) is written as the
// unscaled integer followed by "E<-scale>", e.g. "123E-20000".
void append_decimal_digits(std::string_view big_endian, int32_t scale, std::string* out);
void append_decimal_digits(int64_t unscaled, int32_t scale, std::string* out);

}  // namespace medallion::parquet
