// The browser gateway, for real: a LiveCompetition over a fresh ledger, the
// Api, and the Gateway on 127.0.0.1 with a free port; clients are Beast
// sockets speaking HTTP/1.1 and WebSocket. Every wait is bounded: client
// operations run on their own io_context for at most kWait.
#include "server/gateway/gateway.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/auth.h"
#include "server/core/live_competition.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"

namespace podium::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using ::podium::test::IsOk;
using ::podium::test::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr auto kWait = 10s;
constexpr char kBench[] = "mine-rescue:practical.respirator-bench";

// Runs `io` until `done` or kWait; false (the operation abandoned) on timeout.
bool RunUntil(net::io_context& io, const bool& done, std::chrono::steady_clock::duration wait) {
  io.restart();
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    if (io.run_one_for(deadline - std::chrono::steady_clock::now()) == 0 && io.stopped()) {
      io.restart();
    }
  }
  return done;
}

struct HttpReply {
  int status = 0;  // 0: no answer (the connection closed or timed out)
  std::string content_type;
  std::string body;
  json Json() const { return json::parse(body, nullptr, /*allow_exceptions=*/false); }
};

// One HTTP/1.1 connection to the gateway.
class HttpClient final {
 public:
  explicit HttpClient(int port) : stream_(io_) {
    bool done = false;
    stream_.async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        [&](beast::error_code ec) {
          connected_ = !ec;
          done = true;
        });
    RunUntil(io_, done, kWait);
  }

  bool connected() const { return connected_; }

  HttpReply Send(http::request<http::string_body> request) {
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    return Exchange([&](auto handler) { http::async_write(stream_, request, handler); });
  }

  // Writes raw bytes (for malformed requests) and reads the answer.
  HttpReply SendRaw(const std::string& bytes) {
    return Exchange([&](auto handler) { net::async_write(stream_, net::buffer(bytes), handler); });
  }

  // True if the server closes the connection within `wait`.
  bool ClosedByServer(std::chrono::steady_clock::duration wait) {
    bool done = false;
    bool closed = false;
    char byte;
    stream_.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) {
      closed = ec == net::error::eof || ec == net::error::connection_reset;
      done = true;
    });
    if (!RunUntil(io_, done, wait)) {
      stream_.cancel();
      RunUntil(io_, done, kWait);
      return false;
    }
    return closed;
  }

 private:
  template <typename Write>
  HttpReply Exchange(Write write) {
    HttpReply reply;
    bool done = false;
    auto response = std::make_shared<http::response<http::string_body>>();
    write([&](beast::error_code ec, std::size_t) {
      if (ec) {
        done = true;
        return;
      }
      http::async_read(stream_, buffer_, *response, [&](beast::error_code ec, std::size_t) {
        if (!ec) {
          reply.status = static_cast<int>(response->result_int());
          reply.content_type = std::string((*response)[http::field::content_type]);
          reply.body = response->body();
        }
        done = true;
      });
    });
    if (!RunUntil(io_, done, kWait)) {
      stream_.cancel();
      RunUntil(io_, done, kWait);
    }
    return reply;
  }

  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

// A WebSocket watch stream.
class WatchClient final {
 public:
  WatchClient(int port, const std::string& target) : ws_(io_) {
    bool done = false;
    ws_.next_layer().async_connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
        [&](beast::error_code ec) {
          if (ec) {
            done = true;
            return;
          }
          ws_.async_handshake("127.0.0.1", target, [&](beast::error_code ec) {
            open_ = !ec;
            done = true;
          });
        });
    RunUntil(io_, done, kWait);
  }

  bool open() const { return open_; }

  // The next message, or nullopt if the stream closed (see close_code()) or
  // nothing came within `wait`.
  std::optional<json> Next(std::chrono::steady_clock::duration wait = kWait) {
    bool done = false;
    std::optional<json> message;
    ws_.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
      if (!ec) {
        message = json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
        buffer_.consume(buffer_.size());
      }
      done = true;
    });
    if (!RunUntil(io_, done, wait)) {
      beast::get_lowest_layer(ws_).cancel();
      RunUntil(io_, done, kWait);
      return std::nullopt;
    }
    return message;
  }

  // Skips heartbeats.
  std::optional<json> NextUpdate() {
    for (int i = 0; i < 10; ++i) {
      auto message = Next();
      if (!message || !message->contains("heartbeat")) return message;
    }
    return std::nullopt;
  }

  int close_code() const { return static_cast<int>(ws_.reason().code); }
  std::string close_reason() const { return std::string(ws_.reason().reason.c_str()); }

 private:
  net::io_context io_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  bool open_ = false;
};

http::request<http::string_body> Post(const std::string& method, const std::string& token,
                                      const json& body) {
  http::request<http::string_body> request(http::verb::post, "/api/v1/" + method, 11);
  if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
  request.set(http::field::content_type, "application/json");
  request.body() = body.dump();
  return request;
}

http::request<http::string_body> Get(const std::string& target) {
  return http::request<http::string_body>(http::verb::get, target, 11);
}

std::uint64_t VersionOf(const json& update) {
  if (update.contains("snapshot")) return std::stoull(update["snapshot"].value("version", "0"));
  return std::stoull(update["delta"].value("to_version", "0"));
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(Start({})); }

  void Start(GatewayOptions options) {
    dir_ = test::DataDir() / "mine-rescue-2026";
    db_ = temp_.path() / "contest.db";
    if (tokens_.empty()) {
      definition::LoadOptions load;
      load.load_marks = false;
      auto loaded = definition::LoadCompetition(dir_, load, nullptr);
      ASSERT_THAT(loaded, IsOk());
      auto ledger = Ledger::Open(db_, loaded->competition->spec().id);
      ASSERT_THAT(ledger, IsOk());
      auto issued = IssueTokens(**ledger, *loaded->competition, 1, 1, SystemNowMs());
      ASSERT_THAT(issued, IsOk());
      for (const IssuedToken& t : *issued) tokens_[t.subject] = t.token;
    }
    LiveOptions live_options;
    live_options.threads = 1;
    auto live = LiveCompetition::Open(dir_, db_, live_options, nullptr);
    ASSERT_THAT(live, IsOk());
    live_ = std::move(*live);
    api_ = std::make_unique<Api>(*live_);
    options.address = "127.0.0.1:0";
    auto gateway = Gateway::Start(*api_, options);
    ASSERT_THAT(gateway, IsOk());
    gateway_ = std::move(*gateway);
    port_ = gateway_->port();
  }

  void Stop() {
    gateway_.reset();
    api_.reset();
    live_.reset();
  }

  void TearDown() override { Stop(); }

  HttpReply Call(const std::string& method, const std::string& who, const json& body) {
    HttpClient client(port_);
    return client.Send(Post(method, who.empty() ? "" : tokens_.at(who), body));
  }

  HttpReply Mark(const std::string& key, const std::string& bib, const std::string& item,
                 double value, const std::string& judge = "P01") {
    return Call("ScoringService/SubmitMark", judge,
                {{"idempotency_key", key},
                 {"bib", bib},
                 {"item", item},
                 {"value", value},
                 {"device", "tablet-7"}});
  }

  std::string WatchTarget(const std::string& who, const std::string& extra = "") {
    return "/api/v1/watch?token=" + tokens_.at(who) + "&trade=mine-rescue" + extra;
  }

  TempDir temp_;
  std::filesystem::path dir_;
  std::filesystem::path db_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<LiveCompetition> live_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Gateway> gateway_;
  int port_ = 0;
};

// --- Pages -------------------------------------------------------------------

TEST_F(GatewayTest, ServesEveryPageAndItsAssetsFromItself) {
  HttpClient client(port_);  // one keep-alive connection for all of them
  for (const char* page : {"/", "/judge", "/chief", "/screen"}) {
    const HttpReply reply = client.Send(Get(page));
    EXPECT_EQ(reply.status, 200) << page;
    EXPECT_EQ(reply.content_type, "text/html; charset=utf-8") << page;
    EXPECT_THAT(reply.body, HasSubstr("<html")) << page;
  }
  const HttpReply script = client.Send(Get("/static/api.js"));
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_THAT(script.body, HasSubstr("Bearer"));
  // The query and the fragment of a page link do not matter.
  EXPECT_EQ(client.Send(Get("/judge?lang=en")).status, 200);
}

TEST_F(GatewayTest, NeverServesAFileOutsideTheWebDirectory) {
  HttpClient client(port_);
  for (const char* target :
       {"/static/../../CMakeLists.txt", "/static/..%2f..%2fCMakeLists.txt", "/../CMakeLists.txt",
        "/static//etc/passwd", "/static/", "/CMakeLists.txt", "/static/nothing.js"}) {
    const HttpReply reply = client.Send(Get(target));
    EXPECT_EQ(reply.status, 404) << target;
    EXPECT_THAT(reply.body, Not(HasSubstr("cmake_minimum_required"))) << target;
  }
}

TEST_F(GatewayTest, PagesAreReadOnly) {
  HttpClient client(port_);
  http::request<http::string_body> request(http::verb::post, "/judge", 11);
  request.body() = "x";
  const HttpReply reply = client.Send(request);
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.Json()["status"], "INVALID_ARGUMENT");
}

// --- JSON API ----------------------------------------------------------------

TEST_F(GatewayTest, AnswersApiCallsInProtobufJson) {
  const HttpReply reply = Call("CompetitionService/GetCompetition", "display-1", json::object());
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json");
  const json competition = reply.Json();
  EXPECT_EQ(competition["id"], "mine-rescue-2026");
  EXPECT_EQ(competition["trades"][0]["id"], "mine-rescue");
}

TEST_F(GatewayTest, AcceptsAMarkAndRecordsItOncePerKey) {
  const HttpReply first = Mark("k-1", "K001", kBench, 12.5);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Json()["state"], "WRITE_STATE_ACCEPTED");
  const std::string sequence = first.Json()["sequence"];
  // The browser resends after a lost answer: the original result, not a second mark.
  const HttpReply again = Mark("k-1", "K001", kBench, 12.5);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.Json()["sequence"], sequence);
  EXPECT_EQ(again.Json()["duplicate"], true);
  EXPECT_EQ(live_->writer().metrics().accepted.load(), 1u);
}

TEST_F(GatewayTest, RefusalsCarryTheHttpStatusAndTheServersMessage) {
  struct Case {
    std::string who;
    json body;
    int status;
    std::string code;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"P01",
       {{"idempotency_key", "a"}, {"bib", "K001"}, {"item", kBench}, {"value", 15.5}},
       400,
       "INVALID_ARGUMENT",
       "mark 15.5 outside [0, 15]"},
      {"P01",
       {{"idempotency_key", "b"}, {"bib", "K999"}, {"item", kBench}, {"value", 10}},
       404,
       "NOT_FOUND",
       "K999"},
      {"P01",
       {{"idempotency_key", "c"}, {"bib", "K001"}, {"item", "cpr"}, {"value", 10}},
       403,
       "PERMISSION_DENIED",
       "cpr"},
      {"", {{"idempotency_key", "d"}}, 401, "UNAUTHENTICATED", "token"},
  };
  for (const Case& c : cases) {
    const HttpReply reply = Call("ScoringService/SubmitMark", c.who, c.body);
    EXPECT_EQ(reply.status, c.status) << c.body.dump() << " -> " << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
    const json error = reply.Json();
    EXPECT_EQ(error["status"], c.code) << reply.body;
    EXPECT_THAT(error["message"].get<std::string>(), HasSubstr(c.message)) << reply.body;
  }
  EXPECT_EQ(live_->writer().metrics().accepted.load(), 0u);
}

TEST_F(GatewayTest, SpeaksTheSameStatusMappingAsTheContract) {
  EXPECT_EQ(HttpStatusOf(StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnauthenticated), 401);
  EXPECT_EQ(HttpStatusOf(StatusCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusOf(StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusOf(StatusCode::kAlreadyExists), 409);
  EXPECT_EQ(HttpStatusOf(StatusCode::kFailedPrecondition), 412);
  EXPECT_EQ(HttpStatusOf(StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusOf(StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusOf(StatusCode::kInternal), 500);
}

TEST_F(GatewayTest, ABadRequestNamesWhatIsWrongAndChangesNothing) {
  HttpClient client(port_);
  auto request = Post("ScoringService/SubmitMark", tokens_.at("P01"), json::object());
  request.body() = R"({"idempotency_key": "x", "bib": "K001", "value": )";  // truncated
  HttpReply reply = client.Send(request);
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("podium.v1.SubmitMarkRequest"));

  request.body() = R"({"idempotency_key": "x", "bib": "K001", "score": 12})";  // no such field
  reply = client.Send(request);
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("score"));

  request.body() = R"({"idempotency_key": "x", "bib": "K001", "value": "twelve"})";
  EXPECT_EQ(client.Send(request).status, 400);

  EXPECT_EQ(client.Send(Post("ScoringService/Explode", tokens_.at("P01"), {})).status, 404);
  EXPECT_EQ(client.Send(Get("/api/v1/CompetitionService/GetCompetition")).status, 405);
  EXPECT_EQ(live_->writer().metrics().accepted.load(), 0u);
  EXPECT_EQ(live_->writer().metrics().refused.load(), 0u);  // none reached the writer
}

// --- Exports -------------------------------------------------------------------

TEST_F(GatewayTest, ExportsAreRefusedUntilFinalThenDownloadable) {
  ASSERT_EQ(Mark("m1", "K001", kBench, 13.5).status, 200);
  const std::string export_target = "/api/v1/export/results-mine-rescue.csv?token=";
  HttpClient client(port_);

  // Not final: refused with a message that says how to go on.
  HttpReply reply = client.Send(Get(export_target + tokens_.at("organizer-1")));
  EXPECT_EQ(reply.status, 412);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(),
              AllOf(HasSubstr("not final"), HasSubstr("provisional")));

  // Provisional on request, and it says so.
  reply = client.Send(Get(export_target + tokens_.at("CJ01") + "&provisional=1"));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "text/csv; charset=utf-8");
  EXPECT_THAT(reply.body, HasSubstr("Provisional"));

  ASSERT_EQ(Call("CompetitionService/SetPhase", "CJ01",
                 {{"phase", "PHASE_FINAL"}, {"reason", "成绩确认"}, {"idempotency_key", "final"}})
                .status,
            200);
  reply = client.Send(Get(export_target + tokens_.at("organizer-1")));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_THAT(reply.body, Not(HasSubstr("Provisional")));
  EXPECT_THAT(reply.body, HasSubstr("K001,"));

  // The token may also come as a header; the workbook is a zip (XLSX).
  http::request<http::string_body> request = Get("/api/v1/export/results.xlsx");
  request.set(http::field::authorization, "Bearer " + tokens_.at("organizer-1"));
  reply = client.Send(request);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  EXPECT_EQ(reply.body.substr(0, 2), "PK");

  // The audit trail has the mark, with its device.
  reply = client.Send(Get("/api/v1/export/audit.csv?token=" + tokens_.at("organizer-1")));
  ASSERT_EQ(reply.status, 200);
  EXPECT_THAT(reply.body, HasSubstr("tablet-7"));
}

TEST_F(GatewayTest, ExportsRefuseJudgesDisplaysUnknownFilesAndBadTokens) {
  HttpClient client(port_);
  const std::string target = "/api/v1/export/results.json?provisional=1&token=";
  EXPECT_EQ(client.Send(Get(target + tokens_.at("P01"))).status, 403);
  EXPECT_EQ(client.Send(Get(target + tokens_.at("display-1"))).status, 403);
  EXPECT_EQ(client.Send(Get(target + "not-a-token")).status, 401);
  EXPECT_EQ(client.Send(Get("/api/v1/export/results.json")).status, 401);
  const HttpReply unknown = client.Send(
      Get("/api/v1/export/..%2fcontest.db?provisional=1&token=" + tokens_.at("organizer-1")));
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.Json()["message"].get<std::string>(), HasSubstr("no export named"));
  http::request<http::string_body> post(http::verb::post, "/api/v1/export/results.json", 11);
  EXPECT_EQ(client.Send(post).status, 405);
}

TEST_F(GatewayTest, RepeatedBadTokensAreSlowedDownForThatAddress) {
  HttpClient client(port_);
  for (int i = 0; i < 10; ++i) {
    const HttpReply reply = client.Send(
        Post("CompetitionService/GetLifecycle", "guess-" + std::to_string(i), json::object()));
    ASSERT_EQ(reply.status, 401) << i;
  }
  // Now even the right token is turned away for a while, quickly.
  const HttpReply blocked = client.Send(
      Post("CompetitionService/GetLifecycle", tokens_.at("organizer-1"), json::object()));
  EXPECT_EQ(blocked.status, 429);
  EXPECT_THAT(blocked.Json()["message"].get<std::string>(),
              HasSubstr("too many failed logins from 127.0.0.1"));
  WatchClient watch(port_, WatchTarget("display-1"));
  EXPECT_FALSE(watch.Next().has_value());
  EXPECT_EQ(watch.close_code(), 4029);
}

// --- Limits --------------------------------------------------------------------

TEST_F(GatewayTest, RefusesABodyOverTheLimit) {
  Stop();
  GatewayOptions options;
  options.max_body_bytes = 4096;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient client(port_);
  auto request = Post("ScoringService/SubmitMark", tokens_.at("P01"), json::object());
  request.body() = R"({"note": ")" + std::string(5000, 'x') + R"("})";
  const HttpReply reply = client.Send(request);
  EXPECT_EQ(reply.status, 413);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("4096"));
  EXPECT_EQ(live_->writer().metrics().refused.load(), 0u);
}

TEST_F(GatewayTest, RefusesHeadersOverTheLimit) {
  HttpClient client(port_);
  auto request = Get("/judge");
  request.set("X-Padding", std::string(16 * 1024, 'p'));
  EXPECT_EQ(client.Send(request).status, 431);
}

TEST_F(GatewayTest, AnswersMalformedHttpWithBadRequestAndCloses) {
  HttpClient client(port_);
  const HttpReply reply = client.SendRaw("HELLO PODIUM\r\n\r\n");
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("malformed HTTP request"));
  EXPECT_TRUE(client.ClosedByServer(kWait));
}

TEST_F(GatewayTest, ClosesIdleConnections) {
  Stop();
  GatewayOptions options;
  options.idle_timeout = 1s;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient client(port_);
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.ClosedByServer(kWait));
}

TEST_F(GatewayTest, TurnsAwayConnectionsOverTheLimit) {
  Stop();
  GatewayOptions options;
  options.max_connections = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient first(port_);
  HttpClient second(port_);
  // Both are served (and so counted) before the third arrives.
  ASSERT_EQ(first.Send(Get("/")).status, 200);
  ASSERT_EQ(second.Send(Get("/")).status, 200);
  HttpClient third(port_);
  EXPECT_TRUE(third.ClosedByServer(kWait));
  EXPECT_EQ(first.Send(Get("/")).status, 200);
}

TEST_F(GatewayTest, RefusesToStartWithoutItsPages) {
  GatewayOptions options;
  options.address = "127.0.0.1:0";
  options.web_dir = temp_.path() / "no-such-dir";
  auto gateway = Gateway::Start(*api_, options);
  EXPECT_EQ(gateway.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(gateway.status().message(), HasSubstr("no-such-dir"));
  options.web_dir.clear();
  options.address = "127.0.0.1:99999";
  EXPECT_EQ(Gateway::Start(*api_, options).status().code(), StatusCode::kInvalidArgument);
}

// --- WebSocket standings ------------------------------------------------------

TEST_F(GatewayTest, WatchSendsASnapshotThenDeltasAsMarksLand) {
  WatchClient watch(port_, WatchTarget("display-1"));
  ASSERT_TRUE(watch.open());
  const auto snapshot = watch.NextUpdate();
  ASSERT_TRUE(snapshot && snapshot->contains("snapshot"))
      << (snapshot ? snapshot->dump().substr(0, 200) : "");
  const std::uint64_t version = VersionOf(*snapshot);
  EXPECT_EQ((*snapshot)["snapshot"]["trades"][0]["trade"], "mine-rescue");

  ASSERT_EQ(Mark("w-1", "K001", kBench, 14).status, 200);
  const auto delta = watch.NextUpdate();
  ASSERT_TRUE(delta && delta->contains("delta")) << (delta ? delta->dump().substr(0, 200) : "");
  EXPECT_EQ(std::stoull((*delta)["delta"].value("from_version", "0")), version);
  EXPECT_GT(VersionOf(*delta), version);
  EXPECT_THAT((*delta).dump(), HasSubstr("\"K001\""));
}

TEST_F(GatewayTest, WatchResumesFromTheClientsVersion) {
  ASSERT_EQ(Mark("r-0", "K003", kBench, 9).status, 200);
  std::uint64_t seen = 0;
  {
    WatchClient watch(port_, WatchTarget("organizer-1"));
    const auto snapshot = watch.NextUpdate();
    ASSERT_TRUE(snapshot && snapshot->contains("snapshot"));
    seen = VersionOf(*snapshot);
  }
  // Marks land while the client is away...
  ASSERT_EQ(Mark("r-1", "K001", kBench, 11).status, 200);
  ASSERT_EQ(Mark("r-2", "K002", kBench, 13).status, 200);
  // ...and on reconnecting it gets what changed since its version, not a snapshot.
  WatchClient watch(port_, WatchTarget("organizer-1", "&after_version=" + std::to_string(seen)));
  const auto update = watch.NextUpdate();
  ASSERT_TRUE(update && update->contains("delta")) << (update ? update->dump().substr(0, 200) : "");
  EXPECT_EQ(std::stoull((*update)["delta"].value("from_version", "0")), seen);
  EXPECT_THAT(update->dump(), HasSubstr("\"K001\""));
  EXPECT_THAT(update->dump(), HasSubstr("\"K002\""));
}

TEST_F(GatewayTest, WatchSendsHeartbeatsWithTheLatestVersion) {
  Stop();
  GatewayOptions options;
  options.heartbeat = 1s;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  WatchClient watch(port_, WatchTarget("display-1"));
  const auto snapshot = watch.Next();
  ASSERT_TRUE(snapshot && snapshot->contains("snapshot"));
  const auto heartbeat = watch.Next();
  ASSERT_TRUE(heartbeat && heartbeat->contains("heartbeat"))
      << (heartbeat ? heartbeat->dump() : "");
  EXPECT_EQ(std::stoull((*heartbeat)["heartbeat"].value("version", "x")), VersionOf(*snapshot));
  EXPECT_GT(std::stoll((*heartbeat)["heartbeat"].value("time_ms", "0")), 0);
}

TEST_F(GatewayTest, WatchClosesWithACodeForABadTokenOrAJudge) {
  WatchClient stranger(port_, "/api/v1/watch?token=abcdefghijklmnopqrstuvwxyz234567");
  ASSERT_TRUE(stranger.open());
  EXPECT_FALSE(stranger.Next().has_value());
  EXPECT_EQ(stranger.close_code(), 4001);

  WatchClient judge(port_, WatchTarget("P01"));
  ASSERT_TRUE(judge.open());
  EXPECT_FALSE(judge.Next().has_value());
  EXPECT_EQ(judge.close_code(), 4003);
  EXPECT_THAT(judge.close_reason(), HasSubstr("judges"));

  WatchClient unknown_trade(
      port_, "/api/v1/watch?token=" + tokens_.at("display-1") + "&trade=underwater-welding");
  ASSERT_TRUE(unknown_trade.open());
  EXPECT_FALSE(unknown_trade.Next().has_value());
  EXPECT_EQ(unknown_trade.close_code(), 4000);
  EXPECT_THAT(unknown_trade.close_reason(), HasSubstr("underwater-welding"));
}

TEST_F(GatewayTest, ShutsDownWithWatchersConnected) {
  WatchClient watch(port_, WatchTarget("display-1"));
  ASSERT_TRUE(watch.NextUpdate().has_value());
  EXPECT_EQ(api_->watchers(), 1u);
  gateway_.reset();  // must neither hang nor crash
  EXPECT_FALSE(watch.Next().has_value());
  EXPECT_EQ(api_->watchers(), 0u);
}

}  // namespace
}  // namespace podium::server
