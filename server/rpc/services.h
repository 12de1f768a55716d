// The gRPC services of podium.v1 (callback API), adapting requests to the
// live competition's writer, hub and tokens. Reactors never block: writes
// and queries are handed to the single writer, whose answer finishes the call.
#ifndef PODIUM_SERVER_RPC_SERVICES_H_
#define PODIUM_SERVER_RPC_SERVICES_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <vector>

#include "server/core/live_competition.h"

namespace podium::server {

class StandingsEncoder;

// Owns the service implementations; register them with a grpc::ServerBuilder.
class RpcServices final {
 public:
  explicit RpcServices(LiveCompetition& live);
  ~RpcServices();

  std::vector<grpc::Service*> services() const;
  // Live WatchStandings streams.
  std::size_t watchers() const;

 private:
  std::shared_ptr<StandingsEncoder> encoder_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_RPC_SERVICES_H_
