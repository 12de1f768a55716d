// The browser gateway, for real: a LiveCompetition over a fresh ledger, the
// Api, and the Gateway on 127.0.0.1 with a free port; clients are Beast
// sockets speaking HTTP/1.1 and WebSocket, in the clear or over TLS (a
// self-signed certificate made per test). Every wait is bounded: client
// operations run on their own io_context for at most kWait.
#include "server/gateway/gateway.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/core/auth.h"
#include "server/core/live_competition.h"
#include "server/definition/loader.h"
#include "server/ledger/ledger.h"
#include "tests/gateway/test_certificate.h"
#include "tests/testing/files.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/subprocess.h"

namespace podium::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using json = nlohmann::json;
using ::podium::test::IsOk;
using ::podium::test::StatusIs;
using ::podium::test::Subprocess;
using ::podium::test::TempDir;
using ::testing::AllOf;
using ::testing::Contains;
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

// True if a read ended because the server closed the connection (with or
// without a TLS close_notify).
bool IsClosed(const beast::error_code& ec) {
  return ec == net::error::eof || ec == net::error::connection_reset ||
         ec == ssl::error::stream_truncated;
}

// A client context that trusts only `cert_file` and checks that the server is
// 127.0.0.1, as a browser given the certificate would.
std::unique_ptr<ssl::context> TrustingOnly(const std::filesystem::path& cert_file) {
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  context->load_verify_file(cert_file.string());
  context->set_verify_mode(ssl::verify_peer);
  context->set_verify_callback(ssl::host_name_verification("127.0.0.1"));
  return context;
}

// Connects `stream` to 127.0.0.1:port and, for TLS, shakes hands. Runs `io`.
template <typename Stream>
beast::error_code Open(net::io_context& io, Stream& stream, int port) {
  bool done = false;
  beast::error_code result = net::error::timed_out;
  beast::get_lowest_layer(stream).async_connect(
      tcp::endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)),
      [&](beast::error_code ec) {
        if constexpr (std::is_same_v<Stream, beast::ssl_stream<beast::tcp_stream>>) {
          if (!ec) {
            stream.async_handshake(ssl::stream_base::client, [&](beast::error_code ec) {
              result = ec;
              done = true;
            });
            return;
          }
        }
        result = ec;
        done = true;
      });
  if (!RunUntil(io, done, kWait)) {
    beast::get_lowest_layer(stream).cancel();
    RunUntil(io, done, kWait);
  }
  return result;
}

// One HTTP/1.1 connection to the gateway: plain, or TLS when given a client
// context (https://).
class HttpClient final {
 public:
  explicit HttpClient(int port, ssl::context* tls = nullptr)
      : stream_(tls == nullptr ? Stream(std::in_place_index<0>, io_)
                               : Stream(std::in_place_index<1>, io_, *tls)) {
    open_error_ = std::visit([&](auto& stream) { return Open(io_, stream, port); }, stream_);
  }

  bool connected() const { return !open_error_; }
  // Why connecting (or the TLS handshake) failed.
  const beast::error_code& open_error() const { return open_error_; }

  HttpReply Send(http::request<http::string_body> request) {
    request.set(http::field::host, "127.0.0.1");
    request.prepare_payload();
    return Exchange(
        [&](auto& stream, auto handler) { http::async_write(stream, request, handler); });
  }

  // Writes raw bytes (for malformed requests) and reads the answer.
  HttpReply SendRaw(const std::string& bytes) {
    return Exchange(
        [&](auto& stream, auto handler) { net::async_write(stream, net::buffer(bytes), handler); });
  }

  // True if the server closes the connection within `wait`.
  bool ClosedByServer(std::chrono::steady_clock::duration wait) {
    return std::visit(
        [&](auto& stream) {
          bool done = false;
          bool closed = false;
          char byte;
          stream.async_read_some(net::buffer(&byte, 1), [&](beast::error_code ec, std::size_t) {
            closed = IsClosed(ec);
            done = true;
          });
          if (!RunUntil(io_, done, wait)) {
            beast::get_lowest_layer(stream).cancel();
            RunUntil(io_, done, kWait);
            return false;
          }
          return closed;
        },
        stream_);
  }

 private:
  using Stream = std::variant<beast::tcp_stream, beast::ssl_stream<beast::tcp_stream>>;

  template <typename Write>
  HttpReply Exchange(Write write) {
    HttpReply reply;
    std::visit(
        [&](auto& stream) {
          bool done = false;
          auto response = std::make_shared<http::response<http::string_body>>();
          write(stream, [&](beast::error_code ec, std::size_t) {
            if (ec) {
              done = true;
              return;
            }
            http::async_read(stream, buffer_, *response, [&](beast::error_code ec, std::size_t) {
              if (!ec) {
                reply.status = static_cast<int>(response->result_int());
                reply.content_type = std::string((*response)[http::field::content_type]);
                reply.body = response->body();
              }
              done = true;
            });
          });
          if (!RunUntil(io_, done, kWait)) {
            beast::get_lowest_layer(stream).cancel();
            RunUntil(io_, done, kWait);
          }
        },
        stream_);
    return reply;
  }

  net::io_context io_;
  Stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code open_error_;
};

// A WebSocket watch stream: ws://, or wss:// when given a client context.
class WatchClient final {
 public:
  WatchClient(int port, const std::string& target, ssl::context* tls = nullptr)
      : ws_(tls == nullptr ? Stream(std::in_place_index<0>, io_)
                           : Stream(std::in_place_index<1>, io_, *tls)) {
    std::visit(
        [&](auto& ws) {
          if (Open(io_, ws.next_layer(), port)) return;
          bool done = false;
          ws.async_handshake("127.0.0.1", target, [&](beast::error_code ec) {
            open_ = !ec;
            done = true;
          });
          RunUntil(io_, done, kWait);
        },
        ws_);
  }

  bool open() const { return open_; }

  // The next message, or nullopt if the stream closed (see close_code()) or
  // nothing came within `wait`.
  std::optional<json> Next(std::chrono::steady_clock::duration wait = kWait) {
    return std::visit(
        [&](auto& ws) -> std::optional<json> {
          bool done = false;
          std::optional<json> message;
          ws.async_read(buffer_, [&](beast::error_code ec, std::size_t) {
            if (!ec) {
              message = json::parse(beast::buffers_to_string(buffer_.data()), nullptr, false);
              buffer_.consume(buffer_.size());
            }
            done = true;
          });
          if (!RunUntil(io_, done, wait)) {
            beast::get_lowest_layer(ws).cancel();
            RunUntil(io_, done, kWait);
            return std::nullopt;
          }
          return message;
        },
        ws_);
  }

  // Skips heartbeats.
  std::optional<json> NextUpdate() {
    for (int i = 0; i < 10; ++i) {
      auto message = Next();
      if (!message || !message->contains("heartbeat")) return message;
    }
    return std::nullopt;
  }

  int close_code() const {
    return std::visit([](const auto& ws) { return static_cast<int>(ws.reason().code); }, ws_);
  }
  std::string close_reason() const {
    return std::visit([](const auto& ws) { return std::string(ws.reason().reason.c_str()); }, ws_);
  }

 private:
  using Stream = std::variant<websocket::stream<beast::tcp_stream>,
                              websocket::stream<beast::ssl_stream<beast::tcp_stream>>>;

  net::io_context io_;
  Stream ws_;
  beast::flat_buffer buffer_;
  bool open_ = false;
};

// The gateway's log lines, to wait on.
class LogLines final {
 public:
  std::function<void(const std::string&)> Sink() {
    return [this](const std::string& line) {
      const std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(line);
      logged_.notify_all();
    };
  }

  // True once a line containing `text` is logged, waiting at most `wait`.
  bool WaitFor(const std::string& text, std::chrono::steady_clock::duration wait) {
    std::unique_lock<std::mutex> lock(mutex_);
    return logged_.wait_for(lock, wait, [&] {
      return std::any_of(lines_.begin(), lines_.end(),
                         [&](const std::string& line) { return line.find(text) != line.npos; });
    });
  }

  std::vector<std::string> lines() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable logged_;
  std::vector<std::string> lines_;
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

  // From now on Start() serves TLS with a fresh self-signed certificate, and
  // Client() and Watch() trust it.
  void UseTls() {
    cert_file_ = temp_.path() / "cert.pem";
    key_file_ = temp_.path() / "key.pem";
    ASSERT_TRUE(test::WriteSelfSignedCertificate(cert_file_, key_file_));
    client_tls_ = TrustingOnly(cert_file_);
  }

  // A connection as this test's clients make them (https:// after UseTls()).
  HttpClient Client() { return HttpClient(port_, client_tls_.get()); }
  WatchClient Watch(const std::string& target) {
    return WatchClient(port_, target, client_tls_.get());
  }

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
    if (client_tls_ != nullptr) {
      options.tls_cert_file = cert_file_.string();
      options.tls_key_file = key_file_.string();
    }
    options.log = log_.Sink();
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
    HttpClient client = Client();
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
  std::filesystem::path cert_file_;
  std::filesystem::path key_file_;
  std::unique_ptr<ssl::context> client_tls_;  // null: plain HTTP
  LogLines log_;
  std::map<std::string, std::string> tokens_;
  std::unique_ptr<LiveCompetition> live_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<Gateway> gateway_;
  int port_ = 0;
};

// Whether a test's clients speak plain HTTP/WebSocket or TLS (https, wss).
enum class Transport { kPlain, kTls };

// What must hold on either kind of connection: the same sessions serve both
// (templated on the stream), so these tests run once each way.
class GatewayTransportTest : public GatewayTest, public ::testing::WithParamInterface<Transport> {
 protected:
  void SetUp() override {
    if (GetParam() == Transport::kTls) {
      ASSERT_NO_FATAL_FAILURE(UseTls());
    }
    GatewayTest::SetUp();
  }
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, GatewayTransportTest,
                         ::testing::Values(Transport::kPlain, Transport::kTls),
                         [](const ::testing::TestParamInfo<Transport>& info) {
                           return info.param == Transport::kTls ? "Tls" : "Plain";
                         });

// Served over TLS only (GatewayOptions::tls_cert_file and tls_key_file).
class GatewayTlsTest : public GatewayTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(UseTls());
    GatewayTest::SetUp();
  }
};

// --- Pages -------------------------------------------------------------------

TEST_P(GatewayTransportTest, ServesEveryPageAndItsAssetsFromItself) {
  HttpClient client = Client();  // one keep-alive connection for all of them
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

TEST_P(GatewayTransportTest, AnswersApiCallsInProtobufJson) {
  const HttpReply reply = Call("CompetitionService/GetCompetition", "display-1", json::object());
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json");
  const json competition = reply.Json();
  EXPECT_EQ(competition["id"], "mine-rescue-2026");
  EXPECT_EQ(competition["trades"][0]["id"], "mine-rescue");
}

TEST_P(GatewayTransportTest, AcceptsAMarkAndRecordsItOncePerKey) {
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

TEST_P(GatewayTransportTest, RepeatedBadTokensAreSlowedDownForThatAddress) {
  HttpClient client = Client();
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
  WatchClient watch = Watch(WatchTarget("display-1"));
  EXPECT_FALSE(watch.Next().has_value());
  EXPECT_EQ(watch.close_code(), 4029);
}

// --- Limits --------------------------------------------------------------------

TEST_P(GatewayTransportTest, RefusesABodyOverTheLimit) {
  Stop();
  GatewayOptions options;
  options.max_body_bytes = 4096;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient client = Client();
  auto request = Post("ScoringService/SubmitMark", tokens_.at("P01"), json::object());
  request.body() = R"({"note": ")" + std::string(5000, 'x') + R"("})";
  const HttpReply reply = client.Send(request);
  EXPECT_EQ(reply.status, 413);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("4096"));
  EXPECT_EQ(live_->writer().metrics().refused.load(), 0u);
}

TEST_P(GatewayTransportTest, RefusesHeadersOverTheLimit) {
  HttpClient client = Client();
  auto request = Get("/judge");
  request.set("X-Padding", std::string(16 * 1024, 'p'));
  EXPECT_EQ(client.Send(request).status, 431);
}

TEST_P(GatewayTransportTest, AnswersMalformedHttpWithBadRequestAndCloses) {
  HttpClient client = Client();
  const HttpReply reply = client.SendRaw("HELLO PODIUM\r\n\r\n");
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.Json()["message"].get<std::string>(), HasSubstr("malformed HTTP request"));
  EXPECT_TRUE(client.ClosedByServer(kWait));
}

TEST_P(GatewayTransportTest, ClosesIdleConnections) {
  Stop();
  GatewayOptions options;
  options.idle_timeout = 1s;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient client = Client();
  ASSERT_TRUE(client.connected());
  EXPECT_TRUE(client.ClosedByServer(kWait));
}

TEST_P(GatewayTransportTest, TurnsAwayConnectionsOverTheLimit) {
  Stop();
  GatewayOptions options;
  options.max_connections = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient first = Client();
  HttpClient second = Client();
  // Both are served (and so counted) before the third arrives.
  ASSERT_EQ(first.Send(Get("/")).status, 200);
  ASSERT_EQ(second.Send(Get("/")).status, 200);
  HttpClient third = Client();
  // Closed at once: its TLS handshake fails, or its first read sees the end.
  EXPECT_TRUE(!third.connected() || third.ClosedByServer(kWait));
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

// --- TLS ---------------------------------------------------------------------

TEST_F(GatewayTlsTest, PlainHttpIsAnsweredInTheClearClosedAndLoggedWhileOthersAreServed) {
  HttpClient https = Client();
  ASSERT_TRUE(https.connected()) << https.open_error().message();
  WatchClient wss = Watch(WatchTarget("display-1"));
  ASSERT_TRUE(wss.NextUpdate().has_value());

  HttpClient plain(port_);  // http:// to the https:// port
  ASSERT_TRUE(plain.connected());
  const HttpReply reply =
      plain.Send(Get("/api/v1/export/audit.csv?token=" + tokens_.at("organizer-1")));
  EXPECT_EQ(reply.status, 400);
  EXPECT_THAT(reply.body, HasSubstr("https://"));
  EXPECT_TRUE(plain.ClosedByServer(kWait));
  EXPECT_TRUE(log_.WaitFor("plain HTTP from 127.0.0.1 on the TLS port", kWait));

  // The others go on as before, and new ones are served.
  EXPECT_EQ(https.Send(Get("/judge")).status, 200);
  ASSERT_EQ(Mark("tls-1", "K001", kBench, 12).status, 200);
  const auto delta = wss.NextUpdate();
  EXPECT_TRUE(delta && delta->contains("delta"));
  // The token in the refused request went nowhere near the log.
  for (const std::string& line : log_.lines()) {
    for (const auto& [holder, token] : tokens_) EXPECT_THAT(line, Not(HasSubstr(token)));
  }
}

TEST_F(GatewayTlsTest, AFailedHandshakeIsClosedAndLoggedWhileOthersAreServed) {
  HttpClient https = Client();
  ASSERT_TRUE(https.connected()) << https.open_error().message();
  // A client that does not trust the certificate gives up in the handshake.
  ssl::context distrusting(ssl::context::tls_client);
  distrusting.set_verify_mode(ssl::verify_peer);
  HttpClient stranger(port_, &distrusting);
  EXPECT_FALSE(stranger.connected());
  EXPECT_TRUE(log_.WaitFor("TLS handshake with 127.0.0.1 failed", kWait));
  EXPECT_EQ(https.Send(Get("/")).status, 200);
  EXPECT_EQ(Client().Send(Get("/screen")).status, 200);
}

TEST_F(GatewayTlsTest, RefusesTlsOlderThan12) {
  // A client that offers only TLS 1.0/1.1 (and would accept them): the server
  // is the one that says no.
  std::unique_ptr<ssl::context> old = TrustingOnly(cert_file_);
  SSL_CTX_set_security_level(old->native_handle(), 0);
  ASSERT_EQ(SSL_CTX_set_min_proto_version(old->native_handle(), TLS1_VERSION), 1);
  ASSERT_EQ(SSL_CTX_set_max_proto_version(old->native_handle(), TLS1_1_VERSION), 1);
  HttpClient client(port_, old.get());
  EXPECT_FALSE(client.connected());
  EXPECT_TRUE(log_.WaitFor("unsupported protocol", kWait));
  EXPECT_EQ(Client().Send(Get("/")).status, 200);
}

TEST_F(GatewayTlsTest, ClosesAConnectionThatNeverShakesHands) {
  Stop();
  GatewayOptions options;
  options.idle_timeout = 1s;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  HttpClient silent(port_);  // connects, then says nothing
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.ClosedByServer(kWait));
  EXPECT_TRUE(log_.WaitFor("TLS handshake with 127.0.0.1 timed out after 1 s", kWait))
      << ::testing::PrintToString(log_.lines());
  EXPECT_EQ(Client().Send(Get("/")).status, 200);
}

TEST_F(GatewayTlsTest, RefusesToStartWithACertificateOrKeyItCannotUseNamingTheFile) {
  const std::string cert = cert_file_.string();
  const std::string key = key_file_.string();
  const std::filesystem::path dir = temp_.path();
  ASSERT_TRUE(test::WriteSelfSignedCertificate(dir / "other-cert.pem", dir / "other-key.pem"));
  ASSERT_TRUE(test::WriteSelfSignedCertificate(dir / "locked-cert.pem", dir / "locked-key.pem",
                                               "a passphrase"));
  { std::ofstream(dir / "junk.pem") << "not a certificate\n"; }
  const std::string missing = (dir / "no-such-file.pem").string();
  struct Case {
    std::string cert;
    std::string key;
    std::vector<std::string> named;  // what the message must say
  };
  const std::vector<Case> cases = {
      {missing, key, {"cannot read the TLS certificate", missing}},
      {cert, missing, {"cannot read the TLS key", missing}},
      {(dir / "junk.pem").string(), key, {"not a PEM certificate", "junk.pem"}},
      {cert, (dir / "junk.pem").string(), {"not a PEM private key", "junk.pem"}},
      {cert, cert, {"not a PEM private key", cert}},
      {(dir / "locked-cert.pem").string(),
       (dir / "locked-key.pem").string(),
       {"without a passphrase", "locked-key.pem"}},
      {cert, (dir / "other-key.pem").string(), {"other-key.pem", "does not belong to", cert}},
      {cert, "", {"both a certificate file and a key file"}},
      {"", key, {"both a certificate file and a key file"}},
  };
  for (const Case& c : cases) {
    GatewayOptions options;
    options.address = "127.0.0.1:0";
    options.tls_cert_file = c.cert;
    options.tls_key_file = c.key;
    const auto gateway = Gateway::Start(*api_, options);
    ASSERT_THAT(gateway, StatusIs(StatusCode::kInvalidArgument)) << c.cert << " " << c.key;
    for (const std::string& text : c.named) {
      EXPECT_THAT(gateway.status().message(), HasSubstr(text)) << c.cert << " " << c.key;
    }
  }
}

// `podium serve` itself with --tls-cert/--tls-key: the options reach both
// ports, the printed links say https://, and bad files stop it at once.
class ServeTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(test::WriteSelfSignedCertificate(cert_, key_));
    client_tls_ = TrustingOnly(cert_);
  }

  // `podium serve` on free ports, stdout and stderr together.
  std::unique_ptr<Subprocess> Serve(const std::string& cert, const std::string& key) {
    const std::vector<std::string> args = {PODIUM_BINARY,
                                           "serve",
                                           (test::DataDir() / "mine-rescue-2026").string(),
                                           "--db",
                                           db_.string(),
                                           "--address",
                                           "127.0.0.1:0",
                                           "--http",
                                           "127.0.0.1:0",
                                           "--tls-cert",
                                           cert,
                                           "--tls-key",
                                           key};
    std::string command = "exec";
    for (const std::string& arg : args) {
      std::string quoted;
      for (const char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
      command += " '" + quoted + "'";
    }
    return std::make_unique<Subprocess>(
        std::vector<std::string>{"/bin/sh", "-c", command + " 2>&1"});
  }

  TempDir temp_;
  std::filesystem::path cert_ = temp_.path() / "cert.pem";
  std::filesystem::path key_ = temp_.path() / "key.pem";
  std::filesystem::path db_ = temp_.path() / "contest.db";
  std::unique_ptr<ssl::context> client_tls_;
};

TEST_F(ServeTlsTest, PrintsHttpsLinksAndServesThemOverTls) {
  const auto serve = Serve(cert_.string(), key_.string());
  ASSERT_TRUE(serve->started());
  const auto grpc = serve->WaitForLine("podium serve: listening on", 60s);
  ASSERT_TRUE(grpc.has_value());
  EXPECT_THAT(*grpc, HasSubstr("TLS"));
  const auto pages = serve->WaitForLine("podium serve: pages on ", 10s);
  ASSERT_TRUE(pages.has_value());
  const std::string prefix = "pages on https://127.0.0.1:";
  ASSERT_THAT(*pages, HasSubstr(prefix));
  const int port = std::atoi(pages->c_str() + pages->find(prefix) + prefix.size());
  ASSERT_GT(port, 0);
  const std::string base = "https://127.0.0.1:" + std::to_string(port);
  for (const std::string& link :
       {base + "/judge", base + "/chief", base + "/screen", "podium tokens --url " + base}) {
    const auto line = serve->ReadLine(10s);
    ASSERT_TRUE(line.has_value()) << link;
    EXPECT_THAT(*line, HasSubstr(link));
  }
  HttpClient client(port, client_tls_.get());
  ASSERT_TRUE(client.connected()) << client.open_error().message();
  EXPECT_EQ(client.Send(Get("/screen")).status, 200);
  HttpClient plain(port);
  EXPECT_EQ(plain.Send(Get("/screen")).status, 400);
  EXPECT_TRUE(serve->WaitForLine("podium serve: http: plain HTTP from 127.0.0.1", 10s));
  serve->Kill(SIGTERM);
  EXPECT_EQ(serve->Wait(), 0);
}

TEST_F(ServeTlsTest, AnUnusableCertificateOrKeyStopsEverythingNamingTheFile) {
  const std::string missing = (temp_.path() / "no-such-key.pem").string();
  const auto serve = Serve(cert_.string(), missing);
  ASSERT_TRUE(serve->started());
  const auto line = serve->WaitForLine("podium serve:", 60s);
  ASSERT_TRUE(line.has_value());
  EXPECT_THAT(*line, AllOf(HasSubstr("INVALID_ARGUMENT"), HasSubstr(missing)));
  EXPECT_EQ(serve->Wait(), 1);
  // Nothing was opened: not even the ledger.
  EXPECT_FALSE(std::filesystem::exists(db_));
}

// --- WebSocket standings ------------------------------------------------------

TEST_P(GatewayTransportTest, WatchSendsASnapshotThenDeltasAsMarksLand) {
  WatchClient watch = Watch(WatchTarget("display-1"));
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

TEST_P(GatewayTransportTest, ShutsDownWithWatchersConnected) {
  WatchClient watch = Watch(WatchTarget("display-1"));
  ASSERT_TRUE(watch.NextUpdate().has_value());
  EXPECT_EQ(api_->watchers(), 1u);
  gateway_.reset();  // must neither hang nor crash
  EXPECT_FALSE(watch.Next().has_value());
  EXPECT_EQ(api_->watchers(), 0u);
}

// A call still with the writer when the gateway stops comes back to a
// stopped gateway: ~Gateway waits for it (its session owns a socket of the
// gateway's io_context), the mark it carried is recorded, and the client,
// whose connection goes with the gateway, retries with the same key.
TEST_F(GatewayTest, ShutsDownWhileACallIsWithTheWriter) {
  std::promise<void> writer_blocked;
  std::promise<void> release_writer;
  auto release = release_writer.get_future().share();
  live_->writer().Run([&writer_blocked, release](const ContestState&, const Ledger&) {
    writer_blocked.set_value();
    release.wait_for(kWait);
  });
  ASSERT_EQ(writer_blocked.get_future().wait_for(kWait), std::future_status::ready);
  auto reply = std::async(std::launch::async, [&] { return Mark("s-1", "K001", kBench, 12); });
  // The mark is queued behind the blocked writer once the gateway has passed it on.
  const auto deadline = std::chrono::steady_clock::now() + kWait;
  while (live_->writer().metrics().queue_depth == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::yield();
  }
  ASSERT_EQ(live_->writer().metrics().queue_depth, 1u);

  auto stopped = std::async(std::launch::async, [&] { gateway_.reset(); });
  EXPECT_EQ(stopped.wait_for(200ms), std::future_status::timeout)
      << "the gateway went while a call it made was still out";
  release_writer.set_value();
  ASSERT_EQ(stopped.wait_for(kWait), std::future_status::ready);
  EXPECT_EQ(reply.get().status, 0);  // no answer: the connection closed

  // The mark was recorded once; the retry is answered from the ledger.
  Stop();
  ASSERT_NO_FATAL_FAILURE(Start({}));
  const HttpReply retry = Mark("s-1", "K001", kBench, 12);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(retry.Json()["duplicate"], true) << retry.body;
}

}  // namespace
}  // namespace podium::server
