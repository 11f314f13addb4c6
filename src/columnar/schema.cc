#include "columnar/schema.h"

namespace medallion::columnar {

std::string_view data_type_name(DataType type) {
  switch (type) {
    case DataType::kBool: return "boolean";
    case DataType::kInt32: return "int";
    case DataType::kInt64: return "long";
    case DataType::kDouble: return "double";
    case DataType::kString: return "string";
    case DataType::kDate: return "date";
    case DataType::kTimestamp: return "timestamp";
  }
  return "?";
}

std::optional<size_t> Schema::index_of(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace medallion::columnar
