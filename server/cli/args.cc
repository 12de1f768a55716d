#include "server/cli/args.h"

#include <algorithm>
#include <charconv>

namespace podium::cli {

StatusOr<Args> ParseArgs(const std::vector<std::string>& args, size_t first,
                         std::initializer_list<std::string_view> known,
                         std::initializer_list<std::string_view> flags) {
  Args parsed;
  for (size_t i = first; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0) {
      parsed.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      parsed.options[name] = "true";
      continue;
    }
    std::string value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return InvalidArgumentError("option --" + name + " needs a value");
    }
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidArgumentError("unknown option --" + name);
    }
    parsed.options[name] = value;
  }
  return parsed;
}

StatusOr<long long> IntOption(const Args& args, const std::string& name, long long min,
                              long long max, long long fallback) {
  const auto text = args.Get(name);
  if (!text) return fallback;
  long long value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return InvalidArgumentError("--" + name + " must be a whole number in [" + std::to_string(min) +
                                ", " + std::to_string(max) + "]");
  }
  return value;
}

void PrintProblems(const std::vector<engine::Problem>& problems, std::ostream& err) {
  for (const engine::Problem& p : problems) err << p.ToString() << "\n";
}

}  // namespace podium::cli
