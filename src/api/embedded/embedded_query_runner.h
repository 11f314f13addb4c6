// The serving reader's statements run on the embedded CQL node of this
// process (EmbeddedCqlServer::execute_local): what `medallion serve` and
// `medallion up` use when they host the node themselves. The same prepared
// statements and rows as over CQL, without the client's and the server's
// frames and sockets; reads answer on the calling thread (an HTTP I/O
// thread), which a read of one or a few partitions does not block for long.
//
// Thread safety: run() may be called from any thread; the node must outlive
// the runner.
#pragma once

#include <memory>

#include "api/serving_reader.h"

namespace medallion::cql {
class EmbeddedCqlServer;
}

namespace medallion::api {

std::shared_ptr<ServingQueryRunner> embedded_query_runner(cql::EmbeddedCqlServer& node);

}  // namespace medallion::api
