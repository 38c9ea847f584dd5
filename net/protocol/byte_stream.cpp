// See byte_stream.hpp.
#include "net/protocol/byte_stream.hpp"

namespace stampd::net {
namespace {

constexpr auto tls_12_and_later = ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                  ssl::context::no_tlsv1_1 | ssl::context::single_dh_use;

}  // namespace

std::unique_ptr<ssl::context> server_tls(const std::string& cert, const std::string& key,
                                         const std::string& client_ca, bool require_client_cert,
                                         std::string& error) {
    auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    boost::system::error_code ec;
    tls->set_options(tls_12_and_later, ec);
    if (!ec) tls->use_certificate_chain_file(cert, ec);
    if (ec) {
        error = "the TLS certificate " + cert + ": " + ec.message();
        return nullptr;
    }
    tls->use_private_key_file(key, ssl::context::pem, ec);
    if (ec) {
        error = "the TLS key " + key + ": " + ec.message();
        return nullptr;
    }
    if (!client_ca.empty()) {
        tls->load_verify_file(client_ca, ec);
        if (ec) {
            error = "the client CA " + client_ca + ": " + ec.message();
            return nullptr;
        }
        // Asked for and checked when presented; required too when so told.
        tls->set_verify_mode(require_client_cert
                                 ? ssl::verify_peer | ssl::verify_fail_if_no_peer_cert
                                 : ssl::verify_peer,
                             ec);
    } else if (require_client_cert) {
        error = "client certificates cannot be required without a client CA to check them";
        return nullptr;
    }
    return tls;
}

std::unique_ptr<ssl::context> client_tls(const std::string& ca, const std::string& cert,
                                         const std::string& key, std::string& error) {
    auto tls = std::make_unique<ssl::context>(ssl::context::tls_client);
    boost::system::error_code ec;
    tls->set_options(tls_12_and_later, ec);
    if (!ec) tls->load_verify_file(ca, ec);
    if (ec) {
        error = "the TLS CA " + ca + ": " + ec.message();
        return nullptr;
    }
    tls->set_verify_mode(ssl::verify_peer, ec);
    if (!cert.empty()) {
        tls->use_certificate_chain_file(cert, ec);
        if (!ec) tls->use_private_key_file(key, ssl::context::pem, ec);
        if (ec) {
            error = "the client certificate " + cert + ": " + ec.message();
            return nullptr;
        }
    }
    return tls;
}

}  // namespace stampd::net
