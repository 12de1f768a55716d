// MetricsEndpoint: Prometheus-style metrics of a live competition over HTTP
// (GET /metrics), on its own small listener thread. The browser gateway will
// serve the same text; this keeps monitoring independent of it.
#ifndef PODIUM_SERVER_GATEWAY_METRICS_ENDPOINT_H_
#define PODIUM_SERVER_GATEWAY_METRICS_ENDPOINT_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "podium/status.h"
#include "server/core/live_competition.h"

namespace podium::server {

// The metrics text (Prometheus exposition format 0.0.4). `watchers`: live
// WatchStandings streams.
std::string MetricsText(LiveCompetition& live, std::size_t watchers);

class MetricsEndpoint final {
 public:
  // Listens on `address` ("127.0.0.1:0" for any free port).
  // Errors: kUnavailable if it cannot bind; kInvalidArgument for a bad address.
  static StatusOr<std::unique_ptr<MetricsEndpoint>> Start(const std::string& address,
                                                          std::function<std::string()> metrics);
  ~MetricsEndpoint();  // stops the listener

  int port() const { return port_; }

 private:
  struct State;
  MetricsEndpoint() = default;

  std::unique_ptr<State> state_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace podium::server

#endif  // PODIUM_SERVER_GATEWAY_METRICS_ENDPOINT_H_
