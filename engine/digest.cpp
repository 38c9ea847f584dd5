// The state digest (SPEC §12.6): XXH3-64 over a canonical encoding of every table in id order,
// fields little-endian, strings with their size first. Lookup indexes are derived from the
// tables and are left out, so states built by live traffic and by replay compare equal.
#include <bit>
#include <cstring>

#include <xxhash.h>

#include "engine/engine.hpp"

namespace stampd {
namespace {

static_assert(std::endian::native == std::endian::little, "the encoding writes native integers");

class canonical_writer {
public:
    canonical_writer() : _state(XXH3_createState()) {
        assert(_state != nullptr);
        XXH3_64bits_reset(_state);
    }
    ~canonical_writer() { XXH3_freeState(_state); }
    canonical_writer(const canonical_writer&) = delete;
    canonical_writer& operator=(const canonical_writer&) = delete;

    template <typename Int>
    requires std::is_integral_v<Int> || std::is_enum_v<Int>
    void put(Int value) { XXH3_64bits_update(_state, &value, sizeof value); }
    void put(std::string_view text) {
        put(static_cast<u64>(text.size()));
        XXH3_64bits_update(_state, text.data(), text.size());
    }
    void put(const code& c) { put(c.view()); }
    template <typename T, std::size_t N>
    void put(const std::array<T, N>& values) {
        for (const T& v : values)
            put(v);
    }
    template <typename T>
    void put(const std::vector<T>& values) {
        put(static_cast<u64>(values.size()));
        for (const T& v : values)
            put(v);
    }
    void put(const line_input& l) { put(l.product), put(l.stamp_region), put(l.quantity); }
    void put(const outbound_line& l) { put(l.product), put(l.stamp_region), put(l.units); }
    void put(const invoice_line& l) {
        put(l.product), put(l.stamp_region), put(l.units), put(l.volume_ul), put(l.increments);
        put(l.duty_cents_per_increment), put(l.duty_per_unit), put(l.line_duty);
    }
    void put(const invoice_fee& f) {
        put(f.preset), put(f.name), put(f.kind), put(f.amount_cents), put(f.charge_cents);
    }
    void put(const invoice_totals& t) {
        put(t.duty), put(t.fees), put(t.subtotal), put(t.tax), put(t.total);
    }
    u64 digest() const { return XXH3_64bits_digest(_state); }

private:
    XXH3_state_t* _state;
};

void put_reference(canonical_writer& w, const state& s) {
    w.put(static_cast<u64>(s.users.size()));
    for (const user& u : s.users) {
        w.put(u.key), w.put(u.name), w.put(u.roles), w.put(u.consignee), w.put(u.token_sha256);
    }
    w.put(static_cast<u64>(s.consignees.size()));
    for (const consignee& c : s.consignees) {
        w.put(c.key), w.put(c.name), w.put(c.primary_province);
    }
    w.put(static_cast<u64>(s.products.size()));
    for (const product& p : s.products) {
        w.put(p.sku), w.put(p.name), w.put(p.consignee), w.put(p.volume_ul);
    }
}

void put_shipments(canonical_writer& w, const state& s) {
    w.put(static_cast<u64>(s.shipments.size()));
    for (const shipment& sh : s.shipments) {
        w.put(sh.key), w.put(sh.consignee), w.put(sh.status), w.put(sh.box_count);
        w.put(static_cast<u64>(sh.products.size()));
        for (const shipment_product& sp : sh.products) {
            w.put(sp.product), w.put(sp.good_units), w.put(sp.allocated_units);
            for (const box_id b : sp.boxes)
                w.put(b);
        }
    }
    w.put(static_cast<u64>(s.boxes.size()));
    for (box_id id = 1; id <= s.boxes.size(); ++id) {
        const box& b = s.box_at(id);
        w.put(b.shipment), w.put(b.product), w.put(s.barcode_of(id)), w.put(b.first_entry);
        w.put(b.units), w.put(b.damaged), w.put(b.claimed);
    }
}

void put_production(canonical_writer& w, const state& s) {
    w.put(static_cast<u64>(s.queue.size()));
    s.queue.for_each([&w](const queue_entry& e) {
        w.put(e.po), w.put(e.box), w.put(e.confirmed_by), w.put(e.next_group);
        w.put(e.units), w.put(e.line), w.put(e.state);
    });
    w.put(static_cast<u64>(s.production_orders.size()));
    for (const production_order& po : s.production_orders) {
        w.put(po.number), w.put(po.consignee), w.put(po.shipment), w.put(po.status);
        w.put(po.urgent), w.put(po.shortage_acknowledged), w.put(po.notes);
        w.put(static_cast<u64>(po.lines.size()));
        for (const po_line& l : po.lines) {
            w.put(l.product), w.put(l.stamp_region), w.put(l.quantity), w.put(l.deducted);
            w.put(l.verified);
        }
        w.put(po.started_by), w.put(po.verified_by), w.put(po.queue_first), w.put(po.queue_size);
        w.put(po.boxes_total), w.put(po.boxes_confirmed), w.put(po.boxes_skipped);
        w.put(po.reserved), w.put(po.ledger_net);
        w.put(po.scheduled), w.put(po.capacity_overridden), w.put(po.parent), w.put(po.segments);
        w.put(po.invoice), w.put(po.outbound);
    }
    w.put(s.po_number_next);
}

void put_stamps(canonical_writer& w, const state& s) {
    w.put(static_cast<u64>(s.stamp_orders.size()));
    for (const stamp_order& o : s.stamp_orders) {
        w.put(o.number), w.put(o.stamp_region), w.put(o.status), w.put(o.bundles);
        w.put(o.stamps_per_bundle), w.put(o.deposit_cents), w.put(o.received_bundles);
        w.put(o.submitted_by), w.put(o.notes), w.put(o.review_note);
    }
    for (const region_account& a : s.regions) {
        w.put(a.balance), w.put(a.reserved), w.put(a.stamps_per_bundle);
        w.put(a.deposit_cents_per_stamp);
        w.put(static_cast<u64>(a.ledger.size()));
        a.ledger.for_each([&w](const ledger_entry& e) {
            w.put(e.lsn), w.put(e.time_us), w.put(e.balance_after), w.put(e.quantity);
            w.put(e.source), w.put(e.box), w.put(e.user), w.put(e.station), w.put(e.kind);
            w.put(e.overridden);
        });
    }
}

void put_calendar_and_settings(canonical_writer& w, const state& s) {
    const settings& st = s.settings;
    w.put(st.duty_cents_per_increment), w.put(st.tax_bp), w.put(st.capacity_units);
    w.put(st.zone.name), w.put(st.zone.utc_offset_minutes), w.put(st.zone.north_american_dst);
    w.put(static_cast<u64>(s.fee_presets.size()));
    for (const fee_preset& f : s.fee_presets) {
        w.put(f.key), w.put(f.name), w.put(f.kind), w.put(f.amount_cents);
    }
    w.put(static_cast<u64>(s.calendar.size()));
    for (const auto& [on, d] : s.calendar) {
        w.put(on), w.put(d.capacity), w.put(d.load), w.put(d.overridden), w.put(d.run_order);
    }
}

void put_documents(canonical_writer& w, const state& s) {
    w.put(static_cast<u64>(s.outbounds.size()));
    for (const outbound& o : s.outbounds) {
        w.put(o.po), w.put(o.consignee), w.put(o.lines), w.put(o.status);
    }
    w.put(static_cast<u64>(s.invoices.size()));
    for (const invoice& i : s.invoices) {
        w.put(i.number), w.put(i.po), w.put(i.consignee), w.put(i.tax_province), w.put(i.tax_bp);
        w.put(i.status), w.put(i.lines), w.put(i.fees), w.put(i.totals), w.put(i.notes);
        w.put(i.due), w.put(i.credit_of), w.put(i.reason);
    }
    w.put(static_cast<u64>(s.requests.size()));
    for (const customer_request& r : s.requests) {
        w.put(r.consignee), w.put(r.shipment), w.put(r.lines), w.put(r.on), w.put(r.status);
        w.put(r.reason), w.put(r.po), w.put(r.submitted_by);
    }
    // Sessions in table order: eviction picks slots deterministically, so the order is too.
    w.put(static_cast<u64>(s.sessions.size()));
    for (const client_session& c : s.sessions) {
        w.put(c.client), w.put(c.last_lsn), w.put(c.highest_request), w.put(c.next);
        for (const reply_record& r : c.replies)
            w.put(r.request), w.put(r.lsn), w.put(r.result);
    }
}

}  // namespace

u64 state_digest(const state& s) {
    canonical_writer w;
    w.put(s.last_lsn), w.put(s.last_time_us);
    put_reference(w, s);
    put_shipments(w, s);
    put_production(w, s);
    put_stamps(w, s);
    put_calendar_and_settings(w, s);
    put_documents(w, s);
    return w.digest();
}

}  // namespace stampd
