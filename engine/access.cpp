// See access.hpp. SHA-256 comes from OpenSSL's libcrypto.
#include "engine/access.hpp"

#include <openssl/sha.h>

namespace stampd {
namespace {

// Staff see everything; a consignee user sees what belongs to its consignee.
bool sees_consignee(const state& s, user_id viewer, consignee_id owner) {
    if (!s.has_user(viewer)) return false;
    const user& u = s.user_at(viewer);
    if ((u.roles & role_bit(role::consignee)) == 0) return true;
    return u.consignee == owner;
}

}  // namespace

token_hash hash_token(std::string_view token) {
    token_hash out{};
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), out.data());
    return out;
}

user_id authenticate(const state& s, std::string_view token) {
    if (token.empty()) return id_none;
    const auto it = s.user_by_token.find(hash_token(token));
    return it == s.user_by_token.end() ? id_none : it->second;
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

bool may_see_request(const state& s, user_id viewer, request_id id) {
    return s.has_request(id) && sees_consignee(s, viewer, s.request_at(id).consignee);
}

}  // namespace stampd
