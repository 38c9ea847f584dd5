// SPEC §12 invariants 1–5 as one pure function of the state: what stamp-audit checks after its
// replay and what the model test asserts after every step. Each broken rule is a finding with a
// code, the objects it concerns and the figures that disagree. Reads only; any thread that owns
// the state (the writer, or an audit's replay thread).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/state.hpp"

namespace stampd {

enum class invariant_code : u8 {
    balance_not_ledger_sum,     // §12.1 a region's balance ≠ Σ its ledger entries
    running_balance_broken,     // §12.1 an entry's balance after ≠ the one before + its quantity
    negative_without_override,  // §12.1 an entry took the balance below zero with no override
    availability_negative,      // §12.2 a shipment's product has more allocated than good units
    allocation_mismatch,        // §12.2 the allocated figure ≠ Σ the live POs' line quantities
    ledger_source_unknown,      // §12.3 a PO's ledger entry names a PO that does not exist
    po_ledger_net_mismatch,     // §12.3 a PO's running net ≠ Σ its ledger entries
    completed_po_ledger,        // §12.3 a completed PO's entries ≠ −Σ verified
    cancelled_po_ledger,        // §12.3 a cancelled PO's entries do not sum to 0
    invoice_count,      // §12.4 a completed PO without exactly one invoice (or an early one)
    outbound_count,     // §12.4 a completed PO without exactly one outbound record
    day_load_mismatch,  // §12.5 a day's load ≠ Σ units of the POs scheduled on it
    day_over_capacity,  // §12.5 a day's load > its capacity with no override recorded
    more_findings,      // the list stopped at its bound; `found` counts the rest
};

std::string_view to_string(invariant_code c);
// The SPEC §12 item a code belongs to (1–5; 0 for more_findings).
int rule_of(invariant_code c);

struct invariant_finding {
    invariant_code code = invariant_code::more_findings;
    u32 id = 0;       // the PO, the shipment, or the ledger entry's sequence number; 0: none
    u32 id2 = 0;      // the product (§12.2); 0: none
    day on = no_day;  // §12.5
    region stamp_region = region::fed;  // §12.1 and §12.3 per region
    i64 expected = 0;                   // what the rule says the figure must be
    i64 found = 0;                      // what the state holds
    std::string message;                // one sentence naming the objects and figures
};

inline constexpr std::size_t invariant_findings_max = 1000;

// SPEC §12 1–5 on `s`. Empty when every rule holds. At most findings_max findings, then one
// more_findings counting the rest. O(size of the state); allocates its own tallies.
std::vector<invariant_finding> check_invariants(const state& s,
                                                std::size_t findings_max = invariant_findings_max);

}  // namespace stampd
