#pragma once
// Where settings come from: command-line flags (CLI11), DOMAINSCAN_* environment variables
// and a TOML file (toml++). Flags win over the environment, the environment over the file,
// the file over the defaults. Unknown TOML keys are errors, not silently ignored.
#include "core/settings.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace domainscan {

struct SettingDef {
  const char* key;      // flag name without "--"
  const char* env;      // environment variable
  const char* toml;     // key in the TOML file
  bool repeatable;      // a list: repeat the flag, comma-separate the variable, TOML array
  const char* help;
};

const std::vector<SettingDef>& setting_defs();

using GetEnv = std::function<const char*(const char*)>;

// Registers --config and every setting as a flag of `app`; after app.parse(), resolve()
// merges the three sources into typed Settings.
class SettingFlags {
 public:
  explicit SettingFlags(CLI::App& app);
  Settings resolve(const GetEnv& getenv) const;

 private:
  std::map<std::string, CLI::Option*> options_;
  CLI::Option* config_ = nullptr;
};

RawSettings settings_from_env(const GetEnv& getenv);
RawSettings settings_from_toml_file(const std::string& path);
// Keys present in `higher` replace those of `lower`.
RawSettings merge_settings(RawSettings higher, const RawSettings& lower);

}  // namespace domainscan
