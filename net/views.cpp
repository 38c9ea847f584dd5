// The reads of the protocol (views.hpp): one function per read kind, each answering from the
// state with its Reply table or an Outcome refusal. Runs on the writer thread, between batches,
// so the state never changes under it. Access is SPEC §11 (engine/access.hpp): what a consignee
// user may not see is NOT_FOUND, exactly like what does not exist; what its role may not read at
// all is FORBIDDEN. Lists hold at most list_rows_max rows and stay under response_size_max.
#include "net/views.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "engine/access.hpp"
#include "engine/queries.hpp"
#include "net/protocol/answers.hpp"
#include "net/protocol/frame_format.hpp"
#include "net/protocol/wire_enums.hpp"

namespace stampd::net {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// The longest calendar one read answers: two months of days.
constexpr u32 calendar_days_max = 62;
// A list stops early (more = true) once its answer is this large: the largest row, an invoice of
// 32 lines and 32 fees with its notes, is under 16 KiB, so one more row and the Response fit.
constexpr std::size_t list_size_max = response_size_max - 64 * 1024;
constexpr std::size_t row_size_max = 64 * 1024;

// Who asks, and the builder its answer goes to.
struct reader {
    const state& s;
    user_id viewer;
    stampd::viewer who;  // restricted: a consignee user, its own consignee's data only (§11)
    u64 request;         // the request's id, echoed in the Response
    FlatBufferBuilder& b;
    i64 now_us;  // the writer's clock

    day today() const { return local_day(s.settings.zone, now_us); }

    bool sees(consignee_id owner) const { return who.sees(owner); }
};

Offset<flatbuffers::String> text(FlatBufferBuilder& b, std::string_view value) {
    return b.CreateString(value.data(), value.size());
}

template <typename Table>
void reply(const reader& r, proto::Reply kind, Offset<Table> table) {
    finish_response(r.b, r.request, kind, table.Union());
}

void refuse(const reader& r, proto::Code code, subject about, u32 id, std::string_view why) {
    const auto outcome = build_refusal(r.b, code, why, reject(rejection_code::ok, about, id));
    finish_response(r.b, r.request, proto::Reply::Outcome, outcome.Union());
}

// Also the answer for what exists but the viewer may not see: the two must not differ.
void not_found(const reader& r, subject about, u32 id) {
    std::string why{to_string(about)};
    why.append(" ").append(std::to_string(id));
    refuse(r, proto::Code::NOT_FOUND, about, id, why);
}

void forbidden(const reader& r, std::string_view what) {
    std::string why{"a consignee user may not read "};
    why.append(what);
    refuse(r, proto::Code::FORBIDDEN, subject::user, r.viewer, why);
}

// A list's filter by consignee: 0 for all; one the viewer may not see is NOT_FOUND.
bool consignee_filter_ok(const reader& r, consignee_id of) {
    if (of == id_none) return true;
    if (r.s.has_consignee(of) && r.sees(of)) return true;
    not_found(r, subject::consignee, of);
    return false;
}

// A list's filter by an enum: -1 for all, else one of the `count` values.
bool filter_ok(const reader& r, int value, std::size_t count, std::string_view what) {
    if (value >= -1 && value < static_cast<int>(count)) return true;
    refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, 0,
           std::string{what} + " is -1 (all) or one of the " + std::to_string(count) + " values");
    return false;
}

// A PO still to be put on a day: live, with no day of its own and not split over segments.
bool not_yet_scheduled(const production_order& po) {
    return po.scheduled == no_day && po.segments.empty() && po.status != po_status::cancelled &&
           po.status != po_status::completed;
}

// One entry per region, in region order.
Offset<flatbuffers::Vector<const proto::RegionFigure*>> region_figures(
    FlatBufferBuilder& b, const per_region<i64>& values) {
    std::array<proto::RegionFigure, region_count> out;
    for (const region x : all_regions)
        out[index(x)] = proto::RegionFigure(to_wire(x), values[index(x)]);
    return b.CreateVectorOfStructs(out.data(), out.size());
}

// The rows of ids 1..count above `after` that `admits`, in id order: at most list_rows_max, and
// fewer once the answer nears response_size_max; `more` when an admitted row is left out.
template <typename Admits, typename Build>
auto list_rows(FlatBufferBuilder& b, u32 after, std::size_t count, Admits&& admits, Build&& build,
               bool& more) {
    using row = std::invoke_result_t<Build, u32>;
    std::vector<row> rows;
    more = false;
    for (u64 id = u64{after} + 1; id <= count; ++id) {
        if (!admits(static_cast<u32>(id))) continue;
        if (rows.size() == list_rows_max || b.GetSize() > list_size_max) {
            more = true;
            break;
        }
        [[maybe_unused]] const std::size_t before = b.GetSize();
        rows.push_back(build(static_cast<u32>(id)));
        assert(b.GetSize() - before < row_size_max);
    }
    assert(rows.size() <= list_rows_max);
    return b.CreateVector(rows);
}

// ---------------------------------------------------------------- production orders

void get_po(const reader& r, const proto::GetPo& q) {
    if (!may_see_po(r.s, r.viewer, q.po())) return not_found(r, subject::production_order, q.po());
    const production_order& po = r.s.po_at(q.po());
    const run_counters c = counters(r.s, q.po());
    std::vector<proto::LineView> lines;
    lines.reserve(po.lines.size());
    for (const po_line& l : po.lines)
        lines.emplace_back(l.product, to_wire(l.stamp_region), l.quantity, l.deducted, l.verified);
    // The warehouse's stamp balances are not a consignee user's to read (§11), nor a draft.
    Offset<flatbuffers::Vector<const proto::RegionFigure*>> balance;
    if (!r.who.restricted) balance = region_figures(r.b, c.balance);
    const invoice_id invoice = may_see_invoice(r.s, r.viewer, po.invoice) ? po.invoice : id_none;
    const auto number = text(r.b, po.number.view());
    const auto notes = text(r.b, po.notes);
    const auto line_views = r.b.CreateVectorOfStructs(lines);
    const auto deducted = region_figures(r.b, c.stamps_deducted);
    const auto segments = r.b.CreateVector(po.segments);
    std::vector<proto::PoStep> steps;
    steps.reserve(po.history.size());
    for (const po_step& step : po.history)
        steps.emplace_back(to_wire(step.status), step.user, step.time_us);
    const auto history = r.b.CreateVectorOfStructs(steps);
    const auto reason = text(r.b, po.cancel_reason);
    reply(r, proto::Reply::PoView,
          proto::CreatePoView(r.b, q.po(), number, po.consignee, po.shipment, to_wire(po.status),
                              po.urgent, po.scheduled, line_views, c.boxes_total, c.boxes_confirmed,
                              c.boxes_skipped, c.boxes_left, c.units_done, deducted, balance,
                              po.parent, segments, invoice, notes, po.started_by, po.verified_by,
                              history, reason, po.outbound));
}

Offset<proto::PoSummary> po_summary(FlatBufferBuilder& b, po_id id, const production_order& po) {
    u64 units = 0;
    for (const po_line& l : po.lines)
        units += l.quantity;
    return proto::CreatePoSummary(b, id, text(b, po.number.view()), po.consignee, po.shipment,
                                  to_wire(po.status), po.scheduled, units, po.urgent, po.parent);
}

void list_pos(const reader& r, const proto::ListPos& q) {
    const int status = q.status();
    if (status < -1 || status > static_cast<int>(po_status::cancelled)) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, 0,
                      "status is -1 (all) or a PoStatus");
    }
    if (!consignee_filter_ok(r, q.consignee())) return;
    const auto admits = [&](po_id id) {
        const production_order& po = r.s.po_at(id);
        return r.sees(po.consignee) &&
               (q.consignee() == id_none || po.consignee == q.consignee()) &&
               (status == -1 || po.status == static_cast<po_status>(status)) &&
               (!q.unscheduled() || not_yet_scheduled(po));
    };
    const auto build = [&](po_id id) { return po_summary(r.b, id, r.s.po_at(id)); };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.production_orders.size(), admits, build, more);
    reply(r, proto::Reply::PoList, proto::CreatePoList(r.b, rows, more));
}

// Queue entries have no id: `after` counts the entries already read, in the stamper's order.
void get_run_queue(const reader& r, const proto::GetRunQueue& q) {
    if (!may_see_po(r.s, r.viewer, q.po())) return not_found(r, subject::production_order, q.po());
    const production_order& po = r.s.po_at(q.po());
    const u64 begin = std::min<u64>(q.after(), po.queue_size);
    const u64 end = std::min<u64>(po.queue_size, begin + list_rows_max);
    std::vector<proto::QueueItem> items;
    std::vector<flatbuffers::Offset<flatbuffers::String>> barcodes;
    items.reserve(end - begin);
    barcodes.reserve(end - begin);
    for (u64 i = begin; i < end; ++i) {
        const queue_entry& e = r.s.queue[po.queue_first + i];
        assert(e.po == q.po());
        items.emplace_back(e.box, e.line, e.units, to_wire(e.state));
        barcodes.push_back(r.b.CreateString(r.s.barcode_of(e.box)));
    }
    const auto vector = r.b.CreateVectorOfStructs(items);
    const auto labels = r.b.CreateVector(barcodes);
    reply(r, proto::Reply::RunQueue,
          proto::CreateRunQueue(r.b, vector, end < po.queue_size, labels));
}

// What confirming the box would do. An unknown barcode, or a box of a shipment the viewer may
// not see, is NOT_FOUND; a box outside the PO's queue is a ScannedBox with BOX_NOT_IN_PO.
void scan(const reader& r, const proto::ScanBox& q) {
    if (!may_see_po(r.s, r.viewer, q.po())) return not_found(r, subject::production_order, q.po());
    if (q.barcode() == nullptr) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::box, 0, "barcode is required");
    }
    const box_id id = r.s.find_box(q.barcode()->string_view());
    if (id == id_none || !may_see_shipment(r.s, r.viewer, r.s.box_at(id).shipment)) {
        return not_found(r, subject::box, id_none);
    }
    const scanned_box box = scan_box(r.s, q.po(), id);
    std::vector<proto::BoxPart> parts;
    parts.reserve(box.parts.size());
    for (const box_part& p : box.parts)
        parts.emplace_back(p.line, to_wire(p.stamp_region), p.units);
    const auto verdict = build_outcome(r.b, outcome{.verdict = box.verdict});
    const auto part_vector = r.b.CreateVectorOfStructs(parts);
    const auto needed = region_figures(r.b, box.stamps_needed);
    reply(r, proto::Reply::ScannedBox,
          proto::CreateScannedBox(r.b, verdict, box.box, box.product, box.good_units,
                                  to_wire(box.state), part_vector, needed));
}

// The box of each barcode, in the request's order (stampctl import-shipment checks a manifest's
// rows against what is received): box 0 for a barcode no box has, or one the viewer may not see.
void find_boxes(const reader& r, const proto::FindBoxes& q) {
    std::vector<proto::FoundBox> found;
    const auto* barcodes = q.barcodes();
    // check_read bounded the count to constants::boxes_per_batch_max.
    assert(barcodes == nullptr || barcodes->size() <= constants::boxes_per_batch_max);
    found.reserve(barcodes != nullptr ? barcodes->size() : 0);
    for (flatbuffers::uoffset_t i = 0; barcodes != nullptr && i < barcodes->size(); ++i) {
        const box_id id = r.s.find_box(barcodes->Get(i)->string_view());
        if (id == id_none || !r.sees(r.s.shipment_at(r.s.box_at(id).shipment).consignee)) {
            found.emplace_back(0, 0, 0, 0, 0);
            continue;
        }
        const box& b = r.s.box_at(id);
        found.emplace_back(id, b.shipment, b.product, b.units, b.damaged);
    }
    const auto vector = r.b.CreateVectorOfStructs(found);
    reply(r, proto::Reply::BoxesFound, proto::CreateBoxesFound(r.b, vector));
}

// ---------------------------------------------------------------- stamps

void get_balances(const reader& r) {
    if (r.who.restricted) return forbidden(r, "stamp balances");
    std::array<proto::RegionBalance, region_count> rows;
    for (const region x : all_regions) {
        const region_account& a = r.s.account(x);
        rows[index(x)] = proto::RegionBalance(to_wire(x), a.balance, a.reserved,
                                              stamps_available_to_promise(r.s, x), a.ledger.size());
    }
    const auto vector = r.b.CreateVectorOfStructs(rows.data(), rows.size());
    reply(r, proto::Reply::Balances, proto::CreateBalances(r.b, vector));
}

void get_ledger_figures(const reader& r, const proto::GetLedgerFigures& q) {
    if (r.who.restricted) return forbidden(r, "the stamp ledger");
    const auto region_index = static_cast<u32>(q.region());
    if (region_index >= region_count) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::region, region_index,
                      "no such region");
    }
    if (q.from_us() > q.to_us()) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, 0, "from_us is after to_us");
    }
    const ledger_figures f =
        figures(r.s, static_cast<region>(region_index), q.from_us(), q.to_us());
    reply(r, proto::Reply::LedgerFigures,
          proto::CreateLedgerFigures(r.b, q.region(), f.opening, f.received, f.used, f.refunded,
                                     f.closing, f.entries));
}

// The period and kind a ledger read names, or a refusal (false).
bool ledger_query_ok(const reader& r, const proto::ListLedgerEntries& q,
                     ledger_entries_query& out) {
    const auto region_index = static_cast<u32>(q.region());
    if (region_index >= region_count) {
        refuse(r, proto::Code::INVALID_ARGUMENT, subject::region, region_index, "no such region");
        return false;
    }
    if (q.from_us() > q.to_us()) {
        refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, 0, "from_us is after to_us");
        return false;
    }
    if (q.limit() > constants::ledger_entries_page_max) {
        refuse(r, proto::Code::LIMIT_EXCEEDED, subject::none, q.limit(),
               "at most " + std::to_string(constants::ledger_entries_page_max) +
                   " ledger entries a page");
        return false;
    }
    if (!filter_ok(r, q.kind(), static_cast<int>(ledger_kind::refund_cancel) + 1, "kind")) {
        return false;
    }
    out = {
        .stamp_region = static_cast<region>(region_index),
        .from_us = q.from_us(),
        .to_us = q.to_us(),
        .kind = q.kind() == -1 ? std::nullopt : std::optional{static_cast<ledger_kind>(q.kind())},
        .after = q.after(),
        .limit = q.limit() == 0 ? constants::ledger_entries_page_max : q.limit()};
    return true;
}

void list_ledger_entries(const reader& r, const proto::ListLedgerEntries& q) {
    if (r.who.restricted) return forbidden(r, "the stamp ledger");
    ledger_entries_query query;
    if (!ledger_query_ok(r, q, query)) return;
    const ledger_entries_page page = ledger_entries(r.s, query);
    std::vector<Offset<proto::LedgerEntryView>> rows;
    rows.reserve(page.rows.size());
    for (const ledger_row& row : page.rows) {
        const ledger_entry& e = *row.entry;
        const bool receipt = e.kind == ledger_kind::receipt;
        rows.push_back(proto::CreateLedgerEntryView(
            r.b, row.sequence, e.lsn, e.time_us, q.region(), to_wire(e.kind), e.quantity,
            e.balance_after, receipt ? e.source : id_none, receipt ? id_none : e.source, e.box,
            e.user, e.station, e.overridden));
    }
    const auto vector = r.b.CreateVector(rows);
    reply(r, proto::Reply::LedgerEntryList,
          proto::CreateLedgerEntryList(r.b, q.region(), vector, page.more, page.next_after));
}

// The physical counts (§8), with the ledger's balance at the close of each count's day.
void list_physical_counts(const reader& r, const proto::ListPhysicalCounts& q) {
    if (r.who.restricted) return forbidden(r, "physical counts");
    if (!filter_ok(r, q.region(), region_count, "region")) return;
    const auto admits = [&](u32 id) {
        return q.region() == -1 ||
               r.s.physical_counts[id - 1].stamp_region == static_cast<region>(q.region());
    };
    const auto build = [&](u32 id) {
        const physical_count& c = r.s.physical_counts[id - 1];
        const i64 close_us = start_of_day_us(r.s.settings.zone, c.as_of + 1);
        const i64 balance = ledger_balance_at(r.s, c.stamp_region, close_us);
        const auto counted_by = text(r.b, c.counted_by);
        const auto notes = text(r.b, c.notes);
        return proto::CreatePhysicalCountView(r.b, id, to_wire(c.stamp_region), c.as_of, c.counted,
                                              c.recorded_by, c.recorded_us, c.lsn, counted_by,
                                              notes, balance, c.counted - balance);
    };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.physical_counts.size(), admits, build, more);
    reply(r, proto::Reply::PhysicalCountList, proto::CreatePhysicalCountList(r.b, rows, more));
}

Offset<proto::StampOrderView> stamp_order_view(FlatBufferBuilder& b, stamp_order_id id,
                                               const stamp_order& o) {
    const auto number = text(b, o.number.view());
    const auto notes = text(b, o.notes);
    const auto review_note = text(b, o.review_note);
    return proto::CreateStampOrderView(b, id, number, to_wire(o.stamp_region), to_wire(o.status),
                                       o.bundles, o.stamps_per_bundle, o.deposit_cents,
                                       o.received_bundles, o.submitted_by, notes, review_note);
}

void list_stamp_orders(const reader& r, const proto::ListStampOrders& q) {
    if (r.who.restricted) return forbidden(r, "stamp orders");
    if (!filter_ok(r, q.region(), region_count, "region") ||
        !filter_ok(r, q.status(), static_cast<int>(stamp_order_status::changes_requested) + 1,
                   "status")) {
        return;
    }
    const auto admits = [&](stamp_order_id id) {
        const stamp_order& o = r.s.stamp_order_at(id);
        return (q.region() == -1 || o.stamp_region == static_cast<region>(q.region())) &&
               (q.status() == -1 || o.status == static_cast<stamp_order_status>(q.status()));
    };
    const auto build = [&](stamp_order_id id) {
        return stamp_order_view(r.b, id, r.s.stamp_order_at(id));
    };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.stamp_orders.size(), admits, build, more);
    reply(r, proto::Reply::StampOrderList, proto::CreateStampOrderList(r.b, rows, more));
}

// ---------------------------------------------------------------- shipments

void get_shipment(const reader& r, const proto::GetShipment& q) {
    if (!may_see_shipment(r.s, r.viewer, q.shipment())) {
        return not_found(r, subject::shipment, q.shipment());
    }
    const shipment& sh = r.s.shipment_at(q.shipment());
    std::vector<proto::ShipmentProduct> products;
    products.reserve(sh.products.size());
    for (const shipment_product& p : sh.products) {
        // availability() of §3, without its search for the product: never negative.
        assert(p.good_units >= p.allocated_units);
        products.emplace_back(p.product, p.good_units, p.allocated_units,
                              static_cast<i64>(p.good_units - p.allocated_units));
    }
    const auto key = text(r.b, sh.key.view());
    const auto vector = r.b.CreateVectorOfStructs(products);
    reply(r, proto::Reply::ShipmentView,
          proto::CreateShipmentView(r.b, q.shipment(), key, sh.consignee, to_wire(sh.status),
                                    sh.box_count, vector));
}

// ---------------------------------------------------------------- invoices

Offset<proto::InvoiceView> invoice_view(FlatBufferBuilder& b, invoice_id id, const invoice& inv) {
    std::vector<fb::InvoiceLine> lines;
    lines.reserve(inv.lines.size());
    for (const invoice_line& l : inv.lines) {
        lines.emplace_back(l.product, to_wire(l.stamp_region), l.units, l.volume_ul, l.increments,
                           l.duty_cents_per_increment, l.duty_per_unit, l.line_duty);
    }
    std::vector<Offset<fb::InvoiceFee>> fees;
    fees.reserve(inv.fees.size());
    for (const invoice_fee& f : inv.fees) {
        fees.push_back(fb::CreateInvoiceFee(b, f.preset, text(b, f.name), to_wire(f.kind),
                                            f.amount_cents, f.charge_cents));
    }
    const invoice_totals& t = inv.totals;
    const fb::InvoiceTotals totals(t.duty, t.fees, t.subtotal, t.tax, t.total);
    const fb::TaxComponents taxes(t.taxes[0], t.taxes[1], t.taxes[2], t.taxes[3]);
    const fb::TaxRates rates(inv.rates[0], inv.rates[1], inv.rates[2], inv.rates[3]);
    const auto number = text(b, inv.number.view());
    const auto line_vector = b.CreateVectorOfStructs(lines);
    const auto fee_vector = b.CreateVector(fees);
    const auto notes = text(b, inv.notes);
    const auto reason = text(b, inv.reason);
    return proto::CreateInvoiceView(b, id, number, inv.po, inv.consignee, to_wire(inv.tax_province),
                                    to_wire(inv.status), line_vector, fee_vector, &totals, notes,
                                    inv.due, inv.credit_of, reason, &rates, &taxes);
}

void get_invoice(const reader& r, const proto::GetInvoice& q) {
    if (!may_see_invoice(r.s, r.viewer, q.invoice())) {
        return not_found(r, subject::invoice, q.invoice());
    }
    reply(r, proto::Reply::InvoiceView,
          invoice_view(r.b, q.invoice(), r.s.invoice_at(q.invoice())));
}

void list_invoices(const reader& r, const proto::ListInvoices& q) {
    if (!consignee_filter_ok(r, q.consignee())) return;
    if (!filter_ok(r, q.status(), invoice_status_count, "status")) return;
    const auto admits = [&](invoice_id id) {
        return may_see_invoice(r.s, r.viewer, id) &&
               (q.consignee() == id_none || r.s.invoice_at(id).consignee == q.consignee()) &&
               (q.status() == -1 ||
                r.s.invoice_at(id).status == static_cast<invoice_status>(q.status()));
    };
    const auto build = [&](invoice_id id) { return invoice_view(r.b, id, r.s.invoice_at(id)); };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.invoices.size(), admits, build, more);
    reply(r, proto::Reply::InvoiceList, proto::CreateInvoiceList(r.b, rows, more));
}

// ---------------------------------------------------------------- outbound records (§7)

Offset<proto::OutboundView> outbound_view(const reader& r, outbound_id id) {
    const outbound& o = r.s.outbound_at(id);
    std::vector<proto::OutboundLineView> lines;
    lines.reserve(o.lines.size());
    for (const outbound_line& l : o.lines)
        lines.emplace_back(l.product, to_wire(l.stamp_region), l.units);
    const auto number = text(r.b, outbound_number(id));
    const auto po_number = text(r.b, r.s.po_at(o.po).number.view());
    const auto line_vector = r.b.CreateVectorOfStructs(lines);
    return proto::CreateOutboundView(r.b, id, number, o.po, po_number, o.consignee,
                                     to_wire(o.status), line_vector, o.created_us, o.shipped_by,
                                     o.shipped_us);
}

void get_outbound(const reader& r, const proto::GetOutbound& q) {
    if (!may_see_outbound(r.s, r.viewer, q.outbound()))
        return not_found(r, subject::outbound, q.outbound());
    reply(r, proto::Reply::OutboundView, outbound_view(r, q.outbound()));
}

void list_outbounds(const reader& r, const proto::ListOutbounds& q) {
    if (!consignee_filter_ok(r, q.consignee())) return;
    if (!filter_ok(r, q.status(), static_cast<int>(outbound_status::shipped) + 1, "status")) return;
    const auto admits = [&](outbound_id id) {
        const outbound& o = r.s.outbound_at(id);
        return may_see_outbound(r.s, r.viewer, id) &&
               (q.consignee() == id_none || o.consignee == q.consignee()) &&
               (q.status() == -1 || o.status == static_cast<outbound_status>(q.status()));
    };
    const auto build = [&](outbound_id id) { return outbound_view(r, id); };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.outbounds.size(), admits, build, more);
    reply(r, proto::Reply::OutboundList, proto::CreateOutboundList(r.b, rows, more));
}

// ---------------------------------------------------------------- calendar and requests

// A day keeps the capacity it had when first planned; an unplanned weekday has the setting's and
// a weekend none (as engine/calendar.cpp reckons it). A consignee user sees the load, which the
// portal needs to pick a day, but only its own POs.
Offset<proto::DayView> day_view(const reader& r, day on) {
    const auto it = r.s.calendar.find(on);
    const bool planned = it != r.s.calendar.end();
    u64 capacity = 0;
    if (planned && !is_weekend(on)) {
        capacity = it->second.capacity;
    } else if (!is_weekend(on)) {
        capacity = r.s.settings.capacity_units[static_cast<std::size_t>(weekday_of(on))];
    }
    std::vector<po_id> pos;
    if (planned) {
        for (const po_id po : it->second.run_order)
            if (r.sees(r.s.po_at(po).consignee)) pos.push_back(po);
    }
    const auto vector = r.b.CreateVector(pos);
    return proto::CreateDayView(r.b, on, capacity, planned ? it->second.load : 0,
                                planned && it->second.overridden, vector, is_weekend(on));
}

void get_calendar(const reader& r, const proto::GetCalendar& q) {
    if (q.days() > calendar_days_max) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::day, q.days(),
                      "at most 62 days at once");
    }
    // No day given: from today, the warehouse's (not UTC's: at 20:00 in Toronto it is tomorrow).
    const day from = q.from_day() == no_day ? r.today() : q.from_day();
    if (i64{from} + q.days() > INT32_MAX) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::day, 0, "from_day out of range");
    }
    std::vector<Offset<proto::DayView>> days;
    days.reserve(q.days());
    for (u32 i = 0; i < q.days(); ++i)
        days.push_back(day_view(r, from + static_cast<day>(i)));
    const auto vector = r.b.CreateVector(days);
    reply(r, proto::Reply::Calendar, proto::CreateCalendar(r.b, vector));
}

Offset<proto::RequestView> request_view(FlatBufferBuilder& b, request_id id,
                                        const customer_request& q) {
    std::vector<fb::LineInput> lines;
    lines.reserve(q.lines.size());
    for (const line_input& l : q.lines)
        lines.emplace_back(l.product, to_wire(l.stamp_region), l.quantity);
    const auto line_vector = b.CreateVectorOfStructs(lines);
    const auto reason = text(b, q.reason);
    return proto::CreateRequestView(b, id, q.consignee, q.shipment, line_vector, q.on,
                                    to_wire(q.status), reason, q.po, q.submitted_by);
}

void list_requests(const reader& r, const proto::ListRequests& q) {
    if (!filter_ok(r, q.status(), static_cast<int>(request_status::rejected) + 1, "status")) return;
    const auto admits = [&](request_id id) {
        return may_see_request(r.s, r.viewer, id) &&
               (q.status() == -1 ||
                r.s.request_at(id).status == static_cast<request_status>(q.status()));
    };
    const auto build = [&](request_id id) { return request_view(r.b, id, r.s.request_at(id)); };
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), r.s.requests.size(), admits, build, more);
    reply(r, proto::Reply::RequestList, proto::CreateRequestList(r.b, rows, more));
}

// ---------------------------------------------------------------- reference data and settings

template <typename Admits, typename Build>
void reference_rows(const reader& r, const proto::ListReference& q, std::size_t count,
                    Admits&& admits, Build&& build) {
    bool more = false;
    const auto rows = list_rows(r.b, q.after(), count, admits, build, more);
    reply(r, proto::Reply::ReferenceList, proto::CreateReferenceList(r.b, q.kind(), rows, more));
}

void list_users(const reader& r, const proto::ListReference& q) {
    if (r.who.restricted) return forbidden(r, "users");
    reference_rows(
        r, q, r.s.users.size(), [](user_id) { return true; },
        [&](user_id id) {
            const user& u = r.s.user_at(id);
            return proto::CreateReferenceRow(r.b, id, text(r.b, u.key.view()), text(r.b, u.name),
                                             u.consignee, u.roles);
        });
}

// Fee presets are settings (§2): like the other settings, not a consignee user's to read.
void list_fee_presets(const reader& r, const proto::ListReference& q) {
    if (r.who.restricted) return forbidden(r, "fee presets");
    reference_rows(
        r, q, r.s.fee_presets.size(), [](fee_preset_id) { return true; },
        [&](fee_preset_id id) {
            const fee_preset& f = r.s.fee_preset_at(id);
            return proto::CreateReferenceRow(r.b, id, text(r.b, f.key.view()), text(r.b, f.name),
                                             id_none, 0, 0, fb::Province::AB, to_wire(f.kind),
                                             f.amount_cents);
        });
}

void list_reference(const reader& r, const proto::ListReference& q) {
    if (q.status() != -1 && q.kind() != proto::ReferenceKind::Shipments) {
        return refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, 0,
                      "status filters shipments only");
    }
    switch (q.kind()) {
        case proto::ReferenceKind::Users:
            return list_users(r, q);
        case proto::ReferenceKind::Consignees:
            return reference_rows(
                r, q, r.s.consignees.size(), [&](consignee_id id) { return r.sees(id); },
                [&](consignee_id id) {
                    const consignee& c = r.s.consignee_at(id);
                    const auto key = text(r.b, c.key.view());
                    const auto name = text(r.b, c.name);
                    const auto billing = text(r.b, c.billing_address);
                    const auto shipping = text(r.b, c.shipping_address);
                    const auto registration = text(r.b, c.tax_registration);
                    return proto::CreateReferenceRow(
                        r.b, id, key, name, id, 0, 0, to_wire(c.primary_province),
                        fb::FeeKind::PerUnit, 0, billing, shipping, registration);
                });
        case proto::ReferenceKind::Products:
            return reference_rows(
                r, q, r.s.products.size(),
                [&](product_id id) { return r.sees(r.s.product_at(id).consignee); },
                [&](product_id id) {
                    const product& p = r.s.product_at(id);
                    return proto::CreateReferenceRow(r.b, id, text(r.b, p.sku.view()),
                                                     text(r.b, p.name), p.consignee, 0,
                                                     p.volume_ul);
                });
        case proto::ReferenceKind::Shipments:
            if (!filter_ok(r, q.status(), static_cast<int>(shipment_status::inventoried) + 1,
                           "status")) {
                return;
            }
            return reference_rows(
                r, q, r.s.shipments.size(),
                [&](shipment_id id) {
                    const shipment& sh = r.s.shipment_at(id);
                    return r.sees(sh.consignee) &&
                           (q.status() == -1 ||
                            sh.status == static_cast<shipment_status>(q.status()));
                },
                [&](shipment_id id) {
                    const shipment& sh = r.s.shipment_at(id);
                    return proto::CreateReferenceRow(
                        r.b, id, text(r.b, sh.key.view()), 0, sh.consignee, 0, 0, fb::Province::AB,
                        fb::FeeKind::PerUnit, 0, 0, 0, 0, to_wire(sh.status), sh.box_count);
                });
        case proto::ReferenceKind::FeePresets:
            return list_fee_presets(r, q);
    }
    refuse(r, proto::Code::INVALID_ARGUMENT, subject::none, static_cast<u32>(q.kind()),
           "no such reference kind");
}

void get_settings(const reader& r) {
    if (r.who.restricted) return forbidden(r, "settings");
    const struct settings& set = r.s.settings;
    per_region<i64> bundle{}, deposit{};
    for (const region x : all_regions) {
        bundle[index(x)] = r.s.account(x).stamps_per_bundle;
        deposit[index(x)] = r.s.account(x).deposit_cents_per_stamp;
    }
    std::vector<fb::TaxRates> rates;
    for (const tax_rates& t : set.tax_by_province)
        rates.emplace_back(t[0], t[1], t[2], t[3]);
    const auto duty = region_figures(r.b, set.duty_cents_per_increment);
    const auto tax = r.b.CreateVectorOfStructs(rates);
    const auto capacity = r.b.CreateVector(set.capacity_units.data(), set.capacity_units.size());
    const auto bundles = region_figures(r.b, bundle);
    const auto deposits = region_figures(r.b, deposit);
    const auto zone = text(r.b, set.zone.name);
    const warehouse_identity& id = set.identity;
    const auto identity = fb::CreateWarehouseIdentity(
        r.b, text(r.b, id.legal_name), text(r.b, id.address), text(r.b, id.gst_hst_number),
        text(r.b, id.qst_number), text(r.b, id.excise_licence));
    reply(r, proto::Reply::SettingsView,
          proto::CreateSettingsView(r.b, duty, capacity, bundles, deposits, zone,
                                    set.zone.utc_offset_minutes, set.zone.north_american_dst, tax,
                                    identity));
}

// The request's body, as the kind its type says (the Verifier has checked they agree).
void dispatch(const reader& r, const proto::Request& q) {
    switch (q.body_type()) {
        case proto::Body::GetPo:
            return get_po(r, *q.body_as_GetPo());
        case proto::Body::ListPos:
            return list_pos(r, *q.body_as_ListPos());
        case proto::Body::GetRunQueue:
            return get_run_queue(r, *q.body_as_GetRunQueue());
        case proto::Body::ScanBox:
            return scan(r, *q.body_as_ScanBox());
        case proto::Body::GetBalances:
            return get_balances(r);
        case proto::Body::GetLedgerFigures:
            return get_ledger_figures(r, *q.body_as_GetLedgerFigures());
        case proto::Body::GetShipment:
            return get_shipment(r, *q.body_as_GetShipment());
        case proto::Body::ListStampOrders:
            return list_stamp_orders(r, *q.body_as_ListStampOrders());
        case proto::Body::GetInvoice:
            return get_invoice(r, *q.body_as_GetInvoice());
        case proto::Body::ListInvoices:
            return list_invoices(r, *q.body_as_ListInvoices());
        case proto::Body::GetCalendar:
            return get_calendar(r, *q.body_as_GetCalendar());
        case proto::Body::ListRequests:
            return list_requests(r, *q.body_as_ListRequests());
        case proto::Body::ListReference:
            return list_reference(r, *q.body_as_ListReference());
        case proto::Body::GetSettings:
            return get_settings(r);
        case proto::Body::GetOutbound:
            return get_outbound(r, *q.body_as_GetOutbound());
        case proto::Body::ListOutbounds:
            return list_outbounds(r, *q.body_as_ListOutbounds());
        case proto::Body::ListLedgerEntries:
            return list_ledger_entries(r, *q.body_as_ListLedgerEntries());
        case proto::Body::FindBoxes:
            return find_boxes(r, *q.body_as_FindBoxes());
        case proto::Body::ListPhysicalCounts:
            return list_physical_counts(r, *q.body_as_ListPhysicalCounts());
        default:
            break;
    }
    refuse(r, proto::Code::UNKNOWN_TYPE, subject::none, static_cast<u32>(q.body_type()),
           "not a read");
}

}  // namespace

void answer_read(const state& s, user_id viewer, const proto::Request& request,
                 FlatBufferBuilder& b, i64 now_us) {
    if (!s.has_user(viewer)) {
        return build_refusal_response(b, request.id(), proto::Code::UNAUTHENTICATED,
                                      "say Hello with a user's token first");
    }
    const reader r{.s = s,
                   .viewer = viewer,
                   .who = viewer_of(s, viewer),
                   .request = request.id(),
                   .b = b,
                   .now_us = now_us};
    if (request.body() == nullptr) {
        return refuse(r, proto::Code::MISSING_FIELD, subject::none, 0, "a request needs a body");
    }
    dispatch(r, request);
}

}  // namespace stampd::net
