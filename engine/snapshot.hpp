// The snapshot format: the whole state as one canonical byte string (every table in id order,
// integers little-endian, strings and lists with their size first), and its decoder, which
// rebuilds the lookup indexes. The state digest (SPEC §12.6) is XXH3-64 over these same bytes,
// so a snapshot and a digest can never disagree about what "the same state" means.
// Pure functions; the caller owns threads. decode never trusts its input: every size is bounded.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "engine/state.hpp"

namespace stampd {

// Bumped when the layout changes; decode refuses versions it does not know.
// 2: invoices keep when they entered each status, outbound records when they were created.
// 3: users keep an Argon2id password hash.
// 4: a session's replies keep the fingerprint of the command answered, consignees their addresses
//    and tax registration (version 3 still reads: fingerprints unknown, addresses empty).
// 5: tax by component: rates per province and component in settings and on invoices, the tax of
//    each component in invoice totals (3 and 4 still read: a combined rate is its province's HST
//    or GST).
// 6: a PO keeps the history of its states and its cancel reason, an outbound record who shipped
//    it and when (3 to 5 still read: no history, no reason, not shipped).
// 7: the warehouse's identity in settings, the physical counts of stamps (3 to 6 still read: no
//    identity, no counts).
inline constexpr u32 snapshot_format_version = 7;
inline constexpr u32 snapshot_format_readable_min = 3;
// The earliest format the encoder can still write (for digests only, below): 3 and 4 kept one
// combined tax rate that is not written back.
inline constexpr u32 snapshot_format_writable_min = 5;

// The format of an encoded state (its first field), 0 when too short to say.
u32 snapshot_format_of(std::span<const u8> bytes);

// The digest of `s` written as `format` (snapshot_format_writable_min..snapshot_format_version):
// what a snapshot of that format holds. state_digest(s) (engine.hpp) is the newest format's.
// A snapshot of an earlier format is compared with a state by this digest, since the state the
// new format writes holds more.
u64 state_digest(const state& s, u32 format);

void encode_snapshot(const state& s, std::vector<u8>& out);

enum class snapshot_error : u8 { ok, truncated, unknown_version, bad_value, trailing_bytes };
std::string_view to_string(snapshot_error e);

// What decoding rebuilds. Only decide() looks boxes up by barcode, so readers that never decide
// (reports) skip that index: at millions of boxes it is most of the decode. A reader that also
// applies nothing after the snapshot and never looks at a box (the Stamp Accounting report
// without its entries) skips the boxes and the run queue altogether — their bytes are stepped
// over, still bounded by the input — and gets a state without them: not one to apply events to.
enum class snapshot_indexes : u8 { all, without_barcodes, without_boxes };

// Replaces `out` with the decoded state. On an error `out` is left empty.
snapshot_error decode_snapshot(std::span<const u8> bytes, state& out,
                               snapshot_indexes indexes = snapshot_indexes::all);

}  // namespace stampd
