#pragma once
// Runs one coroutine on the caller's io_context until it finishes (or a safety limit
// passes) and returns its result; nullopt if it did not finish. io_context::run_for returns
// early only when no work is left, so a leaked wait shows up as a test that does not
// finish. The io_context is the caller's so that it outlives the objects whose I/O the
// coroutine used (declare it first).
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <vector>

namespace domainscan::testing {

template <class T>
std::optional<T> run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<T> work,
                                   std::chrono::milliseconds limit) {
  std::optional<T> result;
  std::exception_ptr failure;
  io.restart();  // a previous run may have stopped it
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
    if (e) failure = e;
    else result = std::move(value);
  });
  io.run_for(limit);
  if (failure) std::rethrow_exception(failure);
  return result;
}

// The same for a coroutine with no result: true if it finished.
inline bool run_to_completion(boost::asio::io_context& io, boost::asio::awaitable<void> work,
                              std::chrono::milliseconds limit) {
  bool finished = false;
  std::exception_ptr failure;
  io.restart();
  boost::asio::co_spawn(io, std::move(work), [&](std::exception_ptr e) {
    failure = e;
    finished = true;
  });
  io.run_for(limit);
  if (failure) std::rethrow_exception(failure);
  return finished;
}

// What one of run_all_at_once's coroutines ended with: its answer, or what it threw.
template <class T>
struct Ended {
  T answer{};
  std::exception_ptr error;
};

// Starts start(0) ... start(n - 1) at once on the caller's io_context (so that they arrive
// together wherever they meet, as concurrent requests do), runs them all to the end and
// returns what each ended with, in order.
template <class T, class Start>
std::vector<Ended<T>> run_all_at_once(boost::asio::io_context& io, std::size_t n, Start start) {
  std::vector<Ended<T>> ended(n);
  io.restart();
  for (std::size_t i = 0; i < n; ++i) {
    boost::asio::co_spawn(io, start(i), [&ended, i](std::exception_ptr e, T answer) {
      ended[i] = Ended<T>{std::move(answer), e};
    });
  }
  io.run();
  return ended;
}

}  // namespace domainscan::testing
