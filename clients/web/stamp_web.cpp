// stamp-web: the web console. Serves the front end and a JSON API to browsers, and speaks to
// stampd as each logged-in person over their own connection (clients/web/web_server.hpp), and
// stampd's roles decide what each may read and do. With --data-dir it also makes the Stamp
// Accounting report and invoice documents from the data directory, read-only, as stamp-report
// does (clients/web/report_worker.hpp), checking the same roles on the state it loads.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <boost/asio/signal_set.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "clients/web/web_server.hpp"
#include "engine/build_info.hpp"
#include "net/protocol/byte_stream.hpp"

#ifndef STAMP_WEB_STATIC_DIR
#define STAMP_WEB_STATIC_DIR "/usr/share/stamp-web/static"
#endif

namespace {

bool split(const std::string& text, std::string& host, std::string& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return true;
}

bool loopback(const std::string& host) {
    return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

// The front end's files: an installed PREFIX/bin/stamp-web serves PREFIX/share/stamp-web/static
// (ops/install.cmake puts them there, under any prefix); a binary in a build tree has none beside
// it and serves the source tree's static/ it was compiled from.
std::string default_static_dir() {
    std::error_code ec;
    const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed = exe.parent_path().parent_path() / "share/stamp-web/static";
        if (std::filesystem::is_regular_file(installed / "index.html", ec))
            return installed.string();
    }
    return STAMP_WEB_STATIC_DIR;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace stampd;
    CLI::App app{"stamp-web: the web console of stampd (HTTP and WebSocket for browsers)"};
    app.set_version_flag("--version", stampd::version_text("stamp-web"),
                         "print the version, the commit and the build type, and exit");
    std::string listen = "127.0.0.1:8080";
    std::string server = "127.0.0.1:7878";
    if (const char* env = std::getenv("STAMPD_SERVER")) server = env;
    std::string stampd_ca, stampd_cert, stampd_key, tls_cert, tls_key;
    std::string static_dir = default_static_dir();
    std::string log_level = "info";
    bool insecure_plaintext = false;
    web::web_options o;
    long idle_s = o.sessions.idle.count(), lifetime_s = o.sessions.absolute.count();
    app.add_option("--listen", listen, "HOST:PORT browsers connect to")->capture_default_str();
    app.add_option("--stampd", server, "HOST:PORT of stampd (default: STAMPD_SERVER, or this)")
        ->capture_default_str();
    app.add_option("--stampd-tls-ca", stampd_ca,
                   "PEM CA stampd's certificate must chain to: speak TLS to stampd");
    app.add_option("--stampd-tls-cert", stampd_cert, "PEM client certificate for stampd");
    app.add_option("--stampd-tls-key", stampd_key, "PEM key of --stampd-tls-cert");
    app.add_option("--static-dir", static_dir, "the front end's files")->capture_default_str();
    app.add_option("--tls-cert", tls_cert, "PEM certificate chain: serve HTTPS (with --tls-key)");
    app.add_option("--tls-key", tls_key, "PEM private key of --tls-cert");
    app.add_flag("--cookie-secure", o.cookie_secure,
                 "mark cookies Secure without serving TLS here (a TLS proxy in front)");
    app.add_flag("--insecure-plaintext", insecure_plaintext,
                 "listen on a non-loopback address without TLS: passwords and cookies cross "
                 "the network readable (a trusted network only)");
    app.add_option("--idle-timeout", idle_s, "seconds a session lives without use")
        ->check(CLI::Range(1L, 7L * 24 * 3600))
        ->capture_default_str();
    app.add_option("--session-lifetime", lifetime_s, "seconds a session lives at most")
        ->check(CLI::Range(1L, 30L * 24 * 3600))
        ->capture_default_str();
    app.add_option("--sessions-max", o.sessions.sessions_max,
                   "sessions at once (each holds one stampd connection)")
        ->check(CLI::Range(1, 1000))
        ->capture_default_str();
    app.add_option("--data-dir", o.data_dir,
                   "stampd's data directory, opened read-only: the Stamp Accounting report and "
                   "invoice PDFs are made from it (without it, the console makes none)")
        ->check(CLI::ExistingDirectory);
    app.add_option("--warehouse", o.warehouse,
                   "who issues the documents: a name and address printed at their head (as "
                   "stamp-report --warehouse)");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help is 0; every usage mistake is 2, as in the other programs (not CLI11's 105 …).
        return app.exit(e) == 0 ? 0 : 2;
    }
    spdlog::set_level(spdlog::level::from_str(log_level));

    std::string port;
    if (!split(listen, o.host, port)) {
        std::fprintf(stderr, "stamp-web: --listen must be HOST:PORT, not '%s'\n", listen.c_str());
        return 2;
    }
    try {
        o.port = static_cast<std::uint16_t>(std::stoul(port));
    } catch (const std::exception&) {
        std::fprintf(stderr, "stamp-web: '%s' is not a port\n", port.c_str());
        return 2;
    }
    if (!split(server, o.stampd.host, o.stampd.port)) {
        std::fprintf(stderr, "stamp-web: --stampd must be HOST:PORT, not '%s'\n", server.c_str());
        return 2;
    }
    if (tls_cert.empty() != tls_key.empty()) {
        std::fprintf(stderr, "stamp-web: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (tls_cert.empty() && !loopback(o.host) && !insecure_plaintext) {
        std::fprintf(stderr,
                     "stamp-web: listening on %s without TLS would send passwords readable: "
                     "give --tls-cert and --tls-key, or --insecure-plaintext\n",
                     o.host.c_str());
        return 2;
    }
    o.sessions.idle = std::chrono::seconds(idle_s);
    o.sessions.absolute = std::chrono::seconds(lifetime_s);
    o.static_dir = static_dir;
    o.log = [](const std::string& line) { spdlog::info("{}", line); };

    std::unique_ptr<boost::asio::ssl::context> to_stampd, https;
    std::string error;
    if (!stampd_ca.empty()) {
        to_stampd = net::client_tls(stampd_ca, stampd_cert, stampd_key, error);
        if (!to_stampd) {
            std::fprintf(stderr, "stamp-web: %s\n", error.c_str());
            return 2;
        }
        o.stampd.tls = to_stampd.get();
    }
    if (!tls_cert.empty()) {
        https = std::make_unique<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
        https->set_options(
            boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
            boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
        boost::system::error_code ec;
        https->use_certificate_chain_file(tls_cert, ec);
        if (!ec) https->use_private_key_file(tls_key, boost::asio::ssl::context::pem, ec);
        if (ec) {
            std::fprintf(stderr, "stamp-web: cannot load %s / %s: %s\n", tls_cert.c_str(),
                         tls_key.c_str(), ec.message().c_str());
            return 2;
        }
        o.tls = https.get();
    }

    boost::asio::io_context context{1};
    std::unique_ptr<web::web_server> web;
    try {
        web = std::make_unique<web::web_server>(context, o);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "stamp-web: %s\n", e.what());
        return 1;
    }
    boost::asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        spdlog::info("stopping");
        web->stop();
        context.stop();
    });
    std::signal(SIGPIPE, SIG_IGN);
    spdlog::info("stamp-web on {}://{}:{}, stampd at {}, reports {}",
                 tls_cert.empty() ? "http" : "https", o.host, web->port(), server,
                 o.data_dir.empty() ? std::string("off (no --data-dir)") : "from " + o.data_dir);
    context.run();
    return 0;
}
