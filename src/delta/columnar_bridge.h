// The bridge between the pipeline's flat record batches (columnar/) and the
// Delta layer's rows (parquet::RowBatch in canonical storage, see
// column_conform.h). Types map one to one:
//
//   columnar     Delta        canonical storage
//   kBool        boolean      BOOLEAN
//   kInt32       integer      INT32
//   kInt64       long         INT64
//   kDouble      double       DOUBLE
//   kString      string       BYTE_ARRAY
//   kDate        date         INT32 days
//   kTimestamp   timestamp    INT64 microseconds, UTC
//
// Other Delta types (nested, decimal, binary, byte/short, float,
// timestamp_ntz) have no columnar counterpart and are refused by name.
//
// Thread safety: pure functions.
#pragma once

#include "columnar/record_batch.h"
#include "columnar/schema.h"
#include "columnar/expression.h"
#include "delta/delta_schema.h"
#include "delta/scalar.h"
#include "formats/parquet/value_array.h"
#include "util/status.h"

namespace medallion::delta {

Schema delta_schema_of(const columnar::Schema& schema);
util::Result<columnar::Schema> columnar_schema_of(const Schema& schema);

// A record batch as rows of the Delta schema delta_schema_of(batch.schema()).
// The buffers move over (the layouts agree); pass an lvalue to copy.
parquet::RowBatch to_row_batch(columnar::RecordBatch batch);

// Rows of `schema` (every top-level field, in order) as a record batch,
// moving the buffers over.
util::Result<columnar::RecordBatch> to_record_batch(const Schema& schema, parquet::RowBatch rows);

// The value in `row` of a column as a Scalar of the matching Delta type
// (a typed null for a null row).
Scalar scalar_at(const columnar::Column& column, size_t row);

// A literal as a Scalar of the matching Delta type.
Scalar scalar_of(const columnar::Literal& literal);

}  // namespace medallion::delta
