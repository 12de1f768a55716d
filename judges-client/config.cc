#include "judges-client/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace podium::judge {

namespace fs = std::filesystem;

namespace {

fs::path EnvDir(const char* name, const char* fallback_under_home) {
  if (const char* value = std::getenv(name); value != nullptr && *value != '\0') return value;
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : ".") / fallback_under_home;
}

}  // namespace

ClientPaths DefaultPaths() {
  if (const char* home = std::getenv("PODIUM_JUDGE_HOME"); home != nullptr && *home != '\0') {
    return {fs::path(home) / "config.json", fs::path(home) / "outbox.db"};
  }
  return {EnvDir("XDG_CONFIG_HOME", ".config") / "podium-judge" / "config.json",
          EnvDir("XDG_STATE_HOME", ".local/state") / "podium-judge" / "outbox.db"};
}

StatusOr<Login> LoadLogin(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    return FailedPreconditionError(
        "not logged in (no " + file.string() +
        "): run podium-judge login --server HOST:PORT --token TOKEN first");
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("server") || !json.contains("token") ||
      !json["server"].is_string() || !json["token"].is_string()) {
    return InvalidArgumentError(file.string() +
                                " is damaged: log in again with podium-judge login");
  }
  return Login{json["server"], json["token"], json.value("ca_file", ""), json.value("judge", ""),
               json.value("judge_name", "")};
}

Status SaveLogin(const fs::path& file, const Login& login) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (!ec) {
    fs::permissions(file.parent_path(), fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  const std::string text = nlohmann::json{{"server", login.server},
                                          {"token", login.token},
                                          {"ca_file", login.ca_file},
                                          {"judge", login.judge},
                                          {"judge_name", login.judge_name}}
                               .dump(2) +
                           "\n";
  // Created 0600 from the start, and narrowed if it existed with more.
  const int fd = open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return UnavailableError("cannot write " + file.string());
  const bool written = fchmod(fd, 0600) == 0 &&
                       write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = close(fd) == 0;
  if (!written || !closed) return UnavailableError("cannot write " + file.string());
  return OkStatus();
}

}  // namespace podium::judge
