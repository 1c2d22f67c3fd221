// Precompiled header: the heavy, stable third-party headers most files include.
#pragma once
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
