// Which protocol versions and table features medallion reads and writes
// (PROTOCOL.md "Protocol Evolution", "Table Features", "Writer Version
// Requirements"). A table that needs more is refused with an error naming
// what is missing: never misread, never written in a way its other readers
// would not expect.
//
//   reading   reader versions 1 and 2 (column mapping), and 3 with the reader
//             features columnMapping, deletionVectors, timestampNtz,
//             typeWidening(-preview), v2Checkpoint, vacuumProtocolCheck
//   writing   writer versions 1 and 2 (appendOnly, invariants): medallion
//             writes tables at (1, 2) and writes to tables of writer
//             version <= 2 whose schema declares no column invariant
//
// Thread safety: pure functions.
#pragma once

#include <string>

#include "delta/actions.h"
#include "util/status.h"

namespace medallion::delta {

inline constexpr int32_t kMaxReaderVersion = 3;
inline constexpr int32_t kMaxWriterVersion = 2;

// OK when medallion can read a table with this protocol; otherwise
// kUnsupported naming the reader version or the first unsupported feature.
util::Status check_readable(const Protocol& protocol, const std::string& table_root);

// OK when medallion may commit to a table with this protocol and metadata.
util::Status check_writable(const Protocol& protocol, const Metadata& metadata,
                            const std::string& table_root);

}  // namespace medallion::delta
