// POST /api/v1/domains/bulk: many names in one request (api/bulk_request.hpp for the body).
// Stored in batches, a transaction each, and each batch's scans published at once through
// the outbox: an accepted name is never lost, and a request cut short (the database or the
// process gone) can be sent again as it was, since names already stored count as known.
#include "api/bulk_request.hpp"
#include "api/route_helpers.hpp"
#include "api/routes.hpp"
#include "bus/messages.hpp"
#include "bus/topology.hpp"
#include "outbox/outbox.hpp"

#include <spdlog/spdlog.h>

namespace domainscan::api {
namespace {

namespace json = boost::json;

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

json::object invalid_view(const BulkInvalid& invalid, bool lines) {
  return {{lines ? "line" : "index", invalid.position}, {"input", invalid.input}, {"error", invalid.error}};
}

boost::asio::awaitable<Response> add_bulk(ApiContext& ctx, const RouteRequest& req) {
  const auto bulk = parse_bulk_request(req.request, ctx.names, ctx.bulk_max);
  std::size_t added = 0;
  std::size_t known = 0;
  for (std::size_t start = 0; start < bulk.names.size(); start += kBatch) {
    const auto end = std::min(bulk.names.size(), start + kBatch);
    const std::vector<std::string> batch(bulk.names.begin() + static_cast<std::ptrdiff_t>(start),
                                         bulk.names.begin() + static_cast<std::ptrdiff_t>(end));
    const auto stored =
        co_await ctx.db.run([&] { return ctx.store.add_domains(batch, bulk.schedule, store::ScanTrigger::api); });
    added += stored.added.size();
    known += stored.known;
    co_await outbox::publish_scans(ctx.store, ctx.db, ctx.bus, stored.added, ctx.confirms);
    if (bulk.schedule && !stored.added.empty()) co_await announce_schedules(ctx, stored.added, *bulk.schedule);
  }
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
