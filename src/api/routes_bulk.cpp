// POST /api/v1/domains/bulk: many names in one request (api/bulk_request.hpp for the body).
// Stored in batches, a transaction each, and each batch's scans published at once through
// the outbox: an accepted name is never lost, and a request cut short (the database or the
// process gone) can be sent again as it was, since names already stored count as known.
// A batch is stored while the one before it is published (the database and the broker each
// wait on their disk): at most two batches in hand, and the answer once the last is published.
#include "api/bulk_request.hpp"
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "outbox/outbox.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <spdlog/spdlog.h>

namespace domainscan::api {
namespace {

namespace json = boost::json;
using namespace boost::asio::experimental::awaitable_operators;

// Names a transaction, and scan requests a publish.
constexpr std::size_t kBatch = 1000;
// Invalid entries listed in the answer (all are counted).
constexpr std::size_t kMaxListedInvalid = 1000;

// schedule.requested for each new domain with a schedule, in one publish. Lost messages
// are logged: the scheduler plans schedules without a next run on its next round anyway.
boost::asio::awaitable<void> announce_schedules(ApiContext& ctx, const std::vector<store::ScanRef>& added,
                                                const store::Schedule& schedule) {
  std::vector<bus::Message> messages;
  for (const auto& ref : added) {
    messages.push_back(
        {bus::kScheduleRequested, bus::to_json(bus::ScheduleRequested{ref.domain, "upsert", schedule.cron, schedule.timezone}), 1});
  }
  const auto taken = co_await ctx.bus.publish_many(std::move(messages));
  const auto lost = static_cast<std::size_t>(std::count(taken.begin(), taken.end(), false));
  if (lost > 0) {
    spdlog::warn("api: {} schedules are stored but schedule.requested was not published; the scheduler plans them on "
                 "its next round",
                 lost);
  }
}

boost::asio::awaitable<store::AddDomainsResult> store_batch(ApiContext& ctx, const std::vector<std::string>& names,
                                                           const std::optional<store::Schedule>& schedule) {
  co_return co_await ctx.db.run([&] { return ctx.store.add_domains(names, schedule, store::ScanTrigger::api); });
}

// The batch's scan requests through the outbox (a scan not confirmed is the sweeper's), and
// its schedules.
boost::asio::awaitable<void> publish_batch(ApiContext& ctx, const std::vector<store::ScanRef>& added,
                                           const std::optional<store::Schedule>& schedule) {
  co_await outbox::publish_scans(ctx.store, ctx.db, ctx.bus, added, ctx.confirms);
  if (schedule) co_await announce_schedules(ctx, added, *schedule);
}

json::object invalid_view(const BulkInvalid& invalid, bool lines) {
  return {{lines ? "line" : "index", invalid.position}, {"input", invalid.input}, {"error", invalid.error}};
}

boost::asio::awaitable<Response> add_bulk(ApiContext& ctx, const RouteRequest& req) {
  const auto bulk = parse_bulk_request(req.request, ctx.names, ctx.bulk_max);
  std::size_t added = 0;
  std::size_t known = 0;
  std::vector<store::ScanRef> stored_before;  // the batch before, stored, to publish
  for (std::size_t start = 0; start < bulk.names.size(); start += kBatch) {
    const auto end = std::min(bulk.names.size(), start + kBatch);
    const std::vector<std::string> batch(bulk.names.begin() + static_cast<std::ptrdiff_t>(start),
                                         bulk.names.begin() + static_cast<std::ptrdiff_t>(end));
    // Named locals, not temporaries, in a co_await (GCC 12 destroys those twice). Both run to
    // their end even when one throws (a parallel group waits for all its operations).
    auto store_this = store_batch(ctx, batch, bulk.schedule);
    store::AddDomainsResult stored;
    if (stored_before.empty()) {
      stored = co_await std::move(store_this);
    } else {
      auto publish_before = publish_batch(ctx, stored_before, bulk.schedule);
      auto both = std::move(store_this) && std::move(publish_before);
      stored = co_await std::move(both);
    }
    added += stored.added.size();
    known += stored.known;
    stored_before = std::move(stored.added);
  }
  if (!stored_before.empty()) co_await publish_batch(ctx, stored_before, bulk.schedule);
  // The request cost one scan; each scan past the first is charged now.
  req.charge_more_scans(added > 1 ? added - 1 : 0);

  json::array invalid;
  for (std::size_t i = 0; i < bulk.invalid.size() && i < kMaxListedInvalid; ++i) {
    invalid.push_back(invalid_view(bulk.invalid[i], bulk.lines));
  }
  const json::object body{{"added", added},
                          {"known", known},
                          {"queued", added},  // one first scan per new domain; known ones are left alone
                          {"invalid", std::move(invalid)},
                          {"invalid_count", bulk.invalid.size()}};
  co_return json_response(added > 0 ? http::status::accepted : http::status::ok, body);
}

}  // namespace

void add_bulk_routes(Router& router, ApiContext& ctx) {
  // A name is at most 253 octets, and JSON may escape each character of it: room for that.
  const std::size_t max_body = std::max<std::size_t>(1024 * 1024, ctx.bulk_max * 512);
  router.add(http::verb::post, "/api/v1/domains/bulk", Access::write,
             [&ctx](const RouteRequest& r) { return add_bulk(ctx, r); }, Cost::scan, max_body);
}

}  // namespace domainscan::api
