// Gateway: the server's HTTP/1.1 port for browsers (Boost.Beast). It serves
// the pages and their assets from the web directory, the JSON API (protobuf's
// JSON mapping of podium.v1, through the same Api as gRPC) at
// POST /api/v1/<Service>/<Method>, and standings over WebSocket at
// /api/v1/watch; over TLS (https://, wss://) when given a certificate.
// docs/http-api.md is the contract.
#ifndef PODIUM_SERVER_GATEWAY_GATEWAY_H_
#define PODIUM_SERVER_GATEWAY_GATEWAY_H_

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "podium/status.h"
#include "server/rpc/api.h"

namespace podium::server {

struct GatewayOptions {
  std::string address = "127.0.0.1:0";  // port 0: any free port (see port())
  std::filesystem::path web_dir;        // the pages; empty: the source tree's web/
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
  std::size_t max_header_bytes = 8 << 10;
  std::size_t max_connections = 2000;
  std::chrono::seconds idle_timeout{30};
  std::chrono::seconds heartbeat{10};
  // Both set: the port speaks only TLS 1.2+ (https://, wss://) with this PEM
  // certificate chain and unencrypted PEM key (see MakeServerTlsContext);
  // both empty: plain HTTP.
  std::string tls_cert_file;
  std::string tls_key_file;
  // Connection problems worth an operator's eye (a failed TLS handshake, plain
  // HTTP on the TLS port), one line each, never a token or request content.
  // Called from the gateway's threads, so it must be thread-safe; empty: none.
  std::function<void(const std::string& line)> log;
};

// Starts on construction (Start) and stops in the destructor: it stops
// accepting, closes every connection and joins its threads.
class Gateway final {
 public:
  // `api` must outlive the gateway. Errors: kInvalidArgument for a bad
  // address, a missing web directory, or a TLS certificate or key that cannot
  // be used (the message names the file); kUnavailable if it cannot listen.
  static StatusOr<std::unique_ptr<Gateway>> Start(Api& api, const GatewayOptions& options);
  ~Gateway();

  int port() const;

  struct Impl;

 private:
  Gateway() = default;
  std::unique_ptr<Impl> impl_;
};

// The HTTP status that stands for a podium status code (one mapping).
int HttpStatusOf(StatusCode code);

}  // namespace podium::server

#endif  // PODIUM_SERVER_GATEWAY_GATEWAY_H_
