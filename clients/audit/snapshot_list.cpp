// See data_dir.hpp.
#include "clients/audit/snapshot_list.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "engine/snapshot.hpp"
#include "wal/storage/record.hpp"

namespace stampd::audit {

using wal::bytes_of;

wal::status list_snapshots(const wal::lmdb_env& snapshots, std::vector<snapshot_entry>& out) {
    out.clear();
    wal::read_txn txn(snapshots);
    if (!txn.result().ok()) return txn.result();
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), snapshots.dbi(), &cursor); rc != 0) {
        return wal::status{rc, "opening a cursor on the snapshots"};
    }
    MDB_val key, value;
    int rc = mdb_cursor_get(cursor, &key, &value, MDB_FIRST);
    for (; rc == 0 && out.size() < snapshot_entries_max;
         rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT)) {
        snapshot_entry e{.size = value.mv_size};
        if (!wal::decode_lsn_key(bytes_of(key), e.key_lsn)) continue;  // not an LSN key
        if (value.mv_size >= wal::snapshot_header_size) {
            std::memcpy(&e.header, value.mv_data, wal::snapshot_header_size);
            e.has_header = true;
            const auto* bytes = static_cast<const std::uint8_t*>(value.mv_data);
            e.format = snapshot_format_of(
                std::span(bytes, value.mv_size).subspan(wal::snapshot_header_size));
        }
        out.push_back(e);
    }
    mdb_cursor_close(cursor);
    if (rc != 0 && rc != MDB_NOTFOUND) return wal::status{rc, "listing the snapshots"};
    return {};
}

wal::status read_snapshot(const wal::lmdb_env& snapshots, std::uint64_t lsn,
                          std::vector<std::uint8_t>& out, bool& found) {
    found = false;
    out.clear();
    wal::read_txn txn(snapshots);
    if (!txn.result().ok()) return txn.result();
    std::uint8_t key_bytes[wal::lsn_key_size];
    wal::encode_lsn_key(lsn, key_bytes);
    MDB_val key{wal::lsn_key_size, key_bytes}, value;
    const int rc = mdb_get(txn.get(), snapshots.dbi(), &key, &value);
    if (rc == MDB_NOTFOUND) return {};
    if (rc != 0) return wal::status{rc, "reading the snapshot at LSN " + std::to_string(lsn)};
    const auto bytes = bytes_of(value);
    out.assign(bytes.begin(), bytes.end());
    found = true;
    return {};
}

std::string hex64(std::uint64_t value) {
    char text[2 + 16 + 1];
    std::snprintf(text, sizeof text, "0x%016" PRIx64, value);
    return text;
}

}  // namespace stampd::audit
