// SPEC §2 reference data: users, consignees, products, and the stamp settings of §8
// (bundle size and deposit rate per region). A setting applies to what happens after it.
#include <algorithm>

#include "engine/access.hpp"
#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

template <typename Map>
u32 find_key(const Map& map, std::string_view key) {
    const auto it = map.find(std::string{key});
    return it == map.end() ? id_none : it->second;
}

rejection already_exists(subject about, u32 id) {
    return reject(rejection_code::already_exists, about, id);
}

// An empty token leaves the user without one (it cannot log in until set_user_token).
rejection check_token(const state& s, std::string_view token, token_hash& out) {
    out = token_hash{};
    if (token.empty()) return {};
    if (token.size() < constants::token_size_min || token.size() > constants::token_size_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::token);
        r.needed = static_cast<i64>(token.size());
        r.available = static_cast<i64>(constants::token_size_min);
        return r;
    }
    out = hash_token(token);
    if (const auto it = s.user_by_token.find(out); it != s.user_by_token.end()) {
        return reject(rejection_code::already_exists, subject::token, it->second);
    }
    return {};
}

rejection limit(subject about, std::size_t count, std::size_t max) {
    rejection r = reject(rejection_code::limit_exceeded, about);
    r.needed = static_cast<i64>(count + 1);
    r.available = static_cast<i64>(max);
    return r;
}

}  // namespace

rejection decide(const state& s, const create_user& c, const context&, event_list& out) {
    if (rejection r = check_code(c.key); !r.ok()) return r;
    if (rejection r = check_text(c.name, constants::name_size_max); !r.ok()) return r;
    if (const u32 id = find_key(s.user_by_key, c.key.view()))
        return already_exists(subject::user, id);
    if (s.users.size() >= constants::users_max) {
        return limit(subject::user, s.users.size(), constants::users_max);
    }
    if (c.roles == 0 || c.roles >= (1u << role_count)) {
        return reject(rejection_code::invalid_argument, subject::roles);
    }
    // A consignee user belongs to exactly one consignee; staff belong to none.
    const bool is_consignee = (c.roles & role_bit(role::consignee)) != 0;
    if (is_consignee != (c.consignee != id_none) ||
        (is_consignee && c.roles != role_bit(role::consignee))) {
        return reject(rejection_code::invalid_argument, subject::consignee, c.consignee);
    }
    if (is_consignee && !s.has_consignee(c.consignee)) {
        return reject(rejection_code::not_found, subject::consignee, c.consignee);
    }
    token_hash hash;
    if (rejection r = check_token(s, c.token, hash); !r.ok()) return r;
    out.push(user_created{.id = static_cast<user_id>(s.users.size() + 1),
                          .key = c.key,
                          .name = c.name,
                          .roles = c.roles,
                          .consignee = c.consignee,
                          .token_sha256 = hash});
    return {};
}

rejection decide(const state& s, const set_user_token& c, const context&, event_list& out) {
    if (!s.has_user(c.user)) return reject(rejection_code::not_found, subject::user, c.user);
    if (c.token.empty()) return reject(rejection_code::invalid_argument, subject::token);
    token_hash hash;
    if (rejection r = check_token(s, c.token, hash); !r.ok()) return r;
    out.push(user_token_set{.user = c.user, .token_sha256 = hash});
    return {};
}

rejection decide(const state& s, const set_user_roles& c, const context&, event_list& out) {
    if (!s.has_user(c.user)) return reject(rejection_code::not_found, subject::user, c.user);
    if (c.roles == 0 || c.roles >= (1u << role_count)) {
        return reject(rejection_code::invalid_argument, subject::roles, c.user);
    }
    // A consignee user belongs to its consignee (create_user) and holds that role alone; staff
    // belong to none, so never take it.
    const user& u = s.user_at(c.user);
    const bool is_consignee = u.consignee != id_none;
    if (((c.roles & role_bit(role::consignee)) != 0) != is_consignee ||
        (is_consignee && c.roles != role_bit(role::consignee))) {
        return reject(rejection_code::invalid_argument, subject::roles, c.user);
    }
    // The last admin keeps the role: without one, nobody could give roles again. Bounded by
    // users_max, and off the hot path.
    const role_set admin = role_bit(role::admin);
    if ((u.roles & admin) != 0 && (c.roles & admin) == 0) {
        const auto admins = std::count_if(s.users.begin(), s.users.end(),
                                          [&](const user& v) { return (v.roles & admin) != 0; });
        if (admins == 1) return reject(rejection_code::forbidden, subject::roles, c.user);
    }
    out.push(user_roles_set{.user = c.user, .roles = c.roles});
    return {};
}

void apply(state& s, const user_roles_set& e, const context&) {
    s.user_at(e.user).roles = e.roles;
}

// Only one's own password, or an admin's setting of anyone's (a first password, a reset). The
// hash must be an Argon2id PHC string: the engine stores what stampd computed, and a client that
// sends something else has bypassed the hashing.
rejection decide(const state& s, const set_user_password& c, const context& ctx, event_list& out) {
    if (!s.has_user(c.user)) return reject(rejection_code::not_found, subject::user, c.user);
    const bool admin =
        s.has_user(ctx.user) && (s.user_at(ctx.user).roles & role_bit(role::admin)) != 0;
    if (c.user != ctx.user && !admin) {
        return reject(rejection_code::forbidden, subject::user, c.user);
    }
    const std::string_view hash = c.password;
    if (!hash.starts_with("$argon2id$") || hash.size() > constants::password_hash_size_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::password, c.user);
        r.needed = static_cast<i64>(hash.size());
        r.available = static_cast<i64>(constants::password_hash_size_max);
        return r;
    }
    out.push(user_password_set{.user = c.user, .password_hash = c.password});
    return {};
}

void apply(state& s, const user_password_set& e, const context&) {
    s.user_at(e.user).password_hash = e.password_hash;
}

void apply(state& s, const user_token_set& e, const context&) {
    user& u = s.user_at(e.user);
    if (u.token_sha256 != token_hash{}) s.user_by_token.erase(u.token_sha256);
    u.token_sha256 = e.token_sha256;
    s.user_by_token.emplace(e.token_sha256, e.user);
}

void apply(state& s, const user_created& e, const context&) {
    assert(e.id == s.users.size() + 1);
    s.users.push_back(user{.key = e.key,
                           .name = e.name,
                           .roles = e.roles,
                           .consignee = e.consignee,
                           .token_sha256 = e.token_sha256});
    s.user_by_key.emplace(std::string{e.key.view()}, e.id);
    if (e.token_sha256 != token_hash{}) s.user_by_token.emplace(e.token_sha256, e.id);
}

rejection decide(const state& s, const create_consignee& c, const context&, event_list& out) {
    if (rejection r = check_code(c.key); !r.ok()) return r;
    if (rejection r = check_text(c.name, constants::name_size_max); !r.ok()) return r;
    if (const u32 id = find_key(s.consignee_by_key, c.key.view())) {
        return already_exists(subject::consignee, id);
    }
    if (s.consignees.size() >= constants::consignees_max) {
        return limit(subject::consignee, s.consignees.size(), constants::consignees_max);
    }
    if (static_cast<std::size_t>(c.primary_province) >= province_count) {
        return reject(rejection_code::invalid_argument, subject::consignee);
    }
    out.push(consignee_created{.id = static_cast<consignee_id>(s.consignees.size() + 1),
                               .key = c.key,
                               .name = c.name,
                               .primary_province = c.primary_province});
    return {};
}

void apply(state& s, const consignee_created& e, const context&) {
    assert(e.id == s.consignees.size() + 1);
    s.consignees.push_back(
        consignee{.key = e.key, .name = e.name, .primary_province = e.primary_province});
    s.consignee_by_key.emplace(std::string{e.key.view()}, e.id);
}

rejection decide(const state& s, const edit_consignee& c, const context&, event_list& out) {
    if (!s.has_consignee(c.consignee)) {
        return reject(rejection_code::not_found, subject::consignee, c.consignee);
    }
    if (rejection r = check_text(c.name, constants::name_size_max); !r.ok()) return r;
    if (static_cast<std::size_t>(c.primary_province) >= province_count) {
        return reject(rejection_code::invalid_argument, subject::province);
    }
    for (const std::string* address : {&c.billing_address, &c.shipping_address}) {
        if (rejection r = check_text(*address, constants::address_size_max); !r.ok()) return r;
    }
    if (rejection r = check_text(c.tax_registration, constants::tax_registration_size_max);
        !r.ok()) {
        return r;
    }
    out.push(consignee_edited{.consignee = c.consignee,
                              .name = c.name,
                              .primary_province = c.primary_province,
                              .billing_address = c.billing_address,
                              .shipping_address = c.shipping_address,
                              .tax_registration = c.tax_registration});
    return {};
}

void apply(state& s, const consignee_edited& e, const context&) {
    consignee& k = s.consignees[e.consignee - 1];
    k.name = e.name;
    k.primary_province = e.primary_province;
    k.billing_address = e.billing_address;
    k.shipping_address = e.shipping_address;
    k.tax_registration = e.tax_registration;
}

rejection decide(const state& s, const create_product& c, const context&, event_list& out) {
    if (rejection r = check_code(c.sku); !r.ok()) return r;
    if (rejection r = check_text(c.name, constants::name_size_max); !r.ok()) return r;
    if (const u32 id = find_key(s.product_by_sku, c.sku.view())) {
        return already_exists(subject::product, id);
    }
    if (!s.has_consignee(c.consignee)) {
        return reject(rejection_code::not_found, subject::consignee, c.consignee);
    }
    if (s.products.size() >= constants::products_max) {
        return limit(subject::product, s.products.size(), constants::products_max);
    }
    if (c.volume_ul == 0 || c.volume_ul > constants::volume_ul_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::volume);
        r.needed = c.volume_ul;
        r.available = constants::volume_ul_max;
        return r;
    }
    out.push(product_created{.id = static_cast<product_id>(s.products.size() + 1),
                             .sku = c.sku,
                             .consignee = c.consignee,
                             .name = c.name,
                             .volume_ul = c.volume_ul});
    return {};
}

void apply(state& s, const product_created& e, const context&) {
    assert(e.id == s.products.size() + 1);
    s.products.push_back(
        product{.sku = e.sku, .name = e.name, .consignee = e.consignee, .volume_ul = e.volume_ul});
    s.product_by_sku.emplace(std::string{e.sku.view()}, e.id);
}

rejection decide(const state&, const set_bundle_size& c, const context&, event_list& out) {
    if (static_cast<std::size_t>(c.stamp_region) >= region_count) {
        return reject(rejection_code::invalid_argument, subject::region);
    }
    if (c.stamps_per_bundle == 0 || c.stamps_per_bundle > constants::stamps_per_bundle_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::stamps_per_bundle);
        r.needed = c.stamps_per_bundle;
        r.available = constants::stamps_per_bundle_max;
        return r;
    }
    out.push(
        bundle_size_set{.stamp_region = c.stamp_region, .stamps_per_bundle = c.stamps_per_bundle});
    return {};
}

void apply(state& s, const bundle_size_set& e, const context&) {
    s.account(e.stamp_region).stamps_per_bundle = e.stamps_per_bundle;
}

rejection decide(const state&, const set_deposit_rate& c, const context&, event_list& out) {
    if (static_cast<std::size_t>(c.stamp_region) >= region_count) {
        return reject(rejection_code::invalid_argument, subject::region);
    }
    if (c.cents_per_stamp < 0 || c.cents_per_stamp > constants::deposit_cents_per_stamp_max) {
        rejection r = reject(rejection_code::invalid_argument, subject::deposit_rate);
        r.needed = c.cents_per_stamp;
        r.available = constants::deposit_cents_per_stamp_max;
        return r;
    }
    out.push(
        deposit_rate_set{.stamp_region = c.stamp_region, .cents_per_stamp = c.cents_per_stamp});
    return {};
}

void apply(state& s, const deposit_rate_set& e, const context&) {
    s.account(e.stamp_region).deposit_cents_per_stamp = e.cents_per_stamp;
}

}  // namespace stampd::rules
