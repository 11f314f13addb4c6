#include "cql/engine/select_paging.h"

#include "cql/protocol/wire.h"

namespace medallion::cql {

std::string encode_paging_state(TableId table, const PagingState& state) {
  std::string out;
  WireWriter w(&out);
  w.write_byte(1);
  w.write_long(static_cast<int64_t>(table));
  w.write_int(static_cast<int32_t>(state.partition_index));
  w.write_int(static_cast<int32_t>(state.range_index));
  w.write_int(state.limit_left);
  w.write_int(state.partition_rows);
  w.write_bytes(state.position);
  w.write_bytes(state.partition_key);
  return out;
}

util::Result<PagingState> decode_paging_state(TableId table, std::string_view bytes) {
  auto bad = [] {
    return util::Status::invalid_argument(
        "cql: invalid paging state (not one this server issued for this query): restart the "
        "query without a paging state");
  };
  WireReader r(bytes, "paging state");
  auto version = r.read_byte("version");
  auto id = r.read_long("table");
  auto pi = r.read_int("partition index");
  auto ri = r.read_int("range index");
  auto limit = r.read_int("limit");
  auto rows = r.read_int("partition rows");
  if (!version || *version != 1 || !id || static_cast<TableId>(*id) != table || !pi || !ri ||
      !limit || !rows || *pi < 0 || *ri < 0 || *limit < -1 || *rows < 0) {
    return bad();
  }
  auto position = r.read_bytes("position");
  auto pk = r.read_bytes("partition key");
  if (!position || !pk || !*position || !*pk || !r.expect_end().is_ok()) return bad();
  PagingState s;
  s.partition_index = static_cast<uint32_t>(*pi);
  s.range_index = static_cast<uint32_t>(*ri);
  s.limit_left = *limit;
  s.partition_rows = *rows;
  s.position = std::string(**position);
  s.partition_key = std::string(**pk);
  return s;
}

}  // namespace medallion::cql
