// See access.hpp. SHA-256 comes from OpenSSL's libcrypto.
#include "engine/access.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace stampd {
namespace {

// Staff see everything; a consignee user sees what belongs to its consignee.
bool sees_consignee(const state& s, user_id user, consignee_id owner) {
    return viewer_of(s, user).sees(owner);
}

// A copy of `e` without its ledger movements (the warehouse's figures, §8).
template <typename E>
event without_movements(E copy) {
    if constexpr (std::is_same_v<E, box_confirmed>) {
        copy.movement_count = 0;
        copy.movements = {};
    } else {
        copy.movements.clear();
    }
    return event{std::move(copy)};
}

}  // namespace

viewer viewer_of(const state& s, user_id user) {
    if (!s.has_user(user)) return viewer{};
    const struct user& u = s.user_at(user);
    if ((u.roles & role_bit(role::consignee)) == 0) return viewer{.restricted = false};
    return viewer{.restricted = true, .own = u.consignee};
}

std::optional<event> visible_event(const viewer& who, const event& e) {
    if (!who.restricted) {
        // A token's or a password's hash is the log's business alone (a guessable secret is found
        // by hashing guesses): nobody reads it, staff included.
        return std::visit(
            [](auto ev) -> event {
                if constexpr (requires { ev.token_sha256; }) ev.token_sha256 = {};
                if constexpr (requires { ev.password_hash; }) ev.password_hash.clear();
                return event{std::move(ev)};
            },
            e);
    }
    return std::visit(
        [&](const auto& ev) -> std::optional<event> {
            using E = std::decay_t<decltype(ev)>;
            if constexpr (std::is_same_v<E, box_confirmed> || std::is_same_v<E, po_verified> ||
                          std::is_same_v<E, po_cancelled>) {
                return without_movements(ev);
            } else if constexpr (std::is_same_v<E, run_started>) {
                // Which regions were short of stamps is the stamp ledger's business.
                return event{run_started{.po = ev.po}};
            } else if constexpr (std::is_same_v<E, po_created> ||
                                 std::is_same_v<E, po_lines_edited> ||
                                 std::is_same_v<E, run_ended> || std::is_same_v<E, line_amended> ||
                                 std::is_same_v<E, po_scheduled> || std::is_same_v<E, po_split> ||
                                 std::is_same_v<E, parent_closed> ||
                                 std::is_same_v<E, outbound_created> ||
                                 std::is_same_v<E, outbound_shipped> ||
                                 std::is_same_v<E, shipment_created> ||
                                 std::is_same_v<E, receiving_started> ||
                                 std::is_same_v<E, box_received> ||
                                 std::is_same_v<E, boxes_received> ||
                                 std::is_same_v<E, shipment_inventoried> ||
                                 std::is_same_v<E, product_created> ||
                                 std::is_same_v<E, request_submitted> ||
                                 std::is_same_v<E, request_approved> ||
                                 std::is_same_v<E, request_rejected>) {
                return e;
            } else if constexpr (std::is_same_v<E, invoice_advanced>) {
                // An invoice leaves Draft only forward (issued, paid, archived): each is readable.
                return e;
            } else {
                // Drafts and their fees and edits, users and tokens, stamp orders and receipts,
                // rates, capacity, the time zone, fee presets: staff only.
                return std::nullopt;
            }
        },
        e);
}

token_hash hash_token(std::string_view token) {
    token_hash out{};
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), out.data());
    return out;
}

user_id authenticate(const state& s, std::string_view token) {
    if (token.empty()) return id_none;
    // Every user's hash is compared, each in constant time, whatever matched: how long this
    // takes says nothing about how close a guess came (user_by_token's ordered lookup would).
    const token_hash h = hash_token(token);
    user_id found = id_none;
    for (user_id id = 1; id <= s.users.size(); ++id) {
        const token_hash& held = s.user_at(id).token_sha256;
        const bool same = CRYPTO_memcmp(h.data(), held.data(), h.size()) == 0;
        found = same && held != token_hash{} ? id : found;
    }
    return found;
}

bool may_see_po(const state& s, user_id viewer, po_id po) {
    return s.has_po(po) && sees_consignee(s, viewer, s.po_at(po).consignee);
}

bool may_see_shipment(const state& s, user_id viewer, shipment_id shipment) {
    return s.has_shipment(shipment) && sees_consignee(s, viewer, s.shipment_at(shipment).consignee);
}

bool may_see_invoice(const state& s, user_id viewer, invoice_id id) {
    if (!s.has_invoice(id) || !s.has_user(viewer)) return false;
    const invoice& inv = s.invoice_at(id);
    const bool is_consignee = (s.user_at(viewer).roles & role_bit(role::consignee)) != 0;
    if (is_consignee && inv.status == invoice_status::draft) return false;
    return sees_consignee(s, viewer, inv.consignee);
}

bool may_see_outbound(const state& s, user_id viewer, outbound_id id) {
    return s.has_outbound(id) && sees_consignee(s, viewer, s.outbound_at(id).consignee);
}

bool may_see_request(const state& s, user_id viewer, request_id id) {
    return s.has_request(id) && sees_consignee(s, viewer, s.request_at(id).consignee);
}

}  // namespace stampd
