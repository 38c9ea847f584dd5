// SPEC §9 invoices: one draft per completed PO with duty per 2 mL increment at the rate in force
// at completion, fee presets added to and removed from drafts, tax by component at the consignee's
// province rates stored on the invoice, integer cents with each component rounded half-up once,
// a one-way lifecycle
// Draft → Issued → Paid → Archived, and credit notes that reference an issued invoice.
#include <algorithm>
#include <numeric>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

rejection check_invoice(const state& s, invoice_id id) {
    if (!s.has_invoice(id)) return reject(rejection_code::not_found, subject::invoice, id);
    return {};
}

rejection check_draft(const state& s, invoice_id id) {
    if (rejection r = check_invoice(s, id); !r.ok()) return r;
    const invoice_status status = s.invoice_at(id).status;
    if (status != invoice_status::draft)
        return wrong_state(subject::invoice, id, static_cast<u8>(status));
    return {};
}

i64 invoice_units(const std::vector<invoice_line>& lines) {
    return std::accumulate(lines.begin(), lines.end(), i64{0},
                           [](i64 sum, const invoice_line& l) { return sum + l.units; });
}

// What the credit notes of an invoice took so far (drafts included: they are issued later): units
// per line of the invoice, whether its fees, and tax. A note's line is the invoice's line of the
// same product and region (a PO has one line of each, create_po's duplicate_line).
struct credited {
    std::vector<i64> units;
    bool fees = false;
    std::array<i64, tax_kind_count> taxes{};
};

credited credited_so_far(const state& s, invoice_id of) {
    const invoice& original = s.invoice_at(of);
    credited c{.units = std::vector<i64>(original.lines.size(), 0)};
    for (const invoice& note : s.invoices) {
        if (note.credit_of != of) continue;
        c.fees = c.fees || !note.fees.empty();
        for (std::size_t k = 0; k < tax_kind_count; ++k)
            c.taxes[k] -= note.totals.taxes[k];
        for (const invoice_line& l : note.lines) {
            for (std::size_t i = 0; i < original.lines.size(); ++i) {
                const invoice_line& o = original.lines[i];
                if (o.product == l.product && o.stamp_region == l.stamp_region)
                    c.units[i] -= l.units;
            }
        }
    }
    return c;
}

// The totals an event carries, with their tax components: a record written before components
// carries only the combined tax (the decoder checks a newer record's components add up), which
// goes on the one component the invoice's rates charge.
invoice_totals with_components(const invoice& inv, invoice_totals t) {
    if (std::accumulate(t.taxes.begin(), t.taxes.end(), i64{0}) != t.tax)
        t.taxes = combined_tax_components(inv.rates, t.tax);
    return t;
}

}  // namespace

// Half-up to the cent, symmetric about zero so a credit note mirrors its invoice.
i64 round_half_up(i64 numerator, i64 denominator) {
    assert(denominator > 0);
    const i64 magnitude = (std::abs(numerator) * 2 + denominator) / (2 * denominator);
    return numerator < 0 ? -magnitude : magnitude;
}

u32 increments_per_unit(u32 volume_ul) {
    return (volume_ul + 1999) / 2000;
}

invoice_totals compute_totals(const std::vector<invoice_line>& lines,
                              const std::vector<invoice_fee>& fees, const tax_rates& rates) {
    invoice_totals t;
    for (const invoice_line& l : lines)
        t.duty += l.line_duty;
    for (const invoice_fee& f : fees)
        t.fees += f.charge_cents;
    t.subtotal = t.duty + t.fees;
    for (std::size_t k = 0; k < tax_kind_count; ++k) {
        t.taxes[k] = round_half_up(t.subtotal * rates[k], tax_rate_denominator);
        t.tax += t.taxes[k];
    }
    t.total = t.subtotal + t.tax;
    return t;
}

invoice_line invoice_line_for(const state& s, product_id product, region r, i64 units) {
    invoice_line l{.product = product, .stamp_region = r, .units = units};
    l.volume_ul = s.product_at(product).volume_ul;
    l.increments = increments_per_unit(l.volume_ul);
    l.duty_cents_per_increment = s.settings.duty_cents_per_increment[index(r)];
    l.duty_per_unit = l.increments * l.duty_cents_per_increment;
    l.line_duty = l.units * l.duty_per_unit;
    return l;
}

// The draft invoice of a PO being completed with `verified` units per line (§7, §9).
invoice_drafted draft_invoice_for(const state& s, po_id po_ref, const std::vector<u32>& verified) {
    const production_order& po = s.po_at(po_ref);
    const consignee& c = s.consignee_at(po.consignee);
    invoice_drafted e{
        .id = static_cast<invoice_id>(s.invoices.size() + 1),
        .po = po_ref,
        .consignee = po.consignee,
        .tax_province = c.primary_province,
        .rates = s.settings.tax_by_province[static_cast<std::size_t>(c.primary_province)]};
    for (u32 i = 0; i < po.lines.size(); ++i) {
        if (verified[i] == 0) continue;
        e.lines.push_back(
            invoice_line_for(s, po.lines[i].product, po.lines[i].stamp_region, verified[i]));
    }
    e.totals = compute_totals(e.lines, {}, e.rates);
    return e;
}

void apply(state& s, const invoice_drafted& e, const context& ctx) {
    assert(e.id == s.invoices.size() + 1);
    char number[16];
    std::snprintf(number, sizeof number, e.credit_of ? "CN-%06u" : "INV-%06u", e.id);
    s.invoices.push_back(invoice{.number = code{number},
                                 .po = e.po,
                                 .consignee = e.consignee,
                                 .tax_province = e.tax_province,
                                 .rates = e.rates,
                                 .lines = e.lines,
                                 .fees = e.fees,
                                 .totals = e.totals,
                                 .credit_of = e.credit_of,
                                 .reason = e.reason});
    s.invoices.back().since_us[static_cast<std::size_t>(invoice_status::draft)] = ctx.time_us;
    if (e.credit_of == id_none) s.po_at(e.po).invoice = e.id;
}

rejection decide(const state& s, const add_invoice_fee& c, const context&, event_list& out) {
    if (rejection r = check_draft(s, c.invoice); !r.ok()) return r;
    // A credit note credits the fees of its invoice, or none; it charges none of its own.
    if (s.invoice_at(c.invoice).credit_of != id_none) {
        return reject(rejection_code::invalid_argument, subject::invoice, c.invoice);
    }
    if (!s.has_fee_preset(c.preset))
        return reject(rejection_code::not_found, subject::fee_preset, c.preset);
    const invoice& inv = s.invoice_at(c.invoice);
    if (inv.fees.size() >= constants::fees_per_invoice_max) {
        return reject(rejection_code::limit_exceeded, subject::fee_preset, c.invoice);
    }
    const fee_preset& preset = s.fee_preset_at(c.preset);
    invoice_fee fee{.preset = c.preset,
                    .name = preset.name,
                    .kind = preset.kind,
                    .amount_cents = preset.amount_cents};
    fee.charge_cents = preset.kind == fee_kind::per_unit
                           ? preset.amount_cents * invoice_units(inv.lines)
                           : preset.amount_cents;
    std::vector<invoice_fee> fees = inv.fees;
    fees.push_back(fee);
    out.push(invoice_fee_added{
        .invoice = c.invoice, .fee = fee, .totals = compute_totals(inv.lines, fees, inv.rates)});
    return {};
}

void apply(state& s, const invoice_fee_added& e, const context&) {
    invoice& inv = s.invoice_at(e.invoice);
    assert(inv.status == invoice_status::draft);
    inv.fees.push_back(e.fee);
    inv.totals = with_components(inv, e.totals);
    assert(inv.totals == compute_totals(inv.lines, inv.fees, inv.rates));
}

rejection decide(const state& s, const remove_invoice_fee& c, const context&, event_list& out) {
    if (rejection r = check_draft(s, c.invoice); !r.ok()) return r;
    const invoice& inv = s.invoice_at(c.invoice);
    if (c.fee >= inv.fees.size())
        return reject(rejection_code::not_found, subject::fee_preset, c.fee);
    std::vector<invoice_fee> fees = inv.fees;
    fees.erase(fees.begin() + c.fee);
    out.push(invoice_fee_removed{
        .invoice = c.invoice, .fee = c.fee, .totals = compute_totals(inv.lines, fees, inv.rates)});
    return {};
}

void apply(state& s, const invoice_fee_removed& e, const context&) {
    invoice& inv = s.invoice_at(e.invoice);
    assert(inv.status == invoice_status::draft && e.fee < inv.fees.size());
    inv.fees.erase(inv.fees.begin() + e.fee);
    inv.totals = with_components(inv, e.totals);
    assert(inv.totals == compute_totals(inv.lines, inv.fees, inv.rates));
}

rejection decide(const state& s, const edit_invoice& c, const context&, event_list& out) {
    if (rejection r = check_draft(s, c.invoice); !r.ok()) return r;
    if (rejection r = check_text(c.notes, constants::notes_size_max); !r.ok()) return r;
    out.push(invoice_edited{.invoice = c.invoice, .notes = c.notes, .due = c.due});
    return {};
}

void apply(state& s, const invoice_edited& e, const context&) {
    invoice& inv = s.invoice_at(e.invoice);
    assert(inv.status == invoice_status::draft);
    inv.notes = e.notes;
    inv.due = e.due;
}

rejection decide(const state& s, const advance_invoice& c, const context&, event_list& out) {
    if (rejection r = check_invoice(s, c.invoice); !r.ok()) return r;
    const invoice_status from = s.invoice_at(c.invoice).status;
    // One way, one step at a time: Draft → Issued → Paid → Archived.
    if (from == invoice_status::archived || static_cast<u8>(c.to) != static_cast<u8>(from) + 1) {
        return wrong_state(subject::invoice, c.invoice, static_cast<u8>(from));
    }
    out.push(invoice_advanced{.invoice = c.invoice, .to = c.to});
    return {};
}

void apply(state& s, const invoice_advanced& e, const context& ctx) {
    invoice& inv = s.invoice_at(e.invoice);
    assert(static_cast<u8>(e.to) == static_cast<u8>(inv.status) + 1);
    inv.status = e.to;
    inv.since_us[static_cast<std::size_t>(e.to)] = ctx.time_us;
}

rejection decide(const state& s, const create_credit_note& c, const context&, event_list& out) {
    if (rejection r = check_invoice(s, c.invoice); !r.ok()) return r;
    const invoice& original = s.invoice_at(c.invoice);
    if (original.status == invoice_status::draft || original.credit_of != id_none) {
        return wrong_state(subject::invoice, c.invoice, static_cast<u8>(original.status));
    }
    if (c.reason.empty()) return reject(rejection_code::invalid_argument, subject::text);
    if (rejection r = check_text(c.reason, constants::notes_size_max); !r.ok()) return r;
    invoice_drafted e{.id = static_cast<invoice_id>(s.invoices.size() + 1),
                      .po = original.po,
                      .consignee = original.consignee,
                      .tax_province = original.tax_province,
                      .rates = original.rates,
                      .credit_of = c.invoice,
                      .reason = c.reason};
    // Credits never take more than was invoiced: per line, the units not yet credited; the fees
    // once; the tax, at most what is left of it.
    const credited before = credited_so_far(s, c.invoice);
    std::vector<i64> left(original.lines.size());
    for (std::size_t i = 0; i < left.size(); ++i)
        left[i] = original.lines[i].units - before.units[i];
    // Nothing listed: all that is left of the invoice, fees included, at its stored rates.
    if (c.lines.empty()) {
        for (std::size_t i = 0; i < left.size(); ++i) {
            if (left[i] <= 0) continue;
            invoice_line l = original.lines[i];
            l.units = -left[i];
            l.line_duty = l.units * l.duty_per_unit;
            e.lines.push_back(l);
            left[i] = 0;
        }
        if (!before.fees) {
            for (invoice_fee f : original.fees) {
                f.charge_cents = -f.charge_cents;
                e.fees.push_back(f);
            }
        }
        if (e.lines.empty() && e.fees.empty()) {
            // Credited whole already: there is nothing left to credit.
            return reject(rejection_code::invalid_argument, subject::invoice, c.invoice);
        }
    }
    std::vector<bool> listed(original.lines.size(), false);
    for (const credit_line& cl : c.lines) {
        if (cl.line >= original.lines.size())
            return reject(rejection_code::not_found, subject::line, cl.line);
        if (listed[cl.line]) return reject(rejection_code::duplicate_line, subject::line, cl.line);
        listed[cl.line] = true;
        invoice_line l = original.lines[cl.line];
        if (cl.units == 0 || cl.units > left[cl.line]) {
            rejection r = reject(rejection_code::invalid_argument, subject::quantity, cl.line);
            r.needed = cl.units;
            r.available = left[cl.line];
            return r;
        }
        left[cl.line] -= cl.units;
        l.units = -static_cast<i64>(cl.units);
        l.line_duty = l.units * l.duty_per_unit;
        e.lines.push_back(l);
    }
    e.totals = compute_totals(e.lines, e.fees, e.rates);
    // Tax is rounded per note, so small notes could together take a cent more than the invoice
    // charged: of each component a note takes at most what is left, and the note that credits the
    // rest takes all of it.
    const bool credits_the_rest = std::ranges::all_of(left, [](i64 units) { return units <= 0; }) &&
                                  (before.fees || !e.fees.empty() || original.fees.empty());
    e.totals.tax = 0;
    for (std::size_t k = 0; k < tax_kind_count; ++k) {
        const i64 tax_left = original.totals.taxes[k] - before.taxes[k];
        if (credits_the_rest || -e.totals.taxes[k] > tax_left) e.totals.taxes[k] = -tax_left;
        e.totals.tax += e.totals.taxes[k];
    }
    e.totals.total = e.totals.subtotal + e.totals.tax;
    out.push(std::move(e));
    return {};
}

}  // namespace stampd::rules
