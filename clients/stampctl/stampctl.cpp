// stampctl: every SPEC command and read from the command line (stampctl.hpp). This file holds
// main(), the connection, and how refusals are printed; the subcommands are two tables in
// commands_floor.cpp and reads.cpp. Exit codes: 0 done, 1 rejected by the server,
// 2 usage, 3 connection or authentication.
#include "clients/stampctl/stampctl.hpp"
#include "engine/build_info.hpp"

#include <signal.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string_view>
#include <vector>

#include "clients/lib/connection_cli.hpp"
#include "clients/lib/view.hpp"
#include "engine/calendar_time.hpp"
#include "engine/constants.hpp"
#include "engine/rejection.hpp"
#include "net/protocol/answers.hpp"

namespace stampd::ctl {

int open_connection(const globals& g, client::connection& c) {
    std::string error;
    if (c.open(g.connection, error)) return exit_done;
    std::cerr << "stampctl: " << error << '\n';
    return exit_unreachable;
}

std::uint64_t request_from_clock() {
    const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
}

namespace {

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

// The long and short flags of a command line level ("--po", "-q").
std::string flags_of(const CLI::App& app) {
    std::string out;
    for (const CLI::Option* o : app.get_options()) {
        for (const std::string& name : o->get_lnames())
            out += " --" + name;
        for (const std::string& name : o->get_snames())
            out += " -" + name;
    }
    return out;
}

// Edit distance (Levenshtein) between two short words.
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row.back();
}

}  // namespace

std::string readable_formatter::make_option_opts(const CLI::Option* o) const {
    std::string out = CLI::Formatter::make_option_opts(o);
    // CLI11 drops REQUIRED from an option with a text of its own (--region NAME).
    if (o->get_required() && !o->get_option_text().empty()) out += " REQUIRED";
    return out;
}

std::string readable_formatter::make_usage(const CLI::App* app, std::string name) const {
    std::string usage = CLI::Formatter::make_usage(app, name);
    std::string required;
    for (const CLI::Option* o : app->get_options()) {
        const std::string& text = o->get_option_text();
        if (o->get_positional()) {
            // The object a command acts on, as its first argument or its flag (ref_flag): one
            // of the two is required, which CLI11 would show as an optional [po].
            const std::string flag = "--" + o->get_name();
            if (o->get_required() || app->get_option_no_throw(flag) == nullptr) continue;
            const std::string optional = " [" + o->get_name() + "]";
            if (const std::size_t at = usage.find(optional); at != std::string::npos)
                usage.erase(at, optional.size());
            required += " (" + o->get_name() + " | " + flag + " " + text + ")";
            continue;
        }
        if (!o->get_required()) continue;
        required += " " + o->get_name() + " " + (text.empty() ? o->get_type_name() : text);
    }
    const std::string head = get_label("Usage") + ":" + (name.empty() ? "" : " ") + name;
    if (!required.empty() && usage.rfind(head, 0) == 0) usage.insert(head.size(), required);
    return usage;
}

std::string closest_subcommand(const CLI::App& app, std::string_view typed) {
    std::string best;
    std::size_t best_distance = 4;  // at most three edits away
    for (const CLI::App* sub : subcommands_of(app)) {
        const std::size_t d = distance(typed, sub->get_name());
        if (d < best_distance) best_distance = d, best = sub->get_name();
    }
    return best;
}

std::string bash_completion(const CLI::App& app) {
    std::string names;
    for (const CLI::App* sub : subcommands_of(app))
        names += ' ' + sub->get_name();
    std::string out =
        "# bash completion for stampctl: stampctl completion > "
        "/etc/bash_completion.d/stampctl\n"
        "_stampctl() {\n"
        "  local cur=${COMP_WORDS[COMP_CWORD]} word sub=\n"
        "  local subs=\"" +
        names.substr(1) +
        "\"\n"
        "  for word in \"${COMP_WORDS[@]:1:COMP_CWORD-1}\"; do\n"
        "    case \" $subs \" in *\" $word \"*) sub=$word; break ;; esac\n"
        "  done\n"
        "  local words\n"
        "  case $sub in\n"
        "    '') words=\"$subs" +
        flags_of(app) + "\" ;;\n";
    for (const CLI::App* sub : subcommands_of(app))
        out += "    " + sub->get_name() + ") words=\"" + flags_of(*sub).substr(1) + "\" ;;\n";
    out +=
        "  esac\n"
        "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
        "}\n"
        "complete -F _stampctl stampctl\n";
    return out;
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
        case proto::Subject::Outbound:
            return named(outbound_status::shipped);
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

// The refusals whose bare figures read badly, in words: dates as dates, each figure named
// ("DAY_CLOSED: 2027-01-02 is a Saturday", not "day 20821"). Empty: say it the general way.
std::string in_words(const proto::Outcome& o) {
    const std::string code = std::string{net::to_string(o.code())} + ": ";
    const auto n = [](std::int64_t v) { return std::to_string(v); };
    const auto date = [](std::int64_t d) { return format_day(static_cast<day>(d)); };
    switch (o.code()) {
        case proto::Code::DAY_CLOSED: {
            const day on = static_cast<day>(o.subject_id());
            if (o.available() != 0) {
                return code + date(on) + " is past (today is " + date(o.available()) + ")";
            }
            return code + date(on) + " is a " + std::string{to_string(weekday_of(on))} +
                   ": the line is closed";
        }
        case proto::Code::CAPACITY_EXCEEDED:
            if (o.about() == proto::Subject::Segments) {
                return code + "split from " + date(o.subject_id()) + ", only " + n(o.available()) +
                       " of " + n(o.needed()) + " units fit in the weekdays that follow";
            }
            if (o.about() == proto::Subject::Day) {
                return code + n(o.needed()) + " units needed on " + date(o.subject_id()) + ", " +
                       n(o.available()) + " left of its capacity";
            }
            return "";
        case proto::Code::REQUEST_TOO_OLD:
            return code + "request " + n(o.needed()) +
                   " is older than the last 64 this client sent (the newest: " + n(o.available()) +
                   "): its answer is no longer kept, so check what happened before sending it "
                   "again under a new request";
        case proto::Code::SESSION_EVICTED:
            return code +
                   "the server no longer holds this client's earlier answers (the last it "
                   "saw: LSN " +
                   n(o.needed()) + "): check what happened before sending again";
        case proto::Code::BELOW_MINIMUM:
            return code + n(o.available()) + " bundles, at least " + n(o.needed());
        case proto::Code::INVALID_ARGUMENT:
            if (o.about() == proto::Subject::Token) {
                return code + "a token of " + n(o.needed()) + " characters: from " +
                       n(o.available()) + " to " + std::to_string(constants::token_size_max);
            }
            if (o.about() == proto::Subject::ProductionOrder && o.available() > 0) {
                return code + "nothing counted as stamped on PO " + n(o.subject_id()) + " (" +
                       n(o.available()) +
                       " stamps deducted): cancel it instead, and its stamps come back";
            }
            return "";
        default:
            return "";
    }
}

}  // namespace

std::string refusal_text(const proto::Outcome& o) {
    const std::string code{net::to_string(o.code())};
    const std::string message = o.message() != nullptr ? o.message()->str() : "";
    if (o.code() == proto::Code::REQUEST_REUSED) return message;  // its figures are in words
    if (std::string words = in_words(o); !words.empty()) return words;
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
        "Money is given in integer cents and shown in dollars and cents ($1,234.56; cents in "
        "--json), volumes microlitres, dates YYYY-MM-DD.",
        "stampctl"};
    app.set_version_flag("--version", stampd::version_text("stampctl"),
                         "print the version, the commit and the build type, and exit");
    app.footer(
        "Exit codes: 0 done, 1 rejected by the server (code and figures on stderr), 2 usage, "
        "3 connection or authentication.\n--server also comes from STAMPD_SERVER; the token from "
        "--token-file, STAMPD_TOKEN or the file STAMPD_TOKEN_FILE names (--token works but shows "
        "it to every user of the machine). Commands that change something take --dry-run; reads "
        "(get-*, list-*) do not.");
    app.formatter(std::make_shared<readable_formatter>());
    globals g;
    g.connection.server.clear();
    stampd::client::add_connection_options(app, g.connection);
    app.add_option("--station", g.connection.station, "station number recorded with commands");
    app.add_option("--client", g.connection.client,
                   "client id for retries that are applied at most once (0: none). Give every "
                   "script or person its own id; each command is then sent under a new request "
                   "id (from the clock), which stampctl prints when the answer is lost. Retry with "
                   "the same --client and --request: an applied command answers its first outcome, "
                   "marked duplicate, and a different command under a used request is refused "
                   "REQUEST_REUSED")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--request", g.request,
                   "the command's request id under --client, to retry an earlier invocation "
                   "(default: drawn from the clock)")
        ->check(CLI::PositiveNumber);
    app.add_flag("--json", g.json, "one JSON object per answer on stdout");
    app.add_flag("-q,--quiet", g.quiet,
                 "commands print only the id of what they created or changed");
    app.require_subcommand(1);
    app.fallthrough();
    registry r{.app = app, .g = g, .chosen = {}};
    define_commands(r);
    define_reads(r);
    define_import_shipment(r);
    app.add_subcommand("completion",
                       "Print stampctl's bash completion script: stampctl completion > "
                       "/etc/bash_completion.d/stampctl (or source it from ~/.bashrc)")
        ->callback([&r, &app] {
            r.chosen = [&app](const globals&) {
                std::cout << bash_completion(app);
                return exit_done;
            };
        });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // A mistyped command: say which one was meant, not only that something was unexpected.
        if (app.get_subcommands().empty()) {
            for (const std::string& word : app.remaining()) {
                if (word.empty() || word[0] == '-') continue;
                const std::string meant = closest_subcommand(app, word);
                std::cerr << "stampctl: unknown command '" << word << "'"
                          << (meant.empty() ? "" : "; did you mean '" + meant + "'?")
                          << "\n(stampctl --help lists the commands)\n";
                return exit_usage;
            }
        }
        // A read changes nothing, so it has no --dry-run to offer.
        for (const CLI::App* sub : app.get_subcommands()) {
            const bool asked = std::any_of(argv + 1, argv + argc, [](const char* word) {
                return std::string_view{word} == "--dry-run";
            });
            if (asked && e.get_exit_code() != 0 &&
                sub->get_option_no_throw("--dry-run") == nullptr) {
                std::cerr << "stampctl: " << sub->get_name()
                          << " changes nothing, so it takes no --dry-run\n";
                return exit_usage;
            }
        }
        return app.exit(e) == 0 ? exit_done : exit_usage;
    }
    if (!stampd::client::settle_connection_options(app, g.connection, "stampctl"))
        return exit_usage;
    if (g.request != 0 && g.connection.client == 0) {
        std::cerr << "stampctl: --request needs --client (a request id is a client's)\n";
        return exit_usage;
    }
    if (g.request == 0 && g.connection.client != 0) g.request = request_from_clock();
    return r.chosen ? r.chosen(g) : exit_usage;
}
