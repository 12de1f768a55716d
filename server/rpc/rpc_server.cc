#include "server/rpc/rpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace podium::server {

namespace {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

StatusOr<std::unique_ptr<RpcServer>> RpcServer::Start(Api& api, const RpcServerOptions& options) {
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgumentError("TLS needs both a certificate file and a key file");
  }
  if (!options.tls_cert_file.empty()) {
    PODIUM_ASSIGN_OR_RETURN(const std::string cert, ReadFile(options.tls_cert_file));
    PODIUM_ASSIGN_OR_RETURN(const std::string key, ReadFile(options.tls_key_file));
    grpc::SslServerCredentialsOptions ssl;
    ssl.pem_key_cert_pairs.push_back({key, cert});
    credentials = grpc::SslServerCredentials(ssl);
  }
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<RpcServer> server(new RpcServer());
  server->services_ = std::make_unique<RpcServices>(api);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.address, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(std::max(options.max_message_bytes, 64 << 20));
  for (grpc::Service* service : server->services_->services()) builder.RegisterService(service);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return UnavailableError("cannot listen on " + options.address);
  }
  return server;
}

RpcServer::~RpcServer() { Shutdown(); }

void RpcServer::Shutdown() {
  if (server_ == nullptr) return;
  // Give calls in progress a moment, then cancel what is left (watch streams).
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
  server_ = nullptr;
}

}  // namespace podium::server
