#include "delta/stream_source.h"

#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "delta/action_json.h"
#include "delta/columnar_bridge.h"
#include "delta/log_format.h"
#include "delta/log_segment.h"
#include "delta/optimize.h"
#include "delta/table_scan.h"
#include "util/json_writer.h"
#include "util/thread_pool.h"

namespace medallion::delta {
namespace {

util::Status bad_offset(std::string_view json, std::string_view what) {
  constexpr size_t kShown = 200;
  std::string shown(json.substr(0, kShown));
  if (json.size() > kShown) shown += "...";
  return util::Status::corruption(fmt::format(
      "delta: bad stream offset: {} ({}): an offset is "
      "{{\"reservoirVersion\":<version>,\"index\":<file>,\"isStartingVersion\":<bool>}}",
      what, shown));
}

// The order of positions in a stream: the initial snapshot at v comes after
// commit v (it includes it) and before commit v + 1.
std::tuple<int64_t, int, int64_t> order_key(const StreamOffset& offset) {
  return {offset.version, offset.initial_snapshot ? 1 : 0, offset.index};
}

// Schemas are "the same" for a stream when their fields have the same names,
// types, nullability and physical names (comments and other field metadata
// may change).
bool same_columns(const Schema& a, const Schema& b) {
  if (a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    const Field& x = a.fields[i];
    const Field& y = b.fields[i];
    if (x.name != y.name || !(x.type == y.type) || x.nullable != y.nullable ||
        x.physical_name != y.physical_name) {
      return false;
    }
  }
  return true;
}

// The order of an initial snapshot's files in a stream, Spark's: by
// modification time (about the order the data came in), then path.
void sort_for_stream(std::vector<AddFile>& files) {
  std::sort(files.begin(), files.end(), [](const AddFile& a, const AddFile& b) {
    return std::tie(a.modification_time, a.path) < std::tie(b.modification_time, b.path);
  });
}

std::string column_list(const Schema& schema) {
  std::string out;
  for (const Field& f : schema.fields) {
    if (!out.empty()) out += ", ";
    out += f.name + " " + f.type.to_string();
  }
  return out;
}

}  // namespace

std::string offset_json(const StreamOffset& offset) {
  util::JsonWriter w;
  w.begin_object();
  w.key("reservoirVersion").value(offset.version);
  w.key("index").value(offset.index);
  w.key("isStartingVersion").value(offset.initial_snapshot);
  w.end_object();
  return w.take();
}

util::Result<StreamOffset> parse_offset_json(std::string_view json) {
  const simdjson::padded_string padded(json);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (const auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return bad_offset(json, json.empty() ? std::string("it is empty")
                                         : fmt::format("not valid JSON ({})",
                                                       simdjson::error_message(err)));
  }
  simdjson::dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) return bad_offset(json, "not a JSON object");
  StreamOffset offset;
  auto get_int = [&](std::string_view key, int64_t& out) -> util::Status {
    simdjson::dom::element e;
    if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
      return bad_offset(json, fmt::format("\"{}\" is missing", key));
    }
    if (e.get_int64().get(out) != simdjson::SUCCESS) {
      return bad_offset(json, fmt::format("\"{}\" is not a 64-bit integer", key));
    }
    return util::Status::ok();
  };
  MEDALLION_RETURN_IF_ERROR(get_int("reservoirVersion", offset.version));
  MEDALLION_RETURN_IF_ERROR(get_int("index", offset.index));
  simdjson::dom::element e;
  if (o.at_key("isStartingVersion").get(e) != simdjson::SUCCESS || e.is_null()) {
    return bad_offset(json, "\"isStartingVersion\" is missing");
  }
  if (e.get_bool().get(offset.initial_snapshot) != simdjson::SUCCESS) {
    return bad_offset(json, "\"isStartingVersion\" is not a boolean");
  }
  if (offset.version < 0) {
    return bad_offset(json, fmt::format("\"reservoirVersion\" is {}, below 0", offset.version));
  }
  if (offset.index < -1) {
    return bad_offset(json, fmt::format("\"index\" is {}, below -1", offset.index));
  }
  return offset;
}

std::string offset_to_string(const StreamOffset& offset) {
  std::string where = fmt::format("version {}{}", offset.version,
                                  offset.initial_snapshot ? " (snapshot)" : "");
  if (offset.index < 0) return where + " before its first file";
  return fmt::format("{} file {}", where, offset.index);
}

// What one commit means to a stream.
struct CommitChanges {
  int64_t version = 0;
  std::vector<AddFile> adds;  // dataChange adds, in file order
  int64_t removes = 0;        // dataChange removes
  std::string operation;      // commitInfo.operation, or "" when absent
  std::string metadata_change;  // why its metaData stops the stream; "" when it does not
};

struct DeltaStreamSource::State {
  util::FileSystem* fs = nullptr;
  std::string root;
  StreamSourceOptions options;
  Snapshot snapshot;  // the latest at open: the schema, and the initial snapshot
  StreamOffset start;
  std::optional<Snapshot> other_snapshot;  // an initial snapshot of an older version (restart)
  std::map<int64_t, std::shared_ptr<const CommitChanges>> commits;

  util::Result<const Snapshot*> snapshot_at(int64_t version);
  util::Result<std::shared_ptr<const CommitChanges>> commit(int64_t version);
  std::string metadata_change(const Metadata& metadata) const;
  // The files the stream takes from a commit; an error when the commit
  // stops the stream.
  util::Result<const std::vector<AddFile>*> emitted(const CommitChanges& changes) const;

  enum class Visit { kTake, kStop };
  using Visitor = std::function<Visit(const AddFile&, const StreamOffset&)>;
  // Visits the files after `from`, in stream order, through commit
  // last_version, until the visitor says stop. A commit that stops the
  // stream (or cannot be read) ends the walk quietly when `lenient` and some
  // file was taken — the error comes on the next walk — and is an error
  // otherwise.
  util::Status walk(const StreamOffset& from, int64_t last_version, bool lenient,
                    const Visitor& visit);
  util::Status check_offset(const StreamOffset& offset, std::string_view what) const;
};

util::Result<const Snapshot*> DeltaStreamSource::State::snapshot_at(int64_t version) {
  if (version == snapshot.version) return &snapshot;
  if (other_snapshot && other_snapshot->version == version) return &*other_snapshot;
  auto loaded = load_snapshot(*fs, root, version);
  if (!loaded.is_ok()) {
    return loaded.status().with_context(fmt::format(
        "delta: cannot read the initial snapshot of a stream (table {}, version {})", root,
        version));
  }
  if (!same_columns(loaded->schema, snapshot.schema) ||
      loaded->metadata.partition_columns != snapshot.metadata.partition_columns) {
    return util::Status::failed_precondition(fmt::format(
        "delta: the stream's initial snapshot has another schema than the table now (table {}, "
        "version {} vs {}): start a new stream with a new checkpoint",
        root, version, snapshot.version));
  }
  other_snapshot = std::move(loaded).value();
  sort_for_stream(other_snapshot->files);
  return &*other_snapshot;
}

std::string DeltaStreamSource::State::metadata_change(const Metadata& metadata) const {
  auto schema = parse_schema(metadata.schema_string);
  if (!schema.is_ok()) return "its schema cannot be read: " + schema.status().message();
  if (!same_columns(*schema, snapshot.schema)) {
    return fmt::format("it changes the schema to ({}), the stream reads ({})",
                       column_list(*schema), column_list(snapshot.schema));
  }
  if (metadata.partition_columns != snapshot.metadata.partition_columns) {
    return fmt::format("it changes the partition columns to [{}], the stream reads [{}]",
                       fmt::join(metadata.partition_columns, ", "),
                       fmt::join(snapshot.metadata.partition_columns, ", "));
  }
  return "";
}

util::Result<std::shared_ptr<const CommitChanges>> DeltaStreamSource::State::commit(
    int64_t version) {
  if (auto it = commits.find(version); it != commits.end()) return it->second;
  const std::string name = commit_file_name(version);
  const std::string path = util::join_path(log_dir_path(root), name);
  auto text = fs->read_file(path);
  if (!text.is_ok()) {
    if (text.status().code() == util::StatusCode::kNotFound) {
      return util::Status::not_found(fmt::format(
          "delta: a stream needs commit {} of table {}, which is no longer in the log ({} is "
          "missing; old commits are cleaned up after delta.logRetentionDuration): start a new "
          "stream with a new checkpoint, from a later starting version",
          version, root, path));
    }
    return text.status();
  }
  MEDALLION_ASSIGN_OR_RETURN(std::vector<Action> actions, parse_actions(*text, path));
  auto changes = std::make_shared<CommitChanges>();
  changes->version = version;
  for (Action& action : actions) {
    if (auto* add = std::get_if<AddFile>(&action)) {
      if (add->data_change) changes->adds.push_back(std::move(*add));
    } else if (auto* remove = std::get_if<RemoveFile>(&action)) {
      if (remove->data_change) ++changes->removes;
    } else if (auto* metadata = std::get_if<Metadata>(&action)) {
      changes->metadata_change = metadata_change(*metadata);
    } else if (auto* info = std::get_if<CommitInfo>(&action)) {
      if (info->operation) changes->operation = *info->operation;
    }
  }
  commits.emplace(version, changes);
  return std::shared_ptr<const CommitChanges>(std::move(changes));
}

util::Result<const std::vector<AddFile>*> DeltaStreamSource::State::emitted(
    const CommitChanges& c) const {
  static const std::vector<AddFile> kNone;
  const std::string operation = c.operation.empty() ? "" : fmt::format(" ({})", c.operation);
  if (!c.metadata_change.empty()) {
    return util::Status::failed_precondition(fmt::format(
        "delta: a stream cannot read past a metadata change (table {}, version {}{}): {}; start "
        "a new stream with a new checkpoint to read the new schema",
        root, c.version, operation, c.metadata_change));
  }
  if (c.removes == 0) return &c.adds;
  if (c.adds.empty()) {
    if (options.ignore_deletes || options.ignore_changes) return &kNone;
    return util::Status::failed_precondition(fmt::format(
        "delta: a stream found a commit that deletes data (table {}, version {}{}: {} files "
        "removed): streams read appends only; set ignore_deletes to skip commits that only "
        "delete, or start a new stream from a later version",
        root, c.version, operation, c.removes));
  }
  if (options.ignore_changes) return &c.adds;
  return util::Status::failed_precondition(fmt::format(
      "delta: a stream found a commit that rewrites data (table {}, version {}{}: {} files "
      "removed, {} added): streams read appends only; set ignore_changes to read the rewritten "
      "files again (their unchanged rows included), or start a new stream from a later version",
      root, c.version, operation, c.removes, c.adds.size()));
}

util::Status DeltaStreamSource::State::check_offset(const StreamOffset& offset,
                                                    std::string_view what) const {
  if (offset.version < 0 || offset.index < -1) {
    return util::Status::invalid_argument(fmt::format(
        "delta: bad stream offset {} {} (table {}): versions start at 0 and indexes at -1", what,
        offset_json(offset), root));
  }
  return util::Status::ok();
}

util::Status DeltaStreamSource::State::walk(const StreamOffset& from, int64_t last_version,
                                            bool lenient, const Visitor& visit) {
  int64_t taken = 0;
  int64_t version = from.version;
  int64_t first_index = from.index + 1;
  if (from.initial_snapshot) {
    MEDALLION_ASSIGN_OR_RETURN(const Snapshot* initial, snapshot_at(from.version));
    const auto& files = initial->files;
    for (int64_t i = first_index; i < static_cast<int64_t>(files.size()); ++i) {
      if (visit(files[static_cast<size_t>(i)], StreamOffset{from.version, i, true}) ==
          Visit::kStop) {
        return util::Status::ok();
      }
      ++taken;
    }
    version = from.version + 1;
    first_index = 0;
  }
  for (; version <= last_version; ++version, first_index = 0) {
    auto changes = commit(version);
    if (!changes.is_ok()) {
      if (lenient && taken > 0) return util::Status::ok();
      return changes.status();
    }
    auto files = emitted(**changes);
    if (!files.is_ok()) {
      if (lenient && taken > 0) return util::Status::ok();
      return files.status();
    }
    const std::vector<AddFile>& adds = **files;
    for (int64_t i = std::max<int64_t>(first_index, 0); i < static_cast<int64_t>(adds.size());
         ++i) {
      if (visit(adds[static_cast<size_t>(i)], StreamOffset{version, i, false}) == Visit::kStop) {
        return util::Status::ok();
      }
      ++taken;
    }
  }
  return util::Status::ok();
}

DeltaStreamSource::DeltaStreamSource(std::unique_ptr<State> state) : state_(std::move(state)) {}
DeltaStreamSource::DeltaStreamSource(DeltaStreamSource&&) noexcept = default;
DeltaStreamSource& DeltaStreamSource::operator=(DeltaStreamSource&&) noexcept = default;
DeltaStreamSource::~DeltaStreamSource() = default;

util::Result<DeltaStreamSource> DeltaStreamSource::open(util::FileSystem& fs,
                                                        std::string table_root,
                                                        StreamSourceOptions options) {
  if (options.max_files_per_trigger < 1) {
    return util::Status::invalid_argument(fmt::format(
        "delta: max_files_per_trigger is {} (stream of table {}): it must be at least 1",
        options.max_files_per_trigger, table_root));
  }
  if (options.max_bytes_per_trigger < 0) {
    return util::Status::invalid_argument(fmt::format(
        "delta: max_bytes_per_trigger is {} (stream of table {}): it must be 0 (no limit) or "
        "more",
        options.max_bytes_per_trigger, table_root));
  }
  if (options.starting_version && options.starting_latest) {
    return util::Status::invalid_argument(fmt::format(
        "delta: a stream of table {} has both a starting version and starting_latest: choose "
        "one",
        table_root));
  }
  if (options.starting_version && *options.starting_version < 0) {
    return util::Status::invalid_argument(fmt::format(
        "delta: starting version {} of a stream of table {} is below 0: versions start at 0",
        *options.starting_version, table_root));
  }
  auto state = std::make_unique<State>();
  state->fs = &fs;
  state->root = std::move(table_root);
  state->options = options;
  auto loaded = load_snapshot(fs, state->root);
  if (!loaded.is_ok()) {
    return loaded.status().with_context(
        fmt::format("delta: cannot open a stream of table {}", state->root));
  }
  state->snapshot = std::move(loaded).value();
  const int64_t latest = state->snapshot.version;
  if (options.starting_version) {
    const int64_t start = *options.starting_version;
    if (start > latest) {
      return util::Status::invalid_argument(fmt::format(
          "delta: starting version {} of a stream of table {} is past the latest version {}: "
          "start at {} or earlier, or use starting_latest",
          start, state->root, latest, latest));
    }
    // The commit must still be there: fail now rather than at the first batch.
    MEDALLION_ASSIGN_OR_RETURN(auto changes, state->commit(start));
    (void)changes;
    state->start = StreamOffset{start, -1, false};
    state->snapshot.files.clear();  // not streamed; the schema is what counts
    state->snapshot.tombstones.clear();
  } else if (options.starting_latest) {
    state->start = StreamOffset{latest + 1, -1, false};
    state->snapshot.files.clear();
    state->snapshot.tombstones.clear();
  } else {
    state->start = StreamOffset{latest, -1, true};
    state->snapshot.tombstones.clear();
    sort_for_stream(state->snapshot.files);
  }
  return DeltaStreamSource(std::move(state));
}

util::Result<int64_t> DeltaStreamSource::latest_version() {
  MEDALLION_ASSIGN_OR_RETURN(LogListing listing, list_log(*state_->fs, state_->root));
  return listing.latest_version();
}

util::Result<std::optional<StreamOffset>> DeltaStreamSource::next_end(
    const std::optional<StreamOffset>& after, std::optional<int64_t> last_version) {
  State& s = *state_;
  const StreamOffset from = after ? *after : s.start;
  MEDALLION_RETURN_IF_ERROR(s.check_offset(from, "to start from"));
  MEDALLION_ASSIGN_OR_RETURN(int64_t latest, latest_version());
  if (last_version) latest = std::min(latest, *last_version);

  int64_t files = 0;
  int64_t bytes = 0;
  std::optional<StreamOffset> end;
  const int64_t max_files = s.options.max_files_per_trigger;
  const int64_t max_bytes = s.options.max_bytes_per_trigger;
  MEDALLION_RETURN_IF_ERROR(
      s.walk(from, latest, /*lenient=*/true, [&](const AddFile& file, const StreamOffset& at) {
        if (files >= max_files) return State::Visit::kStop;
        const int64_t size = std::max<int64_t>(file.size, 0);
        if (max_bytes > 0 && files > 0 && size > max_bytes - bytes) return State::Visit::kStop;
        ++files;
        bytes += size;
        end = at;
        return State::Visit::kTake;
      }));
  // Commits before the start are done with.
  s.commits.erase(s.commits.begin(), s.commits.lower_bound(from.version));
  if (!from.initial_snapshot && s.other_snapshot) s.other_snapshot.reset();
  return end;
}

util::Result<std::vector<AddFile>> DeltaStreamSource::files_between(
    const std::optional<StreamOffset>& after, const StreamOffset& end) {
  State& s = *state_;
  const StreamOffset from = after ? *after : s.start;
  MEDALLION_RETURN_IF_ERROR(s.check_offset(from, "to start from"));
  MEDALLION_RETURN_IF_ERROR(s.check_offset(end, "to end at"));
  if (order_key(end) < order_key(from)) {
    return util::Status::invalid_argument(fmt::format(
        "delta: a stream batch of table {} ends ({}) before it starts ({}): the offsets are "
        "out of order",
        s.root, offset_to_string(end), offset_to_string(from)));
  }
  std::vector<AddFile> out;
  std::optional<StreamOffset> last;
  MEDALLION_RETURN_IF_ERROR(
      s.walk(from, end.version, /*lenient=*/false,
             [&](const AddFile& file, const StreamOffset& at) {
               if (order_key(end) < order_key(at)) return State::Visit::kStop;
               out.push_back(file);
               last = at;
               return State::Visit::kTake;
             }));
  if (end.index >= 0 && !(last && *last == end) && !(end == from)) {
    return util::Status::corruption(fmt::format(
        "delta: a stream batch of table {} ends at {}, a file the table does not have (the "
        "offsets belong to another table, or the stream options changed): start a new stream "
        "with a new checkpoint",
        s.root, offset_to_string(end)));
  }
  return out;
}

util::Result<columnar::RecordBatch> DeltaStreamSource::read_between(
    const std::optional<StreamOffset>& after, const StreamOffset& end) {
  MEDALLION_ASSIGN_OR_RETURN(std::vector<AddFile> files, files_between(after, end));
  return read_files(files);
}

util::Result<columnar::RecordBatch> DeltaStreamSource::read_files(
    const std::vector<AddFile>& files) {
  State& s = *state_;
  std::vector<const AddFile*> pointers;
  pointers.reserve(files.size());
  for (const AddFile& file : files) pointers.push_back(&file);
  MEDALLION_ASSIGN_OR_RETURN(TableScan scan, TableScan::for_files(s.snapshot, pointers));
  const parquet::SchemaTree& tree = scan.output_tree();
  const size_t num_fields = scan.output_schema().fields.size();
  // The files are read at once on the CPU pool, each into a batch of its
  // own; the batches are then joined column by column in file order, so the
  // rows come in the order of `files` as a serial read would give them.
  std::vector<parquet::RowBatch> parts(files.size());
  std::vector<util::Status> errors(files.size());
  util::parallel_for(&util::cpu_pool(), files.size(), [&](size_t i) {
    parquet::RowBatch& part = parts[i];
    for (size_t f = 0; f < num_fields; ++f) {
      part.fields.push_back(f);
      part.columns.push_back(parquet::make_empty_array(tree.field(f), tree.columns()));
    }
    errors[i] = scan.read_file(*s.fs, i, [&part, num_fields](parquet::RowBatch&& rows) {
      for (size_t f = 0; f < num_fields; ++f) append_array(&part.columns[f], rows.columns[f]);
      part.num_rows += rows.num_rows;
      return util::Status::ok();
    });
  });
  for (const util::Status& error : errors) MEDALLION_RETURN_IF_ERROR(error);
  parquet::RowBatch all;
  all.columns.resize(num_fields);
  for (size_t f = 0; f < num_fields; ++f) all.fields.push_back(f);
  for (const parquet::RowBatch& part : parts) all.num_rows += part.num_rows;
  util::parallel_for(&util::cpu_pool(), num_fields, [&](size_t f) {
    std::vector<parquet::ValueArray> column;
    column.push_back(parquet::make_empty_array(tree.field(f), tree.columns()));
    for (parquet::RowBatch& part : parts) column.push_back(std::move(part.columns[f]));
    all.columns[f] = concat_arrays(std::move(column));
  });
  return to_record_batch(scan.output_schema(), all);
}

const Schema& DeltaStreamSource::schema() const { return state_->snapshot.schema; }
const std::string& DeltaStreamSource::table_root() const { return state_->root; }
const StreamSourceOptions& DeltaStreamSource::options() const { return state_->options; }
StreamOffset DeltaStreamSource::start_offset() const { return state_->start; }

}  // namespace medallion::delta
