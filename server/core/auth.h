// Who is calling: tokens and the principals they stand for. Tokens are
// random secrets shown once when issued; only their SHA-256 hashes are kept.
#ifndef PODIUM_SERVER_CORE_AUTH_H_
#define PODIUM_SERVER_CORE_AUTH_H_

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "podium/engine/competition.h"
#include "podium/status.h"

namespace podium::server {

class Ledger;

// The roles, numbered as podium.v1.Role.
enum class Role { kJudge = 1, kChiefJudge = 2, kDisplay = 3, kOrganizer = 4 };

std::string_view RoleName(Role role);

struct Principal {
  Role role = Role::kDisplay;
  std::string actor;  // judge id, or the token's label
  int judge = -1;     // competition judge index for judges and chief judges
};

// SHA-256 of a token, 32 raw bytes.
std::string HashToken(std::string_view token);
// A new random token: 32 characters of base32 (160 bits).
std::string NewToken();

// Thread-safe. Tokens are looked up by hash and compared in constant time.
class TokenStore final {
 public:
  // Loads the tokens of `ledger`; judges' tokens must name a judge of
  // `competition`. Errors: kDataLoss naming a token whose judge is unknown.
  static StatusOr<std::unique_ptr<TokenStore>> Load(const Ledger& ledger,
                                                    const engine::Competition& competition);

  // Errors: kUnauthenticated for a missing, unknown or revoked token.
  StatusOr<Principal> Authenticate(std::string_view token) const;

 private:
  struct Entry {
    std::string hash;
    Principal principal;
    bool revoked = false;
  };
  std::map<std::string, Entry> by_hash_;  // immutable after Load
};

// Issues tokens into `ledger`: one per judge and chief judge of
// `competition`, plus `displays` display and `organizers` organizer tokens.
// Returns (role, subject, name, token) rows for printing; tokens are shown
// only now. Existing tokens for the same subjects are replaced.
struct IssuedToken {
  Role role;
  std::string subject;
  std::string name;
  std::string token;
};
StatusOr<std::vector<IssuedToken>> IssueTokens(Ledger& ledger,
                                               const engine::Competition& competition, int displays,
                                               int organizers, std::int64_t now_ms);

}  // namespace podium::server

#endif  // PODIUM_SERVER_CORE_AUTH_H_
