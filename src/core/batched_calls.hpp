#pragma once
// Runs a call in batches: a blocking one (a database write) on the blocking pool, or an
// asynchronous one (a publish and its confirm): while one batch runs, the calls that
// arrive meanwhile wait and go together in the next. Nothing is delayed to make a batch:
// a lone call runs at once, and under load the batches grow by themselves.
// Each caller gets its own answer. A batch that fails for another reason than the database
// being unavailable (UnavailableError) is run again one call at a time, so that a request
// the database refuses fails alone and the others go through.
#include "core/blocking_pool.hpp"
#include "core/errors.hpp"
#include "core/one_shot_event.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <type_traits>
#include <vector>

namespace domainscan {

template <typename Request, typename Answer>
class BatchedCalls {
 public:
  // `many` answers each request of a batch, in order, in one go (one transaction); `one`
  // answers a single request (the fall-back when a batch is refused).
  // Blocking forms, run on a pool thread:
  using Many = std::function<std::vector<Answer>(const std::vector<Request>&)>;
  using One = std::function<Answer(const Request&)>;
  // Asynchronous forms, run on the batcher's strand:
  using AsyncMany = std::function<boost::asio::awaitable<std::vector<Answer>>(const std::vector<Request>&)>;
  using AsyncOne = std::function<boost::asio::awaitable<Answer>(const Request&)>;

  BatchedCalls(boost::asio::any_io_executor executor, BlockingPool& pool, Many many, One one, std::size_t max_batch)
      : BatchedCalls(std::move(executor), on_pool(pool, std::move(many)), on_pool(pool, std::move(one)), max_batch) {}

  BatchedCalls(boost::asio::any_io_executor executor, AsyncMany many, AsyncOne one, std::size_t max_batch)
      : strand_(boost::asio::make_strand(executor)),
        linger_timer_(strand_),
        many_(std::move(many)),
        one_(std::move(one)),
        max_batch_(std::max<std::size_t>(1, max_batch)) {}

  // How long a batch that is not full waits for more calls before it runs (0, the default:
  // not at all). For callers that value throughput over latency: a worker's claims and
  // results, where each batch's transaction costs the database about as much as its rows.
  void set_linger(std::chrono::microseconds linger) { linger_ = linger; }

  // What `one` would answer for this request; throws what it would throw.
  boost::asio::awaitable<Answer> call(Request request) {
    auto pending = std::make_shared<Pending>(std::move(request), strand_);
    co_await boost::asio::co_spawn(strand_, enqueue_and_wait(pending), boost::asio::use_awaitable);
    if (pending->error) std::rethrow_exception(pending->error);
    co_return std::move(pending->answer);
  }

  // Batches run, and requests answered in them (for /metrics and tests).
  std::size_t batches() const { return batches_; }
  std::size_t answered() const { return answered_; }

 private:
  // A blocking function as an asynchronous one that runs it on the pool. (The lambda is
  // kept in the std::function member, so its captures outlive every call.)
  template <typename Fn>
  static auto on_pool(BlockingPool& pool, Fn fn) {
    return [&pool, fn = std::move(fn)](
               const auto& arg) -> boost::asio::awaitable<std::invoke_result_t<Fn&, decltype(arg)>> {
      co_return co_await pool.run([&] { return fn(arg); });
    };
  }

  struct Pending {
    Pending(Request r, const boost::asio::strand<boost::asio::any_io_executor>& strand)
        : request(std::move(r)), done(strand) {}
    Request request;
    Answer answer{};
    std::exception_ptr error;
    OneShotEvent done;
  };

  boost::asio::awaitable<void> enqueue_and_wait(std::shared_ptr<Pending> pending) {
    queue_.push_back(pending);
    if (!running_) {
      running_ = true;
      boost::asio::co_spawn(strand_, run_batches(), boost::asio::detached);
    }
    co_await pending->done.wait();
  }

  boost::asio::awaitable<void> run_batches() {
    while (!queue_.empty()) {
      if (linger_.count() > 0 && queue_.size() < max_batch_) {
        linger_timer_.expires_after(linger_);
        boost::system::error_code ignored;
        co_await linger_timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ignored));
      }
      std::vector<std::shared_ptr<Pending>> batch;
      while (!queue_.empty() && batch.size() < max_batch_) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      std::vector<Request> requests;
      requests.reserve(batch.size());
      for (auto& p : batch) requests.push_back(std::move(p->request));

      // (co_await is not allowed in a catch block: the failure is kept and handled after.)
      std::exception_ptr failure;
      bool unavailable = false;
      try {
        auto answers = co_await many_(requests);
        for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->answer = std::move(answers.at(i));
        ++batches_;
        answered_ += batch.size();
      } catch (const UnavailableError&) {
        failure = std::current_exception();
        unavailable = true;
      } catch (const std::exception&) {
        failure = std::current_exception();
      }
      if (failure && (unavailable || batch.size() == 1)) {
        for (auto& p : batch) p->error = failure;
      } else if (failure) {
        // Something in the batch was refused: each on its own, so that only it fails.
        for (std::size_t i = 0; i < batch.size(); ++i) {
          try {
            batch[i]->answer = co_await one_(requests[i]);
            ++batches_;
            ++answered_;
          } catch (const std::exception&) {
            batch[i]->error = std::current_exception();
          }
        }
      }
      for (auto& p : batch) p->done.set();
    }
    running_ = false;
  }

  boost::asio::strand<boost::asio::any_io_executor> strand_;  // the queue and the flag live on it
  boost::asio::steady_timer linger_timer_;
  std::chrono::microseconds linger_{0};
  AsyncMany many_;
  AsyncOne one_;
  std::size_t max_batch_;
  std::deque<std::shared_ptr<Pending>> queue_;
  bool running_ = false;
  std::size_t batches_ = 0;
  std::size_t answered_ = 0;
};

}  // namespace domainscan
