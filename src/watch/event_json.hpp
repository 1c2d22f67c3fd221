#pragma once
// An event as the API lists it and as a webhook delivery's body carries it:
// {"id", "type", "domain", "created_at", "scan_id", "previous_scan_id", "data"}.
#include "store/model.hpp"

#include <boost/json/object.hpp>

namespace domainscan::watch {

boost::json::object event_json(const store::Event& event);

}  // namespace domainscan::watch
