#include "cql/client/session.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <utility>

#include "cql/client/connection.h"
#include "cql/client/connection_internal.h"
#include "cql/client/host_pool.h"
#include "cql/client/token_ring.h"
#include "cql/protocol/murmur3_token.h"

namespace medallion::cql {

namespace {

using Clock = std::chrono::steady_clock;

// How long a synchronous call waits beyond the statement's own deadlines
// before it reports a stuck loop (every attempt has its own timeout).
constexpr auto kSyncSlack = std::chrono::seconds(5);

std::string inet_to_string(const std::string& bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  if (bytes.size() == 4) {
    inet_ntop(AF_INET, bytes.data(), text, sizeof text);
  } else if (bytes.size() == 16) {
    inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
  }
  return text;
}

bool is_unspecified(const std::string& address) {
  return address.empty() || address == "0.0.0.0" || address == "::";
}

// "USE ks" as the first keyword of a statement.
bool is_use_statement(std::string_view query) {
  size_t i = 0;
  while (i < query.size() && std::isspace(static_cast<unsigned char>(query[i]))) ++i;
  if (query.size() - i < 4) return false;
  const auto lower = [&](size_t k) { return std::tolower(static_cast<unsigned char>(query[k])); };
  return lower(i) == 'u' && lower(i + 1) == 's' && lower(i + 2) == 'e' &&
         std::isspace(static_cast<unsigned char>(query[i + 3]));
}

util::Status use_refused(std::string_view query) {
  return util::Status::invalid_argument(fmt::format(
      "cql: USE is not supported by the session ({}): it would bind only one connection; "
      "name tables with their keyspace (ks.table)",
      query));
}

// Errors after which an idempotent statement may be sent again.
bool is_retryable(ErrorCode code) {
  switch (code) {
    case ErrorCode::kUnavailable:
    case ErrorCode::kOverloaded:
    case ErrorCode::kIsBootstrapping:
    case ErrorCode::kReadTimeout:
    case ErrorCode::kWriteTimeout:
      return true;
    default:
      return false;
  }
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += "; ";
    out += p;
  }
  return out;
}

}  // namespace

// Types of Session::Impl's members (a named namespace: an anonymous one
// would give Impl's fields internal linkage).
namespace session_internal {

// One host of the session: its pool and what discovery knows of it.
struct Host {
  Endpoint endpoint;
  std::string data_center;
  std::vector<std::string> tokens;
  std::shared_ptr<HostPool> pool;
};

// The hosts and the ring as one immutable snapshot: a request takes the
// current one and plans over it while discovery may publish the next.
struct Topology {
  std::vector<std::shared_ptr<Host>> hosts;
  TokenRing ring;  // indices into hosts
  std::string local_dc;
};

// What system.local / system.peers say of one node.
struct NodeInfo {
  Endpoint endpoint;
  std::string data_center;
  std::vector<std::string> tokens;
};

}  // namespace session_internal

using session_internal::Host;
using session_internal::NodeInfo;
using session_internal::Topology;

namespace {

// "host: down (why)" for the hosts a request skipped.
std::string down_reason(const Host& host) {
  const auto why = host.pool->last_error();
  return fmt::format("{}: down ({})", host.endpoint.to_string(),
                     why.is_ok() ? "still connecting" : why.message());
}

// The value of a system table's column, null when absent or undecodable
// (drivers treat them alike).
CqlValue cell(const ResultPage& page, size_t row, std::string_view column) {
  auto v = page.value(row, column);
  return v.is_ok() ? std::move(v).value() : CqlValue{};
}

std::string text_of(const CqlValue& v) {
  const auto* s = std::get_if<std::string>(&v.v);
  return s ? *s : std::string();
}

std::vector<std::string> texts_of(const CqlValue& v) {
  std::vector<std::string> out;
  if (const auto* list = std::get_if<CqlList>(&v.v)) {
    for (const auto& e : list->elements) out.push_back(text_of(e));
  }
  return out;
}

std::string address_of(const CqlValue& v) {
  const auto* a = std::get_if<InetAddress>(&v.v);
  return a ? inet_to_string(a->bytes) : std::string();
}

}  // namespace

// ------------------------------------------------------------- CqlStatement --

namespace {

util::Status check_bind_count(const PreparedQuery& prepared, size_t values) {
  if (values == prepared.bind_columns.size()) return util::Status::ok();
  return util::Status::invalid_argument(fmt::format(
      "cql: bind of {} values to a statement with {} bind markers ({}): pass one value per "
      "marker",
      values, prepared.bind_columns.size(), prepared.query));
}

util::Status bad_bind_value(const PreparedQuery& prepared, size_t i, const util::Status& why) {
  const ColumnSpec& column = prepared.bind_columns[i];
  return util::Status::invalid_argument(fmt::format(
      "cql: bind value {} ({} {}): {}", i, column.name, column.type.to_cql(), why.message()));
}

CqlStatement bound_statement(std::shared_ptr<const PreparedQuery> prepared,
                             std::vector<Value> values) {
  CqlStatement s;
  s.values = std::move(values);
  s.routing_key = cql::routing_key(s.values, prepared->partition_key_indices);
  s.prepared = std::move(prepared);
  return s;
}

}  // namespace

util::Result<CqlStatement> CqlStatement::bind(std::shared_ptr<const PreparedQuery> prepared,
                                              const std::vector<CqlValue>& values) {
  if (!prepared) {
    return util::Status::invalid_argument("cql: bind of no prepared statement: prepare it first");
  }
  MEDALLION_RETURN_IF_ERROR(check_bind_count(*prepared, values.size()));
  std::vector<Value> encoded;
  encoded.reserve(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].is_null()) {
      encoded.push_back(Value::null());
      continue;
    }
    std::string bytes;
    const auto st = encode_value(prepared->bind_columns[i].type, values[i], &bytes);
    if (!st.is_ok()) return bad_bind_value(*prepared, i, st);
    encoded.push_back(Value::of(std::move(bytes)));
  }
  return bound_statement(std::move(prepared), std::move(encoded));
}

util::Result<CqlStatement> CqlStatement::bind_serialized(
    std::shared_ptr<const PreparedQuery> prepared, std::vector<Value> values) {
  if (!prepared) {
    return util::Status::invalid_argument("cql: bind of no prepared statement: prepare it first");
  }
  MEDALLION_RETURN_IF_ERROR(check_bind_count(*prepared, values.size()));
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].is_null() || values[i].is_not_set()) continue;
    const auto st = check_value(prepared->bind_columns[i].type, values[i].bytes);
    if (!st.is_ok()) return bad_bind_value(*prepared, i, st);
  }
  return bound_statement(std::move(prepared), std::move(values));
}

// ---------------------------------------------------------- Session::Impl --

struct Session::Impl : std::enable_shared_from_this<Impl> {
  explicit Impl(ClusterConfig c) : config(std::move(c)), io(config.io_threads) {}

  ClusterConfig config;
  IoThreads io;

  mutable std::mutex mutex;  // guards topology, control, closed
  std::shared_ptr<const Topology> topology = std::make_shared<Topology>();
  std::shared_ptr<ClientConnection> control;
  Endpoint control_endpoint;                                 // the host `control` is connected to
  std::shared_ptr<boost::asio::steady_timer> control_timer;  // the wait before reopening
  bool closed = false;
  bool control_reopening = false;

  std::mutex prepared_mutex;
  std::unordered_map<std::string, std::shared_ptr<const PreparedQuery>> prepared;

  std::atomic<size_t> round_robin{0};

  std::shared_ptr<const Topology> current_topology() const {
    std::lock_guard<std::mutex> lock(mutex);
    return topology;
  }

  bool is_closed() const {
    std::lock_guard<std::mutex> lock(mutex);
    return closed;
  }

  ConnectionOptions connection_options(const Endpoint& endpoint) const {
    ConnectionOptions o;
    o.host = endpoint.host;
    o.port = endpoint.port;
    o.connect_timeout = config.connect_timeout;
    o.request_timeout = config.request_timeout;
    o.username = config.username;
    o.password = config.password;
    o.compression = config.compression;
    o.max_in_flight = config.max_in_flight_per_connection;
    return o;
  }

  // ---- query plans ----

  // Host indices in the order a request tries them: the replicas of its
  // token (local DC first), then the local DC round-robin, then the others.
  std::vector<size_t> plan(const Topology& topo, const CqlStatement& statement) {
    const size_t n = topo.hosts.size();
    std::vector<size_t> order;
    order.reserve(n);
    std::vector<bool> taken(n, false);
    const auto is_local = [&](size_t i) {
      return topo.local_dc.empty() || topo.hosts[i]->data_center.empty() ||
             topo.hosts[i]->data_center == topo.local_dc;
    };
    const auto take = [&](size_t i) {
      if (i < n && !taken[i]) {
        taken[i] = true;
        order.push_back(i);
      }
    };
    if (statement.routing_key && !topo.ring.empty()) {
      const auto replicas = topo.ring.replicas(murmur3_token(*statement.routing_key));
      for (size_t i : replicas) {
        if (is_local(i)) take(i);
      }
      for (size_t i : replicas) take(i);
    }
    const size_t start = n == 0 ? 0 : round_robin.fetch_add(1, std::memory_order_relaxed) % n;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (start + k) % n;
      if (is_local(i)) take(i);
    }
    for (size_t k = 0; k < n; ++k) take((start + k) % n);
    return order;
  }

  // ---- discovery ----

  // Reads system.local and system.peers on `conn` (async); `done` gets the
  // nodes, the local one first with `endpoint` as its address.
  void read_nodes(const std::shared_ptr<ClientConnection>& conn, const Endpoint& endpoint,
                  std::function<void(util::Result<std::vector<NodeInfo>>)> done) {
    auto self = shared_from_this();
    const auto query = [](std::string text) {
      QueryRequest q;
      q.query = std::move(text);
      q.parameters.consistency = Consistency::kOne;
      return q;
    };
    conn->send(
        query("SELECT data_center, tokens FROM system.local WHERE key='local'"),
        [self, conn, endpoint, query, done = std::move(done)](util::Result<Response> r) mutable {
          auto local = self->rows_of(r, conn->endpoint(), "system.local");
          if (!local.is_ok()) return done(local.status());
          std::vector<NodeInfo> nodes;
          NodeInfo me{endpoint, "", {}};
          if (!local->empty()) {
            me.data_center = text_of(cell(*local, 0, "data_center"));
            me.tokens = texts_of(cell(*local, 0, "tokens"));
          }
          nodes.push_back(std::move(me));
          if (!self->config.discover_peers) return done(std::move(nodes));
          conn->send(query("SELECT peer, rpc_address, data_center, tokens FROM system.peers"),
                     [self, conn, nodes = std::move(nodes),
                      done = std::move(done)](util::Result<Response> r) mutable {
                       auto peers = self->rows_of(r, conn->endpoint(), "system.peers");
                       if (!peers.is_ok()) return done(peers.status());
                       for (size_t i = 0; i < peers->size(); ++i) {
                         std::string address = address_of(cell(*peers, i, "rpc_address"));
                         if (is_unspecified(address)) {
                           address = address_of(cell(*peers, i, "peer"));
                         }
                         if (address.empty()) continue;
                         nodes.push_back(NodeInfo{Endpoint{address, self->config.port},
                                                  text_of(cell(*peers, i, "data_center")),
                                                  texts_of(cell(*peers, i, "tokens"))});
                       }
                       done(std::move(nodes));
                     });
        });
  }

  util::Result<ResultPage> rows_of(const util::Result<Response>& r, const std::string& endpoint,
                                   std::string_view table) const {
    if (!r.is_ok()) return r.status();
    auto st = response_status(*r, endpoint);
    if (!st.is_ok()) {
      return util::Status(st.code(), fmt::format("{} (reading {})", st.message(), table));
    }
    const auto* rows = std::get_if<RowsResult>(&r->message);
    if (rows == nullptr) {
      return util::Status::corruption(
          fmt::format("cql: {} answered {} to a SELECT of {}: the server is not a CQL node",
                      endpoint, response_name(r->message), table));
    }
    return ResultPage(rows->metadata.columns, *rows);
  }

  // Publishes a topology with `nodes` added to (or updating) the current
  // hosts; new hosts get a pool.
  void merge_nodes(const std::vector<NodeInfo>& nodes) {
    std::lock_guard<std::mutex> lock(mutex);
    if (closed) return;
    auto next = std::make_shared<Topology>(*topology);
    for (const auto& node : nodes) {
      auto it = std::find_if(next->hosts.begin(), next->hosts.end(),
                             [&](const auto& h) { return h->endpoint == node.endpoint; });
      if (it == next->hosts.end()) {
        next->hosts.push_back(new_host(node.endpoint));
        it = next->hosts.end() - 1;
      }
      auto updated = std::make_shared<Host>(**it);
      if (!node.data_center.empty()) updated->data_center = node.data_center;
      if (!node.tokens.empty()) updated->tokens = node.tokens;
      *it = std::move(updated);
    }
    if (next->local_dc.empty()) {
      next->local_dc = !config.local_dc.empty() ? config.local_dc
                       : !nodes.empty()         ? nodes.front().data_center
                                                : std::string();
    }
    std::vector<std::vector<std::string>> tokens;
    for (const auto& h : next->hosts) tokens.push_back(h->tokens);
    auto ring = TokenRing::build(tokens);
    // A node listing a token that is not an int64 (another partitioner)
    // leaves the session without token-aware routing, not without hosts.
    next->ring = ring.is_ok() ? std::move(ring).value() : TokenRing();
    topology = std::move(next);
  }

  std::shared_ptr<Host> new_host(const Endpoint& endpoint) {
    auto host = std::make_shared<Host>();
    host->endpoint = endpoint;
    HostPoolOptions o;
    o.endpoint = endpoint;
    o.connection = connection_options(endpoint);
    o.connections = config.connections_per_host;
    o.reconnect_base = config.reconnect_base;
    o.reconnect_max = config.reconnect_max;
    host->pool = HostPool::start(std::move(o), io, nullptr);
    return host;
  }

  // ---- the control connection ----

  ConnectionOptions control_options(const Endpoint& endpoint) {
    auto o = connection_options(endpoint);
    o.max_in_flight = 16;
    o.events = {"STATUS_CHANGE", "TOPOLOGY_CHANGE"};
    std::weak_ptr<Impl> weak = weak_from_this();
    o.event_handler = [weak](const Event& event) {
      if (auto self = weak.lock()) self->on_event(event);
    };
    o.close_handler = [weak](const util::Status&) {
      if (auto self = weak.lock()) self->reopen_control();
    };
    return o;
  }

  void on_event(const Event& event) {
    if (const auto* status = std::get_if<StatusChangeEvent>(&event)) {
      if (status->change != "UP") return;
      const std::string address = inet_to_string(status->address.address);
      for (const auto& h : current_topology()->hosts) {
        if (h->endpoint.host == address) h->pool->reconnect_now();
      }
    } else if (std::holds_alternative<TopologyChangeEvent>(event)) {
      refresh_nodes();
    }
  }

  // Re-reads the nodes on the control connection (async).
  void refresh_nodes() {
    std::shared_ptr<ClientConnection> conn;
    Endpoint endpoint;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (closed || !control) return;
      conn = control;
      endpoint = control_endpoint;
    }
    std::weak_ptr<Impl> weak = weak_from_this();
    read_nodes(conn, endpoint, [weak](util::Result<std::vector<NodeInfo>> nodes) {
      auto self = weak.lock();
      if (self && nodes.is_ok()) self->merge_nodes(*nodes);
    });
  }

  // The control connection closed: open one on another host that is up,
  // trying them in turn (async); with none up, try again after the backoff.
  void reopen_control() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (closed || control_reopening) return;
      control_reopening = true;
      control.reset();
    }
    try_control(0, config.reconnect_base);
  }

  void try_control(size_t index, std::chrono::milliseconds backoff) {
    auto topo = current_topology();
    while (index < topo->hosts.size() && !topo->hosts[index]->pool->is_up()) ++index;
    std::weak_ptr<Impl> weak = weak_from_this();
    if (index >= topo->hosts.size()) {
      // Nobody is up: wait, then start over.
      auto timer = std::make_shared<boost::asio::steady_timer>(io.impl().io, backoff);
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (closed) return;
        control_timer = timer;
      }
      timer->async_wait(
          [weak, backoff, max = config.reconnect_max](const boost::system::error_code& ec) {
            auto self = weak.lock();
            if (ec || !self || self->is_closed()) return;
            self->try_control(0, std::min(backoff * 2, max));
          });
      return;
    }
    const Endpoint endpoint = topo->hosts[index]->endpoint;
    ClientConnection::connect_async(
        control_options(endpoint), io,
        [weak, index, backoff, endpoint](util::Result<std::shared_ptr<ClientConnection>> r) {
          auto self = weak.lock();
          if (!self) return;
          if (!r.is_ok()) return self->try_control(index + 1, backoff);
          {
            std::lock_guard<std::mutex> lock(self->mutex);
            self->control_reopening = false;
            if (self->closed) {
              (*r)->close();
              return;
            }
            self->control = *r;
            self->control_endpoint = endpoint;
          }
          self->refresh_nodes();
        });
  }

  // ---- requests ----

  struct Attempt;
  void run(const std::shared_ptr<Attempt>& a);
  void send(const std::shared_ptr<Attempt>& a, const std::shared_ptr<Host>& host,
            const std::shared_ptr<ClientConnection>& conn, Request request);
  void on_response(const std::shared_ptr<Attempt>& a, const std::shared_ptr<Host>& host,
                   const std::shared_ptr<ClientConnection>& conn, util::Result<Response> r);
  void reprepare(const std::shared_ptr<Attempt>& a, const std::shared_ptr<Host>& host,
                 const std::shared_ptr<ClientConnection>& conn, std::string old_id,
                 std::string query);

  void start(CqlStatement statement, ResultCallback callback);

  // Closes the control connection and the pools, then lets the loop finish
  // their handlers (which hold references to this Impl) and stops it.
  void shutdown() {
    std::shared_ptr<ClientConnection> conn;
    std::shared_ptr<boost::asio::steady_timer> timer;
    std::shared_ptr<const Topology> topo;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (closed) return;
      closed = true;
      conn = std::move(control);
      timer = std::move(control_timer);
      topo = topology;
    }
    if (timer) boost::asio::post(io.impl().io, [timer] { timer->cancel(); });
    if (conn) conn->close();
    for (const auto& h : topo->hosts) h->pool->close();
    io.drain_and_stop(std::chrono::seconds(2));
  }

  // An UNLOGGED BATCH of `members` (prepared statements of one partition),
  // routed, retried and timed as its first member.
  void start_batch(std::vector<CqlStatement> members, ResultCallback callback);
};

// One request across its tries: the plan, the hosts tried, the retries left.
struct Session::Impl::Attempt {
  std::shared_ptr<const Topology> topology;
  CqlStatement statement;                      // routing, options, timeout (a batch's first member)
  std::vector<CqlStatement> members;           // a batch's statements; empty for one statement
  std::map<std::string, std::string> new_ids;  // prepared ids replaced after UNPREPARED
  ResultCallback callback;
  std::vector<size_t> plan;
  size_t position = 0;       // the next plan entry to try
  size_t down_in_a_row = 0;  // hosts skipped since the last send
  size_t retries = 0;
  size_t reprepares = 0;
  std::vector<std::string> tried;  // "host: what happened"

  const std::string& id_of(const CqlStatement& st) const {
    auto it = new_ids.find(st.prepared->id);
    return it == new_ids.end() ? st.prepared->id : it->second;
  }

  Request request(const ClusterConfig& config) const {
    const Consistency consistency = statement.consistency.value_or(config.consistency);
    if (!members.empty()) {
      BatchRequest b;
      b.type = BatchType::kUnlogged;
      b.consistency = consistency;
      b.default_timestamp = statement.timestamp;
      for (const auto& m : members) {
        b.statements.push_back(
            BatchStatement{m.prepared != nullptr, m.prepared ? id_of(m) : m.query, m.values});
      }
      return Request{std::nullopt, std::move(b)};
    }
    QueryParameters p;
    p.consistency = consistency;
    p.values = statement.values;
    const int32_t page_size = statement.page_size.value_or(kDefaultPageSize);
    if (page_size > 0) p.page_size = page_size;
    p.paging_state = statement.paging_state;
    p.default_timestamp = statement.timestamp;
    if (statement.prepared) {
      p.skip_metadata = !statement.prepared->result_metadata.columns.empty();
      return Request{std::nullopt, ExecuteRequest{id_of(statement), std::move(p)}};
    }
    return Request{std::nullopt, QueryRequest{statement.query, std::move(p)}};
  }

  // The text to prepare again after UNPREPARED `id`; nullptr when no
  // statement of this request has that id.
  const std::string* query_of(const std::string& id) const {
    if (statement.prepared && members.empty() && id_of(statement) == id) {
      return &statement.prepared->query;
    }
    for (const auto& m : members) {
      if (m.prepared && id_of(m) == id) return &m.prepared->query;
    }
    return nullptr;
  }

  void finish(util::Result<ResultPage> result) {
    auto cb = std::move(callback);
    callback = nullptr;
    if (cb) cb(std::move(result));
  }

  std::string tried_list() const { return join(tried); }
};

void Session::Impl::start(CqlStatement statement, ResultCallback callback) {
  if (statement.prepared == nullptr && is_use_statement(statement.query)) {
    callback(use_refused(statement.query));
    return;
  }
  if (is_closed()) {
    callback(util::Status::io_error("cql: the session is closed: connect a new one"));
    return;
  }
  auto a = std::make_shared<Attempt>();
  a->topology = current_topology();
  a->plan = plan(*a->topology, statement);
  a->statement = std::move(statement);
  a->callback = std::move(callback);
  run(a);
}

void Session::Impl::start_batch(std::vector<CqlStatement> members, ResultCallback callback) {
  if (is_closed()) {
    callback(util::Status::io_error("cql: the session is closed: connect a new one"));
    return;
  }
  auto a = std::make_shared<Attempt>();
  a->topology = current_topology();
  a->statement = members.front();
  a->statement.idempotent = std::all_of(members.begin(), members.end(),
                                        [](const CqlStatement& m) { return m.idempotent; });
  a->plan = plan(*a->topology, a->statement);
  a->members = std::move(members);
  a->callback = std::move(callback);
  run(a);
}

void Session::Impl::run(const std::shared_ptr<Attempt>& a) {
  const size_t n = a->plan.size();
  while (a->down_in_a_row < n) {
    const auto& host = a->topology->hosts[a->plan[a->position % n]];
    ++a->position;
    auto conn = host->pool->pick();
    if (!conn) {
      ++a->down_in_a_row;
      a->tried.push_back(down_reason(*host));
      continue;
    }
    a->down_in_a_row = 0;
    send(a, host, conn, a->request(config));
    return;
  }
  a->finish(util::Status::io_error(fmt::format(
      "cql: no host could run the statement ({}): start the cluster or check the hosts and "
      "port",
      n == 0 ? std::string("the session knows no host") : a->tried_list())));
}

void Session::Impl::send(const std::shared_ptr<Attempt>& a, const std::shared_ptr<Host>& host,
                         const std::shared_ptr<ClientConnection>& conn, Request request) {
  conn->send(
      std::move(request),
      [self = shared_from_this(), a, host, conn](util::Result<Response> r) {
        self->on_response(a, host, conn, std::move(r));
      },
      a->statement.timeout.value_or(config.request_timeout));
}

void Session::Impl::on_response(const std::shared_ptr<Attempt>& a,
                                const std::shared_ptr<Host>& host,
                                const std::shared_ptr<ClientConnection>& conn,
                                util::Result<Response> r) {
  // Formatted only for errors: most responses need no host name.
  const auto endpoint = [&host] { return host->endpoint.to_string(); };
  // May the statement go to the next host? `sent`: the request may have run.
  const auto next_host = [&](const util::Status& why, bool sent) {
    a->tried.push_back(fmt::format("{}: {}", endpoint(), why.message()));
    if (!sent) return run(a);
    if (a->statement.idempotent && a->retries < config.max_retries) {
      ++a->retries;
      return run(a);
    }
    const std::string hint =
        a->statement.idempotent
            ? fmt::format("gave up after {} retries", a->retries)
            : std::string("not retried: the statement is not marked idempotent");
    a->finish(util::Status(why.code(), a->tried.size() == 1
                                           ? fmt::format("{} ({})", why.message(), hint)
                                           : fmt::format("cql: the statement failed on every "
                                                         "host tried ({}) ({})",
                                                         a->tried_list(), hint)));
  };
  if (!r.is_ok()) {
    // Backpressure refusals never reached the wire; other failures (a lost
    // connection, a timeout) may have run the statement.
    return next_host(r.status(), r.status().code() != util::StatusCode::kFailedPrecondition);
  }
  Response& response = *r;
  if (const auto* error = std::get_if<ErrorResponse>(&response.message)) {
    // Each statement of the request may need preparing once on this host.
    const std::string* query = a->query_of(error->unprepared_id);
    if (error->code == ErrorCode::kUnprepared && query != nullptr &&
        a->reprepares <= a->members.size()) {
      ++a->reprepares;
      return reprepare(a, host, conn, error->unprepared_id, *query);
    }
    const auto status = response_status(response, endpoint());
    if (is_retryable(error->code)) return next_host(status, true);
    return a->finish(status);
  }
  if (auto* rows = std::get_if<RowsResult>(&response.message)) {
    std::vector<ColumnSpec> columns = rows->metadata.columns;
    if (columns.empty() && a->statement.prepared) {
      columns = a->statement.prepared->result_metadata.columns;
    }
    return a->finish(ResultPage(std::move(columns), std::move(*rows)));
  }
  if (std::holds_alternative<VoidResponse>(response.message) ||
      std::holds_alternative<SchemaChangeResponse>(response.message) ||
      std::holds_alternative<SetKeyspaceResponse>(response.message)) {
    return a->finish(ResultPage());
  }
  a->finish(util::Status::corruption(
      fmt::format("cql: {} answered {} to a statement: the server is not a CQL node", endpoint(),
                  response_name(response.message))));
}

void Session::Impl::reprepare(const std::shared_ptr<Attempt>& a, const std::shared_ptr<Host>& host,
                              const std::shared_ptr<ClientConnection>& conn, std::string old_id,
                              std::string query) {
  conn->send(
      Request{std::nullopt, PrepareRequest{std::move(query)}},
      [self = shared_from_this(), a, host, conn, old_id](util::Result<Response> r) {
        const std::string endpoint = host->endpoint.to_string();
        if (!r.is_ok()) return self->on_response(a, host, conn, std::move(r));
        const auto* prepared = std::get_if<PreparedResult>(&r->message);
        if (prepared == nullptr) {
          auto st = response_status(*r, endpoint);
          if (st.is_ok()) {
            st = util::Status::corruption(
                fmt::format("cql: {} answered {} to PREPARE", endpoint, response_name(r->message)));
          }
          return a->finish(util::Status(
              st.code(), fmt::format("{} (preparing again after UNPREPARED)", st.message())));
        }
        // Cassandra derives the id from the text, so it is normally the same;
        // the new one is used either way.
        for (auto& [from, to] : a->new_ids) {
          if (to == old_id) to = prepared->id;
        }
        if (prepared->id != old_id) a->new_ids.emplace(old_id, prepared->id);
        self->send(a, host, conn, a->request(self->config));
      },
      a->statement.timeout.value_or(config.request_timeout));
}

// --------------------------------------------------------------- Session --

Session::Session(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Session::~Session() { close(); }

util::Result<std::shared_ptr<Session>> Session::connect(ClusterConfig config) {
  if (config.hosts.empty()) {
    return util::Status::invalid_argument(
        "cql: no contact points (cluster config hosts): name at least one host");
  }
  auto impl = std::make_shared<Impl>(std::move(config));
  // Every failure below shuts down what was started.
  struct ShutdownUnlessKept {
    std::shared_ptr<Impl> impl;
    bool keep = false;
    ~ShutdownUnlessKept() {
      if (!keep) impl->shutdown();
    }
  } guard{impl};
  const ClusterConfig& c = impl->config;
  const auto deadline = Clock::now() + c.startup_deadline;
  auto backoff = c.reconnect_base;
  std::shared_ptr<ClientConnection> control;
  Endpoint control_endpoint;
  std::map<std::string, std::string> errors;  // endpoint -> last error
  for (;;) {
    for (const auto& endpoint : c.hosts) {
      auto conn = ClientConnection::connect(impl->control_options(endpoint), &impl->io);
      if (conn.is_ok()) {
        control = *conn;
        control_endpoint = endpoint;
        break;
      }
      // Refused credentials or protocol: retrying cannot help.
      if (conn.status().code() == util::StatusCode::kInvalidArgument ||
          conn.status().code() == util::StatusCode::kUnsupported) {
        return conn.status();
      }
      errors[endpoint.to_string()] = conn.status().message();
    }
    if (control) break;
    const auto now = Clock::now();
    if (now >= deadline) {
      std::string list;
      for (const auto& [endpoint, error] : errors) {
        list += fmt::format("{}{}: {}", list.empty() ? "" : "; ", endpoint, error);
      }
      return util::Status::io_error(fmt::format(
          "cql: no contact point answered within {} ms ({}): start the cluster or check the "
          "hosts and port (startup_deadline_ms)",
          c.startup_deadline.count(), list));
    }
    std::this_thread::sleep_for(std::min<Clock::duration>(backoff, deadline - now));
    backoff = std::min(backoff * 2, c.reconnect_max);
  }
  {
    std::lock_guard<std::mutex> lock(impl->mutex);
    impl->control = control;
    impl->control_endpoint = control_endpoint;
  }
  // Discovery: the contact points, then what the control host says.
  std::vector<NodeInfo> contact_points;
  for (const auto& endpoint : c.hosts) contact_points.push_back(NodeInfo{endpoint, "", {}});
  auto promise = std::make_shared<std::promise<util::Result<std::vector<NodeInfo>>>>();
  auto future = promise->get_future();
  impl->read_nodes(control, control_endpoint, [promise](util::Result<std::vector<NodeInfo>> r) {
    promise->set_value(std::move(r));
  });
  if (future.wait_for(c.request_timeout + kSyncSlack) != std::future_status::ready) {
    return util::Status::io_error(fmt::format(
        "cql: {} did not answer the reads of system.local and system.peers: check the node",
        control_endpoint.to_string()));
  }
  auto nodes = future.get();
  if (!nodes.is_ok()) return nodes.status();
  // The control host first: its data center is the local one by default.
  std::vector<NodeInfo> all = std::move(nodes).value();
  for (auto& cp : contact_points) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const NodeInfo& n) { return n.endpoint == cp.endpoint; })) {
      all.push_back(std::move(cp));
    }
  }
  impl->merge_nodes(all);
  // Wait (briefly) for the control host's pool, so that the first request
  // does not find every host still connecting.
  for (const auto& h : impl->current_topology()->hosts) {
    if (h->endpoint == control_endpoint) (void)h->pool->wait_first_attempt(c.connect_timeout);
  }
  guard.keep = true;
  return std::shared_ptr<Session>(new Session(std::move(impl)));
}

void Session::execute_async(CqlStatement statement, ResultCallback callback) {
  impl_->start(std::move(statement), std::move(callback));
}

namespace {

template <typename T, typename Start>
util::Result<T> wait_for(IoThreads& io, std::chrono::milliseconds limit, Start start) {
  if (io.impl().in_loop_thread()) {
    return util::Status::failed_precondition(
        "cql: a synchronous Session call ran on the session's event loop (client): use the "
        "async form in callbacks");
  }
  auto promise = std::make_shared<std::promise<util::Result<T>>>();
  auto future = promise->get_future();
  start([promise](util::Result<T> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(limit) != std::future_status::ready) {
    return util::Status::io_error(
        "cql: no answer and no timeout (client): the session's event loop is stopped or "
        "blocked");
  }
  return future.get();
}

}  // namespace

util::Result<ResultPage> Session::execute(CqlStatement statement) {
  const auto per_try = statement.timeout.value_or(impl_->config.request_timeout);
  const auto limit = per_try * static_cast<int64_t>(impl_->config.max_retries + 2) + kSyncSlack;
  return wait_for<ResultPage>(
      impl_->io, std::chrono::duration_cast<std::chrono::milliseconds>(limit),
      [&](ResultCallback cb) { impl_->start(std::move(statement), std::move(cb)); });
}

util::Result<RowIterator> Session::iterate(CqlStatement statement) {
  auto first = execute(statement);
  if (!first.is_ok()) return first.status();
  return RowIterator(shared_from_this(), std::move(statement), std::move(first).value());
}

util::Result<std::shared_ptr<const PreparedQuery>> Session::prepare(std::string_view query) {
  const std::string text(query);
  {
    std::lock_guard<std::mutex> lock(impl_->prepared_mutex);
    auto it = impl_->prepared.find(text);
    if (it != impl_->prepared.end()) return it->second;
  }
  if (is_use_statement(text)) return use_refused(text);
  // On the first host of a plan that answers; then, in the background, on
  // every other host that is up (so that EXECUTEs find it there).
  auto topo = impl_->current_topology();
  const auto order = impl_->plan(*topo, CqlStatement{});
  std::vector<std::string> tried;
  for (size_t i : order) {
    const auto& host = topo->hosts[i];
    auto conn = host->pool->pick();
    if (!conn) {
      tried.push_back(down_reason(*host));
      continue;
    }
    auto r = conn->execute(Request{std::nullopt, PrepareRequest{text}});
    if (!r.is_ok()) {
      tried.push_back(fmt::format("{}: {}", host->endpoint.to_string(), r.status().message()));
      continue;
    }
    const auto* result = std::get_if<PreparedResult>(&r->message);
    if (result == nullptr) {
      auto st = response_status(*r, host->endpoint.to_string());
      if (!st.is_ok()) return st;
      return util::Status::corruption(fmt::format(
          "cql: {} answered {} to PREPARE", host->endpoint.to_string(), response_name(r->message)));
    }
    auto prepared = std::make_shared<PreparedQuery>();
    prepared->query = text;
    prepared->id = result->id;
    prepared->bind_columns = result->bind_columns;
    prepared->partition_key_indices = result->partition_key_indices;
    prepared->result_metadata = result->result_metadata;
    for (size_t j : order) {
      if (j == i) continue;
      if (auto other = topo->hosts[j]->pool->pick()) {
        other->send(Request{std::nullopt, PrepareRequest{text}}, [](util::Result<Response>) {});
      }
    }
    std::lock_guard<std::mutex> lock(impl_->prepared_mutex);
    auto [it, inserted] = impl_->prepared.emplace(text, std::move(prepared));
    return it->second;
  }
  return util::Status::io_error(fmt::format(
      "cql: no host could prepare the statement ({}): start the cluster or check the hosts",
      tried.empty() ? std::string("the session knows no host") : join(tried)));
}

util::Status Session::execute_grouped(std::vector<CqlStatement> writes, GroupOptions options) {
  if (impl_->io.impl().in_loop_thread()) {
    return util::Status::failed_precondition(
        "cql: execute_grouped ran on the session's event loop (client): call it from another "
        "thread");
  }
  // Units of work: batches of statements sharing a routing key (with
  // pack_partitions: of neighbouring keys), and single statements.
  const size_t per_batch = std::max<size_t>(options.max_statements_per_batch, 1);
  std::vector<std::pair<std::vector<CqlStatement*>, bool>> work;  // (statements, batch)
  std::vector<CqlStatement*> singles;
  const auto add_part = [&](std::vector<CqlStatement*> part) {
    const bool batch = part.size() > 1;
    work.emplace_back(std::move(part), batch);
  };
  if (options.pack_partitions) {
    // (token, key, statement): sorted, a partition's statements are
    // adjacent and partitions come in ring order.
    struct Keyed {
      int64_t token;
      const std::string* key;
      CqlStatement* statement;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(writes.size());
    for (auto& w : writes) {
      if (w.routing_key && w.prepared) {
        keyed.push_back({murmur3_token(*w.routing_key), &*w.routing_key, &w});
      } else {
        singles.push_back(&w);
      }
    }
    std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
      return a.token != b.token ? a.token < b.token : *a.key < *b.key;
    });
    for (size_t i = 0; i < keyed.size(); i += per_batch) {
      std::vector<CqlStatement*> part;
      part.reserve(std::min(per_batch, keyed.size() - i));
      for (size_t j = i; j < keyed.size() && j < i + per_batch; ++j) {
        part.push_back(keyed[j].statement);
      }
      add_part(std::move(part));
    }
  } else {
    std::map<std::string, std::vector<CqlStatement*>> by_key;
    for (auto& w : writes) {
      if (w.routing_key && w.prepared) {
        by_key[*w.routing_key].push_back(&w);
      } else {
        singles.push_back(&w);
      }
    }
    for (auto& [key, group] : by_key) {
      for (size_t i = 0; i < group.size(); i += per_batch) {
        add_part(std::vector<CqlStatement*>(group.begin() + i,
                                            group.begin() + std::min(group.size(), i + per_batch)));
      }
    }
  }
  for (auto* s : singles) work.push_back({{s}, false});

  std::mutex mutex;
  std::condition_variable cv;
  size_t outstanding = 0;
  util::Status first_error;
  const size_t limit = std::max<size_t>(options.max_in_flight, 1);
  const auto done = [&](util::Result<ResultPage> r) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!r.is_ok() && first_error.is_ok()) first_error = r.status();
    --outstanding;
    cv.notify_all();
  };
  for (auto& [statements, batch] : work) {
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait(lock, [&] { return outstanding < limit; });
      ++outstanding;
    }
    if (!batch) {
      impl_->start(std::move(*statements.front()), done);
      continue;
    }
    std::vector<CqlStatement> members;
    members.reserve(statements.size());
    for (auto* s : statements) members.push_back(std::move(*s));
    impl_->start_batch(std::move(members), done);
  }
  std::unique_lock<std::mutex> lock(mutex);
  cv.wait(lock, [&] { return outstanding == 0; });
  return first_error;
}

std::vector<HostState> Session::hosts() const {
  std::vector<HostState> out;
  for (const auto& h : impl_->current_topology()->hosts) {
    const bool up = h->pool->is_up();
    const auto error = up ? util::Status::ok() : h->pool->last_error();
    out.push_back(HostState{h->endpoint, h->data_center, up, h->pool->open_connections(),
                            error.is_ok() ? std::string() : error.message()});
  }
  return out;
}

const ClusterConfig& Session::config() const { return impl_->config; }

void Session::close() { impl_->shutdown(); }

// ----------------------------------------------------------- RowIterator --

RowIterator::RowIterator(std::shared_ptr<Session> session, CqlStatement statement, ResultPage first)
    : session_(std::move(session)), statement_(std::move(statement)), page_(std::move(first)) {}

util::Result<bool> RowIterator::next() {
  if (started_) ++row_;
  started_ = true;
  while (row_ >= page_.size()) {
    if (!page_.has_more_pages()) return false;
    statement_.paging_state = page_.paging_state();
    auto page = session_->execute(statement_);
    if (!page.is_ok()) return page.status();
    page_ = std::move(page).value();
    row_ = 0;
    ++pages_;
  }
  return true;
}

}  // namespace medallion::cql
