#include "server/gateway/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>

namespace podium::server {

namespace ssl = boost::asio::ssl;

namespace {

// True if OpenSSL could not open or read the file itself (errno-based).
bool IsFileError(const boost::system::error_code& ec) {
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ERR_GET_LIB(static_cast<unsigned long>(ec.value())) == ERR_LIB_SYS;
}

bool IsKeyMismatch(const boost::system::error_code& ec) {
  const auto code = static_cast<unsigned long>(ec.value());
  return ec.category() == boost::asio::error::get_ssl_category() &&
         ((ERR_GET_LIB(code) == ERR_LIB_X509 &&
           ERR_GET_REASON(code) == X509_R_KEY_VALUES_MISMATCH) ||
          (ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_PRIVATE_KEY_MISMATCH));
}

// What went wrong reading `what` at `file`; the message of a file error is
// the system's ("No such file or directory"), else OpenSSL's reason.
Status FileProblem(const boost::system::error_code& ec, const std::string& what,
                   const std::string& file, const std::string& expected) {
  // Boost takes only the first error; drop the rest of this thread's queue.
  ERR_clear_error();
  if (IsFileError(ec)) {
    const int error = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
    return InvalidArgumentError("cannot read the TLS " + what + " " + file + ": " +
                                std::strerror(error));
  }
  return InvalidArgumentError("the TLS " + what + " " + file + " is not " + expected + " (" +
                              ec.message() + ")");
}

}  // namespace

StatusOr<std::shared_ptr<ssl::context>> MakeServerTlsContext(const std::string& cert_file,
                                                             const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return InvalidArgumentError(std::string("TLS needs both a certificate file and a key file (") +
                                (cert_file.empty() ? "no certificate" : "no key") + " given)");
  }
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                           ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                           ssl::context::no_tlsv1_1 | ssl::context::no_compression |
                           ssl::context::single_dh_use,
                       ec);
  SSL_CTX* native = context->native_handle();
  // Also as a floor, whatever the system's openssl.cnf says.
  if (ec || SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    ERR_clear_error();
    return InternalError("cannot set up TLS: " + (ec ? ec.message() : "no TLS 1.2"));
  }
  SSL_CTX_set_options(native, SSL_OP_NO_RENEGOTIATION);
  // A server must never stop to ask a terminal for a passphrase: an
  // encrypted key gets an empty one, fails, and is reported below.
  context->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); }, ec);
  context->use_certificate_chain_file(cert_file, ec);
  if (ec) return FileProblem(ec, "certificate", cert_file, "a PEM certificate");
  context->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec && !IsKeyMismatch(ec)) {
    // A key protected by a passphrase is refused too ("bad decrypt").
    return FileProblem(ec, "key", key_file, "a PEM private key without a passphrase");
  }
  if (ec || SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    return InvalidArgumentError("the TLS key " + key_file + " does not belong to the certificate " +
                                cert_file);
  }
  return context;
}

}  // namespace podium::server
