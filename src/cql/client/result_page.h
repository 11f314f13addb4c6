// ResultPage: one page of a statement's result, decoded on demand.
//
// A Rows result keeps its values as the bytes the server sent; value()
// decodes one by the column's type (types.h: which CqlValue alternative goes
// with which CQL type). Results of other kinds (Void, Set_keyspace,
// Schema_change) are pages with no columns and no rows. When more pages
// follow, paging_state() holds the token that asks for the next one.
//
// Thread safety: a value; const methods may be called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/protocol/messages.h"
#include "cql/protocol/types.h"
#include "util/status.h"

namespace medallion::cql {

class ResultPage {
 public:
  ResultPage() = default;
  // `columns` describe the rows (the prepared statement's result metadata
  // when the server skipped it).
  ResultPage(std::vector<ColumnSpec> columns, RowsResult rows);

  const std::vector<ColumnSpec>& columns() const { return columns_; }
  size_t size() const { return rows_.rows.size(); }
  bool empty() const { return rows_.rows.empty(); }

  // The column's index by name; nullopt when no column has it.
  std::optional<size_t> column_index(std::string_view name) const;

  // The value at (row, column); a null is std::monostate. Errors:
  // invalid_argument for a bad row or column; corruption naming the column when
  // the bytes do not decode as its type.
  util::Result<CqlValue> value(size_t row, size_t column) const;
  util::Result<CqlValue> value(size_t row, std::string_view column) const;
  // The raw bytes (nullopt for null); no bounds checks beyond vector's.
  const std::optional<std::string>& raw(size_t row, size_t column) const {
    return rows_.rows[row][column];
  }

  bool has_more_pages() const { return rows_.metadata.paging_state.has_value(); }
  const std::optional<std::string>& paging_state() const { return rows_.metadata.paging_state; }

 private:
  std::vector<ColumnSpec> columns_;
  RowsResult rows_;
};

}  // namespace medallion::cql
