// Conforming a data file's columns to the table's schema. Files written by
// different engines and at different times store one Delta type in several
// ways; a scan hands out every value in one canonical form, the one
// to_parquet_schema (delta_schema.h) gives the type — what medallion writes:
//
//   Delta type        canonical storage      also accepted in files
//   byte/short/int    INT32                  (narrower ints are INT32 already)
//   long              INT64                  INT32 (type widening)
//   float             FLOAT
//   double            DOUBLE                 FLOAT, INT32, INT64 (type widening)
//   decimal(p,s)      INT32 p<=9, INT64      any of INT32, INT64, BYTE_ARRAY,
//                     p<=18, else FLBA       FLBA, at a scale <= s (widening)
//   date              INT32 days             INT32 (type widening from int)
//   timestamp(_ntz)   INT64 micros           INT64 millis/nanos, INT96
//   string, binary    BYTE_ARRAY
//
// Structs are matched by physical name (column mapping) and fields missing
// from a file read as null, as schema evolution requires; fields the table
// does not have are dropped.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "delta/delta_schema.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::delta {

// A file's array of one field and the schema it was read with.
struct FileColumn {
  const parquet::ValueNode* node = nullptr;
  const std::vector<parquet::ColumnDescriptor>* columns = nullptr;  // the file's leaves
  const std::vector<parquet::SchemaElement>* elements = nullptr;    // the file's schema
};

// Converts `array` (of the shape of `source`) into the canonical form of
// `field`, whose canonical shape is `target` (leaves from target_columns).
// `where` names the file for errors.
util::Result<parquet::ValueArray> conform_array(parquet::ValueArray array, const FileColumn& source,
                                                const Field& field, const parquet::ValueNode& target,
                                                const std::vector<parquet::ColumnDescriptor>& target_columns,
                                                ColumnMappingMode mode, const std::string& where);

// `length` nulls of the shape of `node` (a field missing from a file).
parquet::ValueArray make_null_array(const parquet::ValueNode& node,
                                    const std::vector<parquet::ColumnDescriptor>& columns,
                                    size_t length);

// The name a field has in data files under the mapping mode.
const std::string& physical_name(const Field& field, ColumnMappingMode mode);

// Finds the child of a file's struct node that holds `field`: by field id in
// id mode (falling back to the physical name), else by physical name.
// Returns the child index, or -1.
int find_file_child(const parquet::ValueNode& file_struct,
                    const std::vector<parquet::SchemaElement>& file_elements, const Field& field,
                    ColumnMappingMode mode);

}  // namespace medallion::delta
