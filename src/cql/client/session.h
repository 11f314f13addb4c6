// Session: the CQL client for a cluster (Cassandra, ScyllaDB, or medallion's
// embedded server), the layer the pipeline and the API use.
//
// Connecting: the session tries the contact points in order until one
// answers, retrying the list with backoff (reconnect_base doubling up to
// reconnect_max) until startup_deadline; then it fails with io_error naming
// every contact point and its last error. The first that answers becomes the
// control connection: it reads system.local and system.peers (each host's
// data center and tokens; with discover_peers, the peers join the session),
// and REGISTERs for STATUS_CHANGE and TOPOLOGY_CHANGE events. Every host gets
// a HostPool (connections_per_host connections, reconnecting with backoff).
// If the control connection is lost, it is reopened on another host that is
// up.
//
// Routing (the query plan of each request): hosts in the local DC (the
// config's, or the first contact point's) before the others. A statement
// with a routing key (bound prepared statements whose partition key is bound)
// goes first to the replicas of its Murmur3 token in ring order, then to the
// other hosts round-robin. Hosts that are down are skipped; when every host
// is down the request fails at once with io_error "no host is up" naming
// each host and why.
//
// Retries: a request whose host has no open connection moves to the next
// host (nothing was sent). A request that timed out (client side, or the
// server's Read/Write_timeout), or met Unavailable, Overloaded or
// Is_bootstrapping, or lost its connection, is sent again to the next host
// only if the statement is idempotent, at most max_retries more times;
// otherwise its error is returned. Errors name the host(s) tried.
//
// Prepared statements are cached by query text. An EXECUTE answered with
// UNPREPARED (the host restarted, or never saw the statement) is prepared on
// that host and sent again, once, transparently.
//
// Results: execute() returns one page; a statement without page_size is
// paged at kDefaultPageSize rows. iterate() returns a RowIterator that
// fetches the following pages as it goes.
//
// USE is refused (it would bind only the one connection it runs on): name
// tables with their keyspace.
//
// Thread safety: every method may be called from any thread; async callbacks
// run on the session's loop and must not block (the synchronous methods
// refuse to run there).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cql/client/cluster_config.h"
#include "cql/client/result_page.h"
#include "cql/protocol/messages.h"
#include "cql/protocol/types.h"
#include "util/status.h"

namespace medallion::cql {

constexpr int32_t kDefaultPageSize = 5000;

// A statement prepared on the cluster (immutable; shared by its Statements).
// Not "PreparedStatement": that is the embedded engine's, in the same namespace.
struct PreparedQuery {
  std::string query;
  std::string id;
  std::vector<ColumnSpec> bind_columns;
  std::vector<uint16_t> partition_key_indices;
  ResultMetadata result_metadata;
};

struct CqlStatement {
  // A simple statement's text; ignored when `prepared` is set.
  std::string query;
  std::shared_ptr<const PreparedQuery> prepared;
  // Positional values, already encoded ([bytes]; null or unset allowed).
  std::vector<Value> values;
  std::optional<Consistency> consistency;  // the config's when unset
  std::optional<int32_t> page_size;        // kDefaultPageSize when unset; <= 0: no paging
  std::optional<std::string> paging_state;
  std::optional<int64_t> timestamp;                  // microseconds since the epoch
  std::optional<std::chrono::milliseconds> timeout;  // per attempt; the config's when unset
  // May be sent more than once (retries, failover). INSERTs and UPDATEs that
  // set values (no counters, no list appends) and SELECTs are; the caller
  // says so.
  bool idempotent = false;
  // The serialized partition key (token_ring.h); bind() sets it.
  std::optional<std::string> routing_key;

  static CqlStatement simple(std::string query, std::vector<Value> values = {}) {
    CqlStatement s;
    s.query = std::move(query);
    s.values = std::move(values);
    return s;
  }
  // Encodes `values` by the bind columns' types (one per bind marker) and
  // sets the routing key. Errors: invalid_argument naming the marker's
  // position and column and what was wrong ("bind value 2 (player_id):
  // expected uuid, got text"; a wrong count).
  static util::Result<CqlStatement> bind(std::shared_ptr<const PreparedQuery> prepared,
                                      const std::vector<CqlValue>& values);
  // bind() for values already serialized: each non-null one must be a valid
  // serialization of its column's type (check_value()), or the error names
  // it as bind() does. For callers that hold their data in wire form.
  static util::Result<CqlStatement> bind_serialized(std::shared_ptr<const PreparedQuery> prepared,
                                                    std::vector<Value> values);
};

// One host as the session sees it.
struct HostState {
  Endpoint endpoint;
  std::string data_center;
  bool up = false;
  size_t open_connections = 0;
  std::string last_error;  // why it is down; "" when up
};

class RowIterator;

struct GroupOptions {
  size_t max_statements_per_batch = 64;  // statements per UNLOGGED BATCH
  size_t max_in_flight = 256;            // batches (or single statements) outstanding
  // Also fill a batch with the statements of further partitions, taken in
  // token order (so neighbours on the ring, mostly of the same replicas),
  // instead of one batch per partition. For bulk loads of tables whose
  // partitions hold few rows: fewer, fuller requests. The batch goes to the
  // owner of its first statement's partition.
  bool pack_partitions = false;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  using ResultCallback = std::function<void(util::Result<ResultPage>)>;

  // Connects (see the top of the file). Errors: io_error when no contact
  // point answered before the startup deadline; invalid_argument for bad
  // credentials or config.
  static util::Result<std::shared_ptr<Session>> connect(ClusterConfig config);

  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs a statement; `callback` gets its first (or only) page. A server
  // ERROR becomes a Status (connection.h: response_status) naming the host.
  void execute_async(CqlStatement statement, ResultCallback callback);
  util::Result<ResultPage> execute(CqlStatement statement);
  util::Result<ResultPage> execute(std::string query) {
    return execute(CqlStatement::simple(std::move(query)));
  }

  // Every row of the statement's result, page after page.
  util::Result<RowIterator> iterate(CqlStatement statement);

  // Prepares on a host (cached by text: the same text returns the same
  // statement without a round trip).
  util::Result<std::shared_ptr<const PreparedQuery>> prepare(std::string_view query);

  // Runs writes grouped by partition: statements sharing a routing key go
  // together in UNLOGGED BATCHes of at most max_statements_per_batch (with
  // pack_partitions, further partitions' statements fill them up), others
  // one by one; at most max_in_flight outstanding. Waits for all; returns the
  // first error (the others ran).
  util::Status execute_grouped(std::vector<CqlStatement> writes, GroupOptions options = {});

  std::vector<HostState> hosts() const;
  const ClusterConfig& config() const;

  // Closes every connection; requests still pending fail with io_error.
  // Idempotent; the destructor calls it.
  void close();

  struct Impl;

 private:
  explicit Session(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
  friend class RowIterator;
};

// Rows of a statement across pages. next() moves to the next row, fetching
// the next page synchronously when the current one is used up.
class RowIterator {
 public:
  // true: a row is current; false: the end. Errors: the next page's fetch.
  util::Result<bool> next();

  const std::vector<ColumnSpec>& columns() const { return page_.columns(); }
  // Of the current row (after next() returned true).
  util::Result<CqlValue> value(size_t column) const { return page_.value(row_, column); }
  util::Result<CqlValue> value(std::string_view column) const { return page_.value(row_, column); }
  size_t pages_fetched() const { return pages_; }

 private:
  friend class Session;
  RowIterator(std::shared_ptr<Session> session, CqlStatement statement, ResultPage first);
  std::shared_ptr<Session> session_;
  CqlStatement statement_;
  ResultPage page_;
  size_t row_ = 0;
  bool started_ = false;
  size_t pages_ = 1;
};

}  // namespace medallion::cql
