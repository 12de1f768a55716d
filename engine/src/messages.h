// Pieces of error messages shared by the engine's validators.
#ifndef PODIUM_ENGINE_SRC_MESSAGES_H_
#define PODIUM_ENGINE_SRC_MESSAGES_H_

#include <string>
#include <string_view>

namespace podium::engine {

// 'text', as messages quote ids and values.
inline std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

// 90, 99.5: a number without the trailing zeros std::to_string writes.
inline std::string FormatNumber(double x) {
  std::string s = std::to_string(x);
  s.erase(s.find_last_not_of('0') + 1);
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace podium::engine

#endif  // PODIUM_ENGINE_SRC_MESSAGES_H_
