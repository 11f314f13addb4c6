// Schema: the names, types and nullability of the columns of a record batch.
//
// Types are logical; each has one physical representation in Column:
//   kBool       uint8 0/1              kInt32   int32
//   kInt64      int64                  kDouble  double
//   kString     UTF-8 bytes (offsets + data, as Arrow's utf8)
//   kDate       int32 days since 1970-01-01
//   kTimestamp  int64 microseconds since 1970-01-01T00:00:00Z
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace medallion::columnar {

enum class DataType { kBool, kInt32, kInt64, kDouble, kString, kDate, kTimestamp };

std::string_view data_type_name(DataType type);

struct Field {
  std::string name;
  DataType type = DataType::kString;
  bool nullable = true;
  // When non-empty, the only values a string field may hold (an enumeration).
  std::vector<std::string> allowed_values;
};

class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }
  std::optional<size_t> index_of(std::string_view name) const;

 private:
  std::vector<Field> fields_;
};

}  // namespace medallion::columnar
