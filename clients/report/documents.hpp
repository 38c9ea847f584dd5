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

// A code as text ("INV-000001"), and a time as the warehouse's day ("" for 0, never set).
std::string key_of(const code& c);
std::string date_or_blank(const time_zone& zone, i64 time_us);

// In id order. False with `error` when a number or consignee named does not exist.
bool select_invoices(const state& s, const invoice_filter& filter, std::vector<invoice_id>& out,
                     std::string& error);
bool select_outbounds(const state& s, const outbound_filter& filter, std::vector<outbound_id>& out,
                      std::string& error);

// A box a run stamped (confirmed, or confirmed past a shortage by override) with its units per
// region: what a packing list lists. The run's queue has one entry per (box, line).
struct packed_box {
    box_id box = id_none;
    u32 units = 0;
    per_region<i64> stamps{};
};

// In the run's queue order.
std::vector<packed_box> packed_boxes(const state& s, po_id po);

std::optional<invoice_status> parse_invoice_status(std::string_view text);

}  // namespace stampd::report
