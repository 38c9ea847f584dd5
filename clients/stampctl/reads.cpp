// stampctl's reads (the last kinds of the Body union), plus `watch` (Subscribe, then every pushed
// change) and `whoami` (the HelloOk). Reads answer from durable state; a consignee user sees only
// its own consignee's data and is FORBIDDEN balances, the ledger, stamp orders, users, fee
// presets and settings. Lists come a page at a time: --after ID for the next, --all follows
// `more` to the end.
#include <algorithm>
#include <array>
#include <chrono>
#include <climits>
#include <iostream>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "clients/lib/view.hpp"
#include "clients/stampctl/readable.hpp"
#include "clients/stampctl/stampctl.hpp"
#include "engine/queries.hpp"

namespace stampd::ctl {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// Every read's flags, each subcommand with its own.
struct read_args {
    u32 id = 0;
    u32 consignee = 0;
    int status = -1;
    int region_filter = -1;
    bool unscheduled = false;
    u32 after = 0;
    bool all = false;
    std::string barcode;
    int region_index = 0;
    std::string from, to;  // dates
    u32 days = 14;
    int reference_kind = 0;
    u32 count = 0;              // watch: stop after this many pushes (0: never)
    bool changes_only = false;  // watch --changes: what changed, not the records
};

struct read_spec {
    const char* name;
    std::string help;
    proto::Body kind;
    std::function<void(CLI::App&, read_args&)> options;
    std::function<Offset<void>(FlatBufferBuilder&, const read_args&, u32 after)> build;
    const char* rows = nullptr;  // a paged list: the field holding its rows
    bool after_counts = false;   // the run queue pages by position, not by id
    // The readable form's columns of a row (all when empty): a reference list's rows share one
    // table of fields, and each kind has only some of them. --json keeps them all.
    std::function<bool(const read_args&, std::string_view column)> shows = {};
    // The read of one object: its id given either way, `get-po 12` or `get-po --po 12`, as the
    // commands take it (`cancel-po --po 12`). Into read_args::id.
    const char* id_name = nullptr;  // "po": the positional's name and the flag's, --po
    const char* id_help = nullptr;  // "PO id"
    // The reply's field saying where the next page starts (ledger entries: a page may end early,
    // even empty), in place of the last row's id.
    const char* cursor = nullptr;
};

// --consignee ID|KEY: only this consignee's.
void consignee_filter(CLI::App& s, read_args& a) {
    s.add_option_function<std::string>(
         "--consignee",
         [&a](const std::string& t) {
             assign_ref(t, a.consignee, ref_kind::consignee, "--consignee");
         },
         "only this consignee's (its id or key)")
        ->option_text("ID|KEY");
}

constexpr const char* anyone = "any role; a consignee user sees only its own consignee's data";
constexpr const char* staff = "any role but consignee";

// The `after` that asks for the page following `reply`, whose rows are `rows`.
u32 next_after(const read_spec& s, const json::object& reply, const json::array& rows, u32 after) {
    if (s.cursor != nullptr) {
        const json::value* next = json::find(reply, s.cursor);
        const auto* u = next != nullptr ? std::get_if<std::uint64_t>(&next->data) : nullptr;
        return u != nullptr ? static_cast<u32>(*u) : after;
    }
    if (rows.empty()) return after;
    if (s.after_counts) return after + static_cast<u32>(rows.size());
    const json::value* id = json::find(*rows.back().as_object(), "id");
    if (id == nullptr) return after;
    if (const auto* u = std::get_if<std::uint64_t>(&id->data)) return static_cast<u32>(*u);
    return after;
}

bool has_more(const json::object& reply) {
    const json::value* more = json::find(reply, "more");
    return more != nullptr && std::get_if<bool>(&more->data) != nullptr &&
           std::get<bool>(more->data);
}

// Asks for one page (or the only answer); a refusal is printed and ends the read.
int fetch(client::connection& c, const globals& g, const read_spec& s, const read_args& a,
          u32 after, json::value& out) {
    client::response answer;
    const int rc = call_read(
        c, s.kind, [&](FlatBufferBuilder& b) { return s.build(b, a, after); }, answer);
    if (rc != exit_done) return rc;
    out = client::reply_value(*answer.get());
    if (const proto::Outcome* o = answer.outcome(); o != nullptr && o->code() != proto::Code::OK) {
        if (g.json) print_json(out);
        return print_refusal(*o);
    }
    return exit_done;
}

// The whole list: pages appended to the first one's rows while `more` says so. Where the next
// page starts is worked out from the page just received, never from the rows gathered so far (a
// run queue pages by position: counting the gathered rows skipped entries).
int fetch_all(client::connection& c, const globals& g, const read_spec& s, const read_args& a,
              json::value& out) {
    if (const int rc = fetch(c, g, s, a, a.after, out); rc != exit_done) return rc;
    json::value* gathered = json::find(*out.as_object(), s.rows);
    if (gathered == nullptr || gathered->as_array() == nullptr) return exit_done;
    json::array& rows = *gathered->as_array();
    u32 after = a.after;
    u32 next = next_after(s, *out.as_object(), rows, after);
    bool more = has_more(*out.as_object());
    // Every turn moves `after` forward (ids or positions, 32 bits): the loop ends.
    while (more && next != after) {
        after = next;
        json::value page;
        if (const int rc = fetch(c, g, s, a, after, page); rc != exit_done) return rc;
        json::array& page_rows = *json::find(*page.as_object(), s.rows)->as_array();
        more = has_more(*page.as_object());
        next = next_after(s, *page.as_object(), page_rows, after);
        for (json::value& row : page_rows)
            rows.push_back(std::move(row));
        // A run queue's barcodes go with its rows, one each.
        json::value* labels = json::find(*out.as_object(), "barcodes");
        json::value* page_labels = json::find(*page.as_object(), "barcodes");
        if (labels != nullptr && page_labels != nullptr && labels->as_array() != nullptr &&
            page_labels->as_array() != nullptr) {
            for (json::value& label : *page_labels->as_array())
                labels->as_array()->push_back(std::move(label));
        }
    }
    if (json::value* field = json::find(*out.as_object(), "more")) *field = json::value{more};
    return exit_done;
}

// Lookups one read may make to name what its reply refers to; past them, ids stay numbers.
constexpr std::size_t name_lookups_max = 64;

}  // namespace

// A namer (readable.hpp) that asks the server, once per object: a reference list's page names
// every row on it, so a list of POs of a few consignees costs one lookup.
namer server_namer(client::connection& c) {
    auto known = std::make_shared<std::map<std::pair<referent, u32>, std::string>>();
    auto lookups = std::make_shared<std::size_t>(0);
    return [&c, known, lookups](referent kind, u32 id) -> std::string {
        if (const auto found = known->find({kind, id}); found != known->end()) return found->second;
        // An outbound record's number is its id's: named without asking, outside the budget.
        if (kind == referent::outbound) return (*known)[{kind, id}] = outbound_number(id);
        if (*lookups >= name_lookups_max) return "";
        ++*lookups;
        client::response answer;
        std::string error;
        const auto ask = [&](proto::Body body, const body_builder& build) {
            return c.call(body, build, answer, error) && answer.outcome() == nullptr;
        };
        std::string& name = (*known)[{kind, id}];
        const auto text = [](const flatbuffers::String* t) { return t ? t->str() : ""; };
        switch (kind) {
            case referent::outbound:  // named above
                break;
            case referent::po:
                if (ask(proto::Body::GetPo,
                        [id](FlatBufferBuilder& b) { return proto::CreateGetPo(b, id).Union(); }))
                    name = text(answer.get()->reply_as_PoView()->number());
                break;
            case referent::invoice:
                if (ask(proto::Body::GetInvoice, [id](FlatBufferBuilder& b) {
                        return proto::CreateGetInvoice(b, id).Union();
                    }))
                    name = text(answer.get()->reply_as_InvoiceView()->number());
                break;
            case referent::shipment:
                if (ask(proto::Body::GetShipment, [id](FlatBufferBuilder& b) {
                        return proto::CreateGetShipment(b, id).Union();
                    }))
                    name = text(answer.get()->reply_as_ShipmentView()->key());
                break;
            default: {
                const proto::ReferenceKind list =
                    kind == referent::consignee ? proto::ReferenceKind::Consignees
                    : kind == referent::product ? proto::ReferenceKind::Products
                                                : proto::ReferenceKind::Users;
                if (!ask(proto::Body::ListReference, [id, list](FlatBufferBuilder& b) {
                        return proto::CreateListReference(b, list, id - 1).Union();
                    }))
                    break;
                const proto::ReferenceList* page = answer.get()->reply_as_ReferenceList();
                for (std::size_t i = 0; page->rows() != nullptr && i < page->rows()->size(); ++i) {
                    const proto::ReferenceRow* row = page->rows()->Get(i);
                    (*known)[{kind, row->id()}] = text(row->key());
                }
                return (*known)[{kind, id}];
            }
        }
        return name;
    };
}

namespace {

void print_reply(const globals& g, const read_spec& s, const read_args& a, json::value& v,
                 const namer& name) {
    if (g.json) return print_json(v);
    json::object& o = *v.as_object();
    if (!o.empty() && o.front().first == "type") o.erase(o.begin());
    const bool more = s.rows != nullptr && has_more(o);
    std::erase_if(o, [&](const json::member& m) {
        return s.rows != nullptr &&
               (m.first == "more" || (s.cursor != nullptr && m.first == s.cursor));
    });
    const json::value* rows = s.rows != nullptr ? json::find(o, s.rows) : nullptr;
    const bool none = rows != nullptr && rows->as_array() != nullptr && rows->as_array()->empty();
    const u32 next = more ? next_after(s, o, *rows->as_array(), a.after) : 0;
    for (json::member& list : o) {
        json::array* found = s.shows && list.first == s.rows ? list.second.as_array() : nullptr;
        if (found == nullptr) continue;
        for (json::value& row : *found) {
            json::object* fields = row.as_object();
            if (fields == nullptr) continue;
            std::erase_if(*fields, [&](const json::member& m) { return !s.shows(a, m.first); });
            // One line a row: an address's lines are separated by " / ".
            for (json::member& f : *fields) {
                if (auto* text = std::get_if<std::string>(&f.second.data)) {
                    for (std::size_t at = text->find('\n'); at != std::string::npos;
                         at = text->find('\n', at))
                        text->replace(at, 1, " / ");
                }
            }
        }
    }
    // What a person reads: dollars, barcodes (readable.hpp). `rows` is not used past here.
    money_as_dollars(v);
    if (s.kind == proto::Body::GetRunQueue) boxes_by_barcode(o);
    references_by_number(v, name);
    instants_as_text(v);
    if (none) {
        std::cout << "(none)\n";
    } else {
        std::cout << client::render_block(o);
    }
    if (more) std::cout << "(more: --after " << next << " or --all)\n";
}

int run_read(const globals& g, const read_spec& s, const read_args& a) {
    client::connection c;
    if (const int rc = open_connection(g, c); rc != exit_done) return rc;
    if (const int rc = resolve_refs(c); rc != exit_done) return rc;
    json::value v;
    const int rc =
        s.rows != nullptr && a.all ? fetch_all(c, g, s, a, v) : fetch(c, g, s, a, a.after, v);
    if (rc != exit_done) return rc;
    print_reply(g, s, a, v, server_namer(c));
    return exit_done;
}

void add(registry& r, read_spec s, const char* roles) {
    CLI::App* sub = r.app.add_subcommand(s.name, s.help + "\nRoles: " + roles + ".");
    auto args = std::make_shared<read_args>();
    CLI::Option *positional = nullptr, *flag = nullptr;
    if (s.id_name != nullptr) {
        const std::string name = s.id_name, help = s.id_help;
        const ref_kind kind = name == "po"         ? ref_kind::po
                              : name == "invoice"  ? ref_kind::invoice
                              : name == "shipment" ? ref_kind::shipment
                                                   : ref_kind::outbound;
        const auto into = [args, kind, name](const std::string& t) {
            assign_ref(t, args->id, kind, "--" + name);
        };
        positional = sub->add_option_function<std::string>(name, into,
                                                           help + ", REQUIRED here or as --" + name)
                         ->option_text("ID|NAME");
        flag = sub->add_option_function<std::string>(
                      "--" + name, into, help + ", REQUIRED here or as the first argument")
                   ->option_text("ID|NAME");
    }
    s.options(*sub, *args);
    if (s.rows != nullptr) {
        sub->add_option("--after", args->after,
                        s.after_counts ? "skip this many entries" : "rows with an id above this");
        sub->add_flag("--all", args->all, "follow `more` to the end of the list");
    }
    auto shared = std::make_shared<read_spec>(std::move(s));
    sub->callback([&r, args, shared, positional, flag] {
        if (positional != nullptr && positional->count() + flag->count() != 1) {
            const std::string name = shared->id_name, read = shared->name;
            const std::string usage = " (" + read + " 12 or " + read + " --" + name + " 12)";
            if (positional->count() + flag->count() == 0)
                throw CLI::RequiredError(std::string{shared->id_help} + usage);
            throw CLI::ValidationError(
                name, "give the " + std::string{shared->id_help} + " once" + usage);
        }
        r.chosen = [args, shared](const globals& g) { return run_read(g, *shared, *args); };
    });
}

// ---------------------------------------------------------------- the reads
void define_po_reads(registry& r) {
    add(r,
        {"get-po",
         "A production order: status, lines, run counters, balances, invoice.",
         proto::Body::GetPo,
         [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             return proto::CreateGetPo(b, a.id).Union();
         },
         nullptr,
         false,
         {},
         "po",
         "PO id, or its number (PO-000012)"},
        anyone);
    add(r,
        {"list-pos", "Production orders, by consignee and status.", proto::Body::ListPos,
         [](CLI::App& s, read_args& a) {
             consignee_filter(s, a);
             s.add_option("--status", a.status,
                          "open, in-production, pending-verification, "
                          "completed or cancelled")
                 ->transform(po_status_names())
                 ->option_text("STATUS");
             s.add_flag("--unscheduled", a.unscheduled,
                        "only live POs not yet on a day (nor split over segments)");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListPos(b, a.consignee, static_cast<std::int16_t>(a.status), after,
                                         a.unscheduled)
                 .Union();
         },
         "pos"},
        anyone);
    add(r,
        {"get-run-queue",
         "A PO's box queue in the stamper's order: each box by barcode, with its state.",
         proto::Body::GetRunQueue,
         [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateGetRunQueue(b, a.id, after).Union();
         },
         "items",
         true,
         {},
         "po",
         "PO id, or its number (PO-000012)"},
        anyone);
    add(r,
        {"scan-box",
         "What confirming a box in a run would do: its units per line, stamps needed.",
         proto::Body::ScanBox,
         [](CLI::App& s, read_args& a) {
             s.add_option("--barcode", a.barcode, "the box's barcode")->required();
         },
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             return proto::CreateScanBoxDirect(b, a.id, a.barcode.c_str()).Union();
         },
         nullptr,
         false,
         {},
         "po",
         "PO id, or its number (PO-000012)"},
        anyone);
}

// Microseconds of a date's start in the warehouse's zone (from the settings).
i64 day_start_us(client::connection& c, const std::string& date, int& rc) {
    client::response answer;
    rc = call_read(
        c, proto::Body::GetSettings,
        [](FlatBufferBuilder& b) { return proto::CreateGetSettings(b).Union(); }, answer);
    const proto::SettingsView* v =
        rc == exit_done ? answer.get()->reply_as_SettingsView() : nullptr;
    if (v == nullptr) {
        if (rc == exit_done && answer.outcome() != nullptr) rc = print_refusal(*answer.outcome());
        return 0;
    }
    const time_zone zone{.name = v->time_zone() ? v->time_zone()->str() : "",
                         .utc_offset_minutes = v->utc_offset_minutes(),
                         .north_american_dst = v->north_american_dst()};
    return start_of_day_us(zone, parse_day_arg(date));
}

void define_stamp_reads(registry& r) {
    add(r,
        {"balances", "Stamp balance, reservations and stamps available to promise per region.",
         proto::Body::GetBalances, [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args&, u32) {
             return proto::CreateGetBalances(b).Union();
         }},
        staff);
    r.app.get_subcommand("balances")->alias("get-balances");
    add(r,
        {"list-stamp-orders", "Stamp orders and where each stands, by region and status.",
         proto::Body::ListStampOrders,
         [](CLI::App& s, read_args& a) {
             s.add_option("--region", a.region_filter, "only this region's: fed on qc ab mb")
                 ->transform(region_names())
                 ->option_text("REGION");
             s.add_option("--status", a.status,
                          "admin-review, approved, ordered, received, rejected or "
                          "changes-requested")
                 ->transform(stamp_order_status_names())
                 ->option_text("STATUS");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListStampOrders(b, after,
                                                 static_cast<std::int16_t>(a.region_filter),
                                                 static_cast<std::int16_t>(a.status))
                 .Union();
         },
         "orders"},
        staff);
}

// Ledger figures need the zone to turn dates into instants: a connection of their own.
void define_ledger_figures(registry& r) {
    CLI::App* sub = r.app.add_subcommand(
        "get-ledger-figures",
        "Ledger figures of a region for a period: opening, received, used, refunded, closing "
        "(SPEC §8).\nRoles: any role but consignee.");
    auto a = std::make_shared<read_args>();
    sub->add_option("--region", a->region_index, "fed, on, qc, ab or mb")
        ->transform(region_names())
        ->option_text("REGION")
        ->required();
    sub->add_option("--from", a->from, "first day, YYYY-MM-DD (default: the beginning)");
    sub->add_option("--to", a->to, "last day, YYYY-MM-DD, included (default: now)");
    sub->callback([&r, a] {
        r.chosen = [a](const globals& g) -> int {
            client::connection c;
            if (const int rc = open_connection(g, c); rc != exit_done) return rc;
            int rc = exit_done;
            const i64 from = a->from.empty() ? 0 : day_start_us(c, a->from, rc);
            if (rc != exit_done) return rc;
            const i64 to = a->to.empty()
                               ? INT64_MAX
                               : day_start_us(c, format_day(parse_day_arg(a->to) + 1), rc);
            if (rc != exit_done) return rc;
            const read_spec s{"get-ledger-figures",
                              "",
                              proto::Body::GetLedgerFigures,
                              {},
                              [from, to](FlatBufferBuilder& b, const read_args& x, u32) {
                                  return proto::CreateGetLedgerFigures(
                                             b, static_cast<fb::Region>(x.region_index), from, to)
                                      .Union();
                              }};
            json::value v;
            if (const int fetched = fetch(c, g, s, *a, 0, v); fetched != exit_done) return fetched;
            print_reply(g, s, *a, v, server_namer(c));
            return exit_done;
        };
    });
}

// Ledger entries too: their period is dates in the warehouse's zone, turned into instants on the
// connection that then reads the pages.
void define_ledger_entries(registry& r) {
    CLI::App* sub = r.app.add_subcommand(
        "ledger",
        "A region's ledger entries (SPEC §8), oldest first: kind, quantity, the balance after "
        "each, the source (stamp order, PO, box), user, station, override.\nRoles: any role but "
        "consignee.");
    sub->alias("list-ledger-entries");
    auto a = std::make_shared<read_args>();
    sub->add_option("--region", a->region_index, "fed, on, qc, ab or mb")
        ->transform(region_names())
        ->option_text("REGION")
        ->required();
    sub->add_option("--from", a->from, "first day, YYYY-MM-DD (default: the beginning)");
    sub->add_option("--to", a->to, "last day, YYYY-MM-DD, included (default: now)");
    sub->add_option("--kind", a->status,
                    "receipt, usage, adjust-verify, refund-verify or refund-cancel")
        ->transform(ledger_kind_names())
        ->option_text("KIND");
    sub->add_option("--after", a->after, "entries after this sequence");
    sub->add_flag("--all", a->all, "follow `more` to the end of the period");
    sub->callback([&r, a] {
        r.chosen = [a](const globals& g) -> int {
            client::connection c;
            if (const int rc = open_connection(g, c); rc != exit_done) return rc;
            int rc = exit_done;
            const i64 from = a->from.empty() ? 0 : day_start_us(c, a->from, rc);
            if (rc != exit_done) return rc;
            const i64 to = a->to.empty()
                               ? INT64_MAX
                               : day_start_us(c, format_day(parse_day_arg(a->to) + 1), rc);
            if (rc != exit_done) return rc;
            const read_spec s{.name = "ledger",
                              .help = "",
                              .kind = proto::Body::ListLedgerEntries,
                              .options = {},
                              .build =
                                  [from, to](FlatBufferBuilder& b, const read_args& x, u32 after) {
                                      return proto::CreateListLedgerEntries(
                                                 b, static_cast<fb::Region>(x.region_index), from,
                                                 to, static_cast<std::int16_t>(x.status), after)
                                          .Union();
                                  },
                              .rows = "entries",
                              .cursor = "next_after"};
            json::value v;
            const int fetched =
                a->all ? fetch_all(c, g, s, *a, v) : fetch(c, g, s, *a, a->after, v);
            if (fetched != exit_done) return fetched;
            print_reply(g, s, *a, v, server_namer(c));
            return exit_done;
        };
    });
}

void define_count_reads(registry& r) {
    add(r,
        {"list-physical-counts",
         "Physical counts of stamps (SPEC §8), oldest first: region, the day whose close was "
         "counted, the count, who recorded it and when, and the ledger's balance at that close "
         "with the discrepancy (counted - ledger).",
         proto::Body::ListPhysicalCounts,
         [](CLI::App& s, read_args& a) {
             s.add_option("--region", a.region_filter, "only this region's: fed on qc ab mb")
                 ->transform(region_names())
                 ->option_text("REGION");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListPhysicalCounts(b, static_cast<std::int16_t>(a.region_filter),
                                                    after)
                 .Union();
         },
         "counts"},
        staff);
    r.app.get_subcommand("list-physical-counts")->alias("list-counts");
}

void define_other_reads(registry& r) {
    add(r,
        {"get-shipment",
         "A shipment: status, boxes, and availability per product (SPEC §3).",
         proto::Body::GetShipment,
         [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             return proto::CreateGetShipment(b, a.id).Union();
         },
         nullptr,
         false,
         {},
         "shipment",
         "shipment id, or its key"},
        anyone);
    add(r,
        {"get-invoice",
         "An invoice: lines, fees and totals (SPEC §9), in dollars (--json: cents).",
         proto::Body::GetInvoice,
         [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             return proto::CreateGetInvoice(b, a.id).Union();
         },
         nullptr,
         false,
         {},
         "invoice",
         "invoice id, or its number (INV-000001)"},
        "any role; a consignee user sees only its own, once issued");
    add(r,
        {"list-invoices", "Invoices, by consignee and status.", proto::Body::ListInvoices,
         [](CLI::App& s, read_args& a) {
             consignee_filter(s, a);
             s.add_option("--status", a.status, "draft, issued, paid or archived")
                 ->transform(invoice_status_names())
                 ->option_text("STATUS");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListInvoices(b, a.consignee, after,
                                              static_cast<std::int16_t>(a.status))
                 .Union();
         },
         "invoices"},
        "any role; a consignee user sees only its own, once issued");
    add(r,
        {"get-outbound",
         "An outbound record (SPEC §7): its PO, consignee, verified units per line, and whether "
         "it has shipped, when and by whom.",
         proto::Body::GetOutbound,
         [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             return proto::CreateGetOutbound(b, a.id).Union();
         },
         nullptr,
         false,
         {},
         "outbound",
         "outbound record id, or its number (OUT-000012)"},
        anyone);
    add(r,
        {"list-outbounds", "Outbound records, by consignee and status.", proto::Body::ListOutbounds,
         [](CLI::App& s, read_args& a) {
             consignee_filter(s, a);
             s.add_option("--status", a.status, "ready-to-ship or shipped")
                 ->transform(outbound_status_names())
                 ->option_text("STATUS");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListOutbounds(b, a.consignee, static_cast<std::int16_t>(a.status),
                                               after)
                 .Union();
         },
         "outbounds"},
        anyone);
    add(r,
        {"get-calendar", "Days with their capacity, load and POs (SPEC §5).",
         proto::Body::GetCalendar,
         [](CLI::App& s, read_args& a) {
             s.add_option("--from", a.from,
                          "first day, YYYY-MM-DD (default: today in the warehouse's time zone)");
             s.add_option("--days", a.days, "how many days, at most 62")->capture_default_str();
         },
         [](FlatBufferBuilder& b, const read_args& a, u32) {
             const day from = a.from.empty() ? no_day : parse_day_arg(a.from);
             return proto::CreateGetCalendar(b, from, a.days).Union();
         }},
        anyone);
    add(r,
        {"list-requests", "Customer requests (SPEC §10), by status.", proto::Body::ListRequests,
         [](CLI::App& s, read_args& a) {
             s.add_option("--status", a.status, "pending, approved or rejected")
                 ->transform(request_status_names())
                 ->option_text("STATUS");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListRequests(b, after, static_cast<std::int16_t>(a.status))
                 .Union();
         },
         "requests"},
        anyone);
    add(r,
        {"list-reference", "Reference data: users, consignees, products, shipments, fee-presets.",
         proto::Body::ListReference,
         [](CLI::App& s, read_args& a) {
             s.add_option("kind", a.reference_kind,
                          "users, consignees, products, shipments or fee-presets")
                 ->transform(reference_kind_names())
                 ->option_text("KIND")
                 ->required();
             s.add_option("--status", a.status,
                          "shipments only: expected, receiving or inventoried")
                 ->transform(shipment_status_names())
                 ->option_text("STATUS");
         },
         [](FlatBufferBuilder& b, const read_args& a, u32 after) {
             return proto::CreateListReference(b,
                                               static_cast<proto::ReferenceKind>(a.reference_kind),
                                               after, static_cast<std::int16_t>(a.status))
                 .Union();
         },
         "rows", false,
         [](const read_args& a, std::string_view column) {
             static const std::array<std::vector<std::string_view>, 5> columns = {{
                 {"id", "key", "name", "roles", "consignee"},
                 {"id", "key", "name", "province", "tax_registration", "billing_address",
                  "shipping_address"},
                 {"id", "key", "name", "consignee", "volume_ul"},
                 {"id", "key", "consignee", "shipment_status", "boxes"},
                 {"id", "key", "name", "kind", "amount_cents"},
             }};
             const auto kind = static_cast<std::size_t>(a.reference_kind);
             return kind >= columns.size() ||
                    std::ranges::find(columns[kind], column) != columns[kind].end();
         }},
        "any role; a consignee user sees only its own and is FORBIDDEN users and fee presets");
    add(r,
        {"get-settings", "Rates, capacity, bundle sizes, deposit rates and the time zone.",
         proto::Body::GetSettings, [](CLI::App&, read_args&) {},
         [](FlatBufferBuilder& b, const read_args&, u32) {
             return proto::CreateGetSettings(b).Union();
         }},
        staff);
}

// ---------------------------------------------------------------- watch and whoami
int print_pushes(const globals& g, client::connection& c, u32 count) {
    for (u32 seen = 0; count == 0 || seen < count; ++seen) {
        client::response push;
        std::string error;
        if (!c.next_push(push, error)) return connection_lost(error);
        json::value v = client::reply_value(*push.get());
        if (g.json) {
            print_json(v);
            continue;
        }
        if (const proto::Changed* c = push.get()->reply_as_Changed()) {
            const auto ids = [](const flatbuffers::Vector<u32>* list) {
                std::string out;
                for (std::size_t i = 0; list != nullptr && i < list->size(); ++i)
                    out += (i > 0 ? "," : "") + std::to_string(list->Get(i));
                return out.empty() ? std::string("-") : out;
            };
            std::cout << "LSN " << c->lsn() << ": POs " << ids(c->pos()) << " consignees "
                      << ids(c->consignees()) << '\n';
            std::cout.flush();
            continue;
        }
        const proto::Pushed* p = push.get()->reply_as_Pushed();
        if (p == nullptr) continue;
        std::cout << "LSN " << p->lsn() << " user " << p->user() << " station " << p->station()
                  << ":\n";
        if (json::value* events = json::find(*v.as_object(), "events")) {
            money_as_dollars(*events);
            for (const json::value& e : *events->as_array())
                std::cout << "  " << client::render_line(e) << '\n';
        }
        std::cout.flush();
    }
    return exit_done;
}

void define_watch(registry& r) {
    CLI::App* sub = r.app.add_subcommand(
        "watch",
        "Subscribe to a PO or a consignee and print every change pushed, until Ctrl-C or "
        "--count.\nRoles: any role; a consignee user only its own.");
    auto a = std::make_shared<read_args>();
    auto po = sub->add_option("--po", a->id, "the PO to watch");
    auto consignee = sub->add_option("--consignee", a->consignee, "the consignee to watch");
    po->excludes(consignee);
    sub->add_option("--count", a->count, "stop after this many changes (0: never)");
    sub->add_flag("--changes", a->changes_only,
                  "only which POs and consignees each commit group changed, not its records "
                  "(what a screen that re-reads needs)");
    sub->callback([&r, a] {
        r.chosen = [a](const globals& g) -> int {
            if ((a->id == 0) == (a->consignee == 0)) {
                std::cerr << "stampctl: watch needs --po or --consignee\n";
                return static_cast<int>(exit_usage);
            }
            client::connection c;
            if (const int rc = open_connection(g, c); rc != exit_done) return rc;
            client::response answer;
            const int rc = call_read(
                c, proto::Body::Subscribe,
                [&](FlatBufferBuilder& b) {
                    return proto::CreateSubscribe(b, a->id, a->consignee, a->changes_only).Union();
                },
                answer);
            if (rc != exit_done) return rc;
            const proto::Outcome* o = answer.outcome();
            if (o == nullptr) return connection_lost("Subscribe was not answered");
            if (o->code() != proto::Code::OK) return print_refusal(*o);
            std::cerr << "watching " << (a->id != 0 ? "PO " : "consignee ")
                      << (a->id != 0 ? a->id : a->consignee) << " from LSN " << o->lsn()
                      << " (Ctrl-C to stop)\n";
            return print_pushes(g, c, a->count);
        };
    });
}

void define_whoami(registry& r) {
    CLI::App* sub = r.app.add_subcommand(
        "whoami", "Say Hello and print who the token belongs to.\nRoles: any role.");
    sub->callback([&r] {
        r.chosen = [](const globals& g) -> int {
            client::connection c;
            if (const int rc = open_connection(g, c); rc != exit_done) return rc;
            const client::hello_info& h = c.hello();
            json::array roles;
            for (std::size_t i = 0; i < role_count; ++i)
                if ((h.roles >> i) & 1u) roles.emplace_back(to_string(static_cast<role>(i)));
            json::object v{{"type", "HelloOk"},
                           {"user", std::uint64_t{h.user}},
                           {"name", h.name},
                           {"roles", roles},
                           {"consignee", std::uint64_t{h.consignee}},
                           {"durable_lsn", std::uint64_t{h.durable_lsn}}};
            if (g.json) {
                print_json(v);
            } else {
                v.erase(v.begin());
                std::cout << client::render_block(v);
            }
            return static_cast<int>(exit_done);
        };
    });
}

}  // namespace

void define_reads(registry& r) {
    define_po_reads(r);
    define_stamp_reads(r);
    define_ledger_figures(r);
    define_ledger_entries(r);
    define_count_reads(r);
    define_other_reads(r);
    define_watch(r);
    define_whoami(r);
}

}  // namespace stampd::ctl
