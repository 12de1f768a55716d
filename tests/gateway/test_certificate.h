// Self-signed TLS certificates made at test time with OpenSSL's API (no
// files checked in, nothing to expire): an EC P-256 key and a certificate for
// CN=podium with subjectAltName IP:127.0.0.1, valid for a day — what
// tests/e2e/judge_client_test.py makes with `openssl req -x509` for the gRPC
// port, without needing the command.
#ifndef PODIUM_TESTS_GATEWAY_TEST_CERTIFICATE_H_
#define PODIUM_TESTS_GATEWAY_TEST_CERTIFICATE_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace podium::test {

// Writes a fresh key to `key_file` and its self-signed certificate to
// `cert_file`, both PEM; the key is encrypted (AES-256) with `passphrase` if
// one is given. False if OpenSSL or a file write fails.
inline bool WriteSelfSignedCertificate(const std::filesystem::path& cert_file,
                                       const std::filesystem::path& key_file,
                                       const std::string& passphrase = "") {
  const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"),
                                                                &EVP_PKEY_free);
  const std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), &X509_free);
  if (key == nullptr || cert == nullptr) return false;
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("podium"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (const auto& [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                                   std::pair{NID_subject_alt_name, "IP:127.0.0.1"}}) {
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    if (extension == nullptr) return false;
    const bool added = X509_add_ext(cert.get(), extension, -1) == 1;
    X509_EXTENSION_free(extension);
    if (!added) return false;
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return false;

  auto write = [](const std::filesystem::path& path, auto write_pem) {
    const std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "wb"),
                                                             &std::fclose);
    return file != nullptr && write_pem(file.get()) == 1;
  };
  return write(cert_file, [&](FILE* f) { return PEM_write_X509(f, cert.get()); }) &&
         write(key_file, [&](FILE* f) {
           if (passphrase.empty()) {
             return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
           }
           return PEM_write_PrivateKey(f, key.get(), EVP_aes_256_cbc(),
                                       reinterpret_cast<const unsigned char*>(passphrase.data()),
                                       static_cast<int>(passphrase.size()), nullptr, nullptr);
         });
}

}  // namespace podium::test

#endif  // PODIUM_TESTS_GATEWAY_TEST_CERTIFICATE_H_
