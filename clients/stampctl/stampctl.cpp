// stampctl: every SPEC command and read from the command line (stampctl.hpp). This file holds
// main(), the connection, and how refusals are printed; the subcommands are two tables in
// commands_floor.cpp and reads.cpp. Exit codes: 0 done, 1 rejected by the server,
// 2 usage, 3 connection or authentication.
#include "clients/stampctl/stampctl.hpp"

#include <signal.h>

#include <cstdio>
#include <iostream>

#include "clients/lib/connection_cli.hpp"
#include "clients/lib/view.hpp"
#include "engine/rejection.hpp"
#include "net/protocol/answers.hpp"

namespace stampd::ctl {

int open_connection(const globals& g, client::connection& c) {
    std::string error;
    if (c.open(g.connection, error)) return exit_done;
    std::cerr << "stampctl: " << error << '\n';
    return exit_unreachable;
}

int connection_lost(const std::string& error) {
    std::cerr << "stampctl: " << error << '\n';
    return exit_unreachable;
}

int exit_of(proto::Code code) {
    switch (code) {
        case proto::Code::OK:
            return exit_done;
        case proto::Code::UNAUTHENTICATED:
        case proto::Code::FRAME_TOO_LARGE:
        case proto::Code::BAD_FRAME:
        case proto::Code::UNKNOWN_TYPE:
        case proto::Code::TOO_MANY_CONNECTIONS:
        case proto::Code::SHUTTING_DOWN:
        case proto::Code::SLOW_CONSUMER:
            return exit_unreachable;
        default:
            return exit_rejected;
    }
}

std::string roles_text(role_set roles) {
    std::string out;
    for (std::size_t r = 0; r < role_count; ++r) {
        if (((roles >> r) & 1u) == 0) continue;
        if (!out.empty()) out += ", ";
        out += to_string(static_cast<role>(r));
    }
    return out.empty() ? "nobody" : out;
}

namespace {

// The status a WRONG_STATE or ALREADY_CONFIRMED found, by the kind of object it is about.
std::string state_name(proto::Subject about, std::uint8_t state) {
    const auto named = [state]<typename E>(E last) -> std::string {
        if (state > static_cast<std::uint8_t>(last)) return std::to_string(state);
        return std::string(to_string(static_cast<E>(state)));
    };
    switch (about) {
        case proto::Subject::ProductionOrder:
            return named(po_status::cancelled);
        case proto::Subject::StampOrder:
            return named(stamp_order_status::changes_requested);
        case proto::Subject::Invoice:
            return named(invoice_status::archived);
        case proto::Subject::Shipment:
            return named(shipment_status::inventoried);
        case proto::Subject::Box:
            return named(box_state::overridden);
        case proto::Subject::Request:
            return named(request_status::rejected);
        default:
            return std::to_string(state);
    }
}

// The figures of a refusal, " region ON needed 100 available 87", without its subject.
std::string figures_text(const proto::Outcome& o) {
    std::string out;
    if (o.region() < region_count) {
        out += " region ";
        out += to_string(static_cast<region>(o.region()));
    }
    if (o.about() == proto::Subject::Roles) {
        out += " needs one of: " + roles_text(static_cast<role_set>(o.needed())) +
               "; holds: " + roles_text(static_cast<role_set>(o.available()));
    } else if (o.needed() != 0 || o.available() != 0) {
        out +=
            " needed " + std::to_string(o.needed()) + " available " + std::to_string(o.available());
    }
    if (o.state() != 0xFF) out += " state " + state_name(o.about(), o.state());
    return out;
}

}  // namespace

std::string refusal_text(const proto::Outcome& o) {
    const std::string code{net::to_string(o.code())};
    const std::string message = o.message() != nullptr ? o.message()->str() : "";
    // The protocol's own refusals say why in their message, "NOT_FOUND: production_order 3".
    if (message.rfind(code + ": ", 0) == 0) return message + figures_text(o);
    std::string out = code + ":";
    if (o.about() != proto::Subject::None && o.about() != proto::Subject::Roles &&
        o.about() <= proto::Subject::MAX) {
        out += ' ';
        out += to_string(static_cast<subject>(o.about()));
        out += ' ' + std::to_string(o.subject_id());
    }
    out += figures_text(o);
    return out;
}

void print_json(const json::value& v) {
    std::string line = json::to_string(v);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
}

int print_refusal(const proto::Outcome& o) {
    std::cerr << refusal_text(o) << '\n';
    if (o.code() == proto::Code::STAMP_SHORTAGE_WARNING) {
        std::cerr << "(a warning: resend with --acknowledge-shortage to start anyway)\n";
    }
    if (o.code() == proto::Code::INSUFFICIENT_STAMPS) {
        std::cerr << "(send nothing to cancel, or resend with --action skip or --action "
                     "override)\n";
    }
    return exit_of(o.code());
}

int call_read(client::connection& c, proto::Body kind, const body_builder& build,
              client::response& out) {
    std::string error;
    if (!c.call(kind, build, out, error)) return connection_lost(error);
    return exit_done;
}

}  // namespace stampd::ctl

int main(int argc, char** argv) {
    using namespace stampd::ctl;
    signal(SIGPIPE, SIG_IGN);
    CLI::App app{
        "stampctl: run stampd from the command line — every command of SPEC.md and every read.\n"
        "Money is integer cents, volumes microlitres, dates YYYY-MM-DD.",
        "stampctl"};
    app.footer(
        "Exit codes: 0 done, 1 rejected by the server (code and figures on stderr), 2 usage, "
        "3 connection or authentication.\n--server also comes from STAMPD_SERVER; the token from "
        "--token-file, STAMPD_TOKEN or the file STAMPD_TOKEN_FILE names (--token works but shows "
        "it to every user of the machine). Every command takes --dry-run.");
    globals g;
    g.connection.server.clear();
    stampd::client::add_connection_options(app, g.connection);
    app.add_option("--station", g.connection.station, "station number recorded with commands");
    app.add_option("--client", g.connection.client,
                   "client id for idempotent retries across reconnects (0: none)");
    app.add_flag("--json", g.json, "one JSON object per answer on stdout");
    app.add_flag("-q,--quiet", g.quiet,
                 "commands print only the id of what they created or changed");
    app.require_subcommand(1);
    app.fallthrough();
    registry r{.app = app, .g = g, .chosen = {}};
    define_commands(r);
    define_reads(r);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? exit_done : exit_usage;
    }
    if (!stampd::client::settle_connection_options(app, g.connection, "stampctl"))
        return exit_usage;
    return r.chosen ? r.chosen(g) : exit_usage;
}
