// SPEC §11 access: users authenticate with a token of which only the SHA-256 is kept, and a
// consignee user sees only its own consignee's data and never a draft invoice.
// Pure functions of the state; the writer thread (or a reader of a snapshot) calls them.
#pragma once

#include <string_view>

#include "engine/state.hpp"

namespace stampd {

token_hash hash_token(std::string_view token);

// The user holding the token, or id_none.
user_id authenticate(const state& s, std::string_view token);

bool may_see_po(const state& s, user_id viewer, po_id po);
bool may_see_shipment(const state& s, user_id viewer, shipment_id shipment);
bool may_see_invoice(const state& s, user_id viewer, invoice_id invoice);
bool may_see_request(const state& s, user_id viewer, request_id request);

}  // namespace stampd
