// Record assembly: from the definition/repetition levels and non-null values
// of a field's leaf column chunks (column_chunk_reader.h) to the ValueArray
// of that field (value_array.h), following the level rules at the top of
// parquet_schema.h.
//
// Each leaf is walked from the field down to itself: at every node on the way
// the slots of the node are the level entries (of that leaf's stream) where
// one of its values begins. The first leaf under a node fills the node's
// validity and list offsets; later leaves only find their own slots. A list's
// slot starting at entry i holds an element at i when def[i] >=
// element_def_level, and one more at each following entry k whose rep[k] ==
// element_rep_level, up to the first entry with rep <= the list's rep_level.
//
// Checks: every leaf of the field has exactly num_rows top-level records
// (entries with rep 0), and leaves agree on the shape they share.
//
// Thread safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "formats/parquet/column_chunk_reader.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::parquet {

// `chunks[i]` holds leaf field.first_leaf + i; the chunks are consumed.
util::Result<ValueArray> assemble_field(const ValueNode& field,
                                        const std::vector<ColumnDescriptor>& columns,
                                        std::vector<ColumnChunkData>& chunks, size_t num_rows,
                                        const std::string& path_for_errors);

}  // namespace medallion::parquet
