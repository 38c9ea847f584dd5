// stampd: the server. Recovers the engine from its data directory, creates the bootstrap admin on
// first start, listens for stations and operators, and on SIGTERM / SIGINT stops accepting,
// commits and answers what is in flight, takes a snapshot and exits 0.
#include <openssl/rand.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/build_info.hpp"
#include "engine/engine.hpp"
#include "net/log_format.hpp"
#include "net/ops_http.hpp"
#include "net/protocol/byte_stream.hpp"
#include "net/protocol/secret_file.hpp"
#include "net/server.hpp"
#include "net/service_notify.hpp"

namespace {

using namespace stampd;

struct server_settings {
    std::string data = "./data";
    std::string listen = "127.0.0.1:7878";
    std::string config;
    std::string admin_token;
    std::string admin_token_file;
    std::string admin_password_file;
    std::string seal_key_file;
    std::string log_level = "info";
    std::string log_format = "text";
    std::string http_listen;  // the operators' /metrics, /healthz, /readyz; off when empty
    bool unsafe_no_sync = false;
    bool insecure_plaintext = false;
    wal::runtime_options runtime;
    net::server_options server;
};

bool split_host_port(const std::string& text, std::string& host, std::uint16_t& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return false;
    host = text.substr(0, colon);
    try {
        const unsigned long value = std::stoul(text.substr(colon + 1));
        if (value > 65535) return false;
        port = static_cast<std::uint16_t>(value);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

// One key of the TOML file: where its value goes, what it may be, and the flag that overrides it
// (nullptr: a file-only setting).
struct config_key {
    const char* name;
    const char* flag;
    std::variant<std::string*, bool*, std::uint32_t*, std::uint64_t*> into;
    std::uint64_t min = 0, max = 0;  // integers only
    const char* what = "";           // what it is, for the message
};

template <typename T>
std::string type_name_of() {
    if constexpr (std::is_same_v<T, std::string*>)
        return "a string";
    else if constexpr (std::is_same_v<T, bool*>)
        return "true or false";
    else
        return "an integer";
}

std::string node_type_name(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a float";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date or time";
    }
}

bool log_level_ok(const std::string& level) {
    return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
           level == "error";
}

// Every key of the TOML file, in the order ops/stampd.toml documents them.
std::vector<config_key> config_keys(server_settings& s) {
    using u64 = std::uint64_t;
    constexpr u64 u32_max = UINT32_MAX;
    return {
        {"data", "--data", &s.data, 0, 0, "the data directory"},
        {"listen", "--listen", &s.listen, 0, 0, "HOST:PORT"},
        {"http_listen", "--http-listen", &s.http_listen, 0, 0,
         "HOST:PORT for /metrics, /healthz and /readyz, or \"\" for none"},
        {"log_level", "--log-level", &s.log_level, 0, 0, "trace, debug, info, warn or error"},
        {"log_format", "--log-format", &s.log_format, 0, 0, "text or json"},
        {"io_threads", "--io-threads", &s.server.io_threads, 1, 64, "I/O threads"},
        {"unsafe_no_sync", "--unsafe-no-sync", &s.unsafe_no_sync},
        {"seal_key_file", "--seal-key-file", &s.seal_key_file, 0, 0, "a file's path"},
        {"tls_cert", "--tls-cert", &s.server.tls_cert, 0, 0, "a PEM file's path"},
        {"tls_key", "--tls-key", &s.server.tls_key, 0, 0, "a PEM file's path"},
        {"tls_client_ca", "--tls-client-ca", &s.server.tls_client_ca, 0, 0, "a PEM file's path"},
        {"tls_require_client_cert", "--tls-require-client-cert", &s.server.tls_require_client_cert},
        {"insecure_plaintext", "--insecure-plaintext", &s.insecure_plaintext},
        {"batch_size_max", nullptr, &s.runtime.batch_size_max, 1, 1u << 20, "commands a batch"},
        {"pipeline_depth", nullptr, &s.runtime.pipeline_depth, 1, 1024, "batches in flight"},
        {"ingress_max", nullptr, &s.runtime.ingress_max, 1, 1u << 24, "requests waiting"},
        {"slow_commit_ms", nullptr, &s.runtime.slow_commit_ms, 1, 600'000,
         "milliseconds a commit may take before it is logged"},
        {"snapshot_every_records", nullptr, &s.runtime.snapshot_every_records, 1, ~u64{0},
         "records between snapshots"},
        {"snapshot_every_seconds", nullptr, &s.runtime.snapshot_every_seconds, 1, u32_max,
         "seconds between snapshots"},
        {"snapshots_kept", nullptr, &s.runtime.snapshots_kept, 1, 1000, "snapshots kept"},
        {"seal_every_records", nullptr, &s.runtime.seal_every_records, 1, ~u64{0},
         "records between seals"},
        {"connections_max", nullptr, &s.server.connections_max, 1, net::connections_max,
         "connections"},
        {"connections_per_address_max", nullptr, &s.server.connections_per_address_max, 0,
         net::connections_max, "connections from one address (0: derived)"},
        {"awaiting_hello_max", nullptr, &s.server.awaiting_hello_max, 0, net::connections_max,
         "connections before Hello (0: derived)"},
        {"awaiting_hello_per_address_max", nullptr, &s.server.awaiting_hello_per_address_max, 0,
         net::connections_max, "connections before Hello from one address (0: derived)"},
        {"idle_timeout_s", nullptr, &s.server.idle_timeout_s, 1, 86'400, "seconds"},
        {"output_budget_bytes", nullptr, &s.server.output_budget_bytes, 1u << 20, u64{1} << 40,
         "bytes of unwritten answers"},
    };
}

// Where each setting in force came from: "default", a flag, or the file's path and line.
using config_sources = std::map<std::string, std::string>;

// The TOML file holds the same settings as the flags and more (flags win). Every key is checked:
// an unknown key, a wrong type or a value out of range stops stampd with the key, its line and
// what is allowed (error), instead of being passed over.
bool read_config(const std::string& path, server_settings& s, const CLI::App& app,
                 config_sources& sources, std::string& error) {
    const toml::table t = toml::parse_file(path);
    using u64 = std::uint64_t;
    const std::vector<config_key> all = config_keys(s);
    static_assert(std::is_same_v<decltype(s.server.io_threads), std::uint32_t> &&
                  std::is_same_v<decltype(s.server.output_budget_bytes), std::uint64_t>);
    const auto at = [&path](const toml::node& n) {
        return path + ":" + std::to_string(n.source().begin.line) + ": ";
    };
    for (const auto& [name, node] : t) {
        const auto key =
            std::ranges::find_if(all, [&](const config_key& k) { return name.str() == k.name; });
        if (key == all.end()) {
            std::string known;
            for (const config_key& k : all)
                known += (known.empty() ? "" : ", ") + std::string{k.name};
            error = at(node) + "unknown key '" + std::string{name.str()} + "' (known: " + known +
                    "; ops/stampd.toml documents each)";
            return false;
        }
        const bool overridden = key->flag != nullptr && app.count(key->flag) > 0;
        const bool ok = std::visit(
            [&](auto* into) {
                using T = std::remove_pointer_t<decltype(into)>;
                const std::string wanted = type_name_of<decltype(into)>();
                if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, bool>) {
                    const std::optional<T> v = node.value_exact<T>();
                    if (!v) {
                        error = at(node) + key->name + " is " + wanted + " (" + key->what +
                                "), not " + node_type_name(node);
                        return false;
                    }
                    if constexpr (std::is_same_v<T, std::string>) {
                        if ((into == &s.log_level && !log_level_ok(*v)) ||
                            (into == &s.log_format && !net::log_format_ok(*v))) {
                            error = at(node) + key->name + " is one of " + key->what + ", not '" +
                                    *v + "'";
                            return false;
                        }
                    }
                    if (!overridden) *into = *v;
                } else {
                    const std::optional<std::int64_t> v = node.value_exact<std::int64_t>();
                    if (!v) {
                        error = at(node) + key->name + " is an integer (" + key->what + "), not " +
                                node_type_name(node);
                        return false;
                    }
                    if (*v < 0 || static_cast<u64>(*v) < key->min ||
                        static_cast<u64>(*v) > key->max) {
                        error = at(node) + key->name + " is " + std::to_string(key->min) + " to " +
                                std::to_string(key->max) + " (" + key->what + "), not " +
                                std::to_string(*v);
                        return false;
                    }
                    if (!overridden) *into = static_cast<T>(*v);
                }
                return true;
            },
            key->into);
        if (!ok) return false;
        if (!overridden) {
            sources[key->name] = path + ":" + std::to_string(node.source().begin.line);
        }
    }
    return true;
}

// --print-config: every key's value in force, as TOML stampd would read back, and where it came
// from. Secrets are files' paths here, never their contents.
void print_config(server_settings& s, const CLI::App& app, const config_sources& sources) {
    std::printf("# stampd --print-config: the settings in force and where each came from\n");
    for (const config_key& k : config_keys(s)) {
        std::string source = "default";
        if (k.flag != nullptr && app.count(k.flag) > 0)
            source = k.flag;
        else if (const auto it = sources.find(k.name); it != sources.end())
            source = it->second;
        const std::string value = std::visit(
            [](auto* into) -> std::string {
                using T = std::remove_pointer_t<decltype(into)>;
                if constexpr (std::is_same_v<T, std::string>) {
                    std::string quoted = "\"";
                    for (const char c : *into) {
                        if (c == '"' || c == '\\') quoted += '\\';
                        quoted += c;
                    }
                    return quoted + "\"";
                } else if constexpr (std::is_same_v<T, bool>) {
                    return *into ? "true" : "false";
                } else {
                    return std::to_string(*into);
                }
            },
            k.into);
        const std::string line = std::string{k.name} + " = " + value;
        std::printf("%-48s # %s\n", line.c_str(), source.c_str());
    }
}

// 127.0.0.0/8, ::1 and "localhost": nothing from another machine reaches them.
bool is_loopback(const std::string& host) {
    if (host == "localhost") return true;
    boost::system::error_code ec;
    const boost::asio::ip::address a = boost::asio::ip::make_address(host, ec);
    return !ec && a.is_loopback();
}

std::string random_token() {
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        std::fprintf(stderr, "stampd: cannot draw a random token\n");
        std::exit(1);
    }
    static const char digits[] = "0123456789abcdef";
    std::string token;
    for (const unsigned char b : bytes) {
        token += digits[b >> 4];
        token += digits[b & 15];
    }
    return token;
}

// Waits for SIGTERM or SIGINT and returns it. Under a systemd watchdog (WatchdogSec), feeds it
// every half interval while the writer is alive: it ran a read just now, or the log moved on
// (under a load that keeps the ingress full, a read may not get in; commits prove it as well).
// A writer stuck for the whole interval starves the watchdog and systemd restarts stampd.
int wait_for_stop(const sigset_t& stop_signals, net::server& server) {
    const std::chrono::microseconds every = net::service_notify::watchdog_interval();
    if (every.count() == 0) {
        int signal_number = 0;
        sigwait(&stop_signals, &signal_number);
        return signal_number;
    }
    spdlog::info("systemd watchdog: fed every {} ms while the writer answers",
                 every.count() / 1000);
    std::uint64_t durable = server.runtime().stats().durable_lsn;
    bool said = false;
    for (;;) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(every);
        const timespec timeout{.tv_sec = static_cast<time_t>(seconds.count()),
                               .tv_nsec = static_cast<long>((every - seconds).count() * 1000)};
        const int signal_number = sigtimedwait(&stop_signals, nullptr, &timeout);
        if (signal_number > 0) return signal_number;
        const std::uint64_t now = server.runtime().stats().durable_lsn;
        const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(every / 2);
        if (now != durable || server.inspect([](const state&, std::uint64_t) {}, wait)) {
            net::service_notify::watchdog();
            said = false;
        } else if (!said) {
            spdlog::warn("the writer has not answered for {} ms: the systemd watchdog is not fed",
                         (every + wait).count() / 1000);
            said = true;
        }
        durable = now;
    }
}

}  // namespace

int main(int argc, char** argv) {
    server_settings s;
    CLI::App app{"stampd: the excise-stamp transaction engine, serving stations over TCP"};
    app.set_version_flag("--version", stampd::version_text("stampd"),
                         "print the version, the commit and the build type, and exit");
    app.footer(
        "Exit codes: 0 stopped cleanly (SIGTERM, SIGINT), 1 could not serve (damaged or locked "
        "data directory, storage, address taken), 2 usage or a mistake in the --config file. "
        "ops/stampd.toml documents every key; docs/operations.md says how to run stampd.");
    app.add_option("--data", s.data, "data directory (created when missing)")
        ->capture_default_str();
    app.add_option("--listen", s.listen, "HOST:PORT to listen on")->capture_default_str();
    app.add_option("--config", s.config, "a TOML file with these settings and more")
        ->check(CLI::ExistingFile);
    bool print_config_only = false;
    app.add_flag("--print-config", print_config_only,
                 "check the settings (flags over the --config file over the defaults), print "
                 "the values in force and where each came from, and exit (0, or 2 on a mistake)");
    app.add_option("--http-listen", s.http_listen,
                   "HOST:PORT for the operators' /metrics, /healthz and /readyz (no token: keep "
                   "it on the loopback or a management network); off when not set");
    app.add_option("--admin-token-file", s.admin_token_file,
                   "the bootstrap admin's token on first start: read from this file when it "
                   "exists, else generated and written there (mode 0600) instead of printed");
    app.add_option("--admin-token", s.admin_token,
                   "the bootstrap admin's token on the command line (visible in ps: prefer "
                   "--admin-token-file or STAMPD_ADMIN_TOKEN); without either, a generated one "
                   "is printed once");
    app.add_option("--admin-password-file", s.admin_password_file,
                   "the bootstrap admin's password for the web console on first start: read from "
                   "this file when it exists, else generated and written there (mode 0600)");
    app.add_option("--seal-key-file", s.seal_key_file,
                   "a key (at least 32 bytes on its first line, kept outside the data directory) "
                   "to seal the log with, every seal_every_records records and at shutdown; "
                   "stamp-audit verify --seal-key-file checks the seals");
    app.add_option("--tls-cert", s.server.tls_cert,
                   "PEM certificate chain: stations speak TLS 1.2+ (with --tls-key)");
    app.add_option("--tls-key", s.server.tls_key, "PEM private key of --tls-cert");
    app.add_option("--tls-client-ca", s.server.tls_client_ca,
                   "PEM CA: ask stations for a certificate and check it when presented");
    app.add_flag("--tls-require-client-cert", s.server.tls_require_client_cert,
                 "refuse a station without a certificate --tls-client-ca signed (a token alone "
                 "no longer lets it in)");
    app.add_flag("--insecure-plaintext", s.insecure_plaintext,
                 "listen on a non-loopback address without TLS: tokens and everything else "
                 "cross the network readable (a trusted network only)");
    app.add_option("--auth-proxy", s.server.auth_proxies,
                   "an IP address of stamp-web (repeatable): its logins are throttled by the "
                   "browser's address it passes on, not its own")
        ->check([](const std::string& text) {
            boost::system::error_code ec;
            boost::asio::ip::make_address(text, ec);
            return ec ? "not an IP address: " + text : std::string{};
        });
    app.add_option("--io-threads", s.server.io_threads, "I/O threads")->capture_default_str();
    app.add_option("--log-level", s.log_level, "trace, debug, info, warn, error")
        ->check([](const std::string& level) {
            return log_level_ok(level)
                       ? std::string{}
                       : "one of trace, debug, info, warn, error; not '" + level + "'";
        })
        ->capture_default_str();
    app.add_option("--log-format", s.log_format,
                   "text (a line a message) or json (an object a line); both to stderr")
        ->check([](const std::string& format) {
            return net::log_format_ok(format) ? std::string{}
                                              : "text or json, not '" + format + "'";
        })
        ->capture_default_str();
    app.add_flag("--unsafe-no-sync", s.unsafe_no_sync,
                 "never fsync: acknowledged commands can be LOST on a crash (benchmarks only)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help is 0; every usage mistake is 2, as in the other programs (not CLI11's 105 …).
        return app.exit(e) == 0 ? 0 : 2;
    }

    config_sources sources;
    try {
        std::string error;
        if (!s.config.empty() && !read_config(s.config, s, app, sources, error)) {
            std::fprintf(stderr, "stampd: %s\n", error.c_str());
            return 2;
        }
    } catch (const toml::parse_error& e) {
        std::fprintf(stderr, "stampd: %s:%u: %s\n", s.config.c_str(),
                     static_cast<unsigned>(e.source().begin.line),
                     std::string{e.description()}.c_str());
        return 2;
    }
    // From here on everything said goes through the log, in its format (a mistake in the file
    // above is said plainly: the format may be what is wrong).
    net::log_to_stderr(s.log_format, s.log_level);
    if (app.count("--admin-token") > 0) {
        spdlog::warn("{}", net::command_line_secret_warning("--admin-token",
                                                            "--admin-token-file FILE or "
                                                            "STAMPD_ADMIN_TOKEN")
                               .c_str());
    }
    if (s.admin_token.empty() && !s.admin_token_file.empty() &&
        std::filesystem::exists(s.admin_token_file)) {
        std::string error, warning;
        if (!net::read_secret_file(s.admin_token_file, s.admin_token, error, warning)) {
            std::fprintf(stderr, "stampd: %s\n", error.c_str());
            return 2;
        }
        if (!warning.empty()) spdlog::warn("{}", warning.c_str());
    }
    if (s.admin_token.empty()) {
        if (const char* env = std::getenv("STAMPD_ADMIN_TOKEN")) s.admin_token = env;
    }
    bool password_generated = false;
    if (!s.admin_password_file.empty()) {
        if (std::filesystem::exists(s.admin_password_file)) {
            std::string error, warning;
            if (!net::read_secret_file(s.admin_password_file, s.server.bootstrap_admin_password,
                                       error, warning)) {
                std::fprintf(stderr, "stampd: %s\n", error.c_str());
                return 2;
            }
            if (!warning.empty()) spdlog::warn("{}", warning.c_str());
            if (s.server.bootstrap_admin_password.size() < constants::password_size_min) {
                std::fprintf(stderr, "stampd: %s: a password needs at least %zu characters\n",
                             s.admin_password_file.c_str(), constants::password_size_min);
                return 2;
            }
        } else {
            s.server.bootstrap_admin_password = random_token().substr(0, 20);
            password_generated = true;
        }
    }
    if (!s.seal_key_file.empty()) {
        std::string error, warning;
        if (!net::read_secret_file(s.seal_key_file, s.runtime.seal_key, error, warning)) {
            std::fprintf(stderr, "stampd: %s\n", error.c_str());
            return 2;
        }
        if (!warning.empty()) spdlog::warn("{}", warning.c_str());
    }
    if (!split_host_port(s.listen, s.server.host, s.server.port)) {
        std::fprintf(stderr, "stampd: --listen wants HOST:PORT, not '%s'\n", s.listen.c_str());
        return 2;
    }
    std::string http_host;
    std::uint16_t http_port = 0;
    if (!s.http_listen.empty()) {
        boost::system::error_code bad;
        if (!split_host_port(s.http_listen, http_host, http_port) ||
            (boost::asio::ip::make_address(http_host, bad), bad)) {
            std::fprintf(stderr,
                         "stampd: --http-listen (http_listen) wants IP:PORT, such as "
                         "127.0.0.1:7879, not '%s'\n",
                         s.http_listen.c_str());
            return 2;
        }
    }
    if (s.server.tls_cert.empty() != s.server.tls_key.empty()) {
        std::fprintf(stderr, "stampd: TLS needs both --tls-cert and --tls-key\n");
        return 2;
    }
    if (!s.server.tls_client_ca.empty() && s.server.tls_cert.empty()) {
        std::fprintf(stderr, "stampd: --tls-client-ca needs --tls-cert and --tls-key\n");
        return 2;
    }
    if (s.server.tls_require_client_cert && s.server.tls_client_ca.empty()) {
        std::fprintf(stderr,
                     "stampd: --tls-require-client-cert needs --tls-client-ca, the CA that signs "
                     "the stations' certificates\n");
        return 2;
    }
    if (s.server.tls_cert.empty() && !is_loopback(s.server.host)) {
        if (!s.insecure_plaintext) {
            std::fprintf(stderr,
                         "stampd: %s is not a loopback address: stations' tokens would cross the "
                         "network readable. Give --tls-cert and --tls-key, or --insecure-plaintext "
                         "on a network you trust\n",
                         s.server.host.c_str());
            return 2;
        }
        spdlog::warn(
            "INSECURE: --insecure-plaintext: listening on {} without TLS; tokens and "
            "data cross the network readable",
            s.server.host);
    }
    if (print_config_only) {
        print_config(s, app, sources);
        return 0;
    }
    if (!s.http_listen.empty() && !is_loopback(http_host)) {
        spdlog::warn("http_listen {}: /metrics answers anyone who reaches it, without a token",
                     s.http_listen);
    }
    std::error_code ec;
    std::filesystem::create_directories(s.data, ec);
    if (ec) {
        std::fprintf(stderr, "stampd: cannot create %s: %s\n", s.data.c_str(),
                     ec.message().c_str());
        return 1;
    }
    s.runtime.storage.path = s.data;
    s.runtime.storage.sync = !s.unsafe_no_sync;
    s.runtime.log = [](const std::string& line) { spdlog::warn("runtime: {}", line); };
    s.server.log = [](net::log_level level, const std::string& line) {
        if (level == net::log_level::info)
            spdlog::info("{}", line);
        else if (level == net::log_level::warn)
            spdlog::warn("{}", line);
        else
            spdlog::error("{}", line);
    };
    if (s.unsafe_no_sync) spdlog::warn("UNSAFE: --unsafe-no-sync: commits are not synced");

    // Signals are taken synchronously by this thread; every other thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    signal(SIGPIPE, SIG_IGN);

    const bool generated = s.admin_token.empty();
    s.server.bootstrap_admin_token = generated ? random_token() : s.admin_token;
    std::unique_ptr<net::server> server;
    net::service_notify::status("recovering " + s.data);
    if (const wal::status st = net::server::start(s.runtime, s.server, server); !st.ok()) {
        spdlog::error("{}", st.message());
        net::service_notify::status("cannot start: " + st.message());
        return 1;
    }
    std::unique_ptr<net::ops_http> ops;
    if (!s.http_listen.empty()) {
        try {
            ops = std::make_unique<net::ops_http>(*server, http_host, http_port);
        } catch (const std::exception& e) {
            spdlog::error("{}", e.what());
            net::service_notify::status(std::string{"cannot start: "} + e.what());
            server->stop();
            return 1;
        }
        spdlog::info("operators' HTTP (/metrics, /healthz, /readyz) on {}:{}", http_host,
                     ops->port());
    }
    if (server->created_admin()) {
        spdlog::info("created the bootstrap admin (user 'admin')");
        // Printed once (or written to --admin-token-file), never stored: only its SHA-256 is
        // kept.
        std::string error;
        if (generated && !s.admin_token_file.empty()) {
            if (!net::write_secret_file(s.admin_token_file, s.server.bootstrap_admin_token,
                                        error)) {
                // The admin exists now; without its token nobody could log in as it.
                spdlog::error("{}; the admin token is printed instead", error);
                std::printf("admin token: %s\n", s.server.bootstrap_admin_token.c_str());
            } else {
                spdlog::info("the admin token is in {} (mode 0600)", s.admin_token_file);
            }
        } else if (generated) {
            std::printf("admin token: %s\n", s.server.bootstrap_admin_token.c_str());
        }
        if (password_generated) {
            if (!net::write_secret_file(s.admin_password_file, s.server.bootstrap_admin_password,
                                        error)) {
                spdlog::error("{}; the admin password is printed instead", error);
                std::printf("admin password: %s\n", s.server.bootstrap_admin_password.c_str());
            } else {
                spdlog::info("the admin password is in {} (mode 0600)", s.admin_password_file);
            }
        }
        std::fflush(stdout);
    }
    spdlog::info("stampd listening on {}:{}, data in {}, recovered to LSN {}", s.server.host,
                 server->port(), s.data, server->runtime().recovered_lsn());
    net::service_notify::ready("serving on " + s.server.host + ":" +
                               std::to_string(server->port()) + ", recovered to LSN " +
                               std::to_string(server->runtime().recovered_lsn()));
    const int signal_number = wait_for_stop(stop_signals, *server);
    spdlog::info("signal {}: stopping", signal_number);
    net::service_notify::stopping("stopping: answering what is in flight, then a last snapshot");
    if (ops) ops->stop();
    server->stop();
    return 0;
}
