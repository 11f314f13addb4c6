#include "cql/engine/system_tables.h"

#include <arpa/inet.h>

#include <utility>

namespace medallion::cql {
namespace {

CqlType text_t() { return CqlType::of(TypeId::kVarchar); }

CqlType type_from_cql(std::string_view cql) {
  if (cql == "text") return text_t();
  if (cql == "boolean") return CqlType::of(TypeId::kBoolean);
  if (cql == "int") return CqlType::of(TypeId::kInt);
  if (cql == "uuid") return CqlType::of(TypeId::kUuid);
  if (cql == "inet") return CqlType::of(TypeId::kInet);
  if (cql == "blob") return CqlType::of(TypeId::kBlob);
  if (cql == "double") return CqlType::of(TypeId::kDouble);
  if (cql == "timestamp") return CqlType::of(TypeId::kTimestamp);
  if (cql == "set<text>" || cql == "frozen<set<text>>") return CqlType::set_of(text_t());
  if (cql == "frozen<list<text>>") return CqlType::list_of(text_t());
  if (cql == "frozen<map<text, text>>" || cql == "map<text, text>") {
    return CqlType::map_of(text_t(), text_t());
  }
  if (cql == "frozen<map<text, blob>>")
    return CqlType::map_of(text_t(), CqlType::of(TypeId::kBlob));
  if (cql == "map<uuid, blob>") {
    return CqlType::map_of(CqlType::of(TypeId::kUuid), CqlType::of(TypeId::kBlob));
  }
  return text_t();
}

struct Col {
  const char* name;
  const char* type;
  char kind;  // 'p' partition key, 'c' clustering, 'r' regular
};

std::shared_ptr<const TableSchema> make_table(const std::string& ks, const std::string& name,
                                              TableId id, std::vector<Col> cols) {
  auto t = std::make_shared<TableSchema>();
  t->keyspace = ks;
  t->name = name;
  t->id = id;
  t->is_virtual = true;
  for (size_t i = 0; i < 16; ++i) t->uuid.bytes[i] = static_cast<uint8_t>(id * 31 + i);
  t->uuid.bytes[6] = static_cast<uint8_t>((t->uuid.bytes[6] & 0x0F) | 0x30);
  t->uuid.bytes[8] = static_cast<uint8_t>((t->uuid.bytes[8] & 0x3F) | 0x80);
  int pk = 0, ck = 0;
  for (const auto& c : cols) {
    ColumnSchema s;
    s.name = c.name;
    s.type_cql = c.type;
    s.type = type_from_cql(c.type);
    s.id = static_cast<uint32_t>(t->columns.size());
    if (c.kind == 'p') {
      s.kind = ColumnKind::kPartitionKey;
      s.position = pk++;
      t->partition_key.push_back(s.id);
    } else if (c.kind == 'c') {
      s.kind = ColumnKind::kClustering;
      s.position = ck++;
      t->clustering.push_back(s.id);
      t->clustering_columns.push_back({s.type, false});
    }
    t->columns.push_back(std::move(s));
  }
  return t;
}

std::vector<std::shared_ptr<const KeyspaceSchema>> build_system_keyspaces() {
  auto system = std::make_shared<KeyspaceSchema>();
  system->name = "system";
  system->is_system = true;
  system->replication = {{"class", "org.apache.cassandra.locator.LocalStrategy"}};
  auto schema = std::make_shared<KeyspaceSchema>();
  schema->name = "system_schema";
  schema->is_system = true;
  schema->replication = {{"class", "org.apache.cassandra.locator.LocalStrategy"}};
  TableId id = 1;
  auto add = [&](KeyspaceSchema* ks, const std::string& name, std::vector<Col> cols) {
    ks->tables[name] = make_table(ks->name, name, id++, std::move(cols));
  };
  add(system.get(), "local",
      {{"key", "text", 'p'},
       {"bootstrapped", "text", 'r'},
       {"broadcast_address", "inet", 'r'},
       {"broadcast_port", "int", 'r'},
       {"cluster_name", "text", 'r'},
       {"cql_version", "text", 'r'},
       {"data_center", "text", 'r'},
       {"gossip_generation", "int", 'r'},
       {"host_id", "uuid", 'r'},
       {"listen_address", "inet", 'r'},
       {"listen_port", "int", 'r'},
       {"native_protocol_version", "text", 'r'},
       {"partitioner", "text", 'r'},
       {"rack", "text", 'r'},
       {"release_version", "text", 'r'},
       {"rpc_address", "inet", 'r'},
       {"rpc_port", "int", 'r'},
       {"schema_version", "uuid", 'r'},
       {"thrift_version", "text", 'r'},
       {"tokens", "set<text>", 'r'},
       {"truncated_at", "map<uuid, blob>", 'r'}});
  add(system.get(), "peers",
      {{"peer", "inet", 'p'},
       {"data_center", "text", 'r'},
       {"host_id", "uuid", 'r'},
       {"preferred_ip", "inet", 'r'},
       {"rack", "text", 'r'},
       {"release_version", "text", 'r'},
       {"rpc_address", "inet", 'r'},
       {"schema_version", "uuid", 'r'},
       {"tokens", "set<text>", 'r'}});
  add(system.get(), "peers_v2",
      {{"peer", "inet", 'p'},
       {"peer_port", "int", 'c'},
       {"data_center", "text", 'r'},
       {"host_id", "uuid", 'r'},
       {"native_address", "inet", 'r'},
       {"native_port", "int", 'r'},
       {"preferred_ip", "inet", 'r'},
       {"preferred_port", "int", 'r'},
       {"rack", "text", 'r'},
       {"release_version", "text", 'r'},
       {"schema_version", "uuid", 'r'},
       {"tokens", "set<text>", 'r'}});
  add(schema.get(), "keyspaces",
      {{"keyspace_name", "text", 'p'},
       {"durable_writes", "boolean", 'r'},
       {"replication", "frozen<map<text, text>>", 'r'}});
  add(schema.get(), "tables",
      {{"keyspace_name", "text", 'p'},
       {"table_name", "text", 'c'},
       {"bloom_filter_fp_chance", "double", 'r'},
       {"caching", "frozen<map<text, text>>", 'r'},
       {"cdc", "boolean", 'r'},
       {"comment", "text", 'r'},
       {"compaction", "frozen<map<text, text>>", 'r'},
       {"compression", "frozen<map<text, text>>", 'r'},
       {"crc_check_chance", "double", 'r'},
       {"dclocal_read_repair_chance", "double", 'r'},
       {"default_time_to_live", "int", 'r'},
       {"extensions", "frozen<map<text, blob>>", 'r'},
       {"flags", "frozen<set<text>>", 'r'},
       {"gc_grace_seconds", "int", 'r'},
       {"id", "uuid", 'r'},
       {"max_index_interval", "int", 'r'},
       {"memtable_flush_period_in_ms", "int", 'r'},
       {"min_index_interval", "int", 'r'},
       {"read_repair_chance", "double", 'r'},
       {"speculative_retry", "text", 'r'}});
  add(schema.get(), "columns",
      {{"keyspace_name", "text", 'p'},
       {"table_name", "text", 'c'},
       {"column_name", "text", 'c'},
       {"clustering_order", "text", 'r'},
       {"column_name_bytes", "blob", 'r'},
       {"kind", "text", 'r'},
       {"position", "int", 'r'},
       {"type", "text", 'r'}});
  add(schema.get(), "types",
      {{"keyspace_name", "text", 'p'},
       {"type_name", "text", 'c'},
       {"field_names", "frozen<list<text>>", 'r'},
       {"field_types", "frozen<list<text>>", 'r'}});
  add(schema.get(), "functions",
      {{"keyspace_name", "text", 'p'},
       {"function_name", "text", 'c'},
       {"argument_types", "frozen<list<text>>", 'c'},
       {"argument_names", "frozen<list<text>>", 'r'},
       {"body", "text", 'r'},
       {"called_on_null_input", "boolean", 'r'},
       {"language", "text", 'r'},
       {"return_type", "text", 'r'}});
  add(schema.get(), "aggregates",
      {{"keyspace_name", "text", 'p'},
       {"aggregate_name", "text", 'c'},
       {"argument_types", "frozen<list<text>>", 'c'},
       {"final_func", "text", 'r'},
       {"initcond", "text", 'r'},
       {"return_type", "text", 'r'},
       {"state_func", "text", 'r'},
       {"state_type", "text", 'r'}});
  add(schema.get(), "triggers",
      {{"keyspace_name", "text", 'p'},
       {"table_name", "text", 'c'},
       {"trigger_name", "text", 'c'},
       {"options", "frozen<map<text, text>>", 'r'}});
  add(schema.get(), "indexes",
      {{"keyspace_name", "text", 'p'},
       {"table_name", "text", 'c'},
       {"index_name", "text", 'c'},
       {"kind", "text", 'r'},
       {"options", "frozen<map<text, text>>", 'r'}});
  add(schema.get(), "views",
      {{"keyspace_name", "text", 'p'},
       {"view_name", "text", 'c'},
       {"base_table_id", "uuid", 'r'},
       {"base_table_name", "text", 'r'},
       {"id", "uuid", 'r'},
       {"include_all_columns", "boolean", 'r'},
       {"where_clause", "text", 'r'}});
  add(schema.get(), "dropped_columns",
      {{"keyspace_name", "text", 'p'},
       {"table_name", "text", 'c'},
       {"column_name", "text", 'c'},
       {"dropped_time", "timestamp", 'r'},
       {"kind", "text", 'r'},
       {"type", "text", 'r'}});
  return {system, schema};
}

std::string enc(const CqlType& type, CqlValue v) {
  auto r = encode_value(type, v);
  return r ? std::move(*r) : std::string();
}
std::string text(std::string s) { return s; }
std::string i32(int32_t v) { return enc(CqlType::of(TypeId::kInt), v); }
std::string dbl(double v) { return enc(CqlType::of(TypeId::kDouble), v); }
std::string boolean(bool v) { return std::string(1, v ? '\1' : '\0'); }
std::string uuid(const Uuid& u) {
  return std::string(reinterpret_cast<const char*>(u.bytes.data()), 16);
}
std::string text_set(const std::vector<std::string>& items) {
  CqlList l;
  for (const auto& s : items) l.elements.emplace_back(s);
  return enc(CqlType::set_of(text_t()), l);
}
std::string text_map(const std::map<std::string, std::string>& m) {
  CqlMap out;
  for (const auto& [k, v] : m) out.entries.emplace_back(CqlValue(k), CqlValue(v));
  return enc(CqlType::map_of(text_t(), text_t()), out);
}
std::optional<std::string> inet(const std::string& address) {
  unsigned char buf[16];
  if (inet_pton(AF_INET, address.c_str(), buf) == 1)
    return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, address.c_str(), buf) == 1)
    return std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}

class RowBuilder {
 public:
  explicit RowBuilder(const TableSchema& t) : table_(t), row_(t.columns.size()) {}
  RowBuilder& set(std::string_view column, std::optional<std::string> value) {
    if (const auto* c = table_.find(column)) row_[c->id] = std::move(value);
    return *this;
  }
  VirtualRow take() { return std::move(row_); }

 private:
  const TableSchema& table_;
  VirtualRow row_;
};

}  // namespace

const std::vector<std::shared_ptr<const KeyspaceSchema>>& system_keyspaces() {
  static const auto* keyspaces =
      new std::vector<std::shared_ptr<const KeyspaceSchema>>(build_system_keyspaces());
  return *keyspaces;
}

util::Result<std::vector<VirtualRow>> system_table_rows(const TableSchema& table,
                                                        const SchemaSnapshot& snapshot,
                                                        const ProcessorOptions& options,
                                                        const Uuid& host_id) {
  std::vector<VirtualRow> rows;
  const std::string& ks = table.keyspace;
  const std::string& name = table.name;
  if (ks == "system" && name == "local") {
    RowBuilder r(table);
    r.set("key", text("local"))
        .set("bootstrapped", text("COMPLETED"))
        .set("broadcast_address", inet(options.rpc_address))
        .set("broadcast_port", i32(7000))
        .set("cluster_name", text(options.cluster_name))
        .set("cql_version", text("3.4.4"))
        .set("data_center", text(options.data_center))
        .set("gossip_generation", i32(1))
        .set("host_id", uuid(host_id))
        .set("listen_address", inet(options.rpc_address))
        .set("listen_port", i32(7000))
        .set("native_protocol_version", text("4"))
        .set("partitioner", text("org.apache.cassandra.dht.Murmur3Partitioner"))
        .set("rack", text(options.rack))
        .set("release_version", text(options.release_version))
        .set("rpc_address", inet(options.rpc_address))
        .set("rpc_port", i32(options.rpc_port))
        .set("schema_version", uuid(snapshot.version))
        .set("thrift_version", text("20.1.0"))
        .set("tokens", text_set({"0"}));
    rows.push_back(r.take());
    return rows;
  }
  if (ks == "system" && (name == "peers" || name == "peers_v2")) return rows;
  if (ks != "system_schema") {
    return util::Status::not_found("cql: unknown system table " + table.full_name());
  }
  for (const auto& [ks_name, keyspace] : snapshot.keyspaces) {
    if (name == "keyspaces") {
      RowBuilder r(table);
      r.set("keyspace_name", text(ks_name))
          .set("durable_writes", boolean(keyspace->durable_writes))
          .set("replication", text_map(keyspace->replication));
      rows.push_back(r.take());
      continue;
    }
    if (name != "tables" && name != "columns") continue;
    for (const auto& [t_name, t] : keyspace->tables) {
      if (name == "tables") {
        RowBuilder r(table);
        r.set("keyspace_name", text(ks_name))
            .set("table_name", text(t_name))
            .set("bloom_filter_fp_chance", dbl(0.01))
            .set("caching", text_map({{"keys", "ALL"}, {"rows_per_partition", "NONE"}}))
            .set("cdc", boolean(false))
            .set("comment", text(t->comment))
            .set("compaction",
                 text_map(
                     {{"class", "org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy"},
                      {"max_threshold", "32"},
                      {"min_threshold", "4"}}))
            .set("compression",
                 text_map({{"chunk_length_in_kb", "64"},
                           {"class", "org.apache.cassandra.io.compress.LZ4Compressor"}}))
            .set("crc_check_chance", dbl(1.0))
            .set("dclocal_read_repair_chance", dbl(0.1))
            .set("default_time_to_live", i32(t->default_ttl))
            .set("extensions", enc(CqlType::map_of(text_t(), CqlType::of(TypeId::kBlob)), CqlMap{}))
            .set("flags", text_set({"compound"}))
            .set("gc_grace_seconds", i32(864000))
            .set("id", uuid(t->uuid))
            .set("max_index_interval", i32(2048))
            .set("memtable_flush_period_in_ms", i32(0))
            .set("min_index_interval", i32(128))
            .set("read_repair_chance", dbl(0.0))
            .set("speculative_retry", text("99PERCENTILE"));
        rows.push_back(r.take());
        continue;
      }
      for (const auto& c : t->columns) {
        RowBuilder r(table);
        std::string order = "none";
        if (c.kind == ColumnKind::kClustering) order = c.descending ? "desc" : "asc";
        r.set("keyspace_name", text(ks_name))
            .set("table_name", text(t_name))
            .set("column_name", text(c.name))
            .set("clustering_order", text(order))
            .set("column_name_bytes", c.name)
            .set("kind", text(std::string(column_kind_name(c.kind))))
            .set("position", i32(c.position))
            .set("type", text(c.type_cql));
        rows.push_back(r.take());
      }
    }
  }
  return rows;
}

}  // namespace medallion::cql
