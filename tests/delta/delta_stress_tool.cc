// delta_stress_tool: a test-only writer for the concurrency and crash tests
// (tests/integration/delta_concurrency_test.sh, delta_crash_test.sh).
//
//   delta_stress_tool create TABLE
//       an empty unpartitioned table (writer integer, seq long, payload string)
//   delta_stress_tool append TABLE --writer W --count N [--first F]
//                     [--crash-at STEP --crash-after K]
//       N appends of one row each: (writer=W, seq=i, payload="w<W>-s<i>") for
//       i in [F, F+N), each an idempotent commit (app_id "writer-W",
//       app_version i), so a restarted writer re-running the range skips
//       what is already committed. With --crash-at the process raises
//       SIGKILL on itself at STEP (data_written, temp_written or published;
//       WriteOptions::test_hook) of its K-th append (1-based, of this run).
//
// Prints one summary line: "writer W: committed C, skipped S". Exit 1 with
// one line on stderr when a write fails, 2 on bad usage.
#include <fmt/format.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "delta/delta_schema.h"
#include "delta/table_writer.h"
#include "formats/parquet/parquet_schema.h"
#include "formats/parquet/value_array.h"
#include "util/file_system.h"

namespace medallion::delta {
namespace {

constexpr int kExitUsage = 2;

int usage(const std::string& message) {
  std::fprintf(stderr, "delta_stress_tool: %s\n", message.c_str());
  std::fprintf(stderr,
               "usage: delta_stress_tool create TABLE\n"
               "       delta_stress_tool append TABLE --writer W --count N [--first F] "
               "[--crash-at data_written|temp_written|published --crash-after K]\n");
  return kExitUsage;
}

int failure(const util::Status& status) {
  std::fprintf(stderr, "delta_stress_tool: %s\n", status.message().c_str());
  return 1;
}

Schema stress_schema() {
  Schema schema;
  auto field = [](std::string name, TypeKind kind) {
    Field f;
    f.name = std::move(name);
    f.type = DataType::primitive(kind);
    return f;
  };
  schema.fields = {field("writer", TypeKind::kInteger), field("seq", TypeKind::kLong),
                   field("payload", TypeKind::kString)};
  return schema;
}

// One row (writer, seq, payload) in canonical storage over the table's
// Parquet schema.
parquet::RowBatch one_row(const parquet::SchemaTree& tree, int32_t writer, int64_t seq) {
  parquet::RowBatch batch;
  batch.num_rows = 1;
  for (size_t i = 0; i < tree.num_fields(); ++i) {
    batch.fields.push_back(i);
    batch.columns.push_back(parquet::make_empty_array(tree.field(i), tree.columns()));
  }
  for (parquet::ValueArray& column : batch.columns) {
    column.length = 1;
    column.validity.clear();  // every slot present
  }
  batch.columns[0].values.i32.push_back(writer);
  batch.columns[1].values.i64.push_back(seq);
  batch.columns[2].values.bytes.append(fmt::format("w{}-s{}", writer, seq));
  return batch;
}

bool parse_int(std::string_view text, int64_t* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const std::string s(text);
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

int run_create(const std::string& table) {
  auto created = create_table(util::posix_file_system(), table, stress_schema(), {}, {});
  if (!created.is_ok()) return failure(created.status());
  std::printf("created %s at version %lld\n", table.c_str(),
              static_cast<long long>(created->version));
  return 0;
}

int run_append(const std::string& table, int64_t writer, int64_t first, int64_t count,
               const std::string& crash_at, int64_t crash_after) {
  auto tree = parquet::SchemaTree::make(to_parquet_schema(stress_schema(), ColumnMappingMode::kNone),
                                        table);
  if (!tree.is_ok()) return failure(tree.status());
  int64_t committed = 0;
  int64_t skipped = 0;
  for (int64_t i = 0; i < count; ++i) {
    const int64_t seq = first + i;
    WriteOptions options;
    options.app_id = fmt::format("writer-{}", writer);
    options.app_version = seq;
    if (!crash_at.empty() && i + 1 == crash_after) {
      options.test_hook = [crash_at](std::string_view step) {
        if (step == crash_at) {
          std::fflush(stdout);
          std::raise(SIGKILL);
        }
      };
    }
    const parquet::RowBatch batch = one_row(*tree, static_cast<int32_t>(writer), seq);
    auto written = append(util::posix_file_system(), table, batch, options);
    if (!written.is_ok()) return failure(written.status());
    written->skipped ? ++skipped : ++committed;
  }
  std::printf("writer %lld: committed %lld, skipped %lld\n", static_cast<long long>(writer),
              static_cast<long long>(committed), static_cast<long long>(skipped));
  return 0;
}

int run(int argc, char** argv) {
  if (argc < 3) return usage("missing command or TABLE");
  const std::string_view command = argv[1];
  const std::string table = argv[2];
  if (command == "create") {
    if (argc != 3) return usage("create takes only TABLE");
    return run_create(table);
  }
  if (command != "append") return usage(fmt::format("unknown command '{}'", command));
  int64_t writer = -1, count = -1, first = 0, crash_after = -1;
  std::string crash_at;
  for (int i = 3; i < argc; i += 2) {
    const std::string_view flag = argv[i];
    if (i + 1 >= argc) return usage(fmt::format("{} needs a value", flag));
    const std::string_view value = argv[i + 1];
    bool ok = true;
    if (flag == "--writer") {
      ok = parse_int(value, &writer) && writer >= 0 && writer <= INT32_MAX;
    } else if (flag == "--count") {
      ok = parse_int(value, &count) && count >= 0;
    } else if (flag == "--first") {
      ok = parse_int(value, &first) && first >= 0;
    } else if (flag == "--crash-after") {
      ok = parse_int(value, &crash_after) && crash_after >= 1;
    } else if (flag == "--crash-at") {
      crash_at = value;
      ok = crash_at == "data_written" || crash_at == "temp_written" || crash_at == "published";
    } else {
      return usage(fmt::format("unknown option '{}'", flag));
    }
    if (!ok) return usage(fmt::format("bad value '{}' for {}", value, flag));
  }
  if (writer < 0 || count < 0) return usage("append needs --writer and --count");
  if (crash_at.empty() != (crash_after < 0)) {
    return usage("--crash-at and --crash-after go together");
  }
  return run_append(table, writer, first, count, crash_at, crash_after);
}

}  // namespace
}  // namespace medallion::delta

int main(int argc, char** argv) { return medallion::delta::run(argc, argv); }
