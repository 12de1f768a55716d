#include "server/core/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "podium/check.h"
#include "server/ledger/ledger.h"

namespace podium::server {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kJudge:
      return "judge";
    case Role::kChiefJudge:
      return "chief judge";
    case Role::kDisplay:
      return "display";
    case Role::kOrganizer:
      return "organizer";
  }
  return "unknown";
}

std::string HashToken(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  PODIUM_CHECK(EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr) == 1);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string NewToken() {
  constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  unsigned char bytes[20];
  PODIUM_CHECK(RAND_bytes(bytes, sizeof bytes) == 1);
  std::string token;
  // 160 bits as 32 base32 characters, 5 bits each.
  std::uint64_t buffer = 0;
  int bits = 0;
  for (const unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      token.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return token;
}

StatusOr<std::unique_ptr<TokenStore>> TokenStore::Load(const Ledger& ledger,
                                                       const engine::Competition& competition) {
  PODIUM_ASSIGN_OR_RETURN(const std::vector<TokenRecord> tokens, ledger.Tokens());
  auto store = std::make_unique<TokenStore>();
  for (const TokenRecord& t : tokens) {
    Entry entry{.hash = t.hash, .revoked = t.revoked};
    if (t.role < 1 || t.role > 4) {
      return DataLossError(ledger.file().string() + ": token for '" + t.subject +
                           "' has unknown role " + std::to_string(t.role));
    }
    entry.principal.role = static_cast<Role>(t.role);
    entry.principal.actor = t.subject;
    if (entry.principal.role == Role::kJudge || entry.principal.role == Role::kChiefJudge) {
      auto judge = competition.FindJudge(t.subject);
      if (!judge.ok()) {
        return DataLossError(ledger.file().string() + ": token for judge '" + t.subject +
                             "', who is not in the competition's judges");
      }
      entry.principal.judge = *judge;
    }
    store->by_hash_[t.hash] = std::move(entry);
  }
  return store;
}

StatusOr<Principal> TokenStore::Authenticate(std::string_view token) const {
  if (token.empty()) {
    return Status(StatusCode::kUnauthenticated,
                  "no token: send metadata 'authorization: Bearer <token>'");
  }
  const std::string hash = HashToken(token);
  const auto it = by_hash_.find(hash);
  // The map finds the candidate; the hashes are compared in constant time.
  if (it == by_hash_.end() ||
      CRYPTO_memcmp(it->second.hash.data(), hash.data(), hash.size()) != 0) {
    return Status(StatusCode::kUnauthenticated, "unknown token");
  }
  if (it->second.revoked) return Status(StatusCode::kUnauthenticated, "token revoked");
  return it->second.principal;
}

StatusOr<std::vector<IssuedToken>> IssueTokens(Ledger& ledger,
                                               const engine::Competition& competition, int displays,
                                               int organizers, std::int64_t now_ms) {
  std::vector<IssuedToken> issued;
  for (int j = 0; j < competition.num_judges(); ++j) {
    const engine::Judge& judge = competition.judge(j);
    const Role role = judge.role == engine::JudgeRole::kChief ? Role::kChiefJudge : Role::kJudge;
    issued.push_back({role, judge.id, judge.name, NewToken()});
  }
  for (int d = 1; d <= displays; ++d) {
    issued.push_back(
        {Role::kDisplay, "display-" + std::to_string(d), "大屏 " + std::to_string(d), NewToken()});
  }
  for (int o = 1; o <= organizers; ++o) {
    issued.push_back({Role::kOrganizer, "organizer-" + std::to_string(o),
                      "组委会 " + std::to_string(o), NewToken()});
  }
  for (const IssuedToken& t : issued) {
    // A new token for a subject revokes the old ones.
    const Status revoked = ledger.RevokeToken(t.subject);
    if (!revoked.ok() && revoked.code() != StatusCode::kNotFound) return revoked;
    PODIUM_RETURN_IF_ERROR(ledger.PutToken({.hash = HashToken(t.token),
                                            .role = static_cast<int>(t.role),
                                            .subject = t.subject,
                                            .created_ms = now_ms}));
  }
  return issued;
}

}  // namespace podium::server
