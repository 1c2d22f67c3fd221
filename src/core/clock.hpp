#pragma once
// The one clock type of the project. Services take a Clock so tests can move time.
#include <chrono>
#include <functional>

namespace domainscan {

using Clock = std::chrono::system_clock;
using TimePoint = std::chrono::time_point<Clock, std::chrono::milliseconds>;

inline TimePoint now_ms() { return std::chrono::floor<std::chrono::milliseconds>(Clock::now()); }

}  // namespace domainscan
