// The gRPC services of podium.v1 (callback API): thin adapters to the Api.
// Reactors never block: writes and queries are handed to the single writer,
// whose answer finishes the call.
#ifndef PODIUM_SERVER_RPC_SERVICES_H_
#define PODIUM_SERVER_RPC_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "server/rpc/api.h"

namespace podium::server {

// Owns the service implementations; register them with a grpc::ServerBuilder.
class RpcServices final {
 public:
  explicit RpcServices(Api& api);  // `api` must outlive the services
  ~RpcServices();

  std::vector<grpc::Service*> services() const;

 private:
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_RPC_SERVICES_H_
