// Command-line arguments of `podium`: "--name value" options and positional
// arguments, and the usage text every command refers to.
#ifndef PODIUM_SERVER_CLI_ARGS_H_
#define PODIUM_SERVER_CLI_ARGS_H_

#include <initializer_list>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/status.h"

namespace podium::cli {

extern const char kUsage[];

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> options;

  std::optional<std::string> Get(const std::string& name) const {
    const auto it = options.find(name);
    if (it == options.end()) return std::nullopt;
    return it->second;
  }
};

// Parses args[first..]: options in `known` take a value ("--db FILE" or
// "--db=FILE"); `flags` take none and read "true" when given.
// Errors: kInvalidArgument for an option in neither list, or without a value.
StatusOr<Args> ParseArgs(const std::vector<std::string>& args, size_t first,
                         std::initializer_list<std::string_view> known,
                         std::initializer_list<std::string_view> flags = {});

// A whole number option in [min, max], or `fallback` if absent. Errors:
// kInvalidArgument naming the option and its range.
StatusOr<long long> IntOption(const Args& args, const std::string& name, long long min,
                              long long max, long long fallback);

void PrintProblems(const std::vector<engine::Problem>& problems, std::ostream& err);

}  // namespace podium::cli

#endif  // PODIUM_SERVER_CLI_ARGS_H_
