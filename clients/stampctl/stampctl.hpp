// stampctl's pieces, shared by its files: the options every subcommand sees, the exit codes, the
// connection and answer printing (stampctl.cpp), the parsers of enum names, dates and lines
// (parse.cpp), and the two subcommand tables: engine commands
// (commands_floor.cpp) and reads, watch and whoami (reads.cpp). One process, one
// thread, one connection.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "clients/lib/client.hpp"
#include "clients/lib/json.hpp"
#include "clients/stampctl/readable.hpp"

namespace stampd::ctl {

// Exactly these, documented in --help.
enum exit_code : int {
    exit_done = 0,
    exit_rejected = 1,     // the server refused: code and figures on stderr
    exit_usage = 2,        // a bad flag or value (CLI11 parse errors included)
    exit_unreachable = 3,  // no connection, a refused token, a connection closed under us
};

struct globals {
    client::options connection;
    bool json = false;
    bool quiet = false;  // commands: print only the id of what was created or changed
    // The command's request id under connection.client: --request, else drawn from the clock
    // (microseconds, so that two invocations never share one); 0 without a client.
    std::uint64_t request = 0;
};

// What the chosen subcommand does once the command line is parsed; returns an exit code.
using action = std::function<int(const globals&)>;

// The subcommands register their action here when CLI11 selects them.
struct registry {
    CLI::App& app;
    globals& g;
    action chosen;
};

void define_commands(registry& r);  // commands.cpp: one per row of the command table
void define_reads(registry& r);
void define_import_shipment(registry& r);  // import_shipment.cpp

// ---------------------------------------------------------------- stampctl.cpp
// Opens and says Hello; on failure prints why and returns exit_unreachable.
int open_connection(const globals& g, client::connection& c);
// A failed call: the connection is gone.
int connection_lost(const std::string& error);
// The subcommand nearest a mistyped one (at most three edits away), or "".
std::string closest_subcommand(const CLI::App& app, std::string_view typed);
// --help that marks every required flag REQUIRED, names the required flags in its usage line
// ("Usage: stampctl cancel-po --po UINT [OPTIONS]"), and otherwise reads as CLI11's own.
class readable_formatter : public CLI::Formatter {
public:
    std::string make_option_opts(const CLI::Option* o) const override;
    std::string make_usage(const CLI::App* app, std::string name) const override;
};
// A bash completion script of every subcommand and its flags (`stampctl completion`).
std::string bash_completion(const CLI::App& app);
// Prints a refusal (any Outcome with a code other than OK) and returns its exit code.
int print_refusal(const proto::Outcome& o);
// "INSUFFICIENT_STAMPS: region ON needed 100 available 87".
std::string refusal_text(const proto::Outcome& o);
// The exit code of a refusal code: UNAUTHENTICATED and closing codes are 3, the rest 1.
int exit_of(proto::Code code);
void print_json(const json::value& v);
// A read: one call, its reply printed; refusals handled. `kind` and `build` as in client.hpp.
using body_builder = std::function<flatbuffers::Offset<void>(flatbuffers::FlatBufferBuilder&)>;
int call_read(client::connection& c, proto::Body kind, const body_builder& build,
              client::response& out);

// Names objects by asking the server over `c`, each once (reads.cpp).
namer server_namer(client::connection& c);

// The roles that may send a command, "admin" or "stamper, supervisor", for --help.
std::string roles_text(role_set roles);

// ---------------------------------------------------------------- parse.cpp
// CLI11 transformers from names to enum values, case-insensitive.
CLI::CheckedTransformer region_names();
CLI::CheckedTransformer province_names();
CLI::CheckedTransformer tax_kind_names();
CLI::CheckedTransformer weekday_names();
CLI::CheckedTransformer fee_kind_names();
CLI::CheckedTransformer invoice_status_names();
CLI::CheckedTransformer review_action_names();
CLI::CheckedTransformer schedule_mode_names();
CLI::CheckedTransformer box_action_names();
CLI::CheckedTransformer po_status_names();
CLI::CheckedTransformer stamp_order_status_names();
CLI::CheckedTransformer ledger_kind_names();
CLI::CheckedTransformer request_status_names();
CLI::CheckedTransformer reference_kind_names();
CLI::CheckedTransformer shipment_status_names();
CLI::CheckedTransformer outbound_status_names();

// Each throws CLI::ValidationError (exit 2) on text it cannot read.
day parse_day_arg(const std::string& text);  // YYYY-MM-DD, or "none"
code parse_code_arg(const std::string& text, const char* what);
// "9.975" or "9.975%" → 9975 thousandths of a percent; at most three decimals, 0–100.
i32 parse_percent_arg(const std::string& text);
role_set parse_roles_arg(const std::string& text);   // "stamper,supervisor"
line_input parse_line_arg(const std::string& text);  // PRODUCT:REGION:QTY
box_input parse_box_arg(const std::string& text);    // BARCODE:PRODUCT:UNITS:DAMAGED
std::pair<u32, u32> parse_pair_arg(const std::string& text, const char* what);  // A:B
u32 parse_id_arg(const std::string& text, const char* what);                    // 12
// An address typed on one line: each backslash-n becomes a line break.
void typed_line_breaks(std::string& text);

// ---------------------------------------------------------------- references.cpp
// What a flag or argument names: an object given by its id, or by its number or key
// (`PO-000012`, `INV-000003`, `ACME`, a shipment's or a user's key, `OUT-000012`).
enum class ref_kind : std::uint8_t {
    po,
    invoice,
    consignee,
    shipment,
    product,
    user,
    fee_preset,
    stamp_order,
    outbound,
    request,  // by id only
};
// `text` into `into`: an id (or OUT-n) at once; a number or key is looked up by resolve_refs
// once connected. Throws CLI::ValidationError for what cannot name one.
void assign_ref(const std::string& text, u32& into, ref_kind kind, const std::string& flag);
// Looks up every name assign_ref was given; prints why one fails and returns its exit code
// (1: none by that name; 2: several, give the id), else exit_done.
int resolve_refs(client::connection& c);

}  // namespace stampd::ctl
