// stampctl's subcommands, one per row of the engine's command table (engine/command_table.hpp):
// each command's cli<Command>() is defined in commands_floor.cpp (reference data, shipments,
// production orders and runs) or commands_office.cpp (stamp orders, settings, calendar,
// invoices, customer requests) — a row without one fails to link. An entry binds its flags
// straight into the engine's command struct and says in one line what was done; the name
// ("confirm-box"), running, --dry-run, --json and refusals are shared (run_command). The roles
// in --help are the table's (allowed_roles), so they cannot drift from it. One thread.
#pragma once

#include <array>
#include <iostream>
#include <memory>
#include <optional>
#include <string_view>

#include "clients/lib/view.hpp"
#include "clients/stampctl/readable.hpp"
#include "clients/stampctl/stampctl.hpp"
#include "engine/engine.hpp"
#include "net/protocol/secret_file.hpp"

namespace stampd::ctl {

// The subcommand's name: the command's, with '-' for '_' ("confirm-box").
std::string subcommand_name(const command& c);

// One command as a subcommand. `prepare` runs on the open connection before the command is sent
// (confirm-box resolves a barcode); it returns an exit code, exit_done to go on.
template <typename Command>
struct spec {
    std::string help;
    std::function<void(CLI::App&, Command&)> options;
    std::function<std::string(const Command&, u32 result)> done;
    std::function<int(client::connection&, Command&)> prepare = {};
};

inline std::string id_text(u32 id) {
    return std::to_string(id);
}

inline void print_done(const globals& g, const proto::Outcome& o, const std::string& done) {
    if (g.quiet) {
        std::cout << o.result() << '\n';
        return;
    }
    std::cout << done << " at LSN " << o.lsn();
    if (o.duplicate()) std::cout << " (a retry: the first answer, nothing applied twice)";
    std::cout << '\n';
}

inline void print_effects(const std::string& name, const json::value& outcome) {
    const json::value* effects = json::find(*outcome.as_object(), "effects");
    const json::array none;
    json::value events =
        effects != nullptr && effects->as_array() != nullptr ? *effects : json::value{none};
    money_as_dollars(events);
    std::cout << "dry run: " << name << " would bring " << events.as_array()->size()
              << " event(s), nothing recorded:\n";
    for (const json::value& e : *events.as_array())
        std::cout << "  " << client::render_line(e) << '\n';
}

// Each command's subcommand, specialized once per row of the command table.
template <typename Command>
spec<Command> cli();
#define STAMPD_DECLARE_CLI(type, wire, roles) \
    template <>                               \
    spec<type> cli<type>();
STAMPD_COMMANDS(STAMPD_DECLARE_CLI)
#undef STAMPD_DECLARE_CLI

template <typename Command>
int run_command(const globals& g, const std::string& name, const spec<Command>& s, Command& cmd,
                bool dry_run) {
    client::connection c;
    if (const int rc = open_connection(g, c); rc != exit_done) return rc;
    if (const int rc = resolve_refs(c); rc != exit_done) return rc;
    if (s.prepare) {
        if (const int rc = s.prepare(c, cmd); rc != exit_done) return rc;
    }
    client::response answer;
    std::string error;
    if (g.request != 0) c.use_request_id(g.request);
    if (!c.call(command{cmd}, answer, error, dry_run)) {
        const int rc = connection_lost(error);
        if (g.request != 0 && !dry_run) {
            std::cerr
                << "stampctl: the command may or may not have been applied; to retry it (it is "
                   "applied at most once), run it again with --client "
                << g.connection.client << " --request " << g.request << '\n';
        }
        return rc;
    }
    const proto::Outcome* o = answer.outcome();
    if (o == nullptr) return connection_lost("the server answered something other than an Outcome");
    if (g.json) {
        json::value v = client::reply_value(*answer.get());
        v.as_object()->insert(v.as_object()->begin(), json::member{"command", name});
        v.as_object()->insert(v.as_object()->begin() + 1, json::member{"dry_run", dry_run});
        print_json(v);
    }
    if (o->code() != proto::Code::OK) return print_refusal(*o);
    if (g.json) return exit_done;
    if (dry_run) {
        print_effects(name, client::reply_value(*answer.get()));
    } else {
        print_done(g, *o, name_ids_in(s.done(cmd, o->result()), server_namer(c)));
    }
    return exit_done;
}

template <typename Command>
void add(registry& r, spec<Command> s) {
    const role_set roles = allowed_roles(command{Command{}});
    const std::string name = subcommand_name(command{Command{}});
    CLI::App* sub = r.app.add_subcommand(name, s.help + "\nRoles: " + roles_text(roles) + ".");
    auto cmd = std::make_shared<Command>();
    auto dry_run = std::make_shared<bool>(false);
    s.options(*sub, *cmd);
    sub->add_flag("--dry-run", *dry_run,
                  "ask the server what this would do: the events it would bring, nothing recorded");
    auto shared = std::make_shared<spec<Command>>(std::move(s));
    sub->callback([&r, cmd, dry_run, shared, name] {
        r.chosen = [cmd, dry_run, shared, name](const globals& g) {
            return run_command(g, name, *shared, *cmd, *dry_run);
        };
    });
}

// ---------------------------------------------------------------- flag helpers

// The flags that name an object, and what kind.
inline std::optional<ref_kind> ref_kind_of(std::string_view flag) {
    static constexpr std::array<std::pair<std::string_view, ref_kind>, 10> flags = {{
        {"--po", ref_kind::po},
        {"--invoice", ref_kind::invoice},
        {"--consignee", ref_kind::consignee},
        {"--shipment", ref_kind::shipment},
        {"--product", ref_kind::product},
        {"--user", ref_kind::user},
        {"--preset", ref_kind::fee_preset},
        {"--order", ref_kind::stamp_order},
        {"--outbound", ref_kind::outbound},
        {"--request", ref_kind::request},
    }};
    for (const auto& [name, kind] : flags)
        if (name == flag) return kind;
    return std::nullopt;
}

// How else an object of `kind` may be named, for --help.
inline std::string_view other_names(ref_kind kind) {
    switch (kind) {
        case ref_kind::po:
            return ", or its number (PO-000012)";
        case ref_kind::invoice:
            return ", or its number (INV-000001)";
        case ref_kind::stamp_order:
            return ", or its number";
        case ref_kind::outbound:
            return ", or its number (OUT-000001)";
        case ref_kind::product:
            return ", or its SKU";
        case ref_kind::request:
            return "";
        default:
            return ", or its key";
    }
}

// An option (a flag, or a positional without "--") naming an object by id, number or key.
inline CLI::Option* ref_option(CLI::App& s, const std::string& name, u32& into, ref_kind kind,
                               const std::string& help) {
    const std::string flag = name.starts_with("--") ? name : "--" + name;
    return s
        .add_option_function<std::string>(
            name, [&into, kind, flag](const std::string& t) { assign_ref(t, into, kind, flag); },
            help)
        ->option_text(kind == ref_kind::request ? "ID" : "ID|NAME");
}

// A flag naming the object a command acts on. A command on an existing object (not create-*,
// submit-*) takes its first such flag as its first argument too, as the reads do:
// `cancel-po PO-000012` or `cancel-po --po 12`, exactly one of them.
inline CLI::Option* ref_flag(CLI::App& s, const char* flag, u32& into, ref_kind kind,
                             const char* help) {
    const std::string what = std::string{help} + std::string{other_names(kind)};
    const std::string sub = s.get_name();
    const bool positional_taken =
        !s.get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
    if (sub.starts_with("create-") || sub.starts_with("submit-") || positional_taken)
        return ref_option(s, flag, into, kind, what)->required();
    const std::string name = std::string{flag}.substr(2);
    CLI::Option* positional =
        ref_option(s, name, into, kind, what + ", REQUIRED here or as " + flag);
    CLI::Option* named =
        ref_option(s, flag, into, kind, what + ", REQUIRED here or as the first argument");
    s.parse_complete_callback([positional, named, flag = std::string{flag}, name, sub] {
        const std::size_t given = positional->count() + named->count();
        if (given == 1) return;
        const std::string usage = " (" + sub + " 12 or " + sub + " " + flag + " 12)";
        if (given == 0) throw CLI::RequiredError(name + usage);
        throw CLI::ValidationError(name, "give the " + name + " once" + usage);
    });
    return named;
}

template <typename T>
CLI::Option* id_flag(CLI::App& s, const char* flag, T& into, const char* help) {
    if constexpr (std::is_same_v<T, u32>) {
        if (const auto kind = ref_kind_of(flag)) return ref_flag(s, flag, into, *kind, help);
    }
    return s.add_option(flag, into, help)->required();
}

inline CLI::Option* code_flag(CLI::App& s, const char* flag, code& into, const char* help) {
    return s.add_option_function<std::string>(
        flag, [&into, flag](const std::string& t) { into = parse_code_arg(t, flag); }, help);
}

// A new user's token: --user-token-file FILE (its first line; read at once) or --user-token TEXT
// (on the command line, so in ps: warned about), exactly one.
inline void user_token_flags(CLI::App& s, std::string& into, const char* help) {
    CLI::Option_group* g = s.add_option_group("token", help);
    g->add_option_function<std::string>(
        "--user-token-file",
        [&into](const std::string& path) {
            std::string error, warning;
            if (!net::read_secret_file(path, into, error, warning))
                throw CLI::ValidationError("--user-token-file", error);
            if (!warning.empty()) std::cerr << "stampctl: warning: " << warning << '\n';
        },
        "a file holding the token on its first line (only its hash is kept)");
    g->add_option_function<std::string>(
        "--user-token",
        [&into](const std::string& t) {
            into = t;
            std::cerr << "stampctl: warning: "
                      << net::command_line_secret_warning("--user-token", "--user-token-file FILE")
                      << '\n';
        },
        "the token on the command line (visible in ps: prefer --user-token-file)");
    g->require_option(1);
}

inline CLI::Option* day_flag(CLI::App& s, const char* flag, day& into, const char* help) {
    return s.add_option_function<std::string>(
        flag, [&into](const std::string& t) { into = parse_day_arg(t); }, help);
}

inline CLI::Option* lines_flag(CLI::App& s, std::vector<line_input>& into, const char* help) {
    return s.add_option_function<std::vector<std::string>>(
        "--line",
        [&into](const std::vector<std::string>& all) {
            for (const std::string& t : all)
                into.push_back(parse_line_arg(t));
        },
        help);
}

template <typename E>
CLI::Option* enum_flag(CLI::App& s, const char* flag, E& into, CLI::CheckedTransformer names,
                       const char* help) {
    return s
        .add_option_function<int>(
            flag, [&into](int v) { into = static_cast<E>(v); }, help)
        ->transform(names)
        ->option_text("NAME");
}

inline constexpr const char* line_help =
    "PRODUCT:REGION:QTY, once per line (product id, region fed/on/qc/ab/mb, units)";
inline constexpr const char* mode_help =
    "strict (refuse past capacity), override (past capacity, recorded) or auto-split";

}  // namespace stampd::ctl
