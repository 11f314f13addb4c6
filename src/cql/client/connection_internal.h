// The Asio side of connection.h: IoThreads' io_context. Only .cc files of
// src/cql/client include this.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "cql/client/connection.h"

namespace medallion::cql {

struct IoThreads::Impl {
  boost::asio::io_context io;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work{
      io.get_executor()};
  std::vector<std::thread> threads;
  std::mutex stop_mutex;
  bool stopped = false;

  // True on one of the loop's threads.
  bool in_loop_thread() const;
};

}  // namespace medallion::cql
