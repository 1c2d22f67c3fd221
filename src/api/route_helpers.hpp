#pragma once
// Pieces shared by the route groups: reading request bodies and parameters, and queueing
// a scan on the bus.
#include "api/api_context.hpp"
#include "api/router.hpp"

#include <boost/json/object.hpp>

namespace domainscan::api {

// application/json, or an application/...+json type (parameters such as charset aside).
bool is_json_media_type(std::string_view content_type);
// The body as a JSON object; HttpError 415 unless it is sent as JSON (is_json_media_type),
// 400 if it is empty, not JSON, or not an object.
boost::json::object json_body(const RouteRequest& req);
// An optional schedule object {"cron", "timezone"} as validated store::Schedule.
std::optional<store::Schedule> schedule_from(const boost::json::value* value);
// The {domain} path segment, normalised; ValidationError (400) when it is no domain name.
std::string domain_param(const RouteRequest& req, const ApiContext& ctx);
// A query parameter as an integer in [min, max], or fallback when absent.
long int_param(const RouteRequest& req, const std::string& name, long min, long max, long fallback);

// The read routes' cache (api/read_cache.hpp), or a miss that keeps nothing when the
// context has none. Look up before reading the database; keep the answer made after.
ReadCache::Lookup find_cached(ApiContext& ctx, const std::string& key);
void keep_cached(ApiContext& ctx, const std::string& key, const ReadCache::Lookup& at, const Response& answer,
                 Lifetime lifetime = Lifetime::until_any_change);
// A route that deletes calls this right after: the store's counters see other writes at
// once, but PostgreSQL's deletions counter hears this process's own deletion only when the
// notification comes back, and the client's next read must not wait for that.
void forget_cached(ApiContext& ctx);

// Tells the scheduler that a domain's schedule was stored (upsert) or removed (delete):
// schedule.requested. The schedule row is already committed without next_run_at; the
// scheduler computes that, on this message or, if the message is lost (bus down, logged),
// on its next round, which looks for schedules without one.
boost::asio::awaitable<void> announce_schedule(ApiContext& ctx, const std::string& domain,
                                               const std::optional<store::Schedule>& schedule);

// Adds the domain as Store::add_domain does, in a batch with the adds of other requests
// (api/add_batcher.hpp).
boost::asio::awaitable<store::AddDomainResult> add_domain(ApiContext& ctx, const std::string& name,
                                                          const std::optional<store::Schedule>& schedule,
                                                          store::ScanTrigger trigger);

// Publishes scan.requested through the outbox, in a batch with other requests'
// (outbox/scan_publisher.hpp); with ctx.after_answer, once the request is answered
// (outbox/background_publisher.hpp). A bus failure is logged,
// not raised: the scan row is stored and queued, and the sweeper publishes it later.
boost::asio::awaitable<void> publish_scan_request(ApiContext& ctx, std::int64_t scan_id, const std::string& domain,
                                                  store::ScanTrigger trigger);

}  // namespace domainscan::api
