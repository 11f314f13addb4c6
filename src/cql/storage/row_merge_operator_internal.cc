// The serving store's merge operator (row_merge_operator_internal.h).
#include "cql/storage/row_merge_operator_internal.h"

#include <exception>

#include "cql/storage/row_format.h"
#include "cql/storage/storage_format.h"

namespace medallion::cql {
namespace {

// Folds `operands` (the oldest first, though order does not matter) into
// `*out`; false when one of them cannot be read.
template <typename Operands>
bool fold(const rocksdb::Slice* base, const Operands& operands, std::string* out) noexcept {
  try {
    auto tag_of = [](const rocksdb::Slice& s) -> int {
      return s.empty() ? -1 : static_cast<uint8_t>(s[0]);
    };
    int tag = base != nullptr ? tag_of(*base) : (operands.empty() ? -1 : tag_of(operands.front()));
    if (tag == storage_format::kRowFragmentTag) {
      RowFragment acc;
      bool first = true;
      auto add = [&](const rocksdb::Slice& s) {
        RowFragment f;
        if (!decode_row_fragment(std::string_view(s.data(), s.size()), &f).is_ok()) return false;
        if (first) {
          acc = std::move(f);
          first = false;
        } else {
          merge_row_fragments(&acc, std::move(f));
        }
        return true;
      };
      if (base != nullptr && !add(*base)) return false;
      for (const auto& s : operands) {
        if (!add(s)) return false;
      }
      out->clear();
      encode_row_fragment(acc, out);
      return true;
    }
    if (tag == storage_format::kHeaderFragmentTag) {
      PartitionHeader acc;
      auto add = [&](const rocksdb::Slice& s) {
        PartitionHeader h;
        if (!decode_partition_header(std::string_view(s.data(), s.size()), &h).is_ok())
          return false;
        merge_partition_headers(&acc, std::move(h));
        return true;
      };
      if (base != nullptr && !add(*base)) return false;
      for (const auto& s : operands) {
        if (!add(s)) return false;
      }
      out->clear();
      encode_partition_header(acc, out);
      return true;
    }
    return false;
  } catch (const std::exception&) {
    return false;
  }
}

class RowMergeOperator final : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override {
    if (!fold(in.existing_value, in.operand_list, &out->new_value)) {
      out->new_value.assign(1, static_cast<char>(storage_format::kCorruptTag));
    }
    return true;
  }

  bool PartialMergeMulti(const rocksdb::Slice& /*key*/, const std::deque<rocksdb::Slice>& operands,
                         std::string* new_value, rocksdb::Logger* /*logger*/) const override {
    // A failure here only keeps the operands apart; the full merge reports it.
    return fold(nullptr, operands, new_value);
  }

  const char* Name() const override { return "medallion.cql.RowMerge.v1"; }
};

}  // namespace

std::shared_ptr<rocksdb::MergeOperator> make_row_merge_operator() {
  return std::make_shared<RowMergeOperator>();
}

bool fold_fragments(const std::vector<rocksdb::Slice>& fragments, std::string* out) {
  return fold(nullptr, fragments, out);
}

}  // namespace medallion::cql
