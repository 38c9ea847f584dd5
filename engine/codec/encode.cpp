// Encoding of each event (see event_codec.hpp). One overload per event, field for field.
#include "engine/codec/event_codec.hpp"
#include "engine/codec/wire_enums.hpp"
#include "events_generated.h"

namespace stampd::codec {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;
using encoded = std::pair<fb::Event, Offset<void>>;

Offset<flatbuffers::String> text(FlatBufferBuilder& b, std::string_view s) {
    return b.CreateString(s.data(), s.size());
}

fb::Token token(const token_hash& t) {
    return fb::Token(flatbuffers::span<const uint8_t, 32>(t.data(), 32));
}

fb::LedgerMovement movement(const ledger_movement& m) {
    return fb::LedgerMovement(to_wire(m.stamp_region), to_wire(m.kind), m.line, m.quantity,
                              m.balance_after);
}

template <typename Range>
auto movements(FlatBufferBuilder& b, const Range& range) {
    std::vector<fb::LedgerMovement> out;
    for (const ledger_movement& m : range)
        out.push_back(movement(m));
    return b.CreateVectorOfStructs(out);
}

auto lines(FlatBufferBuilder& b, const std::vector<line_input>& in) {
    std::vector<fb::LineInput> out;
    for (const line_input& l : in)
        out.emplace_back(l.product, to_wire(l.stamp_region), l.quantity);
    return b.CreateVectorOfStructs(out);
}

fb::InvoiceTotals totals(const invoice_totals& t) {
    return fb::InvoiceTotals(t.duty, t.fees, t.subtotal, t.tax, t.total);
}
fb::TaxComponents taxes(const invoice_totals& t) {
    return fb::TaxComponents(t.taxes[0], t.taxes[1], t.taxes[2], t.taxes[3]);
}

Offset<fb::InvoiceFee> fee(FlatBufferBuilder& b, const invoice_fee& f) {
    return fb::CreateInvoiceFee(b, f.preset, text(b, f.name), to_wire(f.kind), f.amount_cents,
                                f.charge_cents);
}

template <typename T>
encoded done(fb::Event type, Offset<T> table) {
    return {type, table.Union()};
}

encoded to_fb(FlatBufferBuilder& b, const user_created& e) {
    const fb::Token t = token(e.token_sha256);
    return done(fb::Event::UserCreated,
                fb::CreateUserCreated(b, e.id, text(b, e.key.view()), text(b, e.name), e.roles,
                                      e.consignee, &t));
}
encoded to_fb(FlatBufferBuilder& b, const consignee_created& e) {
    return done(fb::Event::ConsigneeCreated,
                fb::CreateConsigneeCreated(b, e.id, text(b, e.key.view()), text(b, e.name),
                                           to_wire(e.primary_province)));
}
encoded to_fb(FlatBufferBuilder& b, const consignee_edited& e) {
    const auto name = text(b, e.name);
    const auto billing = text(b, e.billing_address);
    const auto shipping = text(b, e.shipping_address);
    const auto registration = text(b, e.tax_registration);
    return done(fb::Event::ConsigneeEdited,
                fb::CreateConsigneeEdited(b, e.consignee, name, to_wire(e.primary_province),
                                          billing, shipping, registration));
}
encoded to_fb(FlatBufferBuilder& b, const product_created& e) {
    return done(fb::Event::ProductCreated,
                fb::CreateProductCreated(b, e.id, text(b, e.sku.view()), e.consignee,
                                         text(b, e.name), e.volume_ul));
}
encoded to_fb(FlatBufferBuilder& b, const bundle_size_set& e) {
    return done(fb::Event::BundleSizeSet,
                fb::CreateBundleSizeSet(b, to_wire(e.stamp_region), e.stamps_per_bundle));
}
encoded to_fb(FlatBufferBuilder& b, const deposit_rate_set& e) {
    return done(fb::Event::DepositRateSet,
                fb::CreateDepositRateSet(b, to_wire(e.stamp_region), e.cents_per_stamp));
}
encoded to_fb(FlatBufferBuilder& b, const shipment_created& e) {
    return done(fb::Event::ShipmentCreated,
                fb::CreateShipmentCreated(b, e.id, text(b, e.key.view()), e.consignee));
}
encoded to_fb(FlatBufferBuilder& b, const receiving_started& e) {
    return done(fb::Event::ReceivingStarted, fb::CreateReceivingStarted(b, e.shipment));
}
encoded to_fb(FlatBufferBuilder& b, const box_received& e) {
    return done(fb::Event::BoxReceived,
                fb::CreateBoxReceived(b, e.id, e.shipment, text(b, e.barcode.view()), e.product,
                                      e.units, e.damaged));
}
encoded to_fb(FlatBufferBuilder& b, const boxes_received& e) {
    std::vector<Offset<flatbuffers::String>> barcodes;
    std::vector<fb::BoxFigures> figures;
    barcodes.reserve(e.boxes.size());
    figures.reserve(e.boxes.size());
    for (const box_input& box : e.boxes) {
        barcodes.push_back(text(b, box.barcode.view()));
        figures.emplace_back(box.product, box.units, box.damaged);
    }
    const auto barcode_vector = b.CreateVector(barcodes);
    const auto figure_vector = b.CreateVectorOfStructs(figures);
    return done(
        fb::Event::BoxesReceived,
        fb::CreateBoxesReceived(b, e.first, e.shipment, barcode_vector, figure_vector, e.skipped));
}
encoded to_fb(FlatBufferBuilder& b, const shipment_inventoried& e) {
    return done(fb::Event::ShipmentInventoried, fb::CreateShipmentInventoried(b, e.shipment));
}
encoded to_fb(FlatBufferBuilder& b, const po_created& e) {
    return done(fb::Event::PoCreated,
                fb::CreatePoCreated(b, e.id, text(b, e.number.view()), e.auto_number, e.consignee,
                                    e.shipment, lines(b, e.lines), e.urgent, text(b, e.notes)));
}
encoded to_fb(FlatBufferBuilder& b, const po_lines_edited& e) {
    return done(fb::Event::PoLinesEdited,
                fb::CreatePoLinesEdited(b, e.po, lines(b, e.lines), e.overridden));
}
encoded to_fb(FlatBufferBuilder& b, const run_started& e) {
    return done(fb::Event::RunStarted,
                fb::CreateRunStarted(b, e.po, e.shortage_acknowledged, e.short_regions));
}
encoded to_fb(FlatBufferBuilder& b, const box_confirmed& e) {
    fb::LedgerMovement moved[region_count];
    for (u8 i = 0; i < e.movement_count; ++i)
        moved[i] = movement(e.movements[i]);
    return done(fb::Event::BoxConfirmed,
                fb::CreateBoxConfirmed(b, e.po, e.box, e.entry, to_wire(e.outcome),
                                       b.CreateVectorOfStructs(moved, e.movement_count)));
}
encoded to_fb(FlatBufferBuilder& b, const run_ended& e) {
    return done(fb::Event::RunEnded, fb::CreateRunEnded(b, e.po, e.early, e.boxes_skipped));
}
encoded to_fb(FlatBufferBuilder& b, const line_amended& e) {
    return done(fb::Event::LineAmended,
                fb::CreateLineAmended(b, e.po, e.line, e.quantity, e.overridden));
}
encoded to_fb(FlatBufferBuilder& b, const po_verified& e) {
    return done(fb::Event::PoVerified,
                fb::CreatePoVerified(b, e.po, b.CreateVector(e.verified), movements(b, e.movements),
                                     e.shortage_overridden));
}
encoded to_fb(FlatBufferBuilder& b, const po_cancelled& e) {
    return done(fb::Event::PoCancelled,
                fb::CreatePoCancelled(b, e.po, to_wire(e.from), text(b, e.reason),
                                      movements(b, e.movements)));
}
encoded to_fb(FlatBufferBuilder& b, const stamp_order_submitted& e) {
    return done(
        fb::Event::StampOrderSubmitted,
        fb::CreateStampOrderSubmitted(b, e.id, to_wire(e.stamp_region), e.bundles,
                                      e.stamps_per_bundle, e.deposit_cents, text(b, e.notes)));
}
encoded to_fb(FlatBufferBuilder& b, const stamp_order_reviewed& e) {
    return done(fb::Event::StampOrderReviewed,
                fb::CreateStampOrderReviewed(b, e.order, to_wire(e.action), text(b, e.note)));
}
encoded to_fb(FlatBufferBuilder& b, const stamp_order_revised& e) {
    return done(fb::Event::StampOrderRevised,
                fb::CreateStampOrderRevised(b, e.order, e.bundles, e.stamps_per_bundle,
                                            e.deposit_cents, text(b, e.notes)));
}
encoded to_fb(FlatBufferBuilder& b, const stamp_order_ordered& e) {
    return done(fb::Event::StampOrderOrdered, fb::CreateStampOrderOrdered(b, e.order));
}
encoded to_fb(FlatBufferBuilder& b, const stamps_received& e) {
    const fb::LedgerMovement m = movement(e.movement);
    return done(fb::Event::StampsReceived,
                fb::CreateStampsReceived(b, e.order, e.actual_bundles, &m));
}
encoded to_fb(FlatBufferBuilder& b, const duty_rate_set& e) {
    return done(fb::Event::DutyRateSet,
                fb::CreateDutyRateSet(b, to_wire(e.stamp_region), e.cents_per_increment));
}
encoded to_fb(FlatBufferBuilder& b, const tax_rate_set& e) {
    return done(fb::Event::TaxRateSet,
                fb::CreateTaxRateSet(b, to_wire(e.tax_province), 0, to_wire(e.kind), e.rate));
}
encoded to_fb(FlatBufferBuilder& b, const capacity_set& e) {
    return done(fb::Event::CapacitySet, fb::CreateCapacitySet(b, to_wire(e.on), e.units));
}
encoded to_fb(FlatBufferBuilder& b, const time_zone_set& e) {
    return done(fb::Event::TimeZoneSet,
                fb::CreateTimeZoneSet(b, text(b, e.zone.name), e.zone.utc_offset_minutes,
                                      e.zone.north_american_dst));
}
encoded to_fb(FlatBufferBuilder& b, const fee_preset_created& e) {
    return done(fb::Event::FeePresetCreated,
                fb::CreateFeePresetCreated(b, e.id, text(b, e.key.view()), text(b, e.name),
                                           to_wire(e.kind), e.amount_cents));
}
encoded to_fb(FlatBufferBuilder& b, const user_roles_set& e) {
    return done(fb::Event::UserRolesSet, fb::CreateUserRolesSet(b, e.user, e.roles));
}
encoded to_fb(FlatBufferBuilder& b, const user_token_set& e) {
    const fb::Token t = token(e.token_sha256);
    return done(fb::Event::UserTokenSet, fb::CreateUserTokenSet(b, e.user, &t));
}
encoded to_fb(FlatBufferBuilder& b, const po_scheduled& e) {
    return done(fb::Event::PoScheduled,
                fb::CreatePoScheduled(b, e.po, e.on, e.overridden, e.urgent_first, e.capacity,
                                      e.behind_urgent));
}
encoded to_fb(FlatBufferBuilder& b, const po_split& e) {
    std::vector<Offset<fb::SegmentPlan>> segments;
    for (const segment_plan& s : e.segments) {
        segments.push_back(fb::CreateSegmentPlan(b, s.id, text(b, s.number.view()), s.on,
                                                 s.capacity, lines(b, s.lines)));
    }
    return done(fb::Event::PoSplit,
                fb::CreatePoSplit(b, e.parent, b.CreateVector(segments), e.behind_urgent));
}
encoded to_fb(FlatBufferBuilder& b, const parent_closed& e) {
    return done(fb::Event::ParentClosed, fb::CreateParentClosed(b, e.parent, to_wire(e.status)));
}
encoded to_fb(FlatBufferBuilder& b, const outbound_created& e) {
    std::vector<fb::OutboundLine> out;
    for (const outbound_line& l : e.lines)
        out.emplace_back(l.product, to_wire(l.stamp_region), l.units);
    return done(
        fb::Event::OutboundCreated,
        fb::CreateOutboundCreated(b, e.id, e.po, e.consignee, b.CreateVectorOfStructs(out)));
}
encoded to_fb(FlatBufferBuilder& b, const outbound_shipped& e) {
    return done(fb::Event::OutboundShipped,
                fb::CreateOutboundShipped(b, e.outbound, e.po, e.consignee));
}
encoded to_fb(FlatBufferBuilder& b, const warehouse_identity_set& e) {
    const warehouse_identity& id = e.identity;
    const auto table = fb::CreateWarehouseIdentity(
        b, text(b, id.legal_name), text(b, id.address), text(b, id.gst_hst_number),
        text(b, id.qst_number), text(b, id.excise_licence));
    return done(fb::Event::WarehouseIdentitySet, fb::CreateWarehouseIdentitySet(b, table));
}
encoded to_fb(FlatBufferBuilder& b, const physical_count_recorded& e) {
    return done(
        fb::Event::PhysicalCountRecorded,
        fb::CreatePhysicalCountRecorded(b, e.id, to_wire(e.stamp_region), e.as_of, e.counted,
                                        text(b, e.counted_by), text(b, e.notes)));
}
encoded to_fb(FlatBufferBuilder& b, const invoice_drafted& e) {
    std::vector<fb::InvoiceLine> out;
    for (const invoice_line& l : e.lines) {
        out.emplace_back(l.product, to_wire(l.stamp_region), l.units, l.volume_ul, l.increments,
                         l.duty_cents_per_increment, l.duty_per_unit, l.line_duty);
    }
    std::vector<Offset<fb::InvoiceFee>> fees;
    for (const invoice_fee& f : e.fees)
        fees.push_back(fee(b, f));
    const fb::InvoiceTotals t = totals(e.totals);
    const fb::TaxComponents x = taxes(e.totals);
    const fb::TaxRates r(e.rates[0], e.rates[1], e.rates[2], e.rates[3]);
    return done(fb::Event::InvoiceDrafted,
                fb::CreateInvoiceDrafted(b, e.id, e.po, e.consignee, to_wire(e.tax_province), 0,
                                         b.CreateVectorOfStructs(out), b.CreateVector(fees), &t,
                                         e.credit_of, text(b, e.reason), &r, &x));
}
encoded to_fb(FlatBufferBuilder& b, const invoice_fee_added& e) {
    const fb::InvoiceTotals t = totals(e.totals);
    const fb::TaxComponents x = taxes(e.totals);
    return done(fb::Event::InvoiceFeeAdded,
                fb::CreateInvoiceFeeAdded(b, e.invoice, fee(b, e.fee), &t, &x));
}
encoded to_fb(FlatBufferBuilder& b, const invoice_fee_removed& e) {
    const fb::InvoiceTotals t = totals(e.totals);
    const fb::TaxComponents x = taxes(e.totals);
    return done(fb::Event::InvoiceFeeRemoved,
                fb::CreateInvoiceFeeRemoved(b, e.invoice, e.fee, &t, &x));
}
encoded to_fb(FlatBufferBuilder& b, const invoice_edited& e) {
    return done(fb::Event::InvoiceEdited,
                fb::CreateInvoiceEdited(b, e.invoice, text(b, e.notes), e.due));
}
encoded to_fb(FlatBufferBuilder& b, const invoice_advanced& e) {
    return done(fb::Event::InvoiceAdvanced, fb::CreateInvoiceAdvanced(b, e.invoice, to_wire(e.to)));
}
encoded to_fb(FlatBufferBuilder& b, const request_submitted& e) {
    return done(
        fb::Event::RequestSubmitted,
        fb::CreateRequestSubmitted(b, e.id, e.consignee, e.shipment, lines(b, e.lines), e.on));
}
encoded to_fb(FlatBufferBuilder& b, const request_approved& e) {
    return done(fb::Event::RequestApproved, fb::CreateRequestApproved(b, e.request, e.po));
}
encoded to_fb(FlatBufferBuilder& b, const request_rejected& e) {
    return done(fb::Event::RequestRejected,
                fb::CreateRequestRejected(b, e.request, text(b, e.reason)));
}
encoded to_fb(FlatBufferBuilder& b, const user_password_set& e) {
    return done(fb::Event::UserPasswordSet,
                fb::CreateUserPasswordSet(b, e.user, text(b, e.password_hash)));
}

}  // namespace

std::span<const std::uint8_t> event_encoder::encode(const event& e) {
    _builder.Clear();
    const encoded body = std::visit([this](const auto& ev) { return to_fb(_builder, ev); }, e);
    _builder.Finish(fb::CreateEventRecord(_builder, body.first, body.second));
    return {_builder.GetBufferPointer(), _builder.GetSize()};
}

}  // namespace stampd::codec
