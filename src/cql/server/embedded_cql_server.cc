#include "cql/server/embedded_cql_server.h"

#include <atomic>
#include <unordered_map>
#include <utility>

#include "cql/engine/parser.h"
#include "cql/engine/query_processor.h"
#include "cql/server/cql_server.h"
#include "cql/storage/store.h"

namespace medallion::cql {
namespace {

// A QueryProcessor that forwards to another, set once it exists; until then
// every request fails with a Server_error ("starting").
class ForwardingProcessor : public QueryProcessor {
 public:
  void set(QueryProcessor* target) { target_.store(target, std::memory_order_release); }

  util::Result<std::shared_ptr<const PreparedStatement>> prepare(
      ParsedStatement statement, std::string_view query, std::string_view keyspace) override {
    QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return starting();
    return t->prepare(std::move(statement), query, keyspace);
  }
  void execute(std::shared_ptr<const PreparedStatement> statement,
               const QueryParameters& parameters, QueryCallback done) override {
    QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return done(starting());
    t->execute(std::move(statement), parameters, std::move(done));
  }
  void execute_batch(BatchType type, std::vector<BoundStatement> statements,
                     std::optional<int64_t> default_timestamp, QueryCallback done) override {
    QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return done(starting());
    t->execute_batch(type, std::move(statements), default_timestamp, std::move(done));
  }
  util::Status add_to_bulk_load(const PreparedStatement& statement,
                                const std::vector<Value>& values,
                                std::optional<int64_t> default_timestamp,
                                StoreBulkLoad& load) override {
    QueryProcessor* t = target_.load(std::memory_order_acquire);
    if (t == nullptr) return starting();
    return t->add_to_bulk_load(statement, values, default_timestamp, load);
  }
  Uuid schema_version() const override {
    QueryProcessor* t = target_.load(std::memory_order_acquire);
    return t == nullptr ? Uuid{} : t->schema_version();
  }

 private:
  static util::Status starting() {
    return util::Status::io_error("cql-server: the server is still starting: retry");
  }
  std::atomic<QueryProcessor*> target_{nullptr};
};

}  // namespace

struct EmbeddedCqlServer::Impl {
  // Declared in the order they are built: destroyed in reverse on failure.
  std::unique_ptr<Store> store;
  ForwardingProcessor forwarder;
  std::unique_ptr<CqlServer> server;
  std::unique_ptr<QueryProcessor> processor;
  std::string host;
  uint16_t port = 0;

  void stop() {
    if (server) server->stop();
    server.reset();
    forwarder.set(nullptr);
    processor.reset();
    store.reset();
  }
};

util::Result<std::unique_ptr<EmbeddedCqlServer>> EmbeddedCqlServer::start(
    const ServerConfig& config) {
  if (config.data_directory.empty()) {
    return util::Status::invalid_argument(
        "cql-server: no data directory: pass --data DIR or set server.data_directory in the "
        "config file");
  }
  auto impl = std::make_unique<Impl>();
  StoreOptions store_options;
  store_options.commit_policy = config.commit_policy;
  store_options.group_window = config.group_window;
  store_options.periodic_interval = config.periodic_interval;
  MEDALLION_ASSIGN_OR_RETURN(impl->store, Store::open(config.data_directory, store_options));

  MEDALLION_ASSIGN_OR_RETURN(impl->server, CqlServer::start(config, &impl->forwarder));
  impl->host = impl->server->host();
  impl->port = impl->server->port();

  ProcessorOptions processor_options;
  // A wildcard address is no address a client can be sent to.
  processor_options.rpc_address =
      impl->host == "0.0.0.0" || impl->host == "::" ? "127.0.0.1" : impl->host;
  processor_options.rpc_port = impl->port;
  auto processor = QueryProcessor::open(impl->store.get(), processor_options);
  if (!processor.is_ok()) {
    impl->stop();
    return processor.status();
  }
  impl->processor = std::move(processor).value();
  impl->forwarder.set(impl->processor.get());
  return std::unique_ptr<EmbeddedCqlServer>(new EmbeddedCqlServer(std::move(impl)));
}

EmbeddedCqlServer::EmbeddedCqlServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EmbeddedCqlServer::~EmbeddedCqlServer() { stop(); }

const std::string& EmbeddedCqlServer::host() const { return impl_->host; }

uint16_t EmbeddedCqlServer::port() const { return impl_->port; }

std::string EmbeddedCqlServer::endpoint() const {
  const bool v6 = impl_->host.find(':') != std::string::npos;
  return (v6 ? "[" + impl_->host + "]" : impl_->host) + ":" + std::to_string(impl_->port);
}

void EmbeddedCqlServer::stop() { impl_->stop(); }

util::Result<std::shared_ptr<const PreparedStatement>> EmbeddedCqlServer::prepare_local(
    std::string_view query) {
  if (!impl_->processor) {
    return util::Status::failed_precondition("cql-server: the embedded server is stopped");
  }
  MEDALLION_ASSIGN_OR_RETURN(ParsedStatement parsed, parse_statement(query));
  return impl_->processor->prepare(std::move(parsed), query, "");
}

void EmbeddedCqlServer::execute_local(std::shared_ptr<const PreparedStatement> statement,
                                      std::vector<Value> values, int32_t page_size,
                                      LocalCallback done) {
  QueryProcessor* processor = impl_->processor.get();
  if (processor == nullptr) {
    return done(util::Status::failed_precondition("cql-server: the embedded server is stopped"));
  }
  QueryParameters parameters;
  parameters.values = std::move(values);
  parameters.page_size = page_size;
  processor->execute(std::move(statement), parameters,
                     [done = std::move(done)](util::Result<QueryResult> result) {
                       if (!result.is_ok()) return done(result.status());
                       if (auto* rows = std::get_if<RowsResult>(&*result)) {
                         return done(std::move(*rows));
                       }
                       done(RowsResult{});  // a write or DDL: no rows
                     });
}

struct EmbeddedCqlServer::BulkLoad::Impl {
  struct TextHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  QueryProcessor* processor = nullptr;
  std::unique_ptr<StoreBulkLoad> load;
  // By query text: a load adds many rows of a few statements.
  std::unordered_map<std::string, std::shared_ptr<const PreparedStatement>, TextHash,
                     std::equal_to<>>
      prepared;
};

util::Result<std::unique_ptr<EmbeddedCqlServer::BulkLoad>> EmbeddedCqlServer::begin_bulk_load() {
  if (!impl_->store || !impl_->processor) {
    return util::Status::failed_precondition(
        "cql-server: the embedded server is stopped: no bulk load");
  }
  auto impl = std::make_unique<BulkLoad::Impl>();
  impl->processor = impl_->processor.get();
  MEDALLION_ASSIGN_OR_RETURN(impl->load, impl_->store->begin_bulk_load());
  return std::unique_ptr<BulkLoad>(new BulkLoad(std::move(impl)));
}

EmbeddedCqlServer::BulkLoad::BulkLoad(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

EmbeddedCqlServer::BulkLoad::~BulkLoad() = default;

util::Status EmbeddedCqlServer::BulkLoad::add(std::string_view query,
                                              const std::vector<Value>& values,
                                              std::optional<int64_t> timestamp) {
  auto found = impl_->prepared.find(query);
  if (found == impl_->prepared.end()) {
    MEDALLION_ASSIGN_OR_RETURN(ParsedStatement parsed, parse_statement(query));
    MEDALLION_ASSIGN_OR_RETURN(auto statement,
                               impl_->processor->prepare(std::move(parsed), query, ""));
    found = impl_->prepared.emplace(std::string(query), std::move(statement)).first;
  }
  return impl_->processor->add_to_bulk_load(*found->second, values, timestamp, *impl_->load);
}

size_t EmbeddedCqlServer::BulkLoad::entries() const { return impl_->load->entries(); }

util::Status EmbeddedCqlServer::BulkLoad::commit() { return impl_->load->commit(); }

}  // namespace medallion::cql
