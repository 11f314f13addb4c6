#include "pipeline/stream_checkpoint.h"

#include <simdjson.h>

#include <charconv>
#include <vector>

#include <fmt/format.h>

#include "util/json_writer.h"
#include "util/random_uuid.h"

namespace medallion::pipeline {
namespace {

util::Status bad_file(std::string_view source, std::string_view what) {
  return util::Status::corruption(fmt::format(
      "pipeline: bad stream checkpoint file: {} ({}): restore the file, or start the stream "
      "over with a new checkpoint directory (which reads the source again from its start)",
      what, source));
}

// The lines of a file; a final '\n' does not make an extra line, '\r' before
// '\n' is dropped.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

util::Status check_version_line(const std::vector<std::string_view>& lines,
                                std::string_view source) {
  if (lines.empty()) return bad_file(source, "the file is empty");
  if (lines[0] != kCheckpointFormatVersion) {
    std::string_view first = lines[0].substr(0, 40);
    if (first.size() >= 2 && first[0] == 'v') {
      return util::Status::unsupported(fmt::format(
          "pipeline: stream checkpoint file {} is of format {}, medallion reads {}: use the "
          "program that wrote it, or a new checkpoint directory",
          source, first, kCheckpointFormatVersion));
    }
    return bad_file(source, fmt::format("the first line is not \"{}\"", kCheckpointFormatVersion));
  }
  return util::Status::ok();
}

// A JSON object line, parsed into `doc`.
util::Result<simdjson::dom::object> parse_object(simdjson::dom::parser& parser,
                                                 const simdjson::padded_string& padded,
                                                 std::string_view source, std::string_view what) {
  simdjson::dom::element root;
  if (const auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS) {
    return bad_file(source,
                    fmt::format("{} is not valid JSON ({})", what, simdjson::error_message(err)));
  }
  simdjson::dom::object o;
  if (root.get_object().get(o) != simdjson::SUCCESS) {
    return bad_file(source, fmt::format("{} is not a JSON object", what));
  }
  return o;
}

util::Result<int64_t> get_int(simdjson::dom::object o, std::string_view key,
                              std::string_view source) {
  simdjson::dom::element e;
  if (o.at_key(key).get(e) != simdjson::SUCCESS || e.is_null()) {
    return bad_file(source, fmt::format("\"{}\" is missing", key));
  }
  int64_t v = 0;
  if (e.get_int64().get(v) != simdjson::SUCCESS) {
    return bad_file(source, fmt::format("\"{}\" is not a 64-bit integer", key));
  }
  return v;
}

// A batch id file name: decimal digits without a leading zero (but "0").
std::optional<int64_t> parse_batch_id(std::string_view name) {
  if (name.empty() || name.size() > 18 || (name.size() > 1 && name[0] == '0')) return std::nullopt;
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), v);
  if (ec != std::errc() || ptr != name.data() + name.size() || v < 0) return std::nullopt;
  return v;
}

std::string metadata_json(const std::string& id) {
  util::JsonWriter w;
  w.begin_object();
  w.key("id").value(id);
  w.end_object();
  return w.take() + "\n";
}

util::Result<std::string> parse_metadata(std::string_view text, std::string_view source) {
  const simdjson::padded_string padded(text);
  simdjson::dom::parser parser;
  MEDALLION_ASSIGN_OR_RETURN(simdjson::dom::object o,
                             parse_object(parser, padded, source, "the stream metadata"));
  simdjson::dom::element e;
  std::string_view id;
  if (o.at_key("id").get(e) != simdjson::SUCCESS || e.get_string().get(id) != simdjson::SUCCESS) {
    return bad_file(source, "\"id\" is missing or not a string");
  }
  if (id.empty()) return bad_file(source, "\"id\" is empty");
  return std::string(id);
}

// Writes `data` to path only if path does not exist yet (a temporary file
// renamed without replacing); kAlreadyExists when it does.
util::Status write_file_once(util::FileSystem& fs, const std::string& path,
                             std::string_view data) {
  const std::string temp = util::join_path(
      util::parent_dir(path), fmt::format(".{}.tmp-{}", util::base_name(path), util::random_uuid()));
  auto attempt = [&]() -> util::Status {
    MEDALLION_ASSIGN_OR_RETURN(auto file, fs.create_writable(temp, util::CreateMode::kExclusive));
    MEDALLION_RETURN_IF_ERROR(file->append(data));
    MEDALLION_RETURN_IF_ERROR(file->sync());
    MEDALLION_RETURN_IF_ERROR(file->close());
    return fs.rename_no_replace(temp, path);
  };
  util::Status st = attempt();
  if (!st.is_ok()) {
    (void)fs.remove_file(temp);
    return st;
  }
  return fs.sync_dir(util::parent_dir(path));
}

}  // namespace

std::string serialize_batch_offsets(const BatchOffsets& offsets) {
  util::JsonWriter w;
  w.begin_object();
  w.key("batchId").value(offsets.batch_id);
  w.key("batchTimestampMs").value(offsets.timestamp_ms);
  w.end_object();
  std::string out(kCheckpointFormatVersion);
  out += "\n";
  out += w.str();
  out += "\n";
  out += offsets.start ? delta::offset_json(*offsets.start) : std::string("null");
  out += "\n";
  out += delta::offset_json(offsets.end);
  out += "\n";
  return out;
}

util::Result<BatchOffsets> parse_batch_offsets(std::string_view text, std::string_view source) {
  const std::vector<std::string_view> lines = split_lines(text);
  MEDALLION_RETURN_IF_ERROR(check_version_line(lines, source));
  if (lines.size() != 4) {
    return bad_file(source, fmt::format("it has {} lines, expected 4 (version, batch, start "
                                        "offset, end offset): it may be cut short",
                                        lines.size()));
  }
  BatchOffsets out;
  {
    const simdjson::padded_string padded(lines[1]);
    simdjson::dom::parser parser;
    MEDALLION_ASSIGN_OR_RETURN(simdjson::dom::object o,
                               parse_object(parser, padded, source, "line 2"));
    MEDALLION_ASSIGN_OR_RETURN(out.batch_id, get_int(o, "batchId", source));
    MEDALLION_ASSIGN_OR_RETURN(out.timestamp_ms, get_int(o, "batchTimestampMs", source));
    if (out.batch_id < 0) return bad_file(source, "\"batchId\" is below 0");
  }
  if (lines[2] != "null") {
    auto start = delta::parse_offset_json(lines[2]);
    if (!start.is_ok()) return bad_file(source, "line 3: " + start.status().message());
    out.start = *start;
  }
  auto end = delta::parse_offset_json(lines[3]);
  if (!end.is_ok()) return bad_file(source, "line 4: " + end.status().message());
  out.end = *end;
  return out;
}

util::Result<StreamCheckpoint> StreamCheckpoint::open(util::FileSystem& fs, std::string dir) {
  const std::string metadata_path = util::join_path(dir, kCheckpointMetadataName);
  MEDALLION_ASSIGN_OR_RETURN(bool has_metadata, fs.exists(metadata_path));
  if (!has_metadata) {
    // A checkpoint that has batches but lost its metadata must not get a new
    // stream id: the sink would take replayed batches for new ones.
    for (std::string_view sub : {kOffsetsDirName, kCommitsDirName}) {
      const std::string path = util::join_path(dir, sub);
      MEDALLION_ASSIGN_OR_RETURN(bool has_dir, fs.exists(path));
      if (!has_dir) continue;
      MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> names, fs.list_dir(path));
      for (const std::string& name : names) {
        if (parse_batch_id(name)) {
          return bad_file(metadata_path,
                          fmt::format("it is missing, but {} holds batches", path));
        }
      }
    }
    MEDALLION_RETURN_IF_ERROR(fs.create_dirs(dir));
    util::Status st = write_file_once(fs, metadata_path, metadata_json(util::random_uuid()));
    // kAlreadyExists: another process created the checkpoint first; use its id.
    if (!st.is_ok() && st.code() != util::StatusCode::kAlreadyExists) {
      return st.with_context(fmt::format("pipeline: cannot create stream checkpoint {}", dir));
    }
  }
  MEDALLION_ASSIGN_OR_RETURN(std::string text, fs.read_file(metadata_path));
  MEDALLION_ASSIGN_OR_RETURN(std::string id, parse_metadata(text, metadata_path));
  MEDALLION_RETURN_IF_ERROR(fs.create_dirs(util::join_path(dir, kOffsetsDirName)));
  MEDALLION_RETURN_IF_ERROR(fs.create_dirs(util::join_path(dir, kCommitsDirName)));
  return StreamCheckpoint(fs, std::move(dir), std::move(id));
}

std::string StreamCheckpoint::offsets_path(int64_t batch_id) const {
  return util::join_path(util::join_path(dir_, kOffsetsDirName), std::to_string(batch_id));
}

std::string StreamCheckpoint::commit_path(int64_t batch_id) const {
  return util::join_path(util::join_path(dir_, kCommitsDirName), std::to_string(batch_id));
}

util::Result<std::optional<int64_t>> StreamCheckpoint::last_batch(std::string_view subdir) {
  MEDALLION_ASSIGN_OR_RETURN(std::vector<std::string> names,
                             fs_->list_dir(util::join_path(dir_, subdir)));
  std::optional<int64_t> last;
  for (const std::string& name : names) {
    if (auto id = parse_batch_id(name); id && (!last || *id > *last)) last = id;
  }
  return last;
}

util::Result<std::optional<int64_t>> StreamCheckpoint::last_offsets_batch() {
  return last_batch(kOffsetsDirName);
}

util::Result<std::optional<int64_t>> StreamCheckpoint::last_commit_batch() {
  return last_batch(kCommitsDirName);
}

util::Result<BatchOffsets> StreamCheckpoint::read_offsets(int64_t batch_id) {
  const std::string path = offsets_path(batch_id);
  MEDALLION_ASSIGN_OR_RETURN(std::string text, fs_->read_file(path));
  MEDALLION_ASSIGN_OR_RETURN(BatchOffsets offsets, parse_batch_offsets(text, path));
  if (offsets.batch_id != batch_id) {
    return bad_file(path, fmt::format("it names batch {}", offsets.batch_id));
  }
  return offsets;
}

util::Status StreamCheckpoint::read_commit(int64_t batch_id) {
  const std::string path = commit_path(batch_id);
  MEDALLION_ASSIGN_OR_RETURN(std::string text, fs_->read_file(path));
  const std::vector<std::string_view> lines = split_lines(text);
  MEDALLION_RETURN_IF_ERROR(check_version_line(lines, path));
  if (lines.size() != 2) {
    return bad_file(path, fmt::format("it has {} lines, expected 2", lines.size()));
  }
  const simdjson::padded_string padded(lines[1]);
  simdjson::dom::parser parser;
  MEDALLION_ASSIGN_OR_RETURN(simdjson::dom::object o, parse_object(parser, padded, path, "line 2"));
  (void)o;
  return util::Status::ok();
}

util::Status StreamCheckpoint::write_offsets(const BatchOffsets& offsets) {
  return util::write_file_atomic(*fs_, offsets_path(offsets.batch_id),
                                 serialize_batch_offsets(offsets));
}

util::Status StreamCheckpoint::write_commit(int64_t batch_id) {
  std::string text(kCheckpointFormatVersion);
  text += "\n{\"nextBatchWatermarkMs\":0}\n";
  return util::write_file_atomic(*fs_, commit_path(batch_id), text);
}

util::Result<StreamResume> StreamCheckpoint::resume() {
  MEDALLION_ASSIGN_OR_RETURN(std::optional<int64_t> offsets, last_offsets_batch());
  MEDALLION_ASSIGN_OR_RETURN(std::optional<int64_t> commit, last_commit_batch());
  StreamResume resume;
  if (!offsets) {
    if (commit) {
      return bad_file(commit_path(*commit),
                      "batch " + std::to_string(*commit) + " is committed but has no offsets");
    }
    return resume;
  }
  if (commit && *commit > *offsets) {
    return bad_file(commit_path(*commit),
                    fmt::format("batch {} is committed but the newest offsets are of batch {}",
                                *commit, *offsets));
  }
  const int64_t done = commit ? *commit : -1;
  if (done < *offsets - 1) {
    return bad_file(offsets_path(*offsets),
                    fmt::format("batch {} was planned, but the newest committed batch is {}: "
                                "commits are missing",
                                *offsets, commit ? std::to_string(*commit) : "none"));
  }
  MEDALLION_ASSIGN_OR_RETURN(BatchOffsets last, read_offsets(*offsets));
  if (commit) MEDALLION_RETURN_IF_ERROR(read_commit(*commit));
  resume.next_batch_id = *offsets + 1;
  resume.after = last.end;
  if (done < *offsets) resume.pending = std::move(last);
  return resume;
}

}  // namespace medallion::pipeline
