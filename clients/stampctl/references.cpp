// Objects named on the command line by their number or key as well as by id (stampctl.hpp):
// `cancel-po PO-000012`, `create-po --consignee ACME`. An id is taken as it is; a name waits for
// the connection, then is looked up in the lists the server answers, a page at a time.
#include <algorithm>
#include <cctype>
#include <iostream>
#include <string_view>
#include <vector>

#include "clients/stampctl/stampctl.hpp"

namespace stampd::ctl {
namespace {

using flatbuffers::FlatBufferBuilder;

// A name given on the command line, to be looked up once connected. stampctl runs one subcommand
// in one thread, so one list serves.
struct pending_ref {
    ref_kind kind;
    std::string text;
    std::string flag;
    u32* into;
};

std::vector<pending_ref>& pending() {
    static std::vector<pending_ref> refs;
    return refs;
}

// Pages one lookup reads at most: 1,000 rows each, a million objects.
constexpr u32 lookup_pages_max = 1'000;

const char* kind_name(ref_kind kind) {
    switch (kind) {
        case ref_kind::po:
            return "PO";
        case ref_kind::invoice:
            return "invoice";
        case ref_kind::consignee:
            return "consignee";
        case ref_kind::shipment:
            return "shipment";
        case ref_kind::product:
            return "product";
        case ref_kind::user:
            return "user";
        case ref_kind::fee_preset:
            return "fee preset";
        case ref_kind::stamp_order:
            return "stamp order";
        case ref_kind::outbound:
            return "outbound record";
        case ref_kind::request:
            return "request";
    }
    return "object";
}

bool all_digits(std::string_view t) {
    return !t.empty() && t.size() <= 10 && std::ranges::all_of(t, [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
    });
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::ranges::equal(a, b, [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

// One page of the list that names objects of `kind`, from `after`.
proto::Body list_of(ref_kind kind) {
    switch (kind) {
        case ref_kind::po:
            return proto::Body::ListPos;
        case ref_kind::invoice:
            return proto::Body::ListInvoices;
        case ref_kind::stamp_order:
            return proto::Body::ListStampOrders;
        default:
            return proto::Body::ListReference;
    }
}

flatbuffers::Offset<void> page_request(FlatBufferBuilder& b, ref_kind kind, u32 after) {
    switch (kind) {
        case ref_kind::po:
            return proto::CreateListPos(b, 0, -1, after).Union();
        case ref_kind::invoice:
            return proto::CreateListInvoices(b, 0, after, -1).Union();
        case ref_kind::stamp_order:
            return proto::CreateListStampOrders(b, after, -1, -1).Union();
        case ref_kind::consignee:
            return proto::CreateListReference(b, proto::ReferenceKind::Consignees, after).Union();
        case ref_kind::shipment:
            return proto::CreateListReference(b, proto::ReferenceKind::Shipments, after).Union();
        case ref_kind::product:
            return proto::CreateListReference(b, proto::ReferenceKind::Products, after).Union();
        case ref_kind::fee_preset:
            return proto::CreateListReference(b, proto::ReferenceKind::FeePresets, after).Union();
        default:
            return proto::CreateListReference(b, proto::ReferenceKind::Users, after).Union();
    }
}

struct named {
    u32 id;
    std::string name;
};

// The page's rows as (id, number or key); `more` as the reply says.
std::vector<named> rows_of(const proto::Response& r, bool& more) {
    std::vector<named> out;
    const auto add = [&out](u32 id, const flatbuffers::String* name) {
        out.push_back({id, name != nullptr ? name->str() : ""});
    };
    more = false;
    if (const auto* l = r.reply_as_PoList(); l != nullptr && l->pos() != nullptr) {
        for (const auto* row : *l->pos())
            add(row->id(), row->number());
        more = l->more();
    } else if (const auto* l = r.reply_as_InvoiceList(); l != nullptr && l->invoices() != nullptr) {
        for (const auto* row : *l->invoices())
            add(row->id(), row->number());
        more = l->more();
    } else if (const auto* l = r.reply_as_StampOrderList(); l != nullptr && l->orders()) {
        for (const auto* row : *l->orders())
            add(row->id(), row->number());
        more = l->more();
    } else if (const auto* l = r.reply_as_ReferenceList(); l != nullptr && l->rows() != nullptr) {
        for (const auto* row : *l->rows())
            add(row->id(), row->key());
        more = l->more();
    }
    return out;
}

// The id of the object of `kind` named `text`: its exact number or key, else the one that matches
// ignoring case. Prints why not and returns an exit code otherwise.
int look_up(client::connection& c, const pending_ref& ref, u32& id) {
    std::vector<u32> exact, loose;
    u32 after = 0;
    for (u32 page = 0; page < lookup_pages_max; ++page) {
        client::response answer;
        const int rc = call_read(
            c, list_of(ref.kind),
            [&](FlatBufferBuilder& b) { return page_request(b, ref.kind, after); }, answer);
        if (rc != exit_done) return rc;
        if (const proto::Outcome* o = answer.outcome(); o != nullptr) {
            std::cerr << "stampctl: cannot look up " << kind_name(ref.kind) << " '" << ref.text
                      << "' (give its id): ";
            return print_refusal(*o);
        }
        bool more = false;
        const std::vector<named> rows = rows_of(*answer.get(), more);
        for (const named& row : rows) {
            if (row.name == ref.text)
                exact.push_back(row.id);
            else if (same_ignoring_case(row.name, ref.text))
                loose.push_back(row.id);
        }
        if (!more || rows.empty()) break;
        after = rows.back().id;
    }
    const std::vector<u32>& found = exact.empty() ? loose : exact;
    if (found.size() == 1) {
        id = found.front();
        return exit_done;
    }
    if (found.empty()) {
        std::cerr << "stampctl: NOT_FOUND: no " << kind_name(ref.kind) << " '" << ref.text << "' ("
                  << ref.flag << " takes its id or its number or key)\n";
        return exit_rejected;
    }
    std::cerr << "stampctl: " << ref.flag << " '" << ref.text << "' names " << found.size() << ' '
              << kind_name(ref.kind) << "s (ids";
    for (const u32 each : found)
        std::cerr << ' ' << each;
    std::cerr << "): give the id\n";
    return exit_usage;
}

}  // namespace

void assign_ref(const std::string& text, u32& into, ref_kind kind, const std::string& flag) {
    if (all_digits(text)) {
        into = parse_id_arg(text, flag.c_str());
        return;
    }
    // An outbound record's number is its id's: OUT-000012 is 12.
    if (kind == ref_kind::outbound && text.size() > 4 &&
        same_ignoring_case(text.substr(0, 4), "OUT-") && all_digits(text.substr(4))) {
        into = parse_id_arg(text.substr(4), flag.c_str());
        return;
    }
    if (kind == ref_kind::request) {
        throw CLI::ValidationError(flag,
                                   "a request has no number: give its id, not '" + text + "'");
    }
    if (text.empty()) throw CLI::ValidationError(flag, "give an id, a number or a key");
    pending().push_back({kind, text, flag, &into});
}

int resolve_refs(client::connection& c) {
    for (const pending_ref& ref : pending()) {
        if (const int rc = look_up(c, ref, *ref.into); rc != exit_done) return rc;
    }
    pending().clear();
    return exit_done;
}

}  // namespace stampd::ctl
