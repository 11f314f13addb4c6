// The RocksDB merge operator of the serving store: folds row fragments and
// partition headers (row_format.h) by the reconciliation rules of store.h.
// It never throws and never fails a merge: an operand or base value it
// cannot read makes the result the one-byte corrupt marker
// (storage_format::kCorruptTag), which reads report as corruption, so a
// damaged value cannot stop compactions or writes.
#pragma once

#include <memory>

#include <rocksdb/merge_operator.h>

namespace medallion::cql {

std::shared_ptr<rocksdb::MergeOperator> make_row_merge_operator();

}  // namespace medallion::cql
