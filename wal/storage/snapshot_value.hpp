// Encoding and checking one snapshot value (the format is wal/storage/snapshot_format.hpp). Pure
// functions, shared by the snapshotter, recovery, stamp-report and stamp-audit; safe from any
// thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/state.hpp"
#include "wal/storage/snapshot_format.hpp"

namespace stampd::wal {

// The state at its last LSN, whose log chain there is `chain`, as a snapshot value.
void encode_snapshot_value(const state& s, std::uint64_t chain, std::vector<std::uint8_t>& out);

// How far a snapshot is checked.
//   verify       everything, the digest recomputed from the decoded state by encoding it again:
//                the decoder is proved to have read back every figure (stamp-audit).
//   recover      the checksum, the digest of the stored bytes against the header's (the encoding
//                is canonical, so it is the state's digest as written), every index built — for
//                stampd's recovery, which needs the whole state and no second encoding (0.8 s of
//                2 s at 10 million records); the decoder's fidelity is stamp-audit's to prove.
//   for_reading  the checksum only, the digest taken from the header and the barcode index not
//                built — for reports, which never decide; several times quicker again.
//   for_reading_without_boxes  as for_reading, and the boxes and the run queue skipped: for a
//                report that looks at no box and replays nothing after the snapshot (the state
//                is not one to apply events to). data_dir::load_newest_snapshot reads any
//                snapshot but the one at exactly the LSN asked for as for_reading.
enum class snapshot_reading : std::uint8_t {
    verify,
    recover,
    for_reading,
    for_reading_without_boxes
};

struct snapshot_check {
    snapshot_status status = snapshot_status::ok;
    snapshot_header header{};    // as stored (zero when truncated)
    std::uint64_t checksum = 0;  // computed over the bytes (once the header is read)
    std::uint64_t digest = 0;    // of the decoded state (once it decodes), in its own format
    std::uint32_t format = 0;    // the state's format (engine/snapshot.hpp), once it decodes
    std::string detail;          // the decoder's reason, for bad_state

    bool ok() const { return status == snapshot_status::ok; }
    // "snapshot checksum mismatch", with the decoder's reason for bad_state.
    std::string message() const;
};

// Every check, with the figures: `out` holds the decoded state when the status is ok or
// digest_mismatch, else is left empty. A snapshot of an earlier format is checked against the
// digest of that format: of the decoded state written again in it (from 5), or of its bytes
// (3 and 4, which the encoder no longer writes).
snapshot_check check_snapshot_value(std::span<const std::uint8_t> value, state& out,
                                    snapshot_reading how = snapshot_reading::verify);

}  // namespace stampd::wal
