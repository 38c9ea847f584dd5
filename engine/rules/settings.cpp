// SPEC §2 settings: duty rate per region, tax rate per province, capacity per weekday, the
// warehouse's time zone, fee presets and the warehouse's identity. A change applies to what happens
// after it: invoices keep the rates they were drafted with, planned days keep their capacity.
#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

rejection out_of_range(subject about, i64 value, i64 max) {
    rejection r = reject(rejection_code::invalid_argument, about);
    r.needed = value;
    r.available = max;
    return r;
}

// `size` digits from `at`.
bool digits(std::string_view text, std::size_t at, std::size_t size) {
    if (at + size > text.size()) return false;
    for (std::size_t i = at; i < at + size; ++i) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    return true;
}

// A registration number as its agency writes it: `lead` digits, the program's two letters, a
// four-digit account (CRA's GST/HST 123456789RT0001, Revenu Québec's QST 1234567890TQ0001).
bool registration_number(std::string_view text, std::size_t lead, std::string_view program) {
    return text.size() == lead + program.size() + 4 && digits(text, 0, lead) &&
           text.substr(lead, program.size()) == program && digits(text, lead + program.size(), 4);
}

}  // namespace

rejection decide(const state&, const set_duty_rate& c, const context&, event_list& out) {
    if (static_cast<std::size_t>(c.stamp_region) >= region_count) {
        return reject(rejection_code::invalid_argument, subject::region);
    }
    if (c.cents_per_increment < 0 ||
        c.cents_per_increment > constants::duty_cents_per_increment_max) {
        return out_of_range(subject::rate, c.cents_per_increment,
                            constants::duty_cents_per_increment_max);
    }
    out.push(duty_rate_set{.stamp_region = c.stamp_region,
                           .cents_per_increment = c.cents_per_increment});
    return {};
}

void apply(state& s, const duty_rate_set& e, const context&) {
    s.settings.duty_cents_per_increment[index(e.stamp_region)] = e.cents_per_increment;
}

rejection decide(const state&, const set_tax_rate& c, const context&, event_list& out) {
    if (static_cast<std::size_t>(c.tax_province) >= province_count) {
        return reject(rejection_code::invalid_argument, subject::province);
    }
    if (static_cast<std::size_t>(c.kind) >= tax_kind_count) {
        return reject(rejection_code::invalid_argument, subject::rate);
    }
    if (c.rate < 0 || c.rate > constants::tax_rate_max) {
        return out_of_range(subject::rate, c.rate, constants::tax_rate_max);
    }
    out.push(tax_rate_set{.tax_province = c.tax_province, .kind = c.kind, .rate = c.rate});
    return {};
}

void apply(state& s, const tax_rate_set& e, const context&) {
    s.settings.tax_by_province[static_cast<std::size_t>(e.tax_province)]
                              [static_cast<std::size_t>(e.kind)] = e.rate;
}

rejection decide(const state&, const set_capacity& c, const context&, event_list& out) {
    if (c.on >= weekday::saturday) {  // weekends are closed (§5)
        return reject(rejection_code::day_closed, subject::day, static_cast<u32>(c.on));
    }
    if (c.units > constants::capacity_units_max) {
        return out_of_range(subject::quantity, static_cast<i64>(c.units),
                            constants::capacity_units_max);
    }
    out.push(capacity_set{.on = c.on, .units = c.units});
    return {};
}

void apply(state& s, const capacity_set& e, const context&) {
    s.settings.capacity_units[static_cast<std::size_t>(e.on)] = e.units;
}

// The zone is a name the tz database knows (America/Regina); the offset and daylight-time fields
// sent with it are not used: they are filled from the database (calendar_time.hpp).
rejection decide(const state&, const set_time_zone& c, const context& ctx, event_list& out) {
    if (c.zone.name.empty()) return reject(rejection_code::invalid_argument, subject::text);
    if (rejection r = check_text(c.zone.name, constants::name_size_max); !r.ok()) return r;
    const std::optional<time_zone> zone = time_zone_named(c.zone.name, ctx.time_us);
    if (!zone) return reject(rejection_code::invalid_argument, subject::time_zone);
    out.push(time_zone_set{.zone = *zone});
    return {};
}

void apply(state& s, const time_zone_set& e, const context&) {
    s.settings.zone = e.zone;
}

rejection decide(const state& s, const create_fee_preset& c, const context&, event_list& out) {
    if (rejection r = check_code(c.key); !r.ok()) return r;
    if (rejection r = check_text(c.name, constants::name_size_max); !r.ok()) return r;
    for (u32 i = 0; i < s.fee_presets.size(); ++i) {
        if (s.fee_presets[i].key == c.key)
            return reject(rejection_code::already_exists, subject::fee_preset, i + 1);
    }
    if (s.fee_presets.size() >= constants::fee_presets_max) {
        return reject(rejection_code::limit_exceeded, subject::fee_preset);
    }
    if (static_cast<u8>(c.kind) > static_cast<u8>(fee_kind::flat) || c.amount_cents <= 0 ||
        c.amount_cents > constants::fee_cents_max) {
        return out_of_range(subject::fee_preset, c.amount_cents, constants::fee_cents_max);
    }
    out.push(fee_preset_created{.id = static_cast<fee_preset_id>(s.fee_presets.size() + 1),
                                .key = c.key,
                                .name = c.name,
                                .kind = c.kind,
                                .amount_cents = c.amount_cents});
    return {};
}

void apply(state& s, const fee_preset_created& e, const context&) {
    assert(e.id == s.fee_presets.size() + 1);
    s.fee_presets.push_back(
        fee_preset{.key = e.key, .name = e.name, .kind = e.kind, .amount_cents = e.amount_cents});
}

// Every document names who issues it (§2): a legal name and a GST/HST number are required; the
// QST number only of a warehouse registered in Quebec.
rejection decide(const state&, const set_warehouse_identity& c, const context&, event_list& out) {
    const warehouse_identity& id = c.identity;
    if (id.legal_name.empty()) return reject(rejection_code::invalid_argument, subject::text);
    if (rejection r = check_text(id.legal_name, constants::name_size_max); !r.ok()) return r;
    if (rejection r = check_text(id.address, constants::address_size_max); !r.ok()) return r;
    if (rejection r = check_text(id.excise_licence, constants::excise_licence_size_max); !r.ok()) {
        return r;
    }
    static_assert(constants::tax_registration_size_max >= 16, "both numbers' formats fit");
    if (!registration_number(id.gst_hst_number, 9, "RT")) {
        return reject(rejection_code::invalid_argument, subject::gst_hst_number);
    }
    if (!id.qst_number.empty() && !registration_number(id.qst_number, 10, "TQ")) {
        return reject(rejection_code::invalid_argument, subject::qst_number);
    }
    out.push(warehouse_identity_set{.identity = id});
    return {};
}

void apply(state& s, const warehouse_identity_set& e, const context&) {
    assert(!e.identity.legal_name.empty());
    s.settings.identity = e.identity;
}

}  // namespace stampd::rules
