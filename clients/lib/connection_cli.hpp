// The connection options stampctl and stamp-scan share: --server, --tls-ca, --tls-cert,
// --tls-key, --token-file and --token, and how they are settled after parsing (the environment
// fills what the command line left out; a token on the command line is warned about).
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>

#include "clients/lib/client.hpp"
#include "net/protocol/secret_file.hpp"

namespace stampd::client {

inline void add_connection_options(CLI::App& app, options& o) {
    app.add_option("--server", o.server,
                   "HOST:PORT of stampd (else STAMPD_SERVER, else 127.0.0.1:7878)");
    app.add_option("--tls-ca", o.tls_ca,
                   "speak TLS; the server's certificate must chain to this PEM CA and name the "
                   "server's host (else STAMPD_TLS_CA; neither: plain TCP)");
    app.add_option("--tls-cert", o.tls_cert,
                   "a PEM client certificate, for a server that pins stations by certificate");
    app.add_option("--tls-key", o.tls_key, "the PEM private key of --tls-cert");
    app.add_option("--token-file", o.token_file,
                   "a file holding the user's token on its first line (else STAMPD_TOKEN, else "
                   "STAMPD_TOKEN_FILE)");
    app.add_option("--token", o.token,
                   "the user's token on the command line (visible in ps: prefer --token-file)");
}

// After parsing: warnings and errors on stderr, prefixed with `program`. False on an error (a
// token file that cannot be used).
inline bool settle_connection_options(const CLI::App& app, options& o, const char* program) {
    if (app.count("--token") > 0) {
        std::fprintf(
            stderr, "%s: warning: %s\n", program,
            net::command_line_secret_warning("--token", "--token-file FILE or STAMPD_TOKEN")
                .c_str());
    }
    std::string error, warning;
    if (!options_from_environment(o, error, warning)) {
        std::fprintf(stderr, "%s: %s\n", program, error.c_str());
        return false;
    }
    if (!warning.empty()) std::fprintf(stderr, "%s: warning: %s\n", program, warning.c_str());
    if (o.server.empty()) o.server = "127.0.0.1:7878";
    return true;
}

}  // namespace stampd::client
