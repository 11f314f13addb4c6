// The RocksDB merge operator of the serving store: folds row fragments and
// partition headers (row_format.h) by the reconciliation rules of store.h.
// It never throws and never fails a merge: an operand or base value it
// cannot read makes the result the one-byte corrupt marker
// (storage_format::kCorruptTag), which reads report as corruption, so a
// damaged value cannot stop compactions or writes.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <rocksdb/merge_operator.h>

namespace medallion::cql {

std::shared_ptr<rocksdb::MergeOperator> make_row_merge_operator();

// Folds the fragments of one key (all row fragments or all partition
// headers, the oldest first) into *out as the merge operator does; false
// when one cannot be read. Bulk loads combine a key written twice with it.
bool fold_fragments(const std::vector<rocksdb::Slice>& fragments, std::string* out);

}  // namespace medallion::cql
