#include "server/gateway/metrics_endpoint.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <sstream>

namespace podium::server {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

std::string MetricsText(LiveCompetition& live, std::size_t watchers) {
  const WriterMetrics& m = live.writer().metrics();
  std::ostringstream out;
  auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " counter\n"
        << name << " " << value << "\n";
  };
  auto gauge = [&](const char* name, const char* help, double value) {
    out << "# HELP " << name << " " << help << "\n# TYPE " << name << " gauge\n"
        << name << " " << value << "\n";
  };
  counter("podium_commands_accepted_total", "Commands accepted and durable.", m.accepted);
  counter("podium_commands_refused_total", "Commands refused (bad input, permissions, state).",
          m.refused);
  counter("podium_commands_duplicate_total", "Retries answered with their original result.",
          m.duplicates);
  counter("podium_ledger_commits_total", "Ledger transactions (group commits).", m.batches);
  gauge("podium_writer_queue_depth", "Commands waiting for the writer.",
        static_cast<double>(m.queue_depth.load()));
  gauge("podium_last_commit_batch_size", "Commands in the last group commit.",
        static_cast<double>(m.last_batch_size.load()));
  gauge("podium_last_commit_seconds", "Duration of the last ledger commit.",
        static_cast<double>(m.last_commit_us.load()) / 1e6);
  gauge("podium_last_recompute_seconds", "Duration of the last standings recompute and publish.",
        static_cast<double>(m.last_recompute_us.load()) / 1e6);
  const PublishedVersion latest = live.hub().latest();
  gauge("podium_standings_version", "Events folded into the published standings.",
        latest.standings ? static_cast<double>(latest.standings->version) : 0.0);
  gauge("podium_watchers", "Live standings streams.", static_cast<double>(watchers));
  out << "# HELP podium_ack_latency_seconds From a command's arrival to its durable answer.\n"
      << "# TYPE podium_ack_latency_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < std::size(WriterMetrics::kLatencyBucketsUs); ++b) {
    cumulative += m.latency_buckets[b];
    out << "podium_ack_latency_seconds_bucket{le=\""
        << static_cast<double>(WriterMetrics::kLatencyBucketsUs[b]) / 1e6 << "\"} " << cumulative
        << "\n";
  }
  cumulative += m.latency_buckets[std::size(WriterMetrics::kLatencyBucketsUs)];
  out << "podium_ack_latency_seconds_bucket{le=\"+Inf\"} " << cumulative << "\n"
      << "podium_ack_latency_seconds_sum " << static_cast<double>(m.latency_sum_us.load()) / 1e6
      << "\npodium_ack_latency_seconds_count " << cumulative << "\n";
  return out.str();
}

struct MetricsEndpoint::State {
  std::atomic<bool> stopping{false};
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::function<std::string()> metrics;
};

StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const std::string& address, std::function<std::string()> metrics) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos) return InvalidArgumentError("address must be HOST:PORT");
  boost::system::error_code ec;
  const auto host = net::ip::make_address(address.substr(0, colon), ec);
  if (ec) return InvalidArgumentError("bad metrics address " + address + ": " + ec.message());
  int port = -1;
  const std::string digits = address.substr(colon + 1);
  const auto [end, parse_error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (parse_error != std::errc() || end != digits.data() + digits.size() || port < 0 ||
      port > 65535) {
    return InvalidArgumentError("bad metrics port in " + address);
  }
  std::unique_ptr<MetricsEndpoint> endpoint(new MetricsEndpoint());
  endpoint->state_ = std::make_unique<State>();
  State& s = *endpoint->state_;
  s.metrics = std::move(metrics);
  const tcp::endpoint at(host, static_cast<unsigned short>(port));
  s.acceptor.open(at.protocol(), ec);
  if (!ec) s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor.bind(at, ec);
  if (!ec) s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + address + ": " + ec.message());
  endpoint->port_ = s.acceptor.local_endpoint().port();
  endpoint->thread_ = std::thread([&s] {
    // One scrape at a time is plenty for a monitoring endpoint.
    while (true) {
      boost::system::error_code error;
      tcp::socket socket(s.io);
      s.acceptor.accept(socket, error);
      if (error || s.stopping) return;
      socket.set_option(tcp::no_delay(true), error);
      boost::beast::flat_buffer buffer;
      http::request_parser<http::empty_body> parser;
      parser.header_limit(8 * 1024);
      http::read(socket, buffer, parser, error);
      if (error) continue;
      const auto& request = parser.get();
      http::response<http::string_body> response;
      response.version(request.version());
      response.keep_alive(false);
      if (request.method() == http::verb::get && request.target() == "/metrics") {
        response.result(http::status::ok);
        response.set(http::field::content_type, "text/plain; version=0.0.4");
        response.body() = s.metrics();
      } else {
        response.result(http::status::not_found);
        response.set(http::field::content_type, "text/plain; charset=utf-8");
        response.body() = "not found: GET /metrics\n";
      }
      response.prepare_payload();
      http::write(socket, response, error);
      socket.shutdown(tcp::socket::shutdown_both, error);
    }
  });
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  // Wake the blocked accept() with a connection of our own, then close.
  state_->stopping = true;
  boost::system::error_code ignored;
  net::io_context io;
  tcp::socket poke(io);
  tcp::endpoint at = state_->acceptor.local_endpoint(ignored);
  if (at.address().is_unspecified()) at.address(net::ip::make_address("127.0.0.1"));
  poke.connect(at, ignored);
  thread_.join();
  state_->acceptor.close(ignored);
}

}  // namespace podium::server
