// RpcServer: the gRPC server of a live competition, with health checking and
// server reflection (so grpcurl-style tools work), message size limits and
// optional TLS.
#ifndef PODIUM_SERVER_RPC_RPC_SERVER_H_
#define PODIUM_SERVER_RPC_RPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "podium/status.h"
#include "server/rpc/services.h"

namespace podium::server {

struct RpcServerOptions {
  std::string address = "127.0.0.1:0";  // port 0: any free port (see port())
  std::string tls_cert_file;            // both set: TLS; both empty: plaintext
  std::string tls_key_file;
  int max_message_bytes = 4 << 20;
};

class RpcServer final {
 public:
  // Errors: kInvalidArgument for half a TLS configuration or unreadable
  // certificate files; kUnavailable if the address cannot be bound.
  // `api` must outlive the server.
  static StatusOr<std::unique_ptr<RpcServer>> Start(Api& api, const RpcServerOptions& options);
  ~RpcServer();

  int port() const { return port_; }
  // Stops accepting calls and cancels the live ones.
  void Shutdown();

 private:
  RpcServer() = default;

  std::unique_ptr<RpcServices> services_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_RPC_RPC_SERVER_H_
