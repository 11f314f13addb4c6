// Partition values: their text in add.partitionValues (PROTOCOL.md
// "Partition Value Serialization"), the Hive-style directories data files
// are written under, and the URI form of add.path.
//
// Serialized values (parse_partition_value accepts, serialize_partition_value writes):
//   null           JSON null (nullopt); "" also reads as null for every type
//   boolean        "true" | "false" (reading ignores ASCII case)
//   byte..long     decimal digits with an optional sign, range-checked per width
//   float, double  "1.5", "1.0E10", "NaN", "Infinity", "-Infinity"; written as
//                  Java's Float/Double.toString does (shortest round-trip digits,
//                  at least one fractional digit: "0.0", "1.0E-4", "1.2345678E7")
//   decimal(p,s)   "-123.45", also with an exponent ("1E-7") as Java's
//                  BigDecimal.toString may write; read exactly at the column's
//                  scale (more fractional digits than the scale, unless zeros, or
//                  more than p digits is an error); written plainly with exactly s
//                  fractional digits
//   date           "YYYY-MM-DD"
//   timestamp      "YYYY-MM-DD hh:mm:ss[.ffffff]" (zone-less: read as UTC, as
//                  Delta Kernel does) or ISO-8601 with 'T' and 'Z' or an offset
//                  (+hh:mm); written "YYYY-MM-DDThh:mm:ss.ffffffZ", the form the
//                  protocol recommends
//   timestamp_ntz  the same forms without a zone (a 'Z' is accepted and
//                  ignored, an offset is an error); written
//                  "YYYY-MM-DD hh:mm:ss.ffffff"
//   string         the value itself; binary: the value's bytes
// An empty string or binary is written as null (nullopt): "" reads as null.
//
// Directories (partition_directory), one level per partition column:
//   <escaped name>=<escaped value>/...     e.g. "date=2024-01-01/hour=10%3A00"
// with __HIVE_DEFAULT_PARTITION__ for a null or empty value. Escaping
// (Hive's FileUtils.escapePathName, as Spark does on Linux): bytes 0x00-0x1F,
// " # % ' * / : = ? \ 0x7F { [ ] ^ become %XX (upper-case hex); every other
// byte, non-ASCII included, stays.
//
// add.path (uri_encode_path / uri_decode_path) is an RFC 2396 URI reference:
// the relative file-system path with every byte outside
//   A-Z a-z 0-9 - _ . ! ~ * ' ( ) ; : @ & = + $ , /
// percent-encoded (upper-case hex), as java.net.URI quotes a path. So the
// directory "_2=bar+%2521" appears in add.path as "_2=bar+%252521", and
// "ts=2024-01-01 10%3A00%3A00" as "ts=2024-01-01%2010%253A00%253A00".
//
// Thread safety: the functions are pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "delta/actions.h"
#include "delta/delta_schema.h"
#include "delta/scalar.h"
#include "util/status.h"

namespace medallion::delta {

// The directory value of a null partition value.
inline constexpr std::string_view kHiveDefaultPartition = "__HIVE_DEFAULT_PARTITION__";

// Parses the serialized partition value of `column` (named in errors), of a
// primitive `type`. Malformed or out-of-range text is kInvalidArgument; a
// non-primitive type is kUnsupported.
util::Result<Scalar> parse_partition_value(const DataType& type,
                                           const std::optional<std::string>& serialized,
                                           std::string_view column);

// The serialized form of a value (see above); nullopt for null (and for an
// empty string or binary).
std::optional<std::string> serialize_partition_value(const Scalar& value);

// Hive escaping of one directory-name component (see above).
std::string escape_partition_path_component(std::string_view value);
// The inverse: %XX (either case of hex) becomes the byte; a '%' not followed
// by two hex digits stays as it is, as Hive's unescapePathName does.
std::string unescape_partition_path_component(std::string_view component);

// "a=1/b=__HIVE_DEFAULT_PARTITION__": one component per column, in the given
// order; a column missing from `values` counts as null.
std::string partition_directory(const std::vector<std::string>& partition_columns,
                                const PartitionValues& values);

// The add.path form of a relative file-system path (see above).
std::string uri_encode_path(std::string_view relative_path);

// add.path -> file-system path: every %XX decoded ('+' stays '+'). A '%' not
// followed by two hex digits is kInvalidArgument.
util::Result<std::string> uri_decode_path(std::string_view uri_path);

}  // namespace medallion::delta
