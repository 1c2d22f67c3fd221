#pragma once
// Waits for a condition that another thread or process makes true: polls it until it holds
// or the timeout passes. Tests wait on events this way, never on fixed sleeps.
#include <chrono>
#include <thread>

namespace domainscan::testing {

template <class Pred>
bool eventually(Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace domainscan::testing
