#include "cql/client/result_page.h"

#include <fmt/format.h>

#include <utility>

namespace medallion::cql {

ResultPage::ResultPage(std::vector<ColumnSpec> columns, RowsResult rows)
    : columns_(std::move(columns)), rows_(std::move(rows)) {}

std::optional<size_t> ResultPage::column_index(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return std::nullopt;
}

util::Result<CqlValue> ResultPage::value(size_t row, size_t column) const {
  if (row >= rows_.rows.size() || column >= columns_.size() ||
      column >= rows_.rows[row].size()) {
    return util::Status::invalid_argument(
        fmt::format("cql: no value at row {} column {} (the page has {} rows of {} columns)", row,
                    column, rows_.rows.size(), columns_.size()));
  }
  const auto& bytes = rows_.rows[row][column];
  if (!bytes) return CqlValue{};
  auto decoded = decode_value(columns_[column].type, *bytes);
  if (!decoded.is_ok()) {
    return util::Status::corruption(fmt::format("cql: column {} of row {}: {}",
                                                columns_[column].name, row,
                                                decoded.status().message()));
  }
  return decoded;
}

util::Result<CqlValue> ResultPage::value(size_t row, std::string_view column) const {
  const auto index = column_index(column);
  if (!index) {
    return util::Status::invalid_argument(
        fmt::format("cql: the result has no column \"{}\"", column));
  }
  return value(row, *index);
}

}  // namespace medallion::cql
