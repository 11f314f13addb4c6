// HostPool (host_pool.h). Everything that changes the pool's state runs on
// one strand of the session's io_context: connect results and connection
// closes are posted to it, the reconnect timer is bound to it, and the state
// handler is called from it. What the other threads read (the open
// connections, the last error, the backoff shown) is also kept under a mutex,
// so pick() and the accessors never wait for the loop.
//
// Reconnecting: one timer per pool. A "round" opens every missing connection
// at once; when the round has ended with connections still missing, or an
// open connection closes while no round and no timer is pending, the timer is
// armed with the next delay of the schedule: base, 2*base, 4*base, ... capped
// at reconnect_max, back to base when a connect succeeds. reconnect_now()
// and close() invalidate an armed timer by bumping its generation (a handler
// already queued when cancel() ran still runs, and must see it is stale).
//
// Lifetimes: the Impl is owned by the HostPool only. Asio handlers, connect
// callbacks and the connections' close handlers hold a weak_ptr (a
// connection's close handler holding the Impl would make a cycle through the
// open connections), so the Impl goes with the HostPool.
#include "cql/client/host_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cql/client/connection_internal.h"

namespace medallion::cql {

namespace asio = boost::asio;

namespace {

constexpr auto kCloseWait = std::chrono::seconds(5);

}  // namespace

struct HostPool::Impl : std::enable_shared_from_this<Impl> {
  using Strand = asio::strand<asio::io_context::executor_type>;
  using Ms = std::chrono::milliseconds;

  // What the state handler was last told.
  enum class Reported { kNothing, kUp, kDown };

  struct OpenConnection {
    uint64_t id = 0;
    std::shared_ptr<ClientConnection> connection;
  };

  // A transition to report once the mutex is released.
  struct Transition {
    bool up = false;
    util::Status why;
  };

  Impl(HostPoolOptions opts, IoThreads& threads, StateHandler handler)
      : options(normalized(std::move(opts))),
        io(threads),
        where(options.endpoint.to_string()),
        strand(asio::make_strand(threads.impl().io)),
        on_state(std::move(handler)),
        timer(strand),
        first_attempts_left(options.connections),
        next_delay(options.reconnect_base) {}

  // At least one connection, a backoff of at least 1 ms (0 would spin), a cap
  // no lower than the base.
  static HostPoolOptions normalized(HostPoolOptions o) {
    o.connections = std::max<size_t>(o.connections, 1);
    o.reconnect_base = std::max(o.reconnect_base, Ms(1));
    o.reconnect_max = std::max(o.reconnect_max, o.reconnect_base);
    return o;
  }

  // ------------------------------------------------------ strand only --

  size_t missing_locked() const {
    const size_t have = open.size() + connecting;
    return have >= options.connections ? 0 : options.connections - have;
  }

  void start_connects() {
    size_t n = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closed) return;
      n = missing_locked();
    }
    for (size_t i = 0; i < n; ++i) connect_one();
  }

  void connect_one() {
    ++connecting;
    const uint64_t id = ++last_id;
    ConnectionOptions o = options.connection;
    o.host = options.endpoint.host;
    o.port = options.endpoint.port;
    // Events are the session's control connection's business.
    o.events.clear();
    o.event_handler = nullptr;
    std::weak_ptr<Impl> weak = weak_from_this();
    o.close_handler = [weak, id](const util::Status& status) {
      auto self = weak.lock();
      if (!self) return;
      asio::post(self->strand, [weak, id, status] {
        if (auto s = weak.lock()) s->on_connection_closed(id, status);
      });
    };
    ClientConnection::connect_async(
        std::move(o), io, [weak, id](util::Result<std::shared_ptr<ClientConnection>> r) {
          auto self = weak.lock();
          if (!self) {
            if (r.is_ok()) (*r)->close();
            return;
          }
          asio::post(self->strand, [weak, id, r = std::move(r)]() mutable {
            auto s = weak.lock();
            if (!s) {
              if (r.is_ok()) (*r)->close();
              return;
            }
            s->on_connect_result(id, std::move(r));
          });
        });
  }

  void on_connect_result(uint64_t id, util::Result<std::shared_ptr<ClientConnection>> r) {
    --connecting;
    const bool first_attempt = first_attempts_left > 0;
    if (first_attempt) --first_attempts_left;
    std::optional<Transition> transition;
    bool retry = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!closed) {
        if (r.is_ok()) {
          open.push_back(OpenConnection{id, *r});
          next_delay = options.reconnect_base;
          if (reported != Reported::kUp) {
            reported = Reported::kUp;
            transition = Transition{true, util::Status::ok()};
          }
        } else {
          last_error = r.status();
          if (first_attempt && first_attempts_left == 0 && open.empty() &&
              reported == Reported::kNothing) {
            reported = Reported::kDown;
            transition = Transition{false, last_error};
          }
        }
        if (first_attempts_left == 0) first_round_done = true;
        retry = connecting == 0 && !timer_armed && missing_locked() > 0;
        cv.notify_all();
      }
    }
    if (closed_now()) {
      // close() ran while this connect was under way.
      if (r.is_ok()) (*r)->close();
      return;
    }
    if (retry) schedule_retry();
    if (transition) notify(*transition);
  }

  void on_connection_closed(uint64_t id, const util::Status& status) {
    std::optional<Transition> transition;
    bool retry = false;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closed) return;
      auto it = std::find_if(open.begin(), open.end(),
                             [id](const OpenConnection& c) { return c.id == id; });
      if (it == open.end()) return;
      open.erase(it);
      last_error = status;
      if (open.empty() && reported == Reported::kUp) {
        reported = Reported::kDown;
        transition = Transition{false, status};
      }
      retry = connecting == 0 && !timer_armed;
      cv.notify_all();
    }
    if (retry) schedule_retry();
    if (transition) notify(*transition);
  }

  // Arms the timer with the next delay of the schedule and doubles it.
  void schedule_retry() {
    const Ms delay = next_delay;
    next_delay = delay > options.reconnect_max / 2 ? options.reconnect_max
                                                   : std::min(delay * 2, options.reconnect_max);
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closed) return;
      backoff = delay;
    }
    timer_armed = true;
    const uint64_t generation = ++timer_generation;
    timer.expires_after(delay);
    std::weak_ptr<Impl> weak = weak_from_this();
    timer.async_wait([weak, generation](const boost::system::error_code&) {
      if (auto self = weak.lock()) self->on_timer(generation);
    });
  }

  void on_timer(uint64_t generation) {
    if (generation != timer_generation) return;  // cancelled or superseded
    disarm_timer();
    start_connects();
  }

  void disarm_timer() {
    ++timer_generation;
    timer_armed = false;
    timer.cancel();
    std::lock_guard<std::mutex> lock(mu);
    backoff = Ms(0);
  }

  void on_reconnect_now() {
    if (closed_now()) return;
    if (timer_armed) disarm_timer();
    next_delay = options.reconnect_base;
    start_connects();
  }

  bool closed_now() const {
    std::lock_guard<std::mutex> lock(mu);
    return closed;
  }

  // Calls the state handler (on the strand), unless close() has begun.
  void notify(const Transition& t) {
    if (!on_state) return;
    std::lock_guard<std::mutex> lock(callback_mu);
    if (callbacks_off.load()) return;
    on_state(t.up, t.why);
  }

  // ------------------------------------------------------- any thread --

  void close() {
    const bool on_strand = strand.running_in_this_thread();
    if (on_strand) {
      // Possibly inside the state handler (which holds callback_mu); no other
      // call can be running, they all run on this strand.
      callbacks_off.store(true);
    } else {
      // Waits for a state handler call under way on the loop.
      std::lock_guard<std::mutex> lock(callback_mu);
      callbacks_off.store(true);
    }
    std::vector<OpenConnection> to_close;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (closed) return;
      closed = true;
      to_close.swap(open);
      backoff = Ms(0);
      cv.notify_all();
    }
    // The timer belongs to the strand.
    if (on_strand) {
      disarm_timer();
    } else {
      auto self = shared_from_this();
      if (io.impl().in_loop_thread()) {
        asio::post(strand, [self] { self->disarm_timer(); });
      } else {
        auto done = std::make_shared<std::promise<void>>();
        auto future = done->get_future();
        asio::post(strand, [self, done] {
          self->disarm_timer();
          done->set_value();
        });
        future.wait_for(kCloseWait);
      }
    }
    for (auto& c : to_close) c.connection->close();
  }

  util::Status wait_first_attempt(Ms timeout) const {
    if (io.impl().in_loop_thread()) {
      return util::Status::failed_precondition(fmt::format(
          "cql: HostPool::wait_first_attempt called on the event loop (host pool {}): call it "
          "from another thread, or use the state handler",
          where));
    }
    std::unique_lock<std::mutex> lock(mu);
    const bool ended =
        cv.wait_for(lock, timeout, [&] { return !open.empty() || first_round_done || closed; });
    if (!open.empty()) return util::Status::ok();
    if (closed) {
      return util::Status::failed_precondition(
          fmt::format("cql: the host pool for {} is closed: start a new one", where));
    }
    if (!ended) {
      return util::Status::io_error(fmt::format(
          "cql: connecting to {} timed out after {} ms (host pool): no connect attempt ended in "
          "time; check that a CQL server listens there, or wait longer",
          where, timeout.count()));
    }
    return last_error;
  }

  std::shared_ptr<ClientConnection> pick() const {
    std::lock_guard<std::mutex> lock(mu);
    const size_t n = open.size();
    if (n == 0) return nullptr;
    // Ties go round-robin: requests sent in a burst all see empty connections
    // (the counts are updated by the loop).
    const size_t start = rotation.fetch_add(1, std::memory_order_relaxed) % n;
    const ClientConnection* best = nullptr;
    size_t best_index = 0;
    size_t best_load = 0;
    for (size_t k = 0; k < n; ++k) {
      const size_t i = (start + k) % n;
      const ClientConnection* c = open[i].connection.get();
      if (!c->is_open()) continue;  // its close is on the way to the strand
      const size_t load = c->in_flight() + c->queued();
      if (best == nullptr || load < best_load) {
        best = c;
        best_index = i;
        best_load = load;
      }
    }
    return best == nullptr ? nullptr : open[best_index].connection;
  }

  // Constant after construction.
  const HostPoolOptions options;
  IoThreads& io;
  const std::string where;
  Strand strand;
  const StateHandler on_state;

  // Strand only.
  asio::steady_timer timer;
  size_t connecting = 0;
  size_t first_attempts_left;
  uint64_t last_id = 0;
  uint64_t timer_generation = 0;
  bool timer_armed = false;
  Ms next_delay;
  Reported reported = Reported::kNothing;

  // Under mu: written on the strand (and by close()), read anywhere.
  mutable std::mutex mu;
  mutable std::condition_variable cv;
  std::vector<OpenConnection> open;
  util::Status last_error;
  bool first_round_done = false;
  bool closed = false;
  Ms backoff{0};

  mutable std::atomic<size_t> rotation{0};
  // Held while the state handler runs; close() takes it to wait for a call
  // under way and to stop the later ones.
  std::mutex callback_mu;
  std::atomic<bool> callbacks_off{false};
};

// ------------------------------------------------------------ HostPool --

std::shared_ptr<HostPool> HostPool::start(HostPoolOptions options, IoThreads& io,
                                          StateHandler on_state) {
  auto impl = std::make_shared<Impl>(std::move(options), io, std::move(on_state));
  asio::post(impl->strand, [weak = std::weak_ptr<Impl>(impl)] {
    if (auto self = weak.lock()) self->start_connects();
  });
  return std::shared_ptr<HostPool>(new HostPool(std::move(impl)));
}

HostPool::HostPool(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

HostPool::~HostPool() { close(); }

const Endpoint& HostPool::endpoint() const { return impl_->options.endpoint; }

bool HostPool::is_up() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return !impl_->open.empty();
}

size_t HostPool::open_connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->open.size();
}

util::Status HostPool::last_error() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->last_error;
}

std::shared_ptr<ClientConnection> HostPool::pick() const { return impl_->pick(); }

util::Status HostPool::wait_first_attempt(std::chrono::milliseconds timeout) const {
  return impl_->wait_first_attempt(timeout);
}

void HostPool::reconnect_now() {
  asio::post(impl_->strand, [weak = std::weak_ptr<Impl>(impl_)] {
    if (auto self = weak.lock()) self->on_reconnect_now();
  });
}

std::chrono::milliseconds HostPool::current_backoff() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->backoff;
}

void HostPool::close() { impl_->close(); }

}  // namespace medallion::cql
