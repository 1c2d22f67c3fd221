#include "app/import_command.hpp"

#include "core/text.hpp"
#include "scan/http_fetch.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace domainscan::app {
namespace {

namespace asio = boost::asio;
namespace json = boost::json;
using namespace std::chrono_literals;

// A batch may take a while on a busy database; the api answers well within this.
constexpr auto kRequestTimeout = 120s;
constexpr auto kResolveTimeout = 10s;
constexpr int kMaxTransientRetries = 4;  // 1 + 2 + 4 + 8 s
// Invalid lines printed at the end (all are counted).
constexpr std::size_t kMaxInvalidShown = 100;

struct Invalid {
  std::size_t line;
  std::string input;
  std::string error;
};

struct Totals {
  std::size_t lines = 0;  // read so far
  std::size_t names = 0;  // sent and taken (not blank, not a comment)
  std::size_t added = 0;
  std::size_t known = 0;
  std::size_t invalid = 0;
  std::vector<Invalid> invalid_shown;
};

class ImportFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What is shown while importing: on a terminal a line redrawn in place; nothing otherwise.
class Progress {
 public:
  explicit Progress(std::optional<std::uintmax_t> total_bytes)
      : terminal_(::isatty(STDERR_FILENO) == 1), total_(total_bytes) {}
  void show(const Totals& t, std::uintmax_t bytes_read, const std::string& note = "") {
    if (!terminal_) {
      // Not a terminal (a script, a log): only the waits are told, a line each.
      if (!note.empty()) std::cerr << "domainscan import: " << note << "\n";
      return;
    }
    std::string bar;
    if (total_ && *total_ > 0) {
      const auto done = std::min<std::uintmax_t>(bytes_read, *total_);
      const auto filled = static_cast<std::size_t>(done * 30 / *total_);
      bar = fmt::format("[{}{}] {:3}% ", std::string(filled, '#'), std::string(30 - filled, ' '), done * 100 / *total_);
    }
    std::cerr << fmt::format("\r\033[K{}{} names sent: {} added, {} known, {} invalid{}", bar, t.names, t.added, t.known,
                             t.invalid, note.empty() ? "" : " (" + note + ")")
              << std::flush;
    drawn_ = true;
  }
  void done() {
    if (drawn_) std::cerr << "\n";
  }

 private:
  bool terminal_;
  std::optional<std::uintmax_t> total_;
  bool drawn_ = false;
};

struct Target {
  boost::urls::url url;  // .../api/v1/domains/bulk
  std::optional<asio::ip::address> address;
  std::shared_ptr<asio::ssl::context> verify;
};

asio::awaitable<asio::ip::address> resolve(std::string host) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::resolver resolver(executor);
  asio::steady_timer timer(executor);
  timer.expires_after(kResolveTimeout);
  timer.async_wait([&resolver](boost::system::error_code ec) {
    if (!ec) resolver.cancel();
  });
  boost::system::error_code ec;
  const auto results = co_await resolver.async_resolve(host, "", asio::redirect_error(asio::use_awaitable, ec));
  timer.cancel();
  if (ec || results.empty()) throw ImportFailed(fmt::format("cannot resolve {}: {}", host, ec ? ec.message() : "no address"));
  co_return results.begin()->endpoint().address();
}

// One batch, sent until the api takes it; its answer added to the totals.
class Importer {
 public:
  Importer(Target& target, const ImportCommand& command, std::optional<std::string> key, Progress& progress)
      : target_(target), command_(command), key_(std::move(key)), progress_(progress) {}

  asio::awaitable<void> send(const std::vector<std::string>& names, const std::vector<std::size_t>& lines,
                             std::uintmax_t bytes_read) {
    json::object body{{"domains", json::array(names.begin(), names.end())}};
    if (command_.cron) body["schedule"] = {{"cron", *command_.cron}, {"timezone", command_.timezone}};
    scan::HttpFetchOptions options;
    options.method = "POST";
    options.body = json::serialize(body);
    options.max_body = 8 * 1024 * 1024;
    options.headers = {{"content-type", "application/json"}, {"accept", "application/json"}};
    if (key_) options.headers.emplace_back("authorization", "Bearer " + *key_);
    options.verify = target_.verify;

    auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor);
    int transient = 0;
    while (true) {
      // Named locals, not temporaries, in a co_await (GCC 12 destroys those twice).
      if (!target_.address) {
        const std::string host(target_.url.host());
        target_.address = co_await resolve(host);
      }
      auto url = target_.url;
      auto attempt = options;
      const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kRequestTimeout);
      const auto result = co_await scan::http_fetch(executor, std::move(url), *target_.address, timeout, std::move(attempt));
      std::chrono::seconds wait{0};
      std::string why;
      if (result.error || result.status == 503 || result.status == 502 || result.status == 504) {
        why = result.error ? *result.error : fmt::format("the api answered {}", result.status);
        if (++transient > kMaxTransientRetries) throw ImportFailed(fmt::format("{}: {}", target_.url.buffer(), why));
        wait = std::chrono::seconds(1 << (transient - 1));
      } else if (result.status == 429) {
        const auto header = result.header("retry-after");
        wait = std::chrono::seconds(std::clamp(header ? std::atol(header->c_str()) : 1L, 1L, 3600L));
        why = "rate limit";
      } else if (result.status == 200 || result.status == 202) {
        add_answer(result.body, lines);
        co_return;
      } else {
        throw ImportFailed(fmt::format("the api refused the batch ({}): {}", result.status, error_message(result.body)));
      }
      progress_.show(totals, bytes_read, fmt::format("{}: waiting {} s", why, wait.count()));
      timer.expires_after(wait);
      co_await timer.async_wait(asio::use_awaitable);
    }
  }

  Totals totals;

 private:
  static std::string error_message(const std::string& body) {
    boost::system::error_code ec;
    const auto value = json::parse(body, ec);
    if (!ec && value.is_object()) {
      if (const auto* e = value.as_object().if_contains("error"); e && e->is_object()) {
        if (const auto* m = e->as_object().if_contains("message"); m && m->is_string()) return std::string(m->as_string());
      }
    }
    return body.substr(0, 200);
  }

  void add_answer(const std::string& body, const std::vector<std::size_t>& lines) {
    boost::system::error_code ec;
    const auto value = json::parse(body, ec);
    if (ec || !value.is_object()) throw ImportFailed("the api's answer is not the bulk submission's JSON");
    const auto& o = value.as_object();
    const auto count = [&](const char* key) {
      const auto* v = o.if_contains(key);
      return v && v->is_int64() ? static_cast<std::size_t>(v->as_int64()) : 0;
    };
    totals.added += count("added");
    totals.known += count("known");
    totals.invalid += count("invalid_count");
    if (const auto* invalid = o.if_contains("invalid"); invalid && invalid->is_array()) {
      for (const auto& entry : invalid->as_array()) {
        if (totals.invalid_shown.size() >= kMaxInvalidShown || !entry.is_object()) break;
        const auto& e = entry.as_object();
        const auto* index = e.if_contains("index");
        if (!index || !index->is_int64() || index->as_int64() < 0 ||
            static_cast<std::size_t>(index->as_int64()) >= lines.size()) {
          continue;
        }
        const auto text = [&](const char* key) {
          const auto* v = e.if_contains(key);
          return v && v->is_string() ? std::string(v->as_string()) : std::string();
        };
        totals.invalid_shown.push_back({lines[static_cast<std::size_t>(index->as_int64())], text("input"), text("error")});
      }
    }
  }

  Target& target_;
  const ImportCommand& command_;
  std::optional<std::string> key_;
  Progress& progress_;
};

asio::awaitable<void> import_all(std::istream& in, Importer& importer, Progress& progress, std::size_t batch_size) {
  std::vector<std::string> names;
  std::vector<std::size_t> lines;
  std::uintmax_t bytes_read = 0;
  std::string line;
  auto& totals = importer.totals;
  while (std::getline(in, line)) {
    ++totals.lines;
    bytes_read += line.size() + 1;
    std::string name(trim(line));
    if (name.empty() || name.front() == '#') continue;
    names.push_back(std::move(name));
    lines.push_back(totals.lines);
    if (names.size() == batch_size) {
      co_await importer.send(names, lines, bytes_read);
      totals.names += names.size();
      progress.show(totals, bytes_read);
      names.clear();
      lines.clear();
    }
  }
  if (in.bad()) throw ImportFailed("reading the list failed");
  if (!names.empty()) {
    co_await importer.send(names, lines, bytes_read);
    totals.names += names.size();
    progress.show(totals, bytes_read);
  }
}

std::string default_api_url(const Settings& settings) {
  auto host = settings.listen.host;
  if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
  if (host == "::") host = "::1";
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("http://{}:{}", host, settings.listen.port);
}

}  // namespace

int run_import_command(const Settings& settings, const ImportCommand& command) {
  const auto base = command.api_url.value_or(default_api_url(settings));
  auto parsed = boost::urls::parse_absolute_uri(base);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty()) {
    std::cerr << "domainscan import: --api-url must be an http:// or https:// URL, e.g. http://127.0.0.1:8080\n";
    return 2;
  }
  Target target{boost::urls::url(*parsed), std::nullopt, nullptr};
  std::string path(target.url.path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  target.url.set_path(path + "/api/v1/domains/bulk");
  if (target.url.scheme() == "https") target.verify = scan::make_verifying_context(settings.ca_file);
  if (target.url.host_type() == boost::urls::host_type::ipv4 || target.url.host_type() == boost::urls::host_type::ipv6) {
    target.address = asio::ip::make_address(std::string(target.url.encoded_host_address()));
  }

  std::ifstream file;
  std::optional<std::uintmax_t> size;
  if (command.file != "-") {
    file.open(command.file);
    if (!file) {
      std::cerr << "domainscan import: cannot read " << command.file << "\n";
      return 2;
    }
    std::error_code ec;
    if (const auto bytes = std::filesystem::file_size(command.file, ec); !ec) size = bytes;
  }
  std::istream& in = command.file == "-" ? std::cin : file;

  std::optional<std::string> key;
  if (const char* k = std::getenv("DOMAINSCAN_API_KEY"); k && *k) key = k;
  Progress progress(size);
  Importer importer(target, command, key, progress);

  asio::io_context io;
  std::exception_ptr failure;
  asio::co_spawn(io, import_all(in, importer, progress, std::max<std::size_t>(1, command.batch)),
                 [&](std::exception_ptr e) { failure = e; });
  io.run();
  progress.done();

  const auto& t = importer.totals;
  const auto source = command.file == "-" ? std::string("stdin") : command.file;
  for (const auto& i : t.invalid_shown) std::cerr << fmt::format("{}:{}: {}: {}\n", source, i.line, i.input, i.error);
  if (t.invalid > t.invalid_shown.size()) {
    std::cerr << fmt::format("... and {} more invalid lines\n", t.invalid - t.invalid_shown.size());
  }
  std::cout << fmt::format("{}: {} names sent; {} added and queued for a first scan, {} known, {} invalid\n", source,
                           t.names, t.added, t.known, t.invalid);
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cerr << "domainscan import: stopped: " << e.what()
                << "\n(the names sent before are stored: run the same import again to go on; names already known are "
                   "skipped)\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace domainscan::app
