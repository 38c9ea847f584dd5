// stamp-scan: a station simulator and load generator for stampd. `--setup` builds a warehouse
// ready to stamp (setup.hpp); the load run confirms its boxes from many stations at once
// (load.hpp) and prints throughput, ack latency percentiles and errors by code.
// Exit codes: 0 ok, 1 errors occurred, 2 usage, 3 connection or authentication failure.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "clients/lib/connection_cli.hpp"
#include "clients/scan/load.hpp"
#include "clients/scan/setup.hpp"
#include "clients/scan/work.hpp"
#include "engine/build_info.hpp"
#include "net/protocol/secret_file.hpp"

namespace {

using namespace stampd;

constexpr int exit_ok = 0, exit_errors = 1, exit_usage = 2, exit_connection = 3;

struct cli_options {
    client::options server;
    bool setup = false;
    bool json = false;
    std::string token_file;
    scan::setup_options build;
    scan::load_options load;
};

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out + "\"";
}

int setup_main(cli_options& o) {
    o.build.admin = o.server;
    o.build.progress = !o.json;
    scan::setup_result r;
    std::string error;
    const scan::setup_failure f = scan::run_setup(o.build, r, error);
    if (f != scan::setup_failure::none) {
        std::fprintf(stderr, "stamp-scan: setup failed: %s\n", error.c_str());
        if (f == scan::setup_failure::usage) return exit_usage;
        return f == scan::setup_failure::connection ? exit_connection : exit_errors;
    }
    if (!o.token_file.empty() &&
        !net::write_secret_file(o.token_file, r.stamper_token, error, /*replace=*/true)) {
        std::fprintf(stderr, "stamp-scan: %s\n", error.c_str());
        return exit_errors;
    }
    const double rate = r.receive_s > 0 ? o.build.boxes / r.receive_s : 0;
    if (o.json) {
        std::printf(
            "{\"boxes\":%u,\"shipment\":%u,\"pos\":%u,\"first_po\":%u,\"last_po\":%u,"
            "\"stamp_orders\":%u,\"stamps_received\":%llu,\"receive_s\":%.3f,"
            "\"receive_boxes_per_s\":%.0f,\"setup_s\":%.3f,\"suffix\":%s,\"stamper_token\":%s,"
            "\"supervisor_token\":%s,\"finance_token\":%s}\n",
            o.build.boxes, r.shipment, r.pos, r.first_po, r.last_po, r.stamp_orders,
            static_cast<unsigned long long>(r.stamps_received), r.receive_s, rate, r.total_s,
            json_string(r.suffix).c_str(), json_string(r.stamper_token).c_str(),
            json_string(r.supervisor_token).c_str(), json_string(r.finance_token).c_str());
        return exit_ok;
    }
    std::printf("stamp-scan setup (suffix %s): shipment %u with %u boxes of %u units\n",
                r.suffix.c_str(), r.shipment, o.build.boxes, o.build.units_per_box);
    std::printf("received the boxes in %.3f s (%.0f boxes/s)\n", r.receive_s, rate);
    std::printf("%u stamp order(s), %llu Federal stamps received\n", r.stamp_orders,
                static_cast<unsigned long long>(r.stamps_received));
    std::printf("%u PO(s) in production: %u..%u\n", r.pos, r.first_po, r.last_po);
    std::printf("setup took %.3f s\n", r.total_s);
    std::printf("supervisor token: %s\nfinance token: %s\nstamper token: %s\n",
                r.supervisor_token.c_str(), r.finance_token.c_str(), r.stamper_token.c_str());
    return exit_ok;
}

void print_load(const cli_options& o, const scan::load_result& r) {
    const double per_s = r.elapsed_s > 0 ? static_cast<double>(r.confirms) / r.elapsed_s : 0;
    const auto us = [&](double q) { return static_cast<double>(r.latency.quantile_ns(q)) / 1e3; };
    if (o.json) {
        std::string errors = "{";
        for (const auto& [name, count] : r.errors) {
            if (errors.size() > 1) errors += ',';
            errors += json_string(name) + ":" + std::to_string(count);
        }
        errors += '}';
        std::printf(
            "{\"confirms\":%llu,\"confirms_per_s\":%.0f,\"p50_us\":%.1f,\"p99_us\":%.1f,"
            "\"p999_us\":%.1f,\"errors\":%s,\"answered\":%llu,\"sent\":%llu,\"boxes\":%llu,"
            "\"elapsed_s\":%.3f,\"ran_out\":%s,\"stations\":%u,\"depth\":%u,\"rate_per_s\":%.0f,"
            "\"stations_lost\":%u}\n",
            static_cast<unsigned long long>(r.confirms), per_s, us(0.5), us(0.99), us(0.999),
            errors.c_str(), static_cast<unsigned long long>(r.answered),
            static_cast<unsigned long long>(r.sent), static_cast<unsigned long long>(r.work),
            r.elapsed_s, r.ran_out ? "true" : "false", o.load.stations, o.load.depth,
            o.load.rate_per_s, r.stations_lost);
        return;
    }
    std::printf(
        "stamp-scan: %u station(s) x %u in flight, %s, %llu pending box(es) found\n",
        o.load.stations, o.load.depth,
        o.load.rate_per_s > 0
            ? ("open loop at " + std::to_string(static_cast<long long>(o.load.rate_per_s)) + "/s")
                  .c_str()
            : "closed loop",
        static_cast<unsigned long long>(r.work));
    std::printf("confirms: %llu in %.3f s = %.0f confirms/s%s\n",
                static_cast<unsigned long long>(r.confirms), r.elapsed_s, per_s,
                r.ran_out ? " (ran out of boxes)" : "");
    std::printf("ack latency: p50 %.1f us, p99 %.1f us, p99.9 %.1f us (%llu answers)\n", us(0.5),
                us(0.99), us(0.999), static_cast<unsigned long long>(r.answered));
    if (r.errors.empty()) {
        std::printf("errors: none\n");
    } else {
        std::printf("errors:");
        for (const auto& [name, count] : r.errors)
            std::printf(" %s=%llu", name.c_str(), static_cast<unsigned long long>(count));
        std::printf("\n");
    }
}

int load_main(cli_options& o) {
    o.load.server = o.server;
    client::connection c;
    std::string error;
    if (!c.open(o.server, error)) {
        std::fprintf(stderr, "stamp-scan: %s\n", error.c_str());
        return exit_connection;
    }
    std::vector<scan::box_ref> work;
    if (!scan::discover_work(c, work, error)) {
        std::fprintf(stderr, "stamp-scan: reading the run queues: %s\n", error.c_str());
        return exit_connection;
    }
    c.close();
    scan::load_result r;
    const scan::load_failure f = scan::run_load(o.load, work, r, error);
    if (f != scan::load_failure::none) {
        std::fprintf(stderr, "stamp-scan: %s\n", error.c_str());
        return f == scan::load_failure::usage ? exit_usage : exit_connection;
    }
    print_load(o, r);
    std::fflush(stdout);
    return r.errors.empty() ? exit_ok : exit_errors;
}

}  // namespace

int main(int argc, char** argv) {
    cli_options o;
    o.server.server.clear();
    CLI::App app{
        "stamp-scan: a station simulator and load generator for stampd.\n"
        "  stamp-scan --setup --boxes N        (admin token) builds a warehouse ready to stamp\n"
        "  STAMPD_TOKEN=<stamper> stamp-scan --stations S --depth D --duration SECONDS\n"
        "confirms every Pending box of the POs in production from S connections, D requests in\n"
        "flight each, and prints confirms/s, ack latency p50/p99/p99.9 and errors by code.\n"
        "Latency is send -> answer per request; with --rate it is measured from the time the\n"
        "open-loop schedule meant the request to be sent, so that a server that falls behind\n"
        "is not hidden by the client waiting for it (no coordinated omission).\n"
        "Exit codes: 0 ok, 1 errors occurred, 2 usage, 3 connection or authentication failure."};
    app.set_version_flag("--version", stampd::version_text("stamp-scan"),
                         "print the version, the commit and the build type, and exit");
    client::add_connection_options(app, o.server);
    app.add_flag("--json", o.json, "print one JSON object");
    app.add_flag("--setup", o.setup, "build the warehouse (admin token)");
    app.add_option("--boxes", o.build.boxes, "--setup: boxes to receive and put in production");
    app.add_option("--boxes-per-po", o.build.boxes_per_po, "--setup: boxes per PO")
        ->capture_default_str();
    app.add_option("--units-per-box", o.build.units_per_box, "--setup: units in each box")
        ->capture_default_str();
    app.add_option("--receive-window", o.build.receive_window,
                   "--setup: ReceiveBox requests in flight per connection")
        ->capture_default_str();
    app.add_option("--receive-connections", o.build.receive_connections,
                   "--setup: connections receiving boxes side by side")
        ->capture_default_str();
    app.add_option("--stamper-token-out", o.token_file,
                   "--setup: write the stamper's token to this new file (mode 0600)");
    app.add_option("--stations", o.load.stations, "connections, station ids 1..S")
        ->capture_default_str();
    app.add_option("--depth", o.load.depth, "ConfirmBox requests in flight per station")
        ->capture_default_str();
    app.add_option("--duration", o.load.duration_s, "seconds to run (stops earlier without boxes)")
        ->capture_default_str();
    app.add_option("--rate", o.load.rate_per_s,
                   "confirms per second in all, on an open-loop schedule (0: closed loop)")
        ->capture_default_str();
    app.add_option("--threads", o.load.threads, "I/O threads driving the stations")
        ->capture_default_str();
    app.add_option("--acked", o.load.acked_path,
                   "append 'po box lsn' for each acknowledged confirm to this file");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }
    if (!client::settle_connection_options(app, o.server, "stamp-scan")) return exit_usage;
    if (o.server.token.empty()) {
        std::fprintf(stderr,
                     "stamp-scan: no token: pass --token-file FILE, or set STAMPD_TOKEN or "
                     "STAMPD_TOKEN_FILE\n");
        return exit_usage;
    }
    if (o.setup) {
        if (o.build.boxes == 0) {
            std::fprintf(stderr, "stamp-scan: --setup needs --boxes N\n");
            return exit_usage;
        }
        return setup_main(o);
    }
    return load_main(o);
}
