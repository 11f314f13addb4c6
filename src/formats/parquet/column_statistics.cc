#include "formats/parquet/column_statistics.h"

#include <cstring>

namespace medallion::parquet {

namespace {

bool is_unsigned_integer(const ColumnDescriptor& column) {
  if (column.logical_type && column.logical_type->kind == LogicalTypeKind::kInteger) {
    return !column.logical_type->is_signed;
  }
  if (column.converted_type) {
    switch (*column.converted_type) {
      case ConvertedType::kUint8:
      case ConvertedType::kUint16:
      case ConvertedType::kUint32:
      case ConvertedType::kUint64:
        return true;
      default:
        break;
    }
  }
  return false;
}

template <typename T>
std::string le_bytes(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));
  return out;
}

}  // namespace

SortOrder sort_order_of(const ColumnDescriptor& column) {
  switch (column.physical_type) {
    case Type::kBoolean:
    case Type::kFloat:
    case Type::kDouble:
      return SortOrder::kSigned;
    case Type::kInt32:
    case Type::kInt64:
      return is_unsigned_integer(column) ? SortOrder::kUnsigned : SortOrder::kSigned;
    case Type::kInt96:
      return SortOrder::kUnknown;
    case Type::kByteArray:
    case Type::kFixedLenByteArray: {
      if (column.logical_type) {
        switch (column.logical_type->kind) {
          case LogicalTypeKind::kDecimal:  // two's complement: a signed order
          case LogicalTypeKind::kFloat16:
            return SortOrder::kUnknown;
          default:
            break;
        }
      }
      if (column.converted_type == ConvertedType::kDecimal ||
          column.converted_type == ConvertedType::kInterval) {
        return SortOrder::kUnknown;
      }
      return SortOrder::kUnsigned;
    }
  }
  return SortOrder::kUnknown;
}

void ColumnStatistics::add_bytes(std::string_view v) {
  if (order_ == SortOrder::kUnknown) return;
  // std::string_view compares with char_traits<char>, which compares bytes as
  // unsigned char: the unsigned lexicographic order.
  if (!has_value_) {
    min_s_.assign(v);
    max_s_.assign(v);
    has_value_ = true;
    return;
  }
  if (v < std::string_view(min_s_)) {
    min_s_.assign(v);
  } else if (v > std::string_view(max_s_)) {
    max_s_.assign(v);
  }
}

void ColumnStatistics::merge(const ColumnStatistics& other) {
  null_count_ += other.null_count_;
  if (!other.has_value_) return;
  switch (type_) {
    case Type::kBoolean:
    case Type::kInt32:
      update_int(other.min_i_);
      update_int(other.max_i_);
      break;
    case Type::kInt64:
      if (order_ == SortOrder::kUnsigned) {
        update_uint64(static_cast<uint64_t>(other.min_i_));
        update_uint64(static_cast<uint64_t>(other.max_i_));
      } else {
        update_int(other.min_i_);
        update_int(other.max_i_);
      }
      break;
    case Type::kFloat:
    case Type::kDouble:
      add_double_bound(other.min_d_);
      add_double_bound(other.max_d_);
      break;
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      add_bytes(other.min_s_);
      add_bytes(other.max_s_);
      break;
    case Type::kInt96:
      break;
  }
}

std::string ColumnStatistics::encode(bool max) const {
  switch (type_) {
    case Type::kBoolean:
      return std::string(1, static_cast<char>((max ? max_i_ : min_i_) != 0 ? 1 : 0));
    case Type::kInt32:
      return le_bytes(static_cast<uint32_t>(max ? max_i_ : min_i_));
    case Type::kInt64:
      return le_bytes(static_cast<uint64_t>(max ? max_i_ : min_i_));
    case Type::kFloat:
    case Type::kDouble: {
      double v = max ? max_d_ : min_d_;
      // A zero bound may stand for zeros of either sign: the min as -0.0 and
      // the max as +0.0 keeps both inside [min, max] for any comparator.
      if (v == 0.0) v = max ? 0.0 : -0.0;
      if (type_ == Type::kFloat) return le_bytes(static_cast<float>(v));
      return le_bytes(v);
    }
    case Type::kByteArray:
    case Type::kFixedLenByteArray:
      return max ? max_s_ : min_s_;
    case Type::kInt96:
      break;
  }
  return {};
}

Statistics ColumnStatistics::to_statistics() const {
  Statistics s;
  s.null_count = null_count_;
  if (!has_value_ || order_ == SortOrder::kUnknown) return s;
  std::string min = encode(false);
  std::string max = encode(true);
  const bool deprecated_too = order_ == SortOrder::kSigned;
  if (min.size() <= kMaxStatisticsValueBytes) {
    if (deprecated_too) s.min = min;
    s.min_value = std::move(min);
    s.is_min_value_exact = true;
  }
  if (max.size() <= kMaxStatisticsValueBytes) {
    if (deprecated_too) s.max = max;
    s.max_value = std::move(max);
    s.is_max_value_exact = true;
  }
  return s;
}

void ColumnStatistics::reset() {
  null_count_ = 0;
  has_value_ = false;
  min_i_ = max_i_ = 0;
  min_d_ = max_d_ = 0;
  min_s_.clear();
  max_s_.clear();
}

}  // namespace medallion::parquet
