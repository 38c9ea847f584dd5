// See snapshot.hpp. One description of every table's fields (the `fields` overloads) drives the
// encoder, the digest and the decoder alike, so they cannot drift apart.
#include "engine/snapshot.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <type_traits>

#include <xxhash.h>

#include "engine/engine.hpp"

namespace stampd {
namespace {

static_assert(std::endian::native == std::endian::little, "the format stores native integers");

// Writes to a byte sink: a vector, or the digest's hash state.
template <typename Sink>
class writer {
public:
    // Writes format `format`: the newest, or an earlier one from snapshot_format_writable_min
    // to learn the digest a snapshot of that format would hold (state_digest).
    writer(Sink& sink, u32 format) : version(format), _sink(sink) {}
    const u32 version;

    template <typename T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
    void io(const T& value) { _sink.append(&value, sizeof value); }
    void io(const std::string& text) { io_bytes(text); }
    void io(const code& c) { io_bytes(c.view()); }
    template <typename T, std::size_t N>
    void io(const std::array<T, N>& values) {
        for (const T& v : values)
            io(v);
    }
    template <typename T>
    void io(const std::vector<T>& values) {
        io(static_cast<u64>(values.size()));
        for (const T& v : values)
            io(v);
    }
    template <typename T>
    requires requires(writer& w, const T& t) { fields(w, t); }
    void io(const T& value) { fields(*this, value); }
    template <typename... T>
    void operator()(const T&... values) {
        (io(values), ...);
    }

private:
    void io_bytes(std::string_view bytes) {
        io(static_cast<u64>(bytes.size()));
        _sink.append(bytes.data(), bytes.size());
    }
    Sink& _sink;
};

// Reads the same layout back, bounding every size by what is left; after an error it reads
// zeros, so the caller checks failed() once at the end.
class reader {
public:
    explicit reader(std::span<const u8> bytes) : _bytes(bytes) {}
    u32 version = snapshot_format_version;  // the format being read: set once it is known

    template <typename T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
    void io(T& value) {
        value = T{};
        if constexpr (std::is_same_v<T, bool>) {
            // Read as a byte: a bool holding anything but 0 or 1 is undefined behaviour.
            u8 byte = 0;
            if (!take(&byte, 1)) return;
            if (byte > 1) return fail();
            value = byte == 1;
        } else {
            take(&value, sizeof value);
        }
    }
    void io(std::string& text) {
        const u64 size = count(constants::notes_size_max);
        text.resize(size);
        take(text.data(), size);
    }
    void io(code& c) {
        const u64 size = count(constants::code_size_max);
        char bytes[constants::code_size_max];
        if (take(bytes, size)) c = code{std::string_view{bytes, size}};
    }
    template <typename T, std::size_t N>
    void io(std::array<T, N>& values) {
        for (T& v : values)
            io(v);
    }
    // Rows are read one at a time: memory grows only as input is consumed.
    template <typename T>
    void io(std::vector<T>& values) {
        const u64 n = count(UINT32_MAX);
        values.clear();
        // Small rows (ids, lines) are reserved at once; count() already bounded n by the input.
        if constexpr (sizeof(T) <= 16) values.reserve(n);
        for (u64 i = 0; i < n && !_failed; ++i)
            io(values.emplace_back());
    }
    template <typename T>
    requires requires(reader& r, T& t) { fields(r, t); }
    void io(T& value) { fields(*this, value); }
    template <typename... T>
    void operator()(T&... values) {
        (io(values), ...);
    }

    // A size read from the input, at most `max` and never more than the bytes left.
    u64 count(u64 max) {
        u64 n = 0;
        io(n);
        if (n > max || n > _bytes.size() - _at) {
            fail();
            return 0;
        }
        return n;
    }
    // Steps over `size` bytes, as reading them would.
    void skip(u64 size) {
        if (_failed || size > _bytes.size() - _at) {
            _failed = true;
            return;
        }
        _at += size;
    }
    void fail() { _failed = true; }
    bool failed() const { return _failed; }
    bool at_end() const { return _at == _bytes.size(); }

private:
    bool take(void* out, std::size_t size) {
        if (_failed || size > _bytes.size() - _at) {
            _failed = true;
            return false;
        }
        std::memcpy(out, _bytes.data() + _at, size);
        _at += size;
        return true;
    }
    std::span<const u8> _bytes;
    std::size_t _at = 0;
    bool _failed = false;
};

// The fields of each row, in format order. U is the row type, const or not.
template <typename A, typename U>
void fields(A& a, U& u) requires std::is_same_v<std::remove_const_t<U>, user> {
    a(u.key, u.name, u.roles, u.consignee, u.token_sha256, u.password_hash);
}
template <typename A, typename U>
void fields(A& a, U& c) requires std::is_same_v<std::remove_const_t<U>, consignee> {
    a(c.key, c.name, c.primary_province);
    if (a.version >= 4) a(c.billing_address, c.shipping_address, c.tax_registration);
}
template <typename A, typename U>
void fields(A& a, U& p) requires std::is_same_v<std::remove_const_t<U>, product> {
    a(p.sku, p.name, p.consignee, p.volume_ul);
}
template <typename A, typename U>
void fields(A& a, U& sp) requires std::is_same_v<std::remove_const_t<U>, shipment_product> {
    a(sp.product, sp.good_units, sp.allocated_units, sp.boxes);
}
template <typename A, typename U>
void fields(A& a, U& sh) requires std::is_same_v<std::remove_const_t<U>, shipment> {
    a(sh.key, sh.consignee, sh.status, sh.box_count, sh.products);
}
template <typename A, typename U>
void fields(A& a, U& e) requires std::is_same_v<std::remove_const_t<U>, queue_entry> {
    a(e.po, e.box, e.confirmed_by, e.next_group, e.units, e.line, e.state);
}
template <typename A, typename U>
void fields(A& a, U& l) requires std::is_same_v<std::remove_const_t<U>, po_line> {
    a(l.product, l.stamp_region, l.quantity, l.deducted, l.verified);
}
template <typename A, typename U>
void fields(A& a, U& po) requires std::is_same_v<std::remove_const_t<U>, production_order> {
    a(po.number, po.consignee, po.shipment, po.status, po.urgent, po.shortage_acknowledged,
      po.notes, po.lines, po.started_by, po.verified_by, po.queue_first, po.queue_size);
    a(po.boxes_total, po.boxes_confirmed, po.boxes_skipped, po.reserved, po.ledger_net,
      po.scheduled, po.capacity_overridden, po.parent, po.segments, po.invoice, po.outbound);
    if (a.version >= 6) a(po.history, po.cancel_reason);
}
template <typename A, typename U>
void fields(A& a, U& p) requires std::is_same_v<std::remove_const_t<U>, po_step> {
    a(p.status, p.user, p.time_us);
}
template <typename A, typename U>
void fields(A& a, U& o) requires std::is_same_v<std::remove_const_t<U>, stamp_order> {
    a(o.number, o.stamp_region, o.status, o.bundles, o.stamps_per_bundle, o.deposit_cents,
      o.received_bundles, o.submitted_by, o.notes, o.review_note);
}
template <typename A, typename U>
void fields(A& a, U& e) requires std::is_same_v<std::remove_const_t<U>, ledger_entry> {
    a(e.lsn, e.time_us, e.balance_after, e.quantity, e.source, e.box, e.user, e.station, e.kind,
      e.overridden);
}
template <typename A, typename U>
void fields(A& a, U& l) requires std::is_same_v<std::remove_const_t<U>, line_input> {
    a(l.product, l.stamp_region, l.quantity);
}
template <typename A, typename U>
void fields(A& a, U& l) requires std::is_same_v<std::remove_const_t<U>, outbound_line> {
    a(l.product, l.stamp_region, l.units);
}
template <typename A, typename U>
void fields(A& a, U& l) requires std::is_same_v<std::remove_const_t<U>, invoice_line> {
    a(l.product, l.stamp_region, l.units, l.volume_ul, l.increments, l.duty_cents_per_increment,
      l.duty_per_unit, l.line_duty);
}
template <typename A, typename U>
void fields(A& a, U& f) requires std::is_same_v<std::remove_const_t<U>, invoice_fee> {
    a(f.preset, f.name, f.kind, f.amount_cents, f.charge_cents);
}
template <typename A, typename U>
void fields(A& a, U& t) requires std::is_same_v<std::remove_const_t<U>, invoice_totals> {
    a(t.duty, t.fees, t.subtotal, t.tax, t.total);
    if (a.version >= 5) a(t.taxes);  // earlier: the invoice's fields() spread the combined tax
}
template <typename A, typename U>
void fields(A& a, U& i) requires std::is_same_v<std::remove_const_t<U>, invoice> {
    a(i.number, i.po, i.consignee, i.tax_province);
    if (a.version >= 5) {
        a(i.rates);
    } else {  // one combined rate in basis points
        i32 basis_points = 0;
        a(basis_points);
        if constexpr (!std::is_const_v<U>)
            i.rates = rates_from_basis_points(i.tax_province, basis_points);
    }
    a(i.status, i.lines, i.fees, i.totals, i.notes, i.due, i.credit_of, i.reason, i.since_us);
    if constexpr (!std::is_const_v<U>) {
        if (a.version < 5) i.totals.taxes = combined_tax_components(i.rates, i.totals.tax);
    }
}
template <typename A, typename U>
void fields(A& a, U& o) requires std::is_same_v<std::remove_const_t<U>, outbound> {
    a(o.po, o.consignee, o.lines, o.status, o.created_us);
    if (a.version >= 6) a(o.shipped_by, o.shipped_us);
}
template <typename A, typename U>
void fields(A& a, U& r) requires std::is_same_v<std::remove_const_t<U>, customer_request> {
    a(r.consignee, r.shipment, r.lines, r.on, r.status, r.reason, r.po, r.submitted_by);
}
template <typename A, typename U>
void fields(A& a, U& f) requires std::is_same_v<std::remove_const_t<U>, fee_preset> {
    a(f.key, f.name, f.kind, f.amount_cents);
}
template <typename A, typename U>
void fields(A& a, U& r) requires std::is_same_v<std::remove_const_t<U>, reply_record> {
    a(r.request, r.lsn, r.result);
    if (a.version >= 4) a(r.fingerprint);
}
template <typename A, typename U>
void fields(A& a, U& c) requires std::is_same_v<std::remove_const_t<U>, client_session> {
    a(c.client, c.last_lsn, c.highest_request, c.replies, c.next);
}
template <typename A, typename U>
void fields(A& a, U& d) requires std::is_same_v<std::remove_const_t<U>, day_schedule> {
    a(d.capacity, d.load, d.overridden, d.run_order);
}
template <typename A, typename U>
void fields(A& a, U& st) requires std::is_same_v<std::remove_const_t<U>, settings> {
    a(st.duty_cents_per_increment);
    if (a.version >= 5) {
        a(st.tax_by_province);
    } else {  // one combined rate per province in basis points
        std::array<i32, province_count> basis_points{};
        a(basis_points);
        if constexpr (!std::is_const_v<U>) {
            for (std::size_t p = 0; p < province_count; ++p)
                st.tax_by_province[p] =
                    rates_from_basis_points(static_cast<province>(p), basis_points[p]);
        }
    }
    a(st.capacity_units, st.zone.name, st.zone.utc_offset_minutes, st.zone.north_american_dst);
    if (a.version >= 7) a(st.identity);
}
template <typename A, typename U>
void fields(A& a, U& c) requires std::is_same_v<std::remove_const_t<U>, physical_count> {
    a(c.stamp_region, c.as_of, c.counted, c.recorded_by, c.recorded_us, c.lsn, c.counted_by,
      c.notes);
}
template <typename A, typename U>
void fields(A& a, U& id) requires std::is_same_v<std::remove_const_t<U>, warehouse_identity> {
    a(id.legal_name, id.address, id.gst_hst_number, id.qst_number, id.excise_licence);
}

struct vector_sink {
    std::vector<u8>& bytes;
    void append(const void* data, std::size_t size) {
        const auto* p = static_cast<const u8*>(data);
        bytes.insert(bytes.end(), p, p + size);
    }
};

// Most fields are a few bytes: they are gathered in a buffer and hashed a buffer at a time, since
// every XXH3_64bits_update call costs far more than the bytes it hashes (the same digest).
struct hash_sink {
    XXH3_state_t* state = nullptr;
    std::array<u8, 16384> buffer;
    std::size_t used = 0;
    void append(const void* data, std::size_t size) {
        if (used + size > buffer.size()) flush();
        if (size > buffer.size()) {
            XXH3_64bits_update(state, data, size);
            return;
        }
        std::memcpy(buffer.data() + used, data, size);
        used += size;
    }
    void flush() {
        if (used > 0) XXH3_64bits_update(state, buffer.data(), used);
        used = 0;
    }
};

template <typename Sink>
void encode_tables(writer<Sink>& w, const state& s) {
    w(w.version, s.last_lsn, s.last_time_us, s.po_number_next);
    w(s.users, s.consignees, s.products, s.shipments);
    w.io(static_cast<u64>(s.boxes.size()));
    for (box_id id = 1; id <= s.boxes.size(); ++id) {
        const box& b = s.box_at(id);
        w(b.shipment, b.product, code{s.barcode_of(id)}, b.first_entry, b.units, b.damaged,
          b.claimed);
    }
    w.io(static_cast<u64>(s.queue.size()));
    s.queue.for_each([&w](const queue_entry& e) { w.io(e); });
    w(s.production_orders, s.stamp_orders);
    for (const region_account& a : s.regions) {
        w(a.balance, a.reserved, a.stamps_per_bundle, a.deposit_cents_per_stamp);
        w.io(static_cast<u64>(a.ledger.size()));
        a.ledger.for_each([&w](const ledger_entry& e) { w.io(e); });
    }
    w(s.settings, s.fee_presets);
    w.io(static_cast<u64>(s.calendar.size()));
    for (const auto& [on, d] : s.calendar)
        w(on, d);
    w(s.outbounds, s.invoices, s.requests, s.sessions);
    if (w.version >= 7) w(s.physical_counts);
}

bool readable(u32 version) {
    return version >= snapshot_format_readable_min && version <= snapshot_format_version;
}

// Boxes and queue entries stepped over, never stored: a row's fields are fixed in size but for
// the barcode, whose size comes first.
void skip_boxes_and_queue(reader& r) {
    constexpr u64 box_head = sizeof(shipment_id) + sizeof(product_id);
    constexpr u64 box_tail = sizeof(u32) + 3 * sizeof(u16);  // first_entry, units, damaged, claimed
    const u64 boxes = r.count(constants::boxes_max);
    for (u64 i = 0; i < boxes && !r.failed(); ++i) {
        r.skip(box_head);
        r.skip(r.count(constants::code_size_max) + box_tail);
    }
    constexpr u64 entry_size = 4 * sizeof(u32) + sizeof(u16) + 2 * sizeof(u8);
    static_assert(entry_size == 20, "a queue entry's fields, as fields(queue_entry) lists them");
    r.skip(r.count(constants::queue_entries_max) * entry_size);
}

void decode_boxes(reader& r, state& s, snapshot_indexes indexes) {
    const bool index_barcodes = indexes == snapshot_indexes::all;
    const u64 n = r.count(constants::boxes_max);
    for (u64 i = 0; i < n && !r.failed(); ++i) {
        box_received e{.id = static_cast<box_id>(i + 1)};
        box b;
        r(e.shipment, e.product, e.barcode, b.first_entry, b.units, b.damaged, b.claimed);
        if (r.failed() || e.barcode.empty() || b.damaged > b.units || b.claimed > b.units) {
            return r.fail();
        }
        // Store the barcode exactly as receiving did, then restore the run fields.
        e.units = b.units, e.damaged = b.damaged;
        store_box(s, e, false);
        s.box_at(e.id).first_entry = b.first_entry;
        s.box_at(e.id).claimed = b.claimed;
    }
    // Indexed in one pass once all are stored (code_index::index_up_to): in id order, the
    // slots prefetched, rather than one cache miss a box.
    if (index_barcodes && !r.failed()) {
        s.box_by_barcode.index_up_to(s.boxes.size(), [&s](box_id id) { return s.barcode_of(id); });
    }
}

void decode_tables(reader& r, state& s, snapshot_indexes indexes) {
    u32 version = 0;
    r(version);
    if (!readable(version)) return r.fail();
    r.version = version;
    r(s.last_lsn, s.last_time_us, s.po_number_next);
    r(s.users, s.consignees, s.products, s.shipments);
    if (indexes == snapshot_indexes::without_boxes) {
        skip_boxes_and_queue(r);
    } else {
        decode_boxes(r, s, indexes);
        const u64 entries = r.count(constants::queue_entries_max);
        for (u64 i = 0; i < entries && !r.failed(); ++i) {
            queue_entry e;
            r.io(e);
            s.queue.push_back(e);
        }
    }
    r(s.production_orders, s.stamp_orders);
    for (region_account& a : s.regions) {
        r(a.balance, a.reserved, a.stamps_per_bundle, a.deposit_cents_per_stamp);
        const u64 n = r.count(UINT32_MAX);
        for (u64 i = 0; i < n && !r.failed(); ++i) {
            ledger_entry e;
            r.io(e);
            a.ledger.push_back(e);
        }
    }
    r(s.settings, s.fee_presets);
    const u64 days = r.count(UINT32_MAX);
    for (u64 i = 0; i < days && !r.failed(); ++i) {
        day on = 0;
        day_schedule d;
        r(on, d);
        // Days are written in order, once each: any other order is damage, and decoding it would
        // drop or reorder days rather than refuse them.
        if (!s.calendar.empty() && on <= s.calendar.rbegin()->first) return r.fail();
        s.calendar.emplace_hint(s.calendar.end(), on, std::move(d));
    }
    r(s.outbounds, s.invoices, s.requests, s.sessions);
    if (version >= 7) r(s.physical_counts);
    if (s.physical_counts.size() > constants::physical_counts_max) return r.fail();
}

// The lookup indexes are derived from the tables (state.hpp).
void rebuild_indexes(state& s) {
    for (user_id id = 1; id <= s.users.size(); ++id) {
        const user& u = s.user_at(id);
        s.user_by_key.emplace(std::string{u.key.view()}, id);
        if (u.token_sha256 != token_hash{}) s.user_by_token.emplace(u.token_sha256, id);
    }
    for (consignee_id id = 1; id <= s.consignees.size(); ++id) {
        s.consignee_by_key.emplace(std::string{s.consignee_at(id).key.view()}, id);
    }
    for (product_id id = 1; id <= s.products.size(); ++id) {
        s.product_by_sku.emplace(std::string{s.product_at(id).sku.view()}, id);
    }
    for (shipment_id id = 1; id <= s.shipments.size(); ++id) {
        s.shipment_by_key.emplace(std::string{s.shipment_at(id).key.view()}, id);
    }
    for (po_id id = 1; id <= s.production_orders.size(); ++id) {
        const production_order& po = s.po_at(id);
        s.po_by_number.emplace(po_number_key(po.consignee, po.number.view()), id);
    }
    for (u32 i = 0; i < s.sessions.size(); ++i)
        s.session_by_client.emplace(s.sessions[i].client, i);
}

}  // namespace

void encode_snapshot(const state& s, std::vector<u8>& out) {
    out.clear();
    vector_sink sink{out};
    writer<vector_sink> w(sink, snapshot_format_version);
    encode_tables(w, s);
}

u32 snapshot_format_of(std::span<const u8> bytes) {
    u32 version = 0;
    if (bytes.size() >= sizeof version) std::memcpy(&version, bytes.data(), sizeof version);
    return version;
}

snapshot_error decode_snapshot(std::span<const u8> bytes, state& out, snapshot_indexes indexes) {
    out = state{};
    reader r(bytes);
    u32 version = 0;
    r(version);
    if (r.failed()) return snapshot_error::truncated;
    if (!readable(version)) return snapshot_error::unknown_version;
    reader tables(bytes);
    decode_tables(tables, out, indexes);
    snapshot_error error = snapshot_error::ok;
    if (tables.failed())
        error = snapshot_error::bad_value;
    else if (!tables.at_end())
        error = snapshot_error::trailing_bytes;
    if (error != snapshot_error::ok) {
        out = state{};
        return error;
    }
    rebuild_indexes(out);
    return error;
}

std::string_view to_string(snapshot_error e) {
    switch (e) {
        case snapshot_error::ok:
            return "ok";
        case snapshot_error::truncated:
            return "truncated";
        case snapshot_error::unknown_version:
            return "unknown version";
        case snapshot_error::bad_value:
            return "bad value or truncated";
        case snapshot_error::trailing_bytes:
            return "trailing bytes";
    }
    return "?";
}

u64 state_digest(const state& s) {
    return state_digest(s, snapshot_format_version);
}

u64 state_digest(const state& s, u32 format) {
    assert(format >= snapshot_format_writable_min && format <= snapshot_format_version);
    XXH3_state_t* hash = XXH3_createState();
    assert(hash != nullptr);
    XXH3_64bits_reset(hash);
    auto sink = std::make_unique<hash_sink>();  // 16 KiB: not on the stack
    sink->state = hash;
    writer<hash_sink> w(*sink, format);
    encode_tables(w, s);
    sink->flush();
    const u64 digest = XXH3_64bits_digest(hash);
    XXH3_freeState(hash);
    return digest;
}

}  // namespace stampd
