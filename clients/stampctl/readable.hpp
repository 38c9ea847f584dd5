// stampctl's readable form of an answer (what prints without --json): money as dollars and cents
// ("$1,234.56", not 123456), a run queue's boxes by their barcodes, the objects an answer refers
// to by their numbers and keys. --json prints the answer as the server sent it; these change only
// a copy on its way to the screen. Pure functions (the namer does the reading); any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "clients/lib/json.hpp"

namespace stampd::ctl {

// "$1,234.56", "-$0.05".
std::string dollars(std::int64_t cents);

// Every money figure of `v` (a reply, an event) as dollars, under its name without "_cents"
// ("amount_cents": 1250 → "amount": "$12.50"). Money is a field whose name says cents, the figures
// of a `totals` object, an invoice line's duty, and a per-region figure under a cents name.
void money_as_dollars(json::value& v);

// A RunQueue's rows name their box by barcode (the label a person reads), not by internal id:
// items[i].box becomes items[i].barcode = barcodes[i], and the barcodes list goes.
void boxes_by_barcode(json::object& run_queue);

// Every instant of `v` (a field named "..._us": microseconds since the epoch) as UTC text under
// its name without "_us": "shipped_us": 1798790400000000 → "shipped": "2027-01-01 00:00:00 UTC".
// 0 (not yet) reads "-".
void instants_as_text(json::value& v);
// "2027-01-01 00:00:00 UTC".
std::string utc_text(std::int64_t time_us);

// The kinds of object an answer refers to by id.
enum class referent : std::uint8_t { po, invoice, consignee, shipment, product, user, outbound };
// An object's number or key ("PO-000012", "ACME"), or "" when it cannot be read.
using namer = std::function<std::string(referent, std::uint32_t id)>;

// Every reference of a read's reply to another object (a PO's consignee, an invoice's po, the
// user who started a run) as "NUMBER (id)": "consignee": 1 → "ACME (1)". The object's own id
// stays, since commands take ids; id 0 (none) and what `name` cannot read stay numbers.
void references_by_number(json::value& reply, const namer& name);

// A command's confirmation with the objects it names by number or key: "created PO 3" →
// "created PO-000003 (3)" (a number that starts with its kind stands alone), "created consignee
// ACME (1)", "invoice INV-000001 (1) now Issued"; what cannot be read stays "PO 3".
// The kinds named: PO, invoice, credit note, shipment, consignee, user, product.
std::string name_ids_in(const std::string& text, const namer& name);

}  // namespace stampd::ctl
