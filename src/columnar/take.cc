#include "columnar/take.h"

#include <fmt/format.h>

#include <cassert>

namespace medallion::columnar {

namespace {

bool has_line_numbers(const RecordBatch& batch) {
  return batch.num_rows() > 0 && batch.line_numbers().size() == batch.num_rows();
}

}  // namespace

Column take(const Column& column, const std::vector<int64_t>& indices) {
  Column out(column.type());
  out.append_take(column, indices);
  return out;
}

RecordBatch take(const RecordBatch& batch, const std::vector<int64_t>& indices) {
  RecordBatch out(batch.schema());
  for (size_t c = 0; c < batch.num_columns(); ++c) out.column(c).append_take(batch.column(c), indices);
  if (has_line_numbers(batch)) {
    const std::vector<int64_t>& lines = batch.line_numbers();
    std::vector<int64_t>& out_lines = out.line_numbers();
    out_lines.resize(indices.size());
    for (size_t i = 0; i < indices.size(); ++i) {
      const int64_t r = indices[i];
      assert(r < static_cast<int64_t>(lines.size()));
      out_lines[i] = r < 0 ? -1 : lines[r];
    }
  }
  return out;
}

util::Status append_rows(RecordBatch* head, const RecordBatch& tail) {
  if (&tail == head) {
    const RecordBatch copy = tail;
    return append_rows(head, copy);
  }
  const Schema& hs = head->schema();
  const Schema& ts = tail.schema();
  if (hs.size() != ts.size() || head->num_columns() != tail.num_columns()) {
    return util::Status::invalid_argument(
        fmt::format("columnar: cannot append rows (the head has {} columns, the tail {}): "
                    "append batches of the same schema",
                    hs.size(), ts.size()));
  }
  for (size_t c = 0; c < hs.size(); ++c) {
    const Field& hf = hs.field(c);
    const Field& tf = ts.field(c);
    if (hf.name != tf.name || hf.type != tf.type) {
      return util::Status::invalid_argument(fmt::format(
          "columnar: cannot append rows (column {} is '{}' {} in the head, '{}' {} in the tail): "
          "append batches of the same schema",
          c, hf.name, data_type_name(hf.type), tf.name, data_type_name(tf.type)));
    }
  }
  const size_t head_rows = head->num_rows();
  const bool head_lines = has_line_numbers(*head);
  const bool tail_lines = has_line_numbers(tail);
  for (size_t c = 0; c < hs.size(); ++c) head->column(c).append_column(tail.column(c));
  std::vector<int64_t>& lines = head->line_numbers();
  if (head_lines || tail_lines) {
    if (!head_lines) lines.assign(head_rows, -1);
    if (tail_lines) {
      lines.insert(lines.end(), tail.line_numbers().begin(), tail.line_numbers().end());
    } else {
      lines.resize(lines.size() + tail.num_rows(), -1);
    }
  } else {
    lines.clear();
  }
  return util::Status::ok();
}

}  // namespace medallion::columnar
