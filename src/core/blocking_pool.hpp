#pragma once
// Threads for blocking work (database calls), so that I/O threads never block.
// `co_await pool.run(fn)` runs fn on a pool thread and resumes the caller on its own
// executor with fn's result, or rethrows what fn threw.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <type_traits>

namespace domainscan {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads == 0 ? 1 : threads), size_(threads == 0 ? 1 : threads) {}
  ~BlockingPool() { pool_.join(); }
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  template <typename Fn>
  boost::asio::awaitable<std::invoke_result_t<Fn>> run(Fn fn) {
    using Result = std::invoke_result_t<Fn>;
    co_return co_await boost::asio::co_spawn(
        pool_.get_executor(), [fn = std::move(fn)]() mutable -> boost::asio::awaitable<Result> { co_return fn(); },
        boost::asio::use_awaitable);
  }

  std::size_t size() const { return size_; }

 private:
  boost::asio::thread_pool pool_;
  std::size_t size_;
};

}  // namespace domainscan
