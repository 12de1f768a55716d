// Where podium-judge keeps its login and its outbox, and the login itself.
#ifndef PODIUM_JUDGES_CLIENT_CONFIG_H_
#define PODIUM_JUDGES_CLIENT_CONFIG_H_

#include <filesystem>
#include <string>

#include "podium/status.h"

namespace podium::judge {

struct ClientPaths {
  std::filesystem::path config;  // the login (server, token): readable by the user alone
  std::filesystem::path outbox;  // the durable queue of marks (SQLite)
};

// $PODIUM_JUDGE_HOME/{config.json,outbox.db} if set (tests, several judges
// on one machine); else $XDG_CONFIG_HOME (~/.config)/podium-judge/config.json
// and $XDG_STATE_HOME (~/.local/state)/podium-judge/outbox.db.
ClientPaths DefaultPaths();

struct Login {
  std::string server;  // host:port of the gRPC API
  std::string token;
  std::string ca_file;  // TLS: the server's CA certificate (PEM); empty: plain
  std::string judge;    // who the token belongs to, as the server said at login
  std::string judge_name;
};

// Errors: kFailedPrecondition "not logged in (podium-judge login ...)" if
// there is no file; kInvalidArgument naming the file if it is damaged.
StatusOr<Login> LoadLogin(const std::filesystem::path& file);

// Writes the file with permissions 0600 (the token is a password), creating
// its directory (0700). Errors: kUnavailable naming the file.
Status SaveLogin(const std::filesystem::path& file, const Login& login);

}  // namespace podium::judge

#endif  // PODIUM_JUDGES_CLIENT_CONFIG_H_
