#include "server/gateway/metrics_endpoint.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/auth.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using ::podium::test::DataDir;
using ::podium::test::IsOk;
using ::podium::test::TempDir;
using ::testing::HasSubstr;

// GET `target` from 127.0.0.1:`port`.
std::pair<int, std::string> Get(int port, const std::string& target) {
  net::io_context io;
  net::ip::tcp::socket socket(io);
  boost::system::error_code ec;
  socket.connect({net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
  if (ec) return {0, ec.message()};
  http::request<http::empty_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "127.0.0.1");
  http::write(socket, request, ec);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response, ec);
  return {static_cast<int>(response.result_int()), response.body()};
}

TEST(MetricsEndpointTest, ServesTheWritersCountersAndNothingElse) {
  TempDir tmp;
  auto live = LiveCompetition::Open(DataDir() / "mine-rescue-2026", tmp.path() / "contest.db", {});
  ASSERT_THAT(live, IsOk());
  // One accepted and one refused command, so the counters have something to say.
  std::promise<void> answered;
  int answers = 0;
  auto done = [&](const CommandResult&) {
    if (++answers == 2) answered.set_value();
  };
  const Principal judge{
      .role = Role::kJudge, .actor = "P01", .judge = *(*live)->competition().FindJudge("P01")};
  (*live)->writer().Submit({.kind = CommandKind::kMark,
                            .idempotency_key = "a",
                            .bib = "K001",
                            .item = "respirator-bench",
                            .value = 12},
                           judge, done);
  (*live)->writer().Submit({.kind = CommandKind::kMark,
                            .idempotency_key = "b",
                            .bib = "K001",
                            .item = "cpr",
                            .value = 12},
                           judge, done);
  ASSERT_EQ(answered.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);

  LiveCompetition& running = **live;
  auto endpoint =
      MetricsEndpoint::Start("127.0.0.1:0", [&running] { return MetricsText(running, 3); });
  ASSERT_THAT(endpoint, IsOk());
  const auto [code, body] = Get((*endpoint)->port(), "/metrics");
  EXPECT_EQ(code, 200);
  EXPECT_THAT(body, HasSubstr("podium_commands_accepted_total 1\n"));
  EXPECT_THAT(body, HasSubstr("podium_commands_refused_total 1\n"));
  EXPECT_THAT(body, HasSubstr("podium_standings_version 1\n"));
  EXPECT_THAT(body, HasSubstr("podium_watchers 3\n"));
  EXPECT_THAT(body, HasSubstr("podium_ack_latency_seconds_count 2\n"));
  EXPECT_THAT(body, HasSubstr("# TYPE podium_ack_latency_seconds histogram"));
  EXPECT_EQ(Get((*endpoint)->port(), "/").first, 404);
}

TEST(MetricsEndpointTest, ABadAddressIsRefusedWithItsName) {
  EXPECT_THAT(MetricsEndpoint::Start("localhost", [] { return std::string(); }),
              test::StatusIs(StatusCode::kInvalidArgument, HasSubstr("HOST:PORT")));
  EXPECT_THAT(MetricsEndpoint::Start("127.0.0.1:99999", [] { return std::string(); }),
              test::StatusIs(StatusCode::kInvalidArgument, HasSubstr("127.0.0.1:99999")));
}

}  // namespace
}  // namespace podium::server
