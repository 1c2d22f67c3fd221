#include "app/keys_command.hpp"

#include "auth/api_key.hpp"
#include "core/time_format.hpp"
#include "store/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

namespace domainscan::app {

namespace {

bool valid_name(const std::string& name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.';
  });
}

int create(store::Store& store, const KeysCommand& command) {
  if (!valid_name(command.name)) {
    std::cerr << "domainscan: a key's name is 1 to 64 letters, digits, '.', '-' or '_'\n";
    return 2;
  }
  const auto scope = auth::scope_from(command.scope);
  if (!scope) {
    std::cerr << "domainscan: --scope must be read, write or admin\n";
    return 2;
  }
  const auto key = auth::new_api_key();
  const store::ApiKey row{command.name, std::string(auth::to_string(*scope)), auth::api_key_prefix(key),
                          auth::api_key_hash(key), now_ms(), std::nullopt};
  if (!store.create_api_key(row)) {
    std::cerr << "domainscan: a key named '" << command.name << "' exists; revoke it first or choose another name\n";
    return 2;
  }
  // The key on stdout alone (for scripts); what to do with it on stderr.
  std::cout << key << "\n";
  std::cerr << fmt::format("created the {} key '{}'. It is shown this once: keep it where secrets go. "
                           "Clients send it as 'Authorization: Bearer {}...'.\n",
                           row.scope, row.name, row.prefix);
  return 0;
}

int list(store::Store& store) {
  const auto keys = store.list_api_keys();
  std::cout << fmt::format("{:<24} {:<6} {:<10} {:<25} {}\n", "NAME", "SCOPE", "PREFIX", "CREATED", "LAST USED");
  for (const auto& k : keys) {
    std::cout << fmt::format("{:<24} {:<6} {:<10} {:<25} {}\n", k.name, k.scope, k.prefix, to_rfc3339(k.created_at),
                             k.last_used_at ? to_rfc3339(*k.last_used_at) : "never");
  }
  return 0;
}

int revoke(store::Store& store, const KeysCommand& command) {
  if (!store.revoke_api_key(command.name)) {
    std::cerr << "domainscan: no key named '" << command.name << "'\n";
    return 2;
  }
  std::cerr << "revoked the key '" << command.name << "': it stops working within seconds\n";
  return 0;
}

}  // namespace

int run_keys_command(const Settings& settings, const KeysCommand& command) {
  auto store = store::open_store(settings.db, 1);
  switch (command.action) {
    case KeysCommand::Action::create: return create(*store, command);
    case KeysCommand::Action::list: return list(*store);
    case KeysCommand::Action::revoke: return revoke(*store, command);
  }
  return 2;
}

}  // namespace domainscan::app
