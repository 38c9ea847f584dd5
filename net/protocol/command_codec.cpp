// Requests on the wire ↔ engine commands, field for field. Kind ↔ variant index comes from the
// command table's protocol column (wire<> and command_index below, checked at compile time), so
// a command added after the reads keeps the union append-only. Decoding trusts nothing the Verifier
// cannot know: enum values, codes longer than a code holds, and fields the command needs. Sizes the
// engine checks itself (names, notes, line counts) pass through, so a person gets the engine's
// answer with figures.
#include "net/protocol/command_codec.hpp"

#include <array>
#include <string>
#include <utility>

#include <xxhash.h>

#include "net/protocol/frame_format.hpp"
#include "net/protocol/wire_enums.hpp"

namespace stampd::net {
namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

// The wire table of each command.
template <typename C>
struct wire;
#define STAMPD_WIRE(command_type, table, roles) \
    template <>                                 \
    struct wire<command_type> {                 \
        using type = proto::table;              \
    };
STAMPD_COMMANDS(STAMPD_WIRE)
#undef STAMPD_WIRE

constexpr std::size_t command_count = std::variant_size_v<command>;
constexpr std::size_t kind_count = static_cast<std::size_t>(proto::Body::MAX) + 1;
constexpr std::uint8_t not_a_command = 0xFF;
static_assert(command_count < not_a_command);

// Body kind → the command variant's index (not_a_command for Hello, subscriptions and reads),
// from the table's protocol column: commands added after the reads need no position of their own.
template <std::size_t... I>
constexpr std::array<std::uint8_t, kind_count> make_command_index(std::index_sequence<I...>) {
    std::array<std::uint8_t, kind_count> index{};
    index.fill(not_a_command);
    ((index[static_cast<std::size_t>(
          proto::BodyTraits<
              typename wire<std::variant_alternative_t<I, command>>::type>::enum_value)] =
          static_cast<std::uint8_t>(I)),
     ...);
    return index;
}
constexpr auto command_index = make_command_index(std::make_index_sequence<command_count>{});

constexpr std::size_t commands_indexed() {
    std::size_t n = 0;
    for (const std::uint8_t i : command_index)
        n += i != not_a_command ? 1 : 0;
    return n;
}
static_assert(commands_indexed() == command_count,
              "each engine command has a Body kind of its own");

// Reads fields, keeping the first error and why; reads after an error return safe values.
class reader {
public:
    proto::Code error = proto::Code::OK;
    std::string why;

    template <typename Engine, typename Wire>
    Engine enumerated(Wire value, const char* field) {
        Engine out{};
        if (from_wire(value, out)) return out;
        fail(proto::Code::OUT_OF_RANGE,
             std::string(field) + " is " + std::to_string(static_cast<unsigned>(value)) +
                 ", at most " + std::to_string(static_cast<unsigned>(Wire::MAX)));
        return Engine{};
    }
    region reg(fb::Region r) { return enumerated<region>(r, "region"); }
    province prov(fb::Province p) { return enumerated<province>(p, "province"); }
    schedule_mode mode(proto::ScheduleMode m) { return enumerated<schedule_mode>(m, "mode"); }

    code key(const flatbuffers::String* s, const char* field, bool required) {
        if (s == nullptr) {
            if (required) fail(proto::Code::MISSING_FIELD, std::string(field) + " is required");
            return code{};
        }
        if (s->size() > constants::code_size_max) {
            fail(proto::Code::OUT_OF_RANGE, std::string(field) + " has " +
                                                std::to_string(s->size()) + " bytes, at most " +
                                                std::to_string(constants::code_size_max));
            return code{};
        }
        return code{std::string_view{s->data(), s->size()}};
    }
    std::string text(const flatbuffers::String* s, const char* field = nullptr) {
        if (s == nullptr) {
            if (field != nullptr)
                fail(proto::Code::MISSING_FIELD, std::string(field) + " is required");
            return {};
        }
        return s->str();
    }
    std::vector<line_input> lines(const flatbuffers::Vector<const fb::LineInput*>* v) {
        std::vector<line_input> out;
        if (v == nullptr) return out;
        out.reserve(v->size());
        for (const fb::LineInput* l : *v)
            out.push_back({l->product(), reg(l->region()), l->quantity()});
        return out;
    }
    void fail(proto::Code code, std::string text) {
        if (error != proto::Code::OK) return;
        error = code;
        why = std::move(text);
    }
};

// ---------------------------------------------------------------- decode, one per command
void read(reader& r, const proto::CreateUser& m, create_user& c) {
    c.key = r.key(m.key(), "key", true);
    c.name = r.text(m.name());
    c.roles = m.roles();
    c.consignee = m.consignee();
    c.token = r.text(m.token(), "token");
}
void read(reader& r, const proto::CreateConsignee& m, create_consignee& c) {
    c.key = r.key(m.key(), "key", true);
    c.name = r.text(m.name());
    c.primary_province = r.prov(m.primary_province());
}
void read(reader& r, const proto::EditConsignee& m, edit_consignee& c) {
    c.consignee = m.consignee();
    c.name = r.text(m.name());
    c.primary_province = r.prov(m.primary_province());
    c.billing_address = r.text(m.billing_address());
    c.shipping_address = r.text(m.shipping_address());
    c.tax_registration = r.text(m.tax_registration());
}
void read(reader&, const proto::ShipOutbound& m, ship_outbound& c) {
    c.outbound = m.outbound();
}
void read(reader& r, const proto::SetWarehouseIdentity& m, set_warehouse_identity& c) {
    const fb::WarehouseIdentity* id = m.identity();
    if (id == nullptr) return;  // the engine refuses an identity without a legal name
    c.identity = {.legal_name = r.text(id->legal_name()),
                  .address = r.text(id->address()),
                  .gst_hst_number = r.text(id->gst_hst_number()),
                  .qst_number = r.text(id->qst_number()),
                  .excise_licence = r.text(id->excise_licence())};
}
void read(reader&, const proto::SetUserRoles& m, set_user_roles& c) {
    c.user = m.user();
    c.roles = m.roles();
}
void read(reader& r, const proto::RecordPhysicalCount& m, record_physical_count& c) {
    c.stamp_region = r.reg(m.region());
    c.as_of = m.as_of();
    c.counted = m.counted();
    c.counted_by = r.text(m.counted_by());
    c.notes = r.text(m.notes());
}
void read(reader& r, const proto::CreateProduct& m, create_product& c) {
    c.sku = r.key(m.sku(), "sku", true);
    c.consignee = m.consignee();
    c.name = r.text(m.name());
    c.volume_ul = m.volume_ul();
}
void read(reader& r, const proto::SetBundleSize& m, set_bundle_size& c) {
    c.stamp_region = r.reg(m.region());
    c.stamps_per_bundle = m.stamps_per_bundle();
}
void read(reader& r, const proto::SetDepositRate& m, set_deposit_rate& c) {
    c.stamp_region = r.reg(m.region());
    c.cents_per_stamp = m.cents_per_stamp();
}
void read(reader& r, const proto::CreateShipment& m, create_shipment& c) {
    c.key = r.key(m.key(), "key", true);
    c.consignee = m.consignee();
}
void read(reader&, const proto::StartReceiving& m, start_receiving& c) {
    c.shipment = m.shipment();
}
void read(reader& r, const proto::ReceiveBox& m, receive_box& c) {
    c.shipment = m.shipment();
    c.barcode = r.key(m.barcode(), "barcode", true);
    c.product = m.product();
    c.units = m.units();
    c.damaged = m.damaged();
}
// A full batch of the longest barcodes stays well inside a frame: per box a string (a 4-byte
// length, 32 bytes, a NUL, padding to 4: 40 bytes) and its offset (4), and 12 bytes of figures.
static_assert(constants::boxes_per_batch_max * (40 + 4 + 12) + 1024 <= frame_size_max / 2,
              "a batch of boxes is at most half a frame");
void read(reader& r, const proto::ReceiveBoxes& m, receive_boxes& c) {
    c.shipment = m.shipment();
    const auto* barcodes = m.barcodes();
    const auto* figures = m.figures();
    const std::size_t count = barcodes != nullptr ? barcodes->size() : 0;
    if (count != (figures != nullptr ? figures->size() : 0)) {
        return r.fail(proto::Code::OUT_OF_RANGE,
                      "barcodes and figures differ in length: " + std::to_string(count) + " and " +
                          std::to_string(figures != nullptr ? figures->size() : 0));
    }
    // The frame bounds the count (about 2,000 boxes in 64 KiB); the engine refuses more than a
    // batch holds with the figures.
    c.boxes.reserve(count);
    for (flatbuffers::uoffset_t i = 0; i < count; ++i) {
        const fb::BoxFigures* f = figures->Get(i);
        c.boxes.push_back(box_input{.barcode = r.key(barcodes->Get(i), "barcode", true),
                                    .product = f->product(),
                                    .units = f->units(),
                                    .damaged = f->damaged()});
    }
}
void read(reader&, const proto::FinishReceiving& m, finish_receiving& c) {
    c.shipment = m.shipment();
}
void read(reader& r, const proto::CreatePo& m, create_po& c) {
    c.number = r.key(m.number(), "number", false);
    c.consignee = m.consignee();
    c.shipment = m.shipment();
    c.lines = r.lines(m.lines());
    c.urgent = m.urgent();
    c.notes = r.text(m.notes());
    c.on = m.on();
    c.mode = r.mode(m.mode());
}
void read(reader& r, const proto::EditPoLines& m, edit_po_lines& c) {
    c.po = m.po();
    c.lines = r.lines(m.lines());
    c.override_capacity = m.override_capacity();
}
void read(reader&, const proto::StartRun& m, start_run& c) {
    c.po = m.po();
    c.acknowledge_shortage = m.acknowledge_shortage();
}
void read(reader& r, const proto::ConfirmBox& m, confirm_box& c) {
    c.po = m.po();
    c.box = m.box();
    c.action = r.enumerated<box_action>(m.action(), "action");
}
void read(reader&, const proto::EndRun& m, end_run& c) {
    c.po = m.po();
}
void read(reader&, const proto::VerifyPo& m, verify_po& c) {
    c.po = m.po();
    if (m.counts() != nullptr) {
        c.counts.reserve(m.counts()->size());
        for (const proto::VerifiedCount* v : *m.counts())
            c.counts.push_back({v->line(), v->stamps()});
    }
    c.override_shortage = m.override_shortage();
}
void read(reader&, const proto::AmendLine& m, amend_line& c) {
    c.po = m.po();
    c.line = m.line();
    c.quantity = m.quantity();
    c.override_capacity = m.override_capacity();
}
void read(reader& r, const proto::CancelPo& m, cancel_po& c) {
    c.po = m.po();
    c.reason = r.text(m.reason());
}
void read(reader& r, const proto::SubmitStampOrder& m, submit_stamp_order& c) {
    c.stamp_region = r.reg(m.region());
    c.bundles = m.bundles();
    c.notes = r.text(m.notes());
}
void read(reader& r, const proto::ReviewStampOrder& m, review_stamp_order& c) {
    c.order = m.order();
    c.action = r.enumerated<review_action>(m.action(), "action");
    c.note = r.text(m.note());
}
void read(reader& r, const proto::ReviseStampOrder& m, revise_stamp_order& c) {
    c.order = m.order();
    c.bundles = m.bundles();
    c.notes = r.text(m.notes());
}
void read(reader&, const proto::MarkStampOrderOrdered& m, mark_stamp_order_ordered& c) {
    c.order = m.order();
}
void read(reader&, const proto::ReceiveStamps& m, receive_stamps& c) {
    c.order = m.order();
    c.actual_bundles = m.actual_bundles();
}
void read(reader& r, const proto::SetDutyRate& m, set_duty_rate& c) {
    c.stamp_region = r.reg(m.region());
    c.cents_per_increment = m.cents_per_increment();
}
void read(reader& r, const proto::SetTaxRate& m, set_tax_rate& c) {
    c.tax_province = r.prov(m.province());
    c.kind = r.enumerated<tax_kind>(m.kind(), "kind");
    c.rate = m.rate();
}
void read(reader& r, const proto::SetCapacity& m, set_capacity& c) {
    c.on = r.enumerated<weekday>(m.on(), "on");
    c.units = m.units();
}
void read(reader& r, const proto::SetTimeZone& m, set_time_zone& c) {
    c.zone.name = r.text(m.name(), "name");
    c.zone.utc_offset_minutes = m.utc_offset_minutes();
    c.zone.north_american_dst = m.north_american_dst();
}
void read(reader& r, const proto::CreateFeePreset& m, create_fee_preset& c) {
    c.key = r.key(m.key(), "key", true);
    c.name = r.text(m.name());
    c.kind = r.enumerated<fee_kind>(m.kind(), "kind");
    c.amount_cents = m.amount_cents();
}
void read(reader& r, const proto::SetUserToken& m, set_user_token& c) {
    c.user = m.user();
    c.token = r.text(m.token(), "token");
}
// The password itself: the session hashes it before the engine sees it (set_user_password).
void read(reader& r, const proto::SetUserPassword& m, set_user_password& c) {
    c.user = m.user();
    const flatbuffers::String* password = m.password();
    if (password == nullptr) {
        r.fail(proto::Code::MISSING_FIELD, "password is required");
    } else if (password->size() > constants::password_hash_size_max) {
        r.fail(proto::Code::OUT_OF_RANGE, "password has " + std::to_string(password->size()) +
                                              " bytes, at most " +
                                              std::to_string(constants::password_size_max));
    } else {
        c.password = password->str();
    }
}
void read(reader& r, const proto::SchedulePo& m, schedule_po& c) {
    c.po = m.po();
    c.on = m.on();
    c.mode = r.mode(m.mode());
}
void read(reader&, const proto::AddInvoiceFee& m, add_invoice_fee& c) {
    c.invoice = m.invoice();
    c.preset = m.preset();
}
void read(reader&, const proto::RemoveInvoiceFee& m, remove_invoice_fee& c) {
    c.invoice = m.invoice();
    c.fee = m.fee();
}
void read(reader& r, const proto::EditInvoice& m, edit_invoice& c) {
    c.invoice = m.invoice();
    c.notes = r.text(m.notes());
    c.due = m.due();
}
void read(reader& r, const proto::AdvanceInvoice& m, advance_invoice& c) {
    c.invoice = m.invoice();
    c.to = r.enumerated<invoice_status>(m.to(), "to");
}
void read(reader& r, const proto::CreateCreditNote& m, create_credit_note& c) {
    c.invoice = m.invoice();
    if (m.lines() != nullptr) {
        c.lines.reserve(m.lines()->size());
        for (const proto::CreditLine* l : *m.lines())
            c.lines.push_back({l->line(), l->units()});
    }
    c.reason = r.text(m.reason());
}
void read(reader& r, const proto::SubmitRequest& m, submit_request& c) {
    c.shipment = m.shipment();
    c.lines = r.lines(m.lines());
    c.on = m.on();
}
void read(reader&, const proto::ApproveRequest& m, approve_request& c) {
    c.request = m.request();
    c.override_capacity = m.override_capacity();
}
void read(reader& r, const proto::RejectRequest& m, reject_request& c) {
    c.request = m.request();
    c.reason = r.text(m.reason());
}

// ---------------------------------------------------------------- encode, one per command
// An absent string stays absent: optional text costs nothing on the wire.
Offset<flatbuffers::String> text(FlatBufferBuilder& b, std::string_view s, bool always = false) {
    if (s.empty() && !always) return 0;
    return b.CreateString(s.data(), s.size());
}
Offset<flatbuffers::String> text(FlatBufferBuilder& b, const code& c, bool always = false) {
    return text(b, c.view(), always);
}
Offset<flatbuffers::Vector<const fb::LineInput*>> lines(FlatBufferBuilder& b,
                                                        const std::vector<line_input>& in) {
    if (in.empty()) return 0;
    std::vector<fb::LineInput> out;
    out.reserve(in.size());
    for (const line_input& l : in)
        out.emplace_back(l.product, to_wire(l.stamp_region), l.quantity);
    return b.CreateVectorOfStructs(out);
}

Offset<proto::CreateUser> write(FlatBufferBuilder& b, const create_user& c) {
    const auto key = text(b, c.key, true);
    const auto name = text(b, c.name);
    const auto token = text(b, c.token, true);
    return proto::CreateCreateUser(b, key, name, c.roles, c.consignee, token);
}
Offset<proto::CreateConsignee> write(FlatBufferBuilder& b, const create_consignee& c) {
    const auto key = text(b, c.key, true);
    const auto name = text(b, c.name);
    return proto::CreateCreateConsignee(b, key, name, to_wire(c.primary_province));
}
Offset<proto::EditConsignee> write(FlatBufferBuilder& b, const edit_consignee& c) {
    const auto name = text(b, c.name);
    const auto billing = text(b, c.billing_address);
    const auto shipping = text(b, c.shipping_address);
    const auto registration = text(b, c.tax_registration);
    return proto::CreateEditConsignee(b, c.consignee, name, to_wire(c.primary_province), billing,
                                      shipping, registration);
}
Offset<proto::ShipOutbound> write(FlatBufferBuilder& b, const ship_outbound& c) {
    return proto::CreateShipOutbound(b, c.outbound);
}
Offset<proto::SetWarehouseIdentity> write(FlatBufferBuilder& b, const set_warehouse_identity& c) {
    const warehouse_identity& id = c.identity;
    const auto identity = fb::CreateWarehouseIdentity(
        b, text(b, id.legal_name), text(b, id.address), text(b, id.gst_hst_number),
        text(b, id.qst_number), text(b, id.excise_licence));
    return proto::CreateSetWarehouseIdentity(b, identity);
}
Offset<proto::SetUserRoles> write(FlatBufferBuilder& b, const set_user_roles& c) {
    return proto::CreateSetUserRoles(b, c.user, c.roles);
}
Offset<proto::RecordPhysicalCount> write(FlatBufferBuilder& b, const record_physical_count& c) {
    const auto counted_by = text(b, c.counted_by);
    const auto notes = text(b, c.notes);
    return proto::CreateRecordPhysicalCount(b, to_wire(c.stamp_region), c.as_of, c.counted,
                                            counted_by, notes);
}
Offset<proto::CreateProduct> write(FlatBufferBuilder& b, const create_product& c) {
    const auto sku = text(b, c.sku, true);
    const auto name = text(b, c.name);
    return proto::CreateCreateProduct(b, sku, c.consignee, name, c.volume_ul);
}
Offset<proto::SetBundleSize> write(FlatBufferBuilder& b, const set_bundle_size& c) {
    return proto::CreateSetBundleSize(b, to_wire(c.stamp_region), c.stamps_per_bundle);
}
Offset<proto::SetDepositRate> write(FlatBufferBuilder& b, const set_deposit_rate& c) {
    return proto::CreateSetDepositRate(b, to_wire(c.stamp_region), c.cents_per_stamp);
}
Offset<proto::CreateShipment> write(FlatBufferBuilder& b, const create_shipment& c) {
    const auto key = text(b, c.key, true);
    return proto::CreateCreateShipment(b, key, c.consignee);
}
Offset<proto::StartReceiving> write(FlatBufferBuilder& b, const start_receiving& c) {
    return proto::CreateStartReceiving(b, c.shipment);
}
Offset<proto::ReceiveBoxes> write(FlatBufferBuilder& b, const receive_boxes& c) {
    std::vector<Offset<flatbuffers::String>> barcodes;
    std::vector<fb::BoxFigures> figures;
    barcodes.reserve(c.boxes.size());
    figures.reserve(c.boxes.size());
    for (const box_input& box : c.boxes) {
        barcodes.push_back(b.CreateString(box.barcode.view().data(), box.barcode.size()));
        figures.emplace_back(box.product, box.units, box.damaged);
    }
    const auto barcode_vector = b.CreateVector(barcodes);
    const auto figure_vector = b.CreateVectorOfStructs(figures);
    return proto::CreateReceiveBoxes(b, c.shipment, barcode_vector, figure_vector);
}
Offset<proto::ReceiveBox> write(FlatBufferBuilder& b, const receive_box& c) {
    const auto barcode = text(b, c.barcode, true);
    return proto::CreateReceiveBox(b, c.shipment, barcode, c.product, c.units, c.damaged);
}
Offset<proto::FinishReceiving> write(FlatBufferBuilder& b, const finish_receiving& c) {
    return proto::CreateFinishReceiving(b, c.shipment);
}
Offset<proto::CreatePo> write(FlatBufferBuilder& b, const create_po& c) {
    const auto number = text(b, c.number);
    const auto l = lines(b, c.lines);
    const auto notes = text(b, c.notes);
    return proto::CreateCreatePo(b, number, c.consignee, c.shipment, l, c.urgent, notes, c.on,
                                 to_wire(c.mode));
}
Offset<proto::EditPoLines> write(FlatBufferBuilder& b, const edit_po_lines& c) {
    const auto l = lines(b, c.lines);
    return proto::CreateEditPoLines(b, c.po, l, c.override_capacity);
}
Offset<proto::StartRun> write(FlatBufferBuilder& b, const start_run& c) {
    return proto::CreateStartRun(b, c.po, c.acknowledge_shortage);
}
Offset<proto::ConfirmBox> write(FlatBufferBuilder& b, const confirm_box& c) {
    return proto::CreateConfirmBox(b, c.po, c.box, to_wire(c.action));
}
Offset<proto::EndRun> write(FlatBufferBuilder& b, const end_run& c) {
    return proto::CreateEndRun(b, c.po);
}
Offset<proto::VerifyPo> write(FlatBufferBuilder& b, const verify_po& c) {
    Offset<flatbuffers::Vector<const proto::VerifiedCount*>> counts = 0;
    if (!c.counts.empty()) {
        std::vector<proto::VerifiedCount> v;
        for (const verified_count& x : c.counts)
            v.emplace_back(x.line, x.stamps);
        counts = b.CreateVectorOfStructs(v);
    }
    return proto::CreateVerifyPo(b, c.po, counts, c.override_shortage);
}
Offset<proto::AmendLine> write(FlatBufferBuilder& b, const amend_line& c) {
    return proto::CreateAmendLine(b, c.po, c.line, c.quantity, c.override_capacity);
}
Offset<proto::CancelPo> write(FlatBufferBuilder& b, const cancel_po& c) {
    const auto reason = text(b, c.reason);
    return proto::CreateCancelPo(b, c.po, reason);
}
Offset<proto::SubmitStampOrder> write(FlatBufferBuilder& b, const submit_stamp_order& c) {
    const auto notes = text(b, c.notes);
    return proto::CreateSubmitStampOrder(b, to_wire(c.stamp_region), c.bundles, notes);
}
Offset<proto::ReviewStampOrder> write(FlatBufferBuilder& b, const review_stamp_order& c) {
    const auto note = text(b, c.note);
    return proto::CreateReviewStampOrder(b, c.order, to_wire(c.action), note);
}
Offset<proto::ReviseStampOrder> write(FlatBufferBuilder& b, const revise_stamp_order& c) {
    const auto notes = text(b, c.notes);
    return proto::CreateReviseStampOrder(b, c.order, c.bundles, notes);
}
Offset<proto::MarkStampOrderOrdered> write(FlatBufferBuilder& b,
                                           const mark_stamp_order_ordered& c) {
    return proto::CreateMarkStampOrderOrdered(b, c.order);
}
Offset<proto::ReceiveStamps> write(FlatBufferBuilder& b, const receive_stamps& c) {
    return proto::CreateReceiveStamps(b, c.order, c.actual_bundles);
}
Offset<proto::SetDutyRate> write(FlatBufferBuilder& b, const set_duty_rate& c) {
    return proto::CreateSetDutyRate(b, to_wire(c.stamp_region), c.cents_per_increment);
}
Offset<proto::SetTaxRate> write(FlatBufferBuilder& b, const set_tax_rate& c) {
    return proto::CreateSetTaxRate(b, to_wire(c.tax_province), to_wire(c.kind), c.rate);
}
Offset<proto::SetCapacity> write(FlatBufferBuilder& b, const set_capacity& c) {
    return proto::CreateSetCapacity(b, to_wire(c.on), c.units);
}
Offset<proto::SetTimeZone> write(FlatBufferBuilder& b, const set_time_zone& c) {
    const auto name = text(b, c.zone.name, true);
    return proto::CreateSetTimeZone(b, name, c.zone.utc_offset_minutes, c.zone.north_american_dst);
}
Offset<proto::CreateFeePreset> write(FlatBufferBuilder& b, const create_fee_preset& c) {
    const auto key = text(b, c.key, true);
    const auto name = text(b, c.name);
    return proto::CreateCreateFeePreset(b, key, name, to_wire(c.kind), c.amount_cents);
}
Offset<proto::SetUserToken> write(FlatBufferBuilder& b, const set_user_token& c) {
    const auto token = text(b, c.token, true);
    return proto::CreateSetUserToken(b, c.user, token);
}
Offset<proto::SetUserPassword> write(FlatBufferBuilder& b, const set_user_password& c) {
    return proto::CreateSetUserPassword(b, c.user, b.CreateString(c.password));
}
Offset<proto::SchedulePo> write(FlatBufferBuilder& b, const schedule_po& c) {
    return proto::CreateSchedulePo(b, c.po, c.on, to_wire(c.mode));
}
Offset<proto::AddInvoiceFee> write(FlatBufferBuilder& b, const add_invoice_fee& c) {
    return proto::CreateAddInvoiceFee(b, c.invoice, c.preset);
}
Offset<proto::RemoveInvoiceFee> write(FlatBufferBuilder& b, const remove_invoice_fee& c) {
    return proto::CreateRemoveInvoiceFee(b, c.invoice, c.fee);
}
Offset<proto::EditInvoice> write(FlatBufferBuilder& b, const edit_invoice& c) {
    const auto notes = text(b, c.notes);
    return proto::CreateEditInvoice(b, c.invoice, notes, c.due);
}
Offset<proto::AdvanceInvoice> write(FlatBufferBuilder& b, const advance_invoice& c) {
    return proto::CreateAdvanceInvoice(b, c.invoice, to_wire(c.to));
}
Offset<proto::CreateCreditNote> write(FlatBufferBuilder& b, const create_credit_note& c) {
    Offset<flatbuffers::Vector<const proto::CreditLine*>> l = 0;
    if (!c.lines.empty()) {
        std::vector<proto::CreditLine> v;
        for (const credit_line& x : c.lines)
            v.emplace_back(x.line, x.units);
        l = b.CreateVectorOfStructs(v);
    }
    const auto reason = text(b, c.reason);
    return proto::CreateCreateCreditNote(b, c.invoice, l, reason);
}
Offset<proto::SubmitRequest> write(FlatBufferBuilder& b, const submit_request& c) {
    const auto l = lines(b, c.lines);
    return proto::CreateSubmitRequest(b, c.shipment, l, c.on);
}
Offset<proto::ApproveRequest> write(FlatBufferBuilder& b, const approve_request& c) {
    return proto::CreateApproveRequest(b, c.request, c.override_capacity);
}
Offset<proto::RejectRequest> write(FlatBufferBuilder& b, const reject_request& c) {
    const auto reason = text(b, c.reason);
    return proto::CreateRejectRequest(b, c.request, reason);
}

// ---------------------------------------------------------------- dispatch by kind
using decoder = proto::Code (*)(const proto::Request&, command&, std::string&);

template <std::size_t I>
proto::Code decode_at(const proto::Request& request, command& out, std::string& why) {
    using C = std::variant_alternative_t<I, command>;
    using W = typename wire<C>::type;
    const W* message = request.body_as<W>();
    if (message == nullptr) {
        why = "the request has no body";
        return proto::Code::MISSING_FIELD;
    }
    reader r;
    C value{};
    read(r, *message, value);
    if (r.error != proto::Code::OK) {
        why = std::string(proto::EnumNameBody(request.body_type())) + ": " + r.why;
        return r.error;
    }
    out = std::move(value);
    return proto::Code::OK;
}

template <std::size_t... I>
constexpr std::array<decoder, sizeof...(I)> make_decoders(std::index_sequence<I...>) {
    return {&decode_at<I>...};
}
constexpr auto decoders = make_decoders(std::make_index_sequence<command_count>{});

}  // namespace

bool is_command(proto::Body kind) {
    const auto k = static_cast<std::size_t>(kind);
    return k < kind_count && command_index[k] != not_a_command;
}
bool is_read(proto::Body kind) {
    return kind > proto::Body::Unsubscribe && kind <= proto::Body::MAX && !is_command(kind);
}

proto::Code verify_request(std::span<const std::uint8_t> bytes, const proto::Request*& out) {
    out = nullptr;
    flatbuffers::Verifier::Options options;
    options.max_depth = 16;
    options.max_tables = 4096;
    flatbuffers::Verifier verifier(bytes.data(), bytes.size(), options);
    if (!proto::VerifyRequestBuffer(verifier)) return proto::Code::BAD_FRAME;
    const proto::Request* request = proto::GetRequest(bytes.data());
    const auto kind = static_cast<std::size_t>(request->body_type());
    if (kind > static_cast<std::size_t>(proto::Body::MAX)) return proto::Code::UNKNOWN_TYPE;
    if (request->body_type() == proto::Body::NONE || request->body() == nullptr)
        return proto::Code::MISSING_FIELD;
    out = request;
    return proto::Code::OK;
}

proto::Code decode_command(const proto::Request& request, command& out, std::string& why) {
    if (!is_command(request.body_type())) {
        why = "not a command";
        return proto::Code::UNKNOWN_TYPE;
    }
    return decoders[command_index[static_cast<std::size_t>(request.body_type())]](request, out,
                                                                                  why);
}

proto::Code decode_command(const proto::Request& request, command& out) {
    std::string why;
    return decode_command(request, out, why);
}

proto::Code check_read(const proto::Request& request, std::string& why) {
    reader r;
    const auto enumerated = [&](unsigned value, unsigned max, const char* field) {
        if (value > max) {
            r.fail(proto::Code::OUT_OF_RANGE, std::string(field) + " is " + std::to_string(value) +
                                                  ", at most " + std::to_string(max));
        }
    };
    switch (request.body_type()) {
        case proto::Body::ScanBox:
            r.key(request.body_as_ScanBox()->barcode(), "ScanBox: barcode", true);
            break;
        case proto::Body::FindBoxes: {
            const auto* barcodes = request.body_as_FindBoxes()->barcodes();
            if (barcodes != nullptr && barcodes->size() > constants::boxes_per_batch_max) {
                r.fail(proto::Code::OUT_OF_RANGE,
                       "FindBoxes: " + std::to_string(barcodes->size()) + " barcodes, at most " +
                           std::to_string(constants::boxes_per_batch_max));
            }
            break;
        }
        case proto::Body::GetLedgerFigures:
            enumerated(static_cast<unsigned>(request.body_as_GetLedgerFigures()->region()),
                       static_cast<unsigned>(fb::Region::MAX), "GetLedgerFigures: region");
            break;
        case proto::Body::ListReference:
            enumerated(static_cast<unsigned>(request.body_as_ListReference()->kind()),
                       static_cast<unsigned>(proto::ReferenceKind::MAX), "ListReference: kind");
            break;
        case proto::Body::ListPos: {
            const int status = request.body_as_ListPos()->status();
            const int max = static_cast<int>(fb::PoStatus::MAX);
            if (status < -1 || status > max) {
                r.fail(proto::Code::OUT_OF_RANGE, "ListPos: status is " + std::to_string(status) +
                                                      ": -1 (all) or 0.." + std::to_string(max));
            }
            break;
        }
        default:
            break;
    }
    why = std::move(r.why);
    return r.error;
}

flatbuffers::Offset<void> encode_command(FlatBufferBuilder& b, const command& c,
                                         proto::Body& kind) {
    return std::visit(
        [&](const auto& value) -> flatbuffers::Offset<void> {
            using W = typename wire<std::decay_t<decltype(value)>>::type;
            kind = proto::BodyTraits<W>::enum_value;
            return write(b, value).Union();
        },
        c);
}

namespace {

std::uint32_t folded(std::uint64_t h) {
    const auto f = static_cast<std::uint32_t>(h ^ (h >> 32));
    return f == 0 ? 1 : f;
}

}  // namespace

std::uint32_t command_fingerprint(const command& c, FlatBufferBuilder& scratch) {
    // The line's hot path: a confirmation's three fields, hashed as they are (encoding it first
    // cost 49 ns, more than verifying and decoding its frame; bench/protocol_bench.cpp).
    if (const auto* box = std::get_if<confirm_box>(&c)) {
        const std::array<std::uint32_t, 3> fields = {box->po, box->box,
                                                     static_cast<std::uint32_t>(box->action)};
        return folded(XXH3_64bits_withSeed(fields.data(), sizeof fields,
                                           static_cast<std::uint64_t>(proto::Body::ConfirmBox)));
    }
    const auto masked = [](std::string& secret) {
        if (!secret.empty()) secret = "set";
    };
    scratch.Clear();
    proto::Body kind = proto::Body::NONE;
    if (const auto* u = std::get_if<create_user>(&c)) {
        create_user copy = *u;
        masked(copy.token);
        encode_command(scratch, command{std::move(copy)}, kind);
    } else if (const auto* t = std::get_if<set_user_token>(&c)) {
        set_user_token copy = *t;
        masked(copy.token);
        encode_command(scratch, command{std::move(copy)}, kind);
    } else if (const auto* p = std::get_if<set_user_password>(&c)) {
        set_user_password copy = *p;
        masked(copy.password);
        encode_command(scratch, command{std::move(copy)}, kind);
    } else {
        encode_command(scratch, c, kind);
    }
    // Unfinished, the builder's bytes are still contiguous: the body and what it refers to.
    return folded(XXH3_64bits_withSeed(scratch.GetCurrentBufferPointer(), scratch.GetSize(),
                                       static_cast<std::uint64_t>(kind)));
}

void build_command_request(FlatBufferBuilder& b, std::uint64_t id, const command& c, bool dry_run) {
    proto::Body kind = proto::Body::NONE;
    const auto body = encode_command(b, c, kind);
    b.Finish(proto::CreateRequest(b, id, kind, body, dry_run));
}

}  // namespace stampd::net
