// TLS for the HTTP port: the server-side OpenSSL context, made once at start
// from a PEM certificate chain and private key, speaking TLS 1.2 and later only.
#ifndef PODIUM_SERVER_GATEWAY_TLS_CONTEXT_H_
#define PODIUM_SERVER_GATEWAY_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "podium/status.h"

namespace podium::server {

// Returns a server context holding the certificate chain of `cert_file` (the
// server's certificate first, then any intermediates) and the private key of
// `key_file`, both PEM, as OpenSSL reads them. SSLv2/3, TLS 1.0 and 1.1,
// compression and renegotiation are off. The context may be shared by any
// number of connections on any threads.
// Errors: kInvalidArgument, naming the file (never anything from inside the
// key), if only one of the two files is given, a file cannot be read, the
// certificate file holds no PEM certificate, the key file holds no
// unencrypted PEM private key, or the key is not the certificate's.
// Cost: reads both files; call it at start, not per connection.
StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace podium::server

#endif  // PODIUM_SERVER_GATEWAY_TLS_CONTEXT_H_
