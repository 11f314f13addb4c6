#include "cql/engine/schema.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "cql/engine/system_tables.h"
#include "cql/protocol/wire.h"

namespace medallion::cql {
namespace {

constexpr uint16_t kRecordVersion = 1;
constexpr std::string_view kKeyspacePrefix = "schema/keyspace/";
constexpr std::string_view kTablePrefix = "schema/table/";
constexpr std::string_view kNextIdKey = "schema/next_table_id";
constexpr std::string_view kHostIdKey = "local/host_id";

Uuid random_uuid() {
  std::random_device rd;
  Uuid u;
  for (auto& b : u.bytes) b = static_cast<uint8_t>(rd());
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0F) | 0x40);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3F) | 0x80);
  return u;
}

std::string encode_keyspace(const KeyspaceSchema& ks) {
  std::string out;
  WireWriter w(&out);
  w.write_short(kRecordVersion);
  w.write_string(ks.name);
  w.write_byte(ks.durable_writes ? 1 : 0);
  StringMap repl(ks.replication.begin(), ks.replication.end());
  w.write_string_map(repl);
  return out;
}

std::string encode_table(const TableSchema& t) {
  std::string out;
  WireWriter w(&out);
  w.write_short(kRecordVersion);
  w.write_string(t.keyspace);
  w.write_string(t.name);
  w.write_long(static_cast<int64_t>(t.id));
  w.write_raw(std::string_view(reinterpret_cast<const char*>(t.uuid.bytes.data()), 16));
  w.write_int(t.default_ttl);
  w.write_string(t.comment);
  w.write_short(static_cast<uint16_t>(t.columns.size()));
  for (const auto& c : t.columns) {
    w.write_string(c.name);
    w.write_string(c.type_cql);
    write_type(w, c.type);
    w.write_byte(static_cast<uint8_t>(c.kind));
    w.write_int(c.position);
    w.write_byte(c.descending ? 1 : 0);
  }
  return out;
}

util::Status bad_record(std::string_view key) {
  return util::Status::corruption("cql: unreadable schema record (" + std::string(key) +
                                  "): the store's metadata is damaged");
}

util::Result<std::shared_ptr<KeyspaceSchema>> decode_keyspace(std::string_view key,
                                                              std::string_view bytes) {
  WireReader r(bytes, "schema record");
  auto v = r.read_short("version");
  if (!v || *v != kRecordVersion) return bad_record(key);
  auto ks = std::make_shared<KeyspaceSchema>();
  auto name = r.read_string("name");
  auto dw = r.read_byte("durable_writes");
  auto repl = r.read_string_map("replication");
  if (!name || !dw || !repl) return bad_record(key);
  ks->name = std::string(*name);
  ks->durable_writes = *dw != 0;
  ks->replication.insert(repl->begin(), repl->end());
  return ks;
}

void finish_table(TableSchema* t) {
  t->partition_key.clear();
  t->clustering.clear();
  t->clustering_columns.clear();
  std::vector<std::pair<int, uint32_t>> pk, ck;
  for (auto& c : t->columns) {
    if (c.kind == ColumnKind::kPartitionKey) pk.emplace_back(c.position, c.id);
    if (c.kind == ColumnKind::kClustering) ck.emplace_back(c.position, c.id);
    if (c.kind == ColumnKind::kStatic) t->has_static = true;
  }
  std::sort(pk.begin(), pk.end());
  std::sort(ck.begin(), ck.end());
  for (auto& p : pk) t->partition_key.push_back(p.second);
  for (auto& p : ck) {
    t->clustering.push_back(p.second);
    t->clustering_columns.push_back({t->columns[p.second].type, t->columns[p.second].descending});
  }
}

util::Result<std::shared_ptr<TableSchema>> decode_table(std::string_view key,
                                                        std::string_view bytes) {
  WireReader r(bytes, "schema record");
  auto v = r.read_short("version");
  if (!v || *v != kRecordVersion) return bad_record(key);
  auto t = std::make_shared<TableSchema>();
  auto ks = r.read_string("keyspace");
  auto name = r.read_string("name");
  auto id = r.read_long("id");
  auto uuid = r.read_raw(16, "uuid");
  auto ttl = r.read_int("ttl");
  auto comment = r.read_string("comment");
  auto n = r.read_short("columns");
  if (!ks || !name || !id || !uuid || !ttl || !comment || !n) return bad_record(key);
  t->keyspace = std::string(*ks);
  t->name = std::string(*name);
  t->id = static_cast<TableId>(*id);
  std::copy(uuid->begin(), uuid->end(), t->uuid.bytes.begin());
  t->default_ttl = *ttl;
  t->comment = std::string(*comment);
  for (uint16_t i = 0; i < *n; ++i) {
    ColumnSchema c;
    auto cn = r.read_string("column");
    auto tc = r.read_string("type_cql");
    if (!cn || !tc) return bad_record(key);
    auto type = read_type(r);
    auto kind = r.read_byte("kind");
    auto pos = r.read_int("position");
    auto desc = r.read_byte("desc");
    if (!type || !kind || !pos || !desc || *kind > 3) return bad_record(key);
    c.name = std::string(*cn);
    c.type_cql = std::string(*tc);
    c.type = std::move(*type);
    c.kind = static_cast<ColumnKind>(*kind);
    c.position = *pos;
    c.descending = *desc != 0;
    c.id = i;
    t->columns.push_back(std::move(c));
  }
  finish_table(t.get());
  return t;
}

Uuid md5_uuid(std::string_view data) {
  const std::string digest = md5_digest(data);
  Uuid u;
  std::copy(digest.begin(), digest.end(), u.bytes.begin());
  u.bytes[6] = static_cast<uint8_t>((u.bytes[6] & 0x0F) | 0x30);
  u.bytes[8] = static_cast<uint8_t>((u.bytes[8] & 0x3F) | 0x80);
  return u;
}

std::string full_class(const std::string& cls) {
  if (cls.find('.') != std::string::npos) return cls;
  return "org.apache.cassandra.locator." + cls;
}

std::string literal_text(const PropertyValue& v) {
  if (const auto* l = std::get_if<Literal>(&v.value)) return l->text;
  return {};
}

}  // namespace

std::string md5_digest(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string_view column_kind_name(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kPartitionKey:
      return "partition_key";
    case ColumnKind::kClustering:
      return "clustering";
    case ColumnKind::kStatic:
      return "static";
    case ColumnKind::kRegular:
      break;
  }
  return "regular";
}

const ColumnSchema* TableSchema::find(std::string_view column) const {
  for (const auto& c : columns) {
    if (c.name == column) return &c;
  }
  return nullptr;
}

const KeyspaceSchema* SchemaSnapshot::keyspace(std::string_view name) const {
  auto it = keyspaces.find(std::string(name));
  return it == keyspaces.end() ? nullptr : it->second.get();
}

std::shared_ptr<const TableSchema> SchemaSnapshot::table(std::string_view ks,
                                                         std::string_view name) const {
  const auto* k = keyspace(ks);
  if (k == nullptr) return nullptr;
  auto it = k->tables.find(std::string(name));
  return it == k->tables.end() ? nullptr : it->second;
}

util::Result<std::shared_ptr<TableSchema>> build_table_schema(const CreateTableStatement& create,
                                                              std::string_view keyspace) {
  auto t = std::make_shared<TableSchema>();
  t->keyspace = std::string(keyspace);
  t->name = create.table.name;
  const std::string where = " in table " + t->keyspace + "." + t->name;
  std::set<std::string> seen;
  for (const auto& def : create.columns) {
    if (!seen.insert(def.name).second) {
      return util::Status::invalid_argument("cql: duplicate column '" + def.name + "'" + where +
                                            ": give each column one definition");
    }
    ColumnSchema c;
    c.name = def.name;
    c.type = def.type.type;
    c.type_cql = def.type.cql;
    c.kind = def.is_static ? ColumnKind::kStatic : ColumnKind::kRegular;
    c.id = static_cast<uint32_t>(t->columns.size());
    if (c.type.id == TypeId::kCounter) {
      return util::Status::unsupported("cql: counter columns are not supported (column '" +
                                       def.name + "'" + where + "): use bigint");
    }
    t->columns.push_back(std::move(c));
  }
  if (create.partition_key.empty()) {
    return util::Status::invalid_argument("cql: no PRIMARY KEY" + where +
                                          ": declare a primary key");
  }
  auto mark = [&](const std::string& name, ColumnKind kind, int pos) -> util::Status {
    for (auto& c : t->columns) {
      if (c.name != name) continue;
      if (c.kind == ColumnKind::kPartitionKey || c.kind == ColumnKind::kClustering) {
        return util::Status::invalid_argument("cql: column '" + name +
                                              "' appears twice in the PRIMARY KEY" + where);
      }
      if (c.kind == ColumnKind::kStatic) {
        return util::Status::invalid_argument("cql: static column '" + name +
                                              "' cannot be part of the PRIMARY KEY" + where);
      }
      if (c.type.id == TypeId::kList || c.type.id == TypeId::kSet || c.type.id == TypeId::kMap) {
        if (c.type_cql.rfind("frozen<", 0) != 0) {
          return util::Status::invalid_argument(
              "cql: invalid non-frozen collection type for "
              "PRIMARY KEY component " +
              name + where);
        }
      }
      if (kind == ColumnKind::kClustering && !is_clusterable(c.type)) {
        return util::Status::invalid_argument("cql: type " + c.type_cql +
                                              " cannot be a clustering column ('" + name + "'" +
                                              where + ")");
      }
      c.kind = kind;
      c.position = pos;
      return util::Status::ok();
    }
    return util::Status::invalid_argument("cql: unknown column '" + name +
                                          "' referenced in PRIMARY KEY" + where);
  };
  for (size_t i = 0; i < create.partition_key.size(); ++i) {
    MEDALLION_RETURN_IF_ERROR(
        mark(create.partition_key[i], ColumnKind::kPartitionKey, static_cast<int>(i)));
  }
  for (size_t i = 0; i < create.clustering_key.size(); ++i) {
    MEDALLION_RETURN_IF_ERROR(
        mark(create.clustering_key[i], ColumnKind::kClustering, static_cast<int>(i)));
  }
  bool any_static = false;
  for (const auto& c : t->columns) any_static |= c.kind == ColumnKind::kStatic;
  if (any_static && create.clustering_key.empty()) {
    return util::Status::invalid_argument("cql: static columns need clustering columns" + where);
  }
  for (size_t i = 0; i < create.clustering_order.size(); ++i) {
    const auto& [name, desc] = create.clustering_order[i];
    if (i >= create.clustering_key.size() || create.clustering_key[i] != name) {
      return util::Status::invalid_argument(
          "cql: CLUSTERING ORDER BY must list the clustering columns in key order" + where);
    }
    for (auto& c : t->columns) {
      if (c.name == name) c.descending = desc;
    }
  }
  for (const auto& [key, value] : create.properties) {
    if (key == "default_time_to_live") {
      const std::string text = literal_text(value);
      char* end = nullptr;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || v < 0 || v > 630720000) {
        return util::Status::invalid_argument(
            "cql: default_time_to_live must be an integer "
            "between 0 and 630720000" +
            where);
      }
      t->default_ttl = static_cast<int32_t>(v);
    } else if (key == "comment") {
      t->comment = literal_text(value);
    }
  }
  finish_table(t.get());
  return t;
}

util::Result<std::unique_ptr<Catalog>> Catalog::open(Store* store) {
  std::unique_ptr<Catalog> c(new Catalog(store));
  MEDALLION_RETURN_IF_ERROR(c->load());
  return c;
}

util::Status Catalog::load() {
  MEDALLION_ASSIGN_OR_RETURN(auto host, store_->list_meta(kHostIdKey));
  if (!host.empty() && host[0].first == kHostIdKey && host[0].second.size() == 16) {
    std::copy(host[0].second.begin(), host[0].second.end(), host_id_.bytes.begin());
  } else {
    host_id_ = random_uuid();
    MEDALLION_RETURN_IF_ERROR(store_->put_meta(
        kHostIdKey, std::string_view(reinterpret_cast<const char*>(host_id_.bytes.data()), 16)));
  }
  MEDALLION_ASSIGN_OR_RETURN(auto next, store_->list_meta(kNextIdKey));
  if (!next.empty() && next[0].first == kNextIdKey) {
    next_table_id_ = std::max<TableId>(1000, std::strtoull(next[0].second.c_str(), nullptr, 10));
  }
  std::map<std::string, std::shared_ptr<const KeyspaceSchema>> keyspaces;
  MEDALLION_ASSIGN_OR_RETURN(auto ks_records, store_->list_meta(kKeyspacePrefix));
  std::map<std::string, std::shared_ptr<KeyspaceSchema>> building;
  for (const auto& [key, value] : ks_records) {
    MEDALLION_ASSIGN_OR_RETURN(auto ks, decode_keyspace(key, value));
    building[ks->name] = ks;
  }
  MEDALLION_ASSIGN_OR_RETURN(auto table_records, store_->list_meta(kTablePrefix));
  for (const auto& [key, value] : table_records) {
    MEDALLION_ASSIGN_OR_RETURN(auto t, decode_table(key, value));
    auto it = building.find(t->keyspace);
    if (it == building.end()) return bad_record(key);
    next_table_id_ = std::max(next_table_id_, t->id + 1);
    it->second->tables[t->name] = t;
  }
  for (auto& [name, ks] : building) keyspaces[name] = ks;
  publish(std::move(keyspaces));
  return util::Status::ok();
}

void Catalog::publish(std::map<std::string, std::shared_ptr<const KeyspaceSchema>> keyspaces) {
  // User keyspaces only feed the version; system keyspaces are added after.
  std::string all;
  for (const auto& [name, ks] : keyspaces) {
    if (ks->is_system) continue;
    all += encode_keyspace(*ks);
    for (const auto& [tn, t] : ks->tables) all += encode_table(*t);
  }
  for (auto& ks : system_keyspaces()) keyspaces[ks->name] = ks;
  auto snap = std::make_shared<SchemaSnapshot>();
  snap->keyspaces = std::move(keyspaces);
  snap->version = md5_uuid(all);
  std::lock_guard lock(snapshot_mutex_);
  snapshot_ = std::move(snap);
}

std::shared_ptr<const SchemaSnapshot> Catalog::snapshot() const {
  std::lock_guard lock(snapshot_mutex_);
  return snapshot_;
}

util::Status Catalog::create_keyspace(const CreateKeyspaceStatement& create, bool* changed) {
  std::lock_guard ddl(ddl_mutex_);
  *changed = false;
  auto snap = snapshot();
  if (const auto* existing = snap->keyspace(create.keyspace)) {
    if (create.if_not_exists) return util::Status::ok();
    (void)existing;
    return util::Status::already_exists("cql: keyspace " + create.keyspace +
                                        " already exists: use IF NOT EXISTS or another name");
  }
  auto ks = std::make_shared<KeyspaceSchema>();
  ks->name = create.keyspace;
  auto repl = create.properties.find("replication");
  if (repl == create.properties.end()) {
    return util::Status::invalid_argument(
        "cql: missing mandatory replication strategy class "
        "(CREATE KEYSPACE " +
        create.keyspace + "): add WITH replication = {'class': ...}");
  }
  if (const auto* m = std::get_if<std::map<std::string, Literal>>(&repl->second.value)) {
    for (const auto& [k, v] : *m) ks->replication[k] = v.text;
  } else {
    return util::Status::invalid_argument("cql: replication must be a map (CREATE KEYSPACE " +
                                          create.keyspace + ")");
  }
  if (!ks->replication.count("class")) {
    return util::Status::invalid_argument(
        "cql: missing mandatory replication strategy class "
        "(CREATE KEYSPACE " +
        create.keyspace + ")");
  }
  ks->replication["class"] = full_class(ks->replication["class"]);
  auto dw = create.properties.find("durable_writes");
  if (dw != create.properties.end()) {
    std::string text = literal_text(dw->second);
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    ks->durable_writes = text != "false";
  }
  MEDALLION_RETURN_IF_ERROR(
      store_->put_meta(std::string(kKeyspacePrefix) + ks->name, encode_keyspace(*ks)));
  auto all = snap->keyspaces;
  all[ks->name] = ks;
  publish(std::move(all));
  *changed = true;
  return util::Status::ok();
}

util::Status Catalog::drop_keyspace(const DropKeyspaceStatement& drop, bool* changed) {
  std::lock_guard ddl(ddl_mutex_);
  *changed = false;
  auto snap = snapshot();
  const auto* ks = snap->keyspace(drop.keyspace);
  if (ks == nullptr) {
    if (drop.if_exists) return util::Status::ok();
    return util::Status::failed_precondition("cql: Cannot drop non existing keyspace '" +
                                             drop.keyspace + "'");
  }
  if (ks->is_system) {
    return util::Status::invalid_argument("cql: system keyspace '" + drop.keyspace +
                                          "' cannot be dropped");
  }
  for (const auto& [name, t] : ks->tables) {
    t->dropped->store(true);
    MEDALLION_RETURN_IF_ERROR(store_->delete_table_data(t->id));
    MEDALLION_RETURN_IF_ERROR(
        store_->delete_meta(std::string(kTablePrefix) + ks->name + "/" + name));
  }
  MEDALLION_RETURN_IF_ERROR(store_->delete_meta(std::string(kKeyspacePrefix) + ks->name));
  auto all = snap->keyspaces;
  all.erase(drop.keyspace);
  publish(std::move(all));
  *changed = true;
  return util::Status::ok();
}

util::Status Catalog::create_table(const CreateTableStatement& create, std::string_view keyspace,
                                   bool* changed) {
  std::lock_guard ddl(ddl_mutex_);
  *changed = false;
  auto snap = snapshot();
  const auto* ks = snap->keyspace(keyspace);
  if (ks == nullptr) {
    return util::Status::not_found("cql: Keyspace '" + std::string(keyspace) + "' does not exist");
  }
  if (ks->is_system) {
    return util::Status::invalid_argument("cql: cannot create tables in system keyspace '" +
                                          std::string(keyspace) + "'");
  }
  if (ks->tables.count(create.table.name)) {
    if (create.if_not_exists) return util::Status::ok();
    return util::Status::already_exists("cql: table " + std::string(keyspace) + "." +
                                        create.table.name + " already exists");
  }
  MEDALLION_ASSIGN_OR_RETURN(auto t, build_table_schema(create, keyspace));
  t->id = next_table_id_;
  t->uuid = random_uuid();
  MEDALLION_RETURN_IF_ERROR(store_->put_meta(kNextIdKey, std::to_string(next_table_id_ + 1)));
  ++next_table_id_;
  MEDALLION_RETURN_IF_ERROR(
      store_->put_meta(std::string(kTablePrefix) + t->keyspace + "/" + t->name, encode_table(*t)));
  auto new_ks = std::make_shared<KeyspaceSchema>(*ks);
  new_ks->tables[t->name] = t;
  auto all = snap->keyspaces;
  all[new_ks->name] = new_ks;
  publish(std::move(all));
  *changed = true;
  return util::Status::ok();
}

util::Status Catalog::drop_table(std::string_view keyspace, std::string_view table, bool if_exists,
                                 bool* changed) {
  std::lock_guard ddl(ddl_mutex_);
  *changed = false;
  auto snap = snapshot();
  const auto* ks = snap->keyspace(keyspace);
  if (ks != nullptr && ks->is_system) {
    return util::Status::invalid_argument("cql: system table " + std::string(keyspace) + "." +
                                          std::string(table) + " cannot be dropped");
  }
  auto t = snap->table(keyspace, table);
  if (t == nullptr) {
    if (if_exists) return util::Status::ok();
    return util::Status::failed_precondition("cql: Cannot drop non existing table '" +
                                             std::string(table) + "' in keyspace '" +
                                             std::string(keyspace) + "'");
  }
  t->dropped->store(true);
  MEDALLION_RETURN_IF_ERROR(store_->delete_table_data(t->id));
  MEDALLION_RETURN_IF_ERROR(
      store_->delete_meta(std::string(kTablePrefix) + t->keyspace + "/" + t->name));
  auto new_ks = std::make_shared<KeyspaceSchema>(*ks);
  new_ks->tables.erase(std::string(table));
  auto all = snap->keyspaces;
  all[new_ks->name] = new_ks;
  publish(std::move(all));
  *changed = true;
  return util::Status::ok();
}

}  // namespace medallion::cql
