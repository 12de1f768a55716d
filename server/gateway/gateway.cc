#include "server/gateway/gateway.h"

#include <google/protobuf/util/json_util.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <charconv>
#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <thread>
#include <type_traits>
#include <vector>

#include "server/gateway/outside_work.h"
#include "server/gateway/tls_context.h"

namespace podium::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
namespace fs = std::filesystem;

// The two kinds of connection. The sessions below are written once, for
// either; the few steps that differ (the handshake, the goodbye) are chosen
// at compile time with kIsTls.
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
template <typename Stream>
inline constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
    case StatusCode::kOutOfRange:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 412;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

namespace {

constexpr std::string_view kApiPrefix = "/api/v1/";
constexpr std::string_view kWatchPath = "/api/v1/watch";
constexpr std::string_view kExportPrefix = "/api/v1/export/";

// One reply of the JSON API: the status and, if OK, the response as JSON.
using Reply = std::function<void(const Status&, std::string json)>;
using Handler = std::function<void(const Principal&, const std::string& body, Reply reply)>;

std::string ErrorJson(const Status& status) {
  std::string message;
  for (const char c : status.message()) {
    switch (c) {
      case '"':
        message += "\\\"";
        break;
      case '\\':
        message += "\\\\";
        break;
      case '\n':
        message += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
          message += escaped;
        } else {
          message += c;
        }
    }
  }
  return "{\"code\":" + std::to_string(static_cast<int>(status.code())) + ",\"status\":\"" +
         std::string(StatusCodeName(status.code())) + "\",\"message\":\"" + message + "\"}";
}

std::string_view ContentType(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".ttf" || ext == ".otf" || ext == ".ttc") return "font/ttf";
  return "application/octet-stream";
}

// The peer's address, for slowing down token guessing and for the log ("" if
// unknown). `stream`: any layer over a tcp_stream.
template <typename Stream>
std::string RemoteAddress(Stream& stream) {
  beast::error_code ec;
  const auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
  return ec ? std::string() : endpoint.address().to_string();
}

// True if a TLS handshake failed because the client spoke plain HTTP.
bool IsPlainHttp(const beast::error_code& ec) {
  return ec.category() == net::error::get_ssl_category() &&
         ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == SSL_R_HTTP_REQUEST;
}

// The answer to plain HTTP on the TLS port, sent in the clear (as nginx
// does), so a browser or curl shows why instead of "connection reset".
const std::string& PlainHttpOnTlsPortAnswer() {
  static const std::string answer = [] {
    const std::string body =
        "This port speaks HTTPS only: open the same address with https:// instead of http://.\n";
    return "HTTP/1.1 400 Bad Request\r\nServer: podium\r\nContent-Type: text/plain; "
           "charset=utf-8\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }();
  return answer;
}

// The query parameters of a target ("/path?a=1&b=2").
std::map<std::string, std::string> Query(std::string_view target) {
  std::map<std::string, std::string> out;
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  auto decode = [](std::string_view s) {
    std::string d;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        d += ' ';
      } else if (s[i] == '%' && i + 2 < s.size()) {
        int v = 0;
        std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
        d += static_cast<char>(v);
        i += 2;
      } else {
        d += s[i];
      }
    }
    return d;
  };
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    const size_t eq = pair.find('=');
    out[decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    rest.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace

// What connections use. Shared with them, so whatever order things are torn
// down in, a connection never outlives it.
struct GatewayState {
  Api& api;
  GatewayOptions options;
  fs::path web_dir;
  std::map<std::string, Handler, std::less<>> handlers;
  std::atomic<std::size_t> connections{0};
  std::shared_ptr<ssl::context> tls;  // null: plain HTTP
  OutsideWork outside;                // calls and watch streams that post back to sessions

  GatewayState(Api& a, GatewayOptions o) : api(a), options(std::move(o)) {}

  void Log(const std::string& line) const {
    if (options.log) options.log(line);
  }

  template <typename Request, typename Response>
  void Add(const std::string& name,
           void (Api::*method)(const Principal&, const Request&, Response*, Api::Done)) {
    handlers[name] = [this, method](const Principal& who, const std::string& body, Reply reply) {
      auto request = std::make_shared<Request>();
      auto response = std::make_shared<Response>();
      const auto parsed =
          google::protobuf::util::JsonStringToMessage(body.empty() ? "{}" : body, request.get());
      if (!parsed.ok()) {
        reply(InvalidArgumentError("the body is not a valid " +
                                   std::string(Request::descriptor()->full_name()) + ": " +
                                   std::string(parsed.message())),
              "");
        return;
      }
      (api.*method)(who, *request, response.get(),
                    [request, response, reply = std::move(reply)](const Status& status) {
                      std::string json;
                      if (status.ok()) {
                        google::protobuf::util::JsonPrintOptions print;
                        print.preserve_proto_field_names = true;
                        (void)google::protobuf::util::MessageToJsonString(*response, &json, print);
                      }
                      reply(status, std::move(json));
                    });
    };
  }

  void RegisterHandlers() {
    Add("CompetitionService/GetCompetition", &Api::GetCompetition);
    Add("CompetitionService/ListContestants", &Api::ListContestants);
    Add("CompetitionService/GetLifecycle", &Api::GetLifecycle);
    Add("CompetitionService/SetPhase", &Api::SetPhase);
    Add("CompetitionService/ReleaseResults", &Api::ReleaseResults);
    Add("ScoringService/SubmitMark", &Api::SubmitMark);
    Add("ScoringService/SubmitMarks", &Api::SubmitMarks);
    Add("ScoringService/CorrectMark", &Api::CorrectMark);
    Add("ScoringService/VoidMark", &Api::VoidMark);
    Add("ScoringService/SetStatus", &Api::SetStatus);
    Add("ScoringService/AddPenalty", &Api::AddPenalty);
    Add("ScoringService/SetLock", &Api::SetLock);
    Add("ScoringService/GetSheet", &Api::GetSheet);
    Add("ScoringService/GetReviewQueue", &Api::GetReviewQueue);
    Add("ScoringService/GetJudgeAnalytics", &Api::GetJudgeAnalytics);
    Add("ScoringService/GetMarkHistory", &Api::GetMarkHistory);
    Add("StandingsService/GetStandings", &Api::GetStandings);
  }

  // A file under the web directory for a URL path, or nullopt. Refuses any
  // path that would leave the directory.
  std::optional<fs::path> WebFile(std::string_view target) const {
    std::string_view path = target.substr(0, target.find('?'));
    static const std::map<std::string, std::string, std::less<>> kPages = {
        {"/", "index.html"},
        {"/judge", "judge.html"},
        {"/chief", "chief.html"},
        {"/screen", "screen.html"},
        {"/favicon.ico", "static/favicon.ico"}};
    if (const auto it = kPages.find(path); it != kPages.end()) return web_dir / it->second;
    if (path.rfind("/static/", 0) != 0) return std::nullopt;
    const std::string_view relative = path.substr(1);
    if (relative.find("..") != std::string_view::npos ||
        relative.find('\\') != std::string_view::npos ||
        relative.find('\0') != std::string_view::npos ||
        relative.find("//") != std::string_view::npos) {
      return std::nullopt;
    }
    const fs::path file = (web_dir / fs::path(relative)).lexically_normal();
    const std::string root = web_dir.lexically_normal().string();
    if (file.string().rfind(root, 0) != 0) return std::nullopt;
    return file;
  }
};

struct Gateway::Impl {
  std::shared_ptr<GatewayState> state;
  net::io_context io;
  tcp::acceptor acceptor{net::make_strand(io)};
  std::vector<std::thread> threads;

  explicit Impl(std::shared_ptr<GatewayState> s)
      : state(std::move(s)), io(state->options.threads) {}
};

namespace {

// One WebSocket watch stream (ws:// or, over a TlsStream, wss://): the
// transport of a WatchSession, with a heartbeat. All stream state is touched
// on the session's strand.
template <typename Stream>
class WebsocketSession final : public std::enable_shared_from_this<WebsocketSession<Stream>>,
                               public WatchSink {
 public:
  // `stream`: the connection the upgrade request came on, timeouts off.
  WebsocketSession(std::shared_ptr<GatewayState> gateway, Stream&& stream)
      : gateway_(std::move(gateway)), ws_(std::move(stream)), heartbeat_(ws_.get_executor()) {}

  ~WebsocketSession() override {
    if (session_ != nullptr) session_->Stop();
  }

  void Run(http::request<http::string_body> request) {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(64 * 1024);
    ws_.async_accept(request, [self = this->shared_from_this(), request](beast::error_code ec) {
      if (ec) return self->Fail(ec, "accept");
      self->Start(request);
    });
  }

  // From any thread: queue the update for the strand.
  void Write(std::shared_ptr<const EncodedUpdate> update) override {
    // While this session is being destroyed its destructor's Stop() waits for
    // this call; there is nothing left to write to.
    auto self = this->weak_from_this().lock();
    if (self == nullptr) return;
    net::post(ws_.get_executor(), [self = std::move(self), update = std::move(update)] {
      self->Send(update->Json(), true);
    });
  }

 private:
  void Start(const http::request<http::string_body>& request) {
    const auto query = Query(std::string_view(request.target().data(), request.target().size()));
    auto value = [&](const char* key) {
      const auto it = query.find(key);
      return it == query.end() ? std::string() : it->second;
    };
    auto who = gateway_->api.AuthenticateToken(value("token"), RemoteAddress(ws_));
    auto view =
        who.ok() ? gateway_->api.WatchView(*who, value("trade"), std::atoi(value("limit").c_str()))
                 : StatusOr<StandingsView>(who.status());
    if (!view.ok()) {
      const auto code = view.status().code() == StatusCode::kUnauthenticated     ? 4001
                        : view.status().code() == StatusCode::kPermissionDenied  ? 4003
                        : view.status().code() == StatusCode::kResourceExhausted ? 4029
                                                                                 : 4000;
      websocket::close_reason reason(static_cast<std::uint16_t>(code));
      reason.reason = view.status().message().substr(0, 120);
      ws_.async_close(reason, [self = this->shared_from_this()](beast::error_code) {});
      return;
    }
    const std::string after = value("after_version");
    std::uint64_t after_version = 0;
    std::from_chars(after.data(), after.data() + after.size(), after_version);
    session_ = WatchSession::Start(gateway_->api, *who, *view, after_version, this);
    gateway_->outside.AddWatch(session_);
    ScheduleHeartbeat();
    Read();
  }

  // Reads (and ignores) what the client sends, to notice when it closes.
  void Read() {
    ws_.async_read(buffer_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->Close(ec);
      self->buffer_.consume(self->buffer_.size());
      self->Read();
    });
  }

  void ScheduleHeartbeat() {
    heartbeat_.expires_after(gateway_->options.heartbeat);
    heartbeat_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (ec || self->closed_) return;
      const std::uint64_t version = self->session_->latest_version();
      const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
      self->Send("{\"heartbeat\":{\"version\":\"" + std::to_string(version) + "\",\"time_ms\":\"" +
                     std::to_string(now) + "\"}}",
                 false);
      self->ScheduleHeartbeat();
    });
  }

  // On the strand. `update`: tell the session when it is written.
  void Send(std::string text, bool update) {
    if (closed_) {
      if (update) session_->WriteDone(false);
      return;
    }
    queue_.push_back({std::move(text), update});
    if (queue_.size() == 1) WriteFront();
  }

  void WriteFront() {
    ws_.text(true);
    ws_.async_write(net::buffer(queue_.front().text),
                    [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                      const bool update = self->queue_.front().update;
                      self->queue_.pop_front();
                      if (update) self->session_->WriteDone(!ec);
                      if (ec) return self->Close(ec);
                      if (!self->queue_.empty()) self->WriteFront();
                    });
  }

  void Close(beast::error_code ec) {
    if (closed_) return;
    closed_ = true;
    heartbeat_.cancel();
    if (session_ != nullptr) session_->Stop();
    Fail(ec, "read");
  }

  void Fail(beast::error_code ec, const char* what) {
    // A client going away is routine.
    if (ec == net::error::operation_aborted || ec == websocket::error::closed) return;
    (void)what;
  }

  struct Outgoing {
    std::string text;
    bool update = false;
  };

  std::shared_ptr<GatewayState> gateway_;
  websocket::stream<Stream> ws_;
  beast::flat_buffer buffer_;
  net::steady_timer heartbeat_;
  std::shared_ptr<WatchSession> session_;
  std::deque<Outgoing> queue_;
  bool closed_ = false;
};

// One HTTP connection (http:// or, over a TlsStream, https://): for TLS, the
// handshake first (with the idle timeout); then reads a request (with a body
// limit and a timeout), answers it, and reads the next; upgrades to a
// WebSocket for watching.
template <typename Stream>
class HttpSession final : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  HttpSession(std::shared_ptr<GatewayState> gateway, Stream&& stream)
      : gateway_(std::move(gateway)), stream_(std::move(stream)), peer_(RemoteAddress(stream_)) {
    ++gateway_->connections;
  }
  ~HttpSession() { --gateway_->connections; }

  void Run() {
    net::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (kIsTls<Stream>) {
        self->Handshake();
      } else {
        self->Read();
      }
    });
  }

 private:
  using std::enable_shared_from_this<HttpSession<Stream>>::shared_from_this;

  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }

  void Handshake() {
    tcp().expires_after(gateway_->options.idle_timeout);
    stream_.async_handshake(ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code ec) {
                              if (ec) return self->HandshakeFailed(ec);
                              self->Read();
                            });
  }

  // Closes the connection and says why; the others are not affected.
  void HandshakeFailed(beast::error_code ec) {
    if (ec == net::error::operation_aborted) return;  // shutting down
    if (IsPlainHttp(ec)) {
      gateway_->Log("plain HTTP from " + peer_ +
                    " on the TLS port: answered 400 (use https://) and closed");
      // In the clear, straight on the socket: the TLS layer is done with.
      net::async_write(tcp(), net::buffer(PlainHttpOnTlsPortAnswer()),
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (!ec) self->Linger();
                       });
      return;
    }
    gateway_->Log(
        "TLS handshake with " + peer_ +
        (ec == beast::error::timeout
             ? " timed out after " + std::to_string(gateway_->options.idle_timeout.count()) + " s"
             : " failed: " + ec.message()) +
        "; connection closed");
  }

  // Stops sending, then reads and drops what the client still sends until
  // it closes (or the idle timeout): closing with unread bytes would reset
  // the connection before the client reads the answer.
  void Linger() {
    beast::error_code ignored;
    tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp().expires_after(gateway_->options.idle_timeout);
    tcp().async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (!ec) self->Linger();
                          });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(gateway_->options.max_body_bytes);
    parser_->header_limit(static_cast<std::uint32_t>(gateway_->options.max_header_bytes));
    tcp().expires_after(gateway_->options.idle_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return Shutdown();
    if (ec == http::error::body_limit) {
      return Respond(
          ErrorResponse(Status(StatusCode::kResourceExhausted,
                               "request body over " +
                                   std::to_string(gateway_->options.max_body_bytes) + " bytes"),
                        413),
          false);
    }
    if (ec == http::error::header_limit) {
      return Respond(ErrorResponse(InvalidArgumentError("request headers too large"), 431), false);
    }
    if (ec == beast::error::timeout || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == net::error::operation_aborted ||
        ec == ssl::error::stream_truncated) {
      return;  // gone or idle: drop the connection
    }
    if (ec) {
      return Respond(
          ErrorResponse(InvalidArgumentError("malformed HTTP request: " + ec.message()), 400),
          false);
    }
    request_ = parser_->release();
    const std::string_view target(request_.target().data(), request_.target().size());
    if (websocket::is_upgrade(request_)) {
      if (target.substr(0, target.find('?')) != kWatchPath) {
        return Respond(ErrorResponse(NotFoundError("no WebSocket at " + std::string(target)), 404),
                       false);
      }
      tcp().expires_never();
      std::make_shared<WebsocketSession<Stream>>(gateway_, std::move(stream_))
          ->Run(std::move(request_));
      return;
    }
    if (target.rfind(kExportPrefix, 0) == 0) return Export(target);
    if (target.rfind(kApiPrefix, 0) == 0) return CallApi(target.substr(kApiPrefix.size()));
    if (request_.method() != http::verb::get && request_.method() != http::verb::head) {
      return Respond(ErrorResponse(InvalidArgumentError("use GET for pages"), 405),
                     request_.keep_alive());
    }
    return ServeFile(target);
  }

  void CallApi(std::string_view method) {
    method = method.substr(0, method.find('?'));
    if (request_.method() != http::verb::post) {
      return Respond(
          ErrorResponse(InvalidArgumentError("API calls are POST with a JSON body"), 405),
          request_.keep_alive());
    }
    const auto handler = gateway_->handlers.find(method);
    if (handler == gateway_->handlers.end()) {
      return Respond(ErrorResponse(NotFoundError("no API method '" + std::string(method) +
                                                 "' (see docs/http-api.md)"),
                                   404),
                     request_.keep_alive());
    }
    const auto authorization = request_[http::field::authorization];
    auto who = gateway_->api.Authenticate(
        std::string_view(authorization.data(), authorization.size()), peer_);
    if (!who.ok()) {
      return Respond(ErrorResponse(who.status(), HttpStatusOf(who.status().code())),
                     request_.keep_alive());
    }
    const bool keep_alive = request_.keep_alive();
    // The Api answers on its own thread: come back to this session's strand.
    handler->second(
        *who, request_.body(),
        [held = gateway_->outside.Hold(shared_from_this()), keep_alive](const Status& status,
                                                                        std::string json) {
          net::post(held->stream_.get_executor(), [self = held->shared_from_this(), status,
                                                   keep_alive, json = std::move(json)]() mutable {
            if (!status.ok()) {
              self->Respond(self->ErrorResponse(status, HttpStatusOf(status.code())), keep_alive);
              return;
            }
            http::response<http::string_body> response{http::status::ok, 11};
            response.set(http::field::content_type, "application/json");
            response.set(http::field::cache_control, "no-store");
            response.body() = std::move(json);
            self->Respond(std::move(response), keep_alive);
          });
        });
  }

  // GET /api/v1/export/<file>?token=…[&provisional=1][&publish_from=…&publish_to=…&issuer=…]:
  // a download link works in a browser, so the token may be in the query.
  void Export(std::string_view target) {
    const bool keep_alive = request_.keep_alive();
    if (request_.method() != http::verb::get) {
      return Respond(ErrorResponse(InvalidArgumentError("exports are GET"), 405), keep_alive);
    }
    const std::string name(
        target.substr(kExportPrefix.size(), target.find('?') - kExportPrefix.size()));
    auto query = Query(target);
    const auto authorization = request_[http::field::authorization];
    auto who = authorization.empty()
                   ? gateway_->api.AuthenticateToken(query["token"], peer_)
                   : gateway_->api.Authenticate(
                         std::string_view(authorization.data(), authorization.size()), peer_);
    if (!who.ok()) {
      return Respond(ErrorResponse(who.status(), HttpStatusOf(who.status().code())), keep_alive);
    }
    reports::ExportOptions options;
    options.provisional = query["provisional"] == "1" || query["provisional"] == "true";
    options.notice = {query["publish_from"], query["publish_to"], query["issuer"]};
    gateway_->api.GetExportSource(*who, [held = gateway_->outside.Hold(shared_from_this()), name,
                                         options,
                                         keep_alive](StatusOr<reports::ExportSource> source) {
      // Made on this session's strand, not the writer's thread: a big
      // workbook must not hold up marks.
      net::post(held->stream_.get_executor(), [self = held->shared_from_this(), name, options,
                                               keep_alive, source = std::move(source)]() {
        auto file = source.ok() ? MakeExport(name, *source, options)
                                : StatusOr<reports::ExportedFile>(source.status());
        if (!file.ok()) {
          self->Respond(self->ErrorResponse(file.status(), HttpStatusOf(file.status().code())),
                        keep_alive);
          return;
        }
        http::response<http::string_body> response{http::status::ok, 11};
        response.set(http::field::content_type, file->content_type);
        // The notice opens in the browser to print; the rest download.
        const bool notice = name.rfind("notice.", 0) == 0;
        response.set(http::field::content_disposition,
                     std::string(notice ? "inline" : "attachment") + "; filename=\"" + name + "\"");
        response.set(http::field::cache_control, "no-store");
        response.body() = std::move(file->bytes);
        self->Respond(std::move(response), keep_alive);
      });
    });
  }

  static StatusOr<reports::ExportedFile> MakeExport(const std::string& name,
                                                    const reports::ExportSource& source,
                                                    const reports::ExportOptions& options) {
    PODIUM_ASSIGN_OR_RETURN(reports::Workbook book,
                            reports::ResultsForExport(source, options.provisional));
    return reports::ExportFile(name, book, source, options);
  }

  void ServeFile(std::string_view target) {
    const auto file = gateway_->WebFile(target);
    std::error_code error;
    if (!file || !fs::is_regular_file(*file, error)) {
      if (target == "/favicon.ico") {
        // Browsers ask for it on their own; no icon is not an error.
        http::response<http::string_body> none{http::status::no_content, request_.version()};
        return Respond(std::move(none), request_.keep_alive());
      }
      return Respond(
          ErrorResponse(NotFoundError("no page " + std::string(target.substr(0, 200))), 404),
          request_.keep_alive());
    }
    std::ifstream in(*file, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    http::response<http::string_body> response{http::status::ok, request_.version()};
    response.set(http::field::content_type, std::string(ContentType(*file)));
    response.set(http::field::cache_control,
                 file->extension() == ".html" ? "no-cache" : "max-age=300");
    response.set("X-Content-Type-Options", "nosniff");
    if (request_.method() != http::verb::head) response.body() = content.str();
    Respond(std::move(response), request_.keep_alive());
  }

  http::response<http::string_body> ErrorResponse(const Status& status, int http_status) {
    http::response<http::string_body> response{static_cast<http::status>(http_status), 11};
    response.set(http::field::content_type, "application/json");
    response.body() = ErrorJson(status);
    return response;
  }

  void Respond(http::response<http::string_body> response, bool keep_alive) {
    response.set(http::field::server, "podium");
    response.keep_alive(keep_alive);
    response.prepare_payload();
    auto shared = std::make_shared<http::response<http::string_body>>(std::move(response));
    http::async_write(
        stream_, *shared,
        [self = shared_from_this(), shared, keep_alive](beast::error_code ec, std::size_t) {
          if (ec) return;
          if (!keep_alive) return self->Shutdown();
          self->Read();
        });
  }

  void Shutdown() {
    if constexpr (kIsTls<Stream>) {
      // close_notify, then wait (bounded) for the client's.
      tcp().expires_after(gateway_->options.idle_timeout);
      stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
  }

  std::shared_ptr<GatewayState> gateway_;
  Stream stream_;
  const std::string peer_;  // the client's address, kept: the socket may close first
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::request<http::string_body> request_;
};

// Accepts connections onto their own strands.
class Listener final : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& io, tcp::acceptor& acceptor, std::shared_ptr<GatewayState> gateway)
      : io_(io), acceptor_(acceptor), gateway_(std::move(gateway)) {}

  void Accept() {
    acceptor_.async_accept(net::make_strand(io_), [self = shared_from_this()](beast::error_code ec,
                                                                              tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;  // shutting down
      if (!ec) {
        if (self->gateway_->connections >= self->gateway_->options.max_connections) {
          // Over the limit: the socket closes here.
        } else if (self->gateway_->tls != nullptr) {
          std::make_shared<HttpSession<TlsStream>>(
              self->gateway_, TlsStream(std::move(socket), *self->gateway_->tls))
              ->Run();
        } else {
          std::make_shared<HttpSession<PlainStream>>(self->gateway_, PlainStream(std::move(socket)))
              ->Run();
        }
      }
      self->Accept();
    });
  }

 private:
  net::io_context& io_;
  tcp::acceptor& acceptor_;
  std::shared_ptr<GatewayState> gateway_;
};

}  // namespace

StatusOr<std::unique_ptr<Gateway>> Gateway::Start(Api& api, const GatewayOptions& options) {
  auto state = std::make_shared<GatewayState>(api, options);
  state->web_dir = options.web_dir.empty() ? fs::path(PODIUM_WEB_DIR) : options.web_dir;
  if (!fs::is_directory(state->web_dir)) {
    return InvalidArgumentError("no web directory " + state->web_dir.string());
  }
  state->web_dir = fs::canonical(state->web_dir);
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    PODIUM_ASSIGN_OR_RETURN(state->tls,
                            MakeServerTlsContext(options.tls_cert_file, options.tls_key_file));
  }
  state->RegisterHandlers();
  std::unique_ptr<Gateway> gateway(new Gateway());
  gateway->impl_ = std::make_unique<Impl>(state);
  Impl& g = *gateway->impl_;
  const size_t colon = options.address.rfind(':');
  if (colon == std::string::npos) return InvalidArgumentError("address must be HOST:PORT");
  beast::error_code ec;
  const auto host = net::ip::make_address(options.address.substr(0, colon), ec);
  int port = -1;
  const std::string digits = options.address.substr(colon + 1);
  std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec || port < 0 || port > 65535) {
    return InvalidArgumentError("bad HTTP address " + options.address);
  }
  const tcp::endpoint endpoint(host, static_cast<unsigned short>(port));
  g.acceptor.open(endpoint.protocol(), ec);
  if (!ec) g.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) g.acceptor.bind(endpoint, ec);
  if (!ec) g.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return UnavailableError("cannot listen on " + options.address + ": " + ec.message());
  std::make_shared<Listener>(g.io, g.acceptor, state)->Accept();
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    g.threads.emplace_back([&g] { g.io.run(); });
  }
  return gateway;
}

int Gateway::port() const { return impl_->acceptor.local_endpoint().port(); }

Gateway::~Gateway() {
  // Stop the loop; let calls still with the Api come back and stop the watch
  // streams, so nothing posts to the io_context once it goes; then close.
  // Open connections are dropped with their pending handlers as it goes.
  impl_->io.stop();
  for (std::thread& t : impl_->threads) t.join();
  impl_->state->outside.Drain();
  beast::error_code ignored;
  impl_->acceptor.close(ignored);
}

}  // namespace podium::server
