// SPEC §11 access: users authenticate with a token of which only the SHA-256 is kept, and a
// consignee user sees only its own consignee's data and never a draft invoice, the stamp ledger
// or the warehouse's settings. Reads (net/views.cpp) and pushes (net/server.cpp) decide with these
// same functions. Pure functions of the state; the writer thread (or a reader of a snapshot)
// calls them, except visible_event, which needs no state.
#pragma once

#include <optional>
#include <string_view>

#include "engine/event.hpp"
#include "engine/state.hpp"

namespace stampd {

// Who is looking: staff see the whole warehouse; a consignee user (restricted) only what belongs
// to its own consignee.
struct viewer {
    bool restricted = true;  // nobody: sees nothing of anyone's
    consignee_id own = id_none;
    bool sees(consignee_id owner) const { return !restricted || (owner == own && own != id_none); }
};
viewer viewer_of(const state& s, user_id user);

// What `who` may be pushed of an event that concerns what it sees (the subscription matched it):
// staff, the event as the log holds it but for the token hashes of user_created and
// user_token_set (nobody is sent those); a consignee user, its POs' progress without the ledger's
// figures (the movements and balances of confirmations, verifications and cancellations are
// dropped), its shipments and products, its outbound records, its invoices once issued (never a
// draft, its fees or edits) and its requests' outcomes — nothing else (nullopt). The same rules
// as the reads: what is pushed is what the user could read.
std::optional<event> visible_event(const viewer& who, const event& e);

token_hash hash_token(std::string_view token);

// The user holding the token, or id_none. Compares in constant time (CRYPTO_memcmp, against
// every user).
user_id authenticate(const state& s, std::string_view token);

bool may_see_po(const state& s, user_id viewer, po_id po);
bool may_see_shipment(const state& s, user_id viewer, shipment_id shipment);
bool may_see_invoice(const state& s, user_id viewer, invoice_id invoice);
bool may_see_request(const state& s, user_id viewer, request_id request);
bool may_see_outbound(const state& s, user_id viewer, outbound_id outbound);

}  // namespace stampd
