// Decoding of each event (see event_codec.hpp): verify the buffer, then check what the verifier
// cannot know — enum ranges, sizes against the engine's bounds, required structs — field by field.
#include "engine/codec/event_codec.hpp"
#include "engine/codec/wire_enums.hpp"
#include "engine/constants.hpp"
#include "engine/tax.hpp"
#include "events_generated.h"

#include <cstring>
#include <tuple>
#include <vector>

namespace stampd::codec {
namespace {

// Collects the first error while a decoder reads fields; reads return safe values after it.
class checker {
public:
    decode_error error = decode_error::ok;

    template <typename Engine, typename Wire>
    Engine enumerated(Wire value) {
        Engine out{};
        if (!from_wire(value, out)) fail(decode_error::out_of_range);
        return out;
    }
    region reg(fb::Region r) { return enumerated<region>(r); }

    std::string text(const flatbuffers::String* s, std::size_t max) {
        if (s == nullptr) return {};
        if (s->size() > max) return fail(decode_error::out_of_range), std::string{};
        return s->str();
    }
    code key(const flatbuffers::String* s) {
        if (s == nullptr) return code{};
        if (s->size() > constants::code_size_max) return fail(decode_error::out_of_range), code{};
        return code{std::string_view{s->data(), s->size()}};
    }
    template <typename V>
    bool bounded(const V* v, std::size_t max) {
        if (v != nullptr && v->size() > max) return fail(decode_error::out_of_range), false;
        return true;
    }
    template <typename T>
    const T* required(const T* p) {
        if (p == nullptr) fail(decode_error::missing_field);
        return p;
    }
    void fail(decode_error e) {
        if (error == decode_error::ok) error = e;
    }
};

ledger_movement movement(checker& c, const fb::LedgerMovement& m) {
    return ledger_movement{.stamp_region = c.reg(m.region()),
                           .kind = c.enumerated<ledger_kind>(m.kind()),
                           .quantity = m.quantity(),
                           .balance_after = m.balance_after(),
                           .line = m.line()};
}

std::vector<ledger_movement> movements(checker& c,
                                       const flatbuffers::Vector<const fb::LedgerMovement*>* v) {
    std::vector<ledger_movement> out;
    if (v == nullptr || !c.bounded(v, constants::lines_per_po_max + region_count)) return out;
    for (const fb::LedgerMovement* m : *v)
        out.push_back(movement(c, *m));
    return out;
}

std::vector<line_input> lines(checker& c, const flatbuffers::Vector<const fb::LineInput*>* v) {
    std::vector<line_input> out;
    if (v == nullptr || !c.bounded(v, constants::lines_per_po_max)) return out;
    for (const fb::LineInput* l : *v)
        out.push_back({l->product(), c.reg(l->region()), l->quantity()});
    return out;
}

token_hash token(checker& c, const fb::Token* t) {
    token_hash out{};
    if (c.required(t) == nullptr) return out;
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = t->bytes()->Get(i);
    return out;
}

// Totals with their tax components; a record written before components has only the combined
// tax, which `rates` says the component of (nullptr: not known here, the invoice's own rates are
// applied when the event is).
invoice_totals totals(checker& c, const fb::InvoiceTotals* t, const fb::TaxComponents* taxes) {
    if (c.required(t) == nullptr) return {};
    invoice_totals out{.duty = t->duty(),
                       .fees = t->fees(),
                       .subtotal = t->subtotal(),
                       .tax = t->tax(),
                       .total = t->total()};
    if (taxes != nullptr) {
        out.taxes = {taxes->gst(), taxes->hst(), taxes->qst(), taxes->pst()};
        if (out.taxes[0] + out.taxes[1] + out.taxes[2] + out.taxes[3] != out.tax)
            c.fail(decode_error::out_of_range);
    }
    return out;
}

invoice_fee fee(checker& c, const fb::InvoiceFee* f) {
    if (c.required(f) == nullptr) return {};
    return {f->preset(), c.text(f->name(), constants::name_size_max),
            c.enumerated<fee_kind>(f->kind()), f->amount_cents(), f->charge_cents()};
}

constexpr std::size_t name_max = constants::name_size_max;
constexpr std::size_t notes_max = constants::notes_size_max;

event read(checker& c, const fb::UserCreated& t) {
    return user_created{t.id(),    c.key(t.key()), c.text(t.name(), name_max),
                        t.roles(), t.consignee(),  token(c, t.token_sha256())};
}
event read(checker& c, const fb::ConsigneeCreated& t) {
    return consignee_created{t.id(), c.key(t.key()), c.text(t.name(), name_max),
                             c.enumerated<province>(t.primary_province())};
}
event read(checker& c, const fb::ConsigneeEdited& t) {
    return consignee_edited{t.consignee(),
                            c.text(t.name(), name_max),
                            c.enumerated<province>(t.primary_province()),
                            c.text(t.billing_address(), constants::address_size_max),
                            c.text(t.shipping_address(), constants::address_size_max),
                            c.text(t.tax_registration(), constants::tax_registration_size_max)};
}
event read(checker& c, const fb::ProductCreated& t) {
    return product_created{t.id(), c.key(t.sku()), t.consignee(), c.text(t.name(), name_max),
                           t.volume_ul()};
}
event read(checker& c, const fb::BundleSizeSet& t) {
    return bundle_size_set{c.reg(t.region()), t.stamps_per_bundle()};
}
event read(checker& c, const fb::DepositRateSet& t) {
    return deposit_rate_set{c.reg(t.region()), t.cents_per_stamp()};
}
event read(checker& c, const fb::ShipmentCreated& t) {
    return shipment_created{t.id(), c.key(t.key()), t.consignee()};
}
event read(checker&, const fb::ReceivingStarted& t) {
    return receiving_started{t.shipment()};
}
event read(checker& c, const fb::BoxReceived& t) {
    return box_received{t.id(),      t.shipment(), c.key(t.barcode()),
                        t.product(), t.units(),    t.damaged()};
}
event read(checker& c, const fb::BoxesReceived& t) {
    boxes_received e{.first = t.first(), .shipment = t.shipment(), .skipped = t.skipped()};
    const auto* barcodes = c.required(t.barcodes());
    const auto* figures = c.required(t.figures());
    if (barcodes == nullptr || figures == nullptr) return e;
    if (barcodes->size() != figures->size() || barcodes->size() == 0 ||
        !c.bounded(barcodes, constants::boxes_per_batch_max)) {
        c.fail(decode_error::out_of_range);
        return e;
    }
    e.boxes.reserve(barcodes->size());
    for (flatbuffers::uoffset_t i = 0; i < barcodes->size(); ++i) {
        const fb::BoxFigures* f = figures->Get(i);
        e.boxes.push_back(box_input{.barcode = c.key(barcodes->Get(i)),
                                    .product = f->product(),
                                    .units = f->units(),
                                    .damaged = f->damaged()});
        if (f->units() > constants::units_per_box_max || f->damaged() > f->units())
            c.fail(decode_error::out_of_range);
    }
    return e;
}
event read(checker&, const fb::ShipmentInventoried& t) {
    return shipment_inventoried{t.shipment()};
}
event read(checker& c, const fb::PoCreated& t) {
    return po_created{
        t.id(),       c.key(t.number()),   t.auto_number(), t.consignee(),
        t.shipment(), lines(c, t.lines()), t.urgent(),      c.text(t.notes(), notes_max)};
}
event read(checker& c, const fb::PoLinesEdited& t) {
    return po_lines_edited{t.po(), lines(c, t.lines()), t.overridden()};
}
event read(checker&, const fb::RunStarted& t) {
    return run_started{t.po(), t.shortage_acknowledged(), t.short_regions()};
}
event read(checker& c, const fb::BoxConfirmed& t) {
    box_confirmed e{t.po(), t.box(), t.entry(), c.enumerated<box_state>(t.outcome())};
    if (t.movements() != nullptr && c.bounded(t.movements(), region_count)) {
        for (const fb::LedgerMovement* m : *t.movements())
            e.movements[e.movement_count++] = movement(c, *m);
    }
    return e;
}
event read(checker&, const fb::RunEnded& t) {
    return run_ended{t.po(), t.early(), t.boxes_skipped()};
}
event read(checker&, const fb::LineAmended& t) {
    return line_amended{t.po(), t.line(), t.quantity(), t.overridden()};
}
event read(checker& c, const fb::PoVerified& t) {
    po_verified e{.po = t.po(),
                  .movements = movements(c, t.movements()),
                  .shortage_overridden = t.shortage_overridden()};
    if (t.verified() != nullptr && c.bounded(t.verified(), constants::lines_per_po_max)) {
        e.verified.assign(t.verified()->begin(), t.verified()->end());
    }
    return e;
}
event read(checker& c, const fb::PoCancelled& t) {
    return po_cancelled{t.po(), c.enumerated<po_status>(t.from()), c.text(t.reason(), notes_max),
                        movements(c, t.movements())};
}
event read(checker& c, const fb::StampOrderSubmitted& t) {
    return stamp_order_submitted{t.id(),
                                 c.reg(t.region()),
                                 t.bundles(),
                                 t.stamps_per_bundle(),
                                 t.deposit_cents(),
                                 c.text(t.notes(), notes_max)};
}
event read(checker& c, const fb::StampOrderReviewed& t) {
    return stamp_order_reviewed{t.order(), c.enumerated<review_action>(t.action()),
                                c.text(t.note(), notes_max)};
}
event read(checker& c, const fb::StampOrderRevised& t) {
    return stamp_order_revised{t.order(), t.bundles(), t.stamps_per_bundle(), t.deposit_cents(),
                               c.text(t.notes(), notes_max)};
}
event read(checker&, const fb::StampOrderOrdered& t) {
    return stamp_order_ordered{t.order()};
}
event read(checker& c, const fb::StampsReceived& t) {
    const fb::LedgerMovement* m = c.required(t.movement());
    return stamps_received{t.order(), t.actual_bundles(), m ? movement(c, *m) : ledger_movement{}};
}
event read(checker& c, const fb::DutyRateSet& t) {
    return duty_rate_set{c.reg(t.region()), t.cents_per_increment()};
}
event read(checker& c, const fb::TaxRateSet& t) {
    const province p = c.enumerated<province>(t.province());
    if (!t.rate().has_value()) {  // before components: one combined rate in basis points
        const tax_kind k = combined_kind(p);
        return tax_rate_set{p, k, rates_from_basis_points(p, t.basis_points())[index(k)]};
    }
    return tax_rate_set{p, c.enumerated<tax_kind>(t.kind()), *t.rate()};
}
event read(checker& c, const fb::CapacitySet& t) {
    return capacity_set{c.enumerated<weekday>(t.on()), t.units()};
}
event read(checker& c, const fb::TimeZoneSet& t) {
    return time_zone_set{
        time_zone{c.text(t.name(), name_max), t.utc_offset_minutes(), t.north_american_dst()}};
}
event read(checker& c, const fb::FeePresetCreated& t) {
    return fee_preset_created{t.id(), c.key(t.key()), c.text(t.name(), name_max),
                              c.enumerated<fee_kind>(t.kind()), t.amount_cents()};
}
event read(checker&, const fb::UserRolesSet& t) {
    return user_roles_set{t.user(), t.roles()};
}
event read(checker& c, const fb::UserTokenSet& t) {
    return user_token_set{t.user(), token(c, t.token_sha256())};
}
event read(checker&, const fb::PoScheduled& t) {
    return po_scheduled{t.po(),           t.on(),       t.overridden(),
                        t.urgent_first(), t.capacity(), t.behind_urgent()};
}
event read(checker& c, const fb::PoSplit& t) {
    po_split e{.parent = t.parent(), .behind_urgent = t.behind_urgent()};
    if (t.segments() != nullptr && c.bounded(t.segments(), constants::segments_max)) {
        for (const fb::SegmentPlan* s : *t.segments()) {
            e.segments.push_back(segment_plan{s->id(), c.key(s->number()), s->on(), s->capacity(),
                                              lines(c, s->lines())});
        }
    }
    return e;
}
event read(checker& c, const fb::ParentClosed& t) {
    return parent_closed{t.parent(), c.enumerated<po_status>(t.status())};
}
event read(checker&, const fb::OutboundShipped& t) {
    return outbound_shipped{t.outbound(), t.po(), t.consignee()};
}
event read(checker& c, const fb::WarehouseIdentitySet& t) {
    const fb::WarehouseIdentity* id = c.required(t.identity());
    if (id == nullptr) return warehouse_identity_set{};
    constexpr std::size_t registration_max = constants::tax_registration_size_max;
    return warehouse_identity_set{
        .identity = {
            .legal_name = c.text(id->legal_name(), name_max),
            .address = c.text(id->address(), constants::address_size_max),
            .gst_hst_number = c.text(id->gst_hst_number(), registration_max),
            .qst_number = c.text(id->qst_number(), registration_max),
            .excise_licence = c.text(id->excise_licence(), constants::excise_licence_size_max)}};
}
event read(checker& c, const fb::PhysicalCountRecorded& t) {
    if (t.counted() < 0 || t.counted() > constants::physical_count_stamps_max ||
        t.as_of() == no_day) {
        c.fail(decode_error::out_of_range);
    }
    return physical_count_recorded{.id = t.id(),
                                   .stamp_region = c.reg(t.region()),
                                   .as_of = t.as_of(),
                                   .counted = t.counted(),
                                   .counted_by = c.text(t.counted_by(), name_max),
                                   .notes = c.text(t.notes(), constants::notes_size_max)};
}
event read(checker& c, const fb::OutboundCreated& t) {
    outbound_created e{t.id(), t.po(), t.consignee()};
    if (t.lines() != nullptr && c.bounded(t.lines(), constants::lines_per_po_max)) {
        for (const fb::OutboundLine* l : *t.lines())
            e.lines.push_back({l->product(), c.reg(l->region()), l->units()});
    }
    return e;
}
event read(checker& c, const fb::InvoiceDrafted& t) {
    invoice_drafted e{.id = t.id(),
                      .po = t.po(),
                      .consignee = t.consignee(),
                      .tax_province = c.enumerated<province>(t.tax_province()),
                      .totals = totals(c, t.totals(), t.taxes()),
                      .credit_of = t.credit_of(),
                      .reason = c.text(t.reason(), notes_max)};
    if (const fb::TaxRates* r = t.rates(); r != nullptr) {
        e.rates = {r->gst(), r->hst(), r->qst(), r->pst()};
    } else {  // before components: one combined rate in basis points
        e.rates = rates_from_basis_points(e.tax_province, t.tax_bp());
        e.totals.taxes = combined_tax_components(e.rates, e.totals.tax);
    }
    if (t.lines() != nullptr && c.bounded(t.lines(), constants::lines_per_po_max)) {
        for (const fb::InvoiceLine* l : *t.lines()) {
            e.lines.push_back({l->product(), c.reg(l->region()), l->units(), l->volume_ul(),
                               l->increments(), l->duty_cents_per_increment(), l->duty_per_unit(),
                               l->line_duty()});
        }
    }
    if (t.fees() != nullptr && c.bounded(t.fees(), constants::fees_per_invoice_max)) {
        for (const fb::InvoiceFee* f : *t.fees())
            e.fees.push_back(fee(c, f));
    }
    return e;
}
event read(checker& c, const fb::InvoiceFeeAdded& t) {
    return invoice_fee_added{t.invoice(), fee(c, t.fee()), totals(c, t.totals(), t.taxes())};
}
event read(checker& c, const fb::InvoiceFeeRemoved& t) {
    return invoice_fee_removed{t.invoice(), t.fee(), totals(c, t.totals(), t.taxes())};
}
event read(checker& c, const fb::InvoiceEdited& t) {
    return invoice_edited{t.invoice(), c.text(t.notes(), notes_max), t.due()};
}
event read(checker& c, const fb::InvoiceAdvanced& t) {
    return invoice_advanced{t.invoice(), c.enumerated<invoice_status>(t.to())};
}
event read(checker& c, const fb::RequestSubmitted& t) {
    return request_submitted{t.id(), t.consignee(), t.shipment(), lines(c, t.lines()), t.on()};
}
event read(checker&, const fb::RequestApproved& t) {
    return request_approved{t.request(), t.po()};
}
event read(checker& c, const fb::RequestRejected& t) {
    return request_rejected{t.request(), c.text(t.reason(), notes_max)};
}
event read(checker& c, const fb::UserPasswordSet& t) {
    return user_password_set{t.user(),
                             c.text(t.password_hash(), constants::password_hash_size_max)};
}

// The union's tables in union order; its type i + 1 is the event variant's alternative i.
#define STAMPD_EVENT_TABLE(type, wire) fb::wire,
using tables = table_of<std::tuple, STAMPD_EVENTS(STAMPD_EVENT_TABLE) table_end>;
#undef STAMPD_EVENT_TABLE
static_assert(std::tuple_size_v<tables> == std::variant_size_v<event>, "one table per event");
static_assert(static_cast<std::size_t>(fb::Event::MAX) == std::variant_size_v<event>);

template <std::size_t I = 0>
decode_error read_union(checker& c, const fb::EventRecord& record, event& out) {
    if constexpr (I == std::variant_size_v<event>) {
        return decode_error::unknown_event;
    } else {
        if (static_cast<std::size_t>(record.event_type()) != I + 1)
            return read_union<I + 1>(c, record, out);
        using table = std::tuple_element_t<I, tables>;
        static_assert(fb::EventTraits<table>::enum_value == static_cast<fb::Event>(I + 1));
        const auto* t = static_cast<const table*>(record.event());
        if (t == nullptr) return decode_error::missing_field;
        out = read(c, *t);
        if (out.index() != I) return decode_error::unknown_event;  // the two lists disagree: a bug
        return c.error;
    }
}

}  // namespace

decode_error decode(std::span<const std::uint8_t> bytes, event& out) {
    // FlatBuffers reads scalars in place: a buffer must start at its largest alignment. Events
    // inside a log record (after a 72-byte header and a 4-byte size) and values handed out by
    // LMDB (2-byte aligned) may not, so those are decoded from an aligned copy.
    constexpr std::size_t alignment = alignof(std::uint64_t);
    if (!bytes.empty() && reinterpret_cast<std::uintptr_t>(bytes.data()) % alignment != 0) {
        thread_local std::vector<std::uint64_t> aligned;
        aligned.resize((bytes.size() + alignment - 1) / alignment);
        std::memcpy(aligned.data(), bytes.data(), bytes.size());
        return decode({reinterpret_cast<const std::uint8_t*>(aligned.data()), bytes.size()}, out);
    }
    flatbuffers::Verifier verifier(bytes.data(), bytes.size(), /*max_depth=*/16,
                                   /*max_tables=*/4096);
    if (!fb::VerifyEventRecordBuffer(verifier)) return decode_error::verify_failed;
    const fb::EventRecord* record = fb::GetEventRecord(bytes.data());
    checker c;
    const decode_error e = read_union(c, *record, out);
    if (e != decode_error::ok) out = event{};
    return e;
}

std::string_view to_string(decode_error e) {
    switch (e) {
        case decode_error::ok:
            return "ok";
        case decode_error::verify_failed:
            return "buffer fails verification";
        case decode_error::unknown_event:
            return "unknown event type";
        case decode_error::out_of_range:
            return "a value out of range";
        case decode_error::missing_field:
            return "a required field is missing";
    }
    return "?";
}

}  // namespace stampd::codec
