#include "api/embedded/embedded_query_runner.h"

#include <mutex>
#include <utility>
#include <vector>

#include "cql/client/result_page.h"
#include "cql/server/embedded_cql_server.h"

namespace medallion::api {
namespace {

class EmbeddedQueryRunner : public ServingQueryRunner {
 public:
  explicit EmbeddedQueryRunner(cql::EmbeddedCqlServer& node) : node_(node) {}

  util::Result<size_t> prepare(const std::string& query) override {
    MEDALLION_ASSIGN_OR_RETURN(auto prepared, node_.prepare_local(query));
    std::lock_guard<std::mutex> lock(mu_);
    statements_.push_back(std::move(prepared));
    return statements_.size() - 1;
  }

  void run(size_t statement, std::vector<cql::Value> values, int32_t page_size,
           RowsCallback done) override {
    std::shared_ptr<const cql::PreparedStatement> prepared;
    {
      std::lock_guard<std::mutex> lock(mu_);
      prepared = statements_.at(statement);
    }
    node_.execute_local(std::move(prepared), std::move(values), page_size,
                        [done = std::move(done)](util::Result<cql::RowsResult> rows) {
                          if (!rows.is_ok()) return done(rows.status());
                          std::vector<cql::ColumnSpec> columns = rows->metadata.columns;
                          done(cql::ResultPage(std::move(columns), std::move(rows).value()));
                        });
  }

 private:
  cql::EmbeddedCqlServer& node_;
  std::mutex mu_;
  std::vector<std::shared_ptr<const cql::PreparedStatement>> statements_;
};

}  // namespace

std::shared_ptr<ServingQueryRunner> embedded_query_runner(cql::EmbeddedCqlServer& node) {
  return std::make_shared<EmbeddedQueryRunner>(node);
}

}  // namespace medallion::api
