#include "app/commands.hpp"

#include "app/import_command.hpp"
#include "app/keys_command.hpp"
#include "app/scan_command.hpp"
#include "app/services.hpp"
#include "core/errors.hpp"
#include "core/logging.hpp"
#include "core/redact.hpp"
#include "core/settings_sources.hpp"
#include "store/store.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>

namespace domainscan::app {

namespace {

struct Subcommand {
  CLI::App* app;
  std::unique_ptr<SettingFlags> flags;
};

Subcommand add_subcommand(CLI::App& root, const char* name, const char* description) {
  auto* sub = root.add_subcommand(name, description);
  return {sub, std::make_unique<SettingFlags>(*sub)};
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CLI::App root{"domainscan: scans internet domains (DNS, e-mail, TLS, HTTP, registration, reputation) and "
                "keeps watching them"};
  root.set_version_flag("--version", "domainscan 0.1.0");
  root.require_subcommand(1, 1);

  auto serve = add_subcommand(root, "serve", "run api, worker and scheduler in one process (SQLite, embedded bus)");
  auto api = add_subcommand(root, "api", "run the REST gateway alone (distributed mode: RabbitMQ, PostgreSQL)");
  auto worker = add_subcommand(root, "worker", "run a scanning worker alone (distributed mode)");
  auto scheduler = add_subcommand(root, "scheduler", "run the scheduling service alone (distributed mode)");
  auto scan = add_subcommand(root, "scan", "scan domains once and print the results (no database, no bus)");
  auto migrate = add_subcommand(root, "migrate", "apply the database migrations and exit");
  auto keys = add_subcommand(root, "keys", "manage API keys (create, list, revoke) in the database --db names");
  keys.app->require_subcommand(1, 1);
  KeysCommand keys_command;
  auto* keys_create = keys.app->add_subcommand("create", "create a key and print it (once)");
  keys_create->add_option("--name", keys_command.name, "the key's name, e.g. ci or alice")->required();
  keys_create->add_option("--scope", keys_command.scope, "read (GET), write (also change domains), admin (also webhooks)")
      ->required()
      ->check(CLI::IsMember({"read", "write", "admin"}));
  auto* keys_list = keys.app->add_subcommand("list", "list the keys: name, scope, prefix, created, last used");
  auto* keys_revoke = keys.app->add_subcommand("revoke", "delete a key: it stops working within seconds");
  keys_revoke->add_option("name", keys_command.name, "the key's name")->required();
  // The settings (--db, --config, ...) may come after the action too.
  for (auto* sub : {keys_create, keys_list, keys_revoke}) sub->fallthrough();

  auto import = add_subcommand(root, "import",
                               "send a list of domain names (a file, a name a line, or - for stdin) to a running api");
  ImportCommand import_command;
  import.app->add_option("file", import_command.file, "the list: a domain name a line (# comments and blank lines "
                                                      "are skipped), or - for stdin")
      ->required();
  import.app->add_option("--api-url", import_command.api_url,
                         "the api, e.g. https://scanner.example.com (default: http:// and --listen); the key, if "
                         "one is needed, from the environment: DOMAINSCAN_API_KEY");
  import.app->add_option("--batch", import_command.batch, "names a request (default 1000; at most --bulk-max)")
      ->check(CLI::Range(1, 1'000'000));
  import.app->add_option("--cron", import_command.cron, "a schedule for the new domains, e.g. \"0 3 * * *\"");
  import.app->add_option("--timezone", import_command.timezone, "the schedule's time zone (default UTC)");

  std::vector<std::string> scan_domains;
  std::string scan_format = "text";
  scan.app->add_option("domains", scan_domains, "domain names or URLs to scan")->required();
  scan.app->add_option("--format", scan_format, "output: text or json")->check(CLI::IsMember({"text", "json"}));

  try {
    root.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return root.exit(e);
  }

  Subcommand* chosen = nullptr;
  for (auto* s : {&serve, &api, &worker, &scheduler, &scan, &migrate, &keys, &import}) {
    if (s->app->parsed()) chosen = s;
  }

  Settings settings;
  try {
    settings = chosen->flags->resolve([](const char* name) { return std::getenv(name); });
    init_logging(settings.log_level, settings.log_format == "json" ? LogFormat::json : LogFormat::text);
  } catch (const ValidationError& e) {
    std::cerr << "domainscan: " << e.what() << "\n";
    return 2;
  }

  try {
    if (chosen == &serve) return run_services(settings, {true, true, true});
    if (chosen == &api) return run_services(settings, {true, false, false});
    if (chosen == &worker) return run_services(settings, {false, true, false});
    if (chosen == &scheduler) return run_services(settings, {false, false, true});
    if (chosen == &scan) {
      return run_scan_command(settings, scan_domains, scan_format == "json" ? OutputFormat::json : OutputFormat::text);
    }
    if (chosen == &import) return run_import_command(settings, import_command);
    if (chosen == &keys) {
      keys_command.action = keys_create->parsed()   ? KeysCommand::Action::create
                            : keys_revoke->parsed() ? KeysCommand::Action::revoke
                                                    : KeysCommand::Action::list;
      return run_keys_command(settings, keys_command);
    }
    store::open_store(settings.db, 1);  // migrates
    std::cout << "database " << without_password(settings.db) << " is up to date\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "domainscan: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace domainscan::app
