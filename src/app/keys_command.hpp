#pragma once
// `domainscan keys create|list|revoke`: API keys in the database the --db setting names.
#include "core/settings.hpp"

#include <string>

namespace domainscan::app {

struct KeysCommand {
  enum class Action { create, list, revoke } action = Action::list;
  std::string name;
  std::string scope;
};

// Exit status: 0 done, 1 the database failed, 2 bad input (a name taken or unknown, a bad scope).
int run_keys_command(const Settings& settings, const KeysCommand& command);

}  // namespace domainscan::app
