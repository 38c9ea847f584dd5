// Which invoices (SPEC §9) and outbound manifests (§7) a report covers. An invoice's date is
// the day it was issued, a draft's the day it was drafted (the PO's completion); a manifest's
// is the PO's completion. Pure functions of a state; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "clients/report/report_period.hpp"
#include "engine/state.hpp"

namespace stampd::report {

struct invoice_filter {
    std::vector<std::string> numbers;  // INV-000001 / CN-000002; empty: any
    std::string consignee;             // a consignee's key; empty: any
    std::optional<invoice_status> status;
    period span;
};

struct outbound_filter {
    std::string consignee;
    period span;
};

i64 invoice_date_us(const invoice& i);

// In id order. False with `error` when a number or consignee named does not exist.
bool select_invoices(const state& s, const invoice_filter& filter, std::vector<invoice_id>& out,
                     std::string& error);
bool select_outbounds(const state& s, const outbound_filter& filter, std::vector<outbound_id>& out,
                      std::string& error);

// "OUT-000001": manifests have no number of their own in the engine; this is their id.

std::optional<invoice_status> parse_invoice_status(std::string_view text);

}  // namespace stampd::report
