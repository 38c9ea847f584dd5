// See log_reader.hpp.
#include "wal/storage/log_reader.hpp"

namespace stampd::wal {

log_reader::log_reader(const lmdb_env& log, std::uint64_t from_lsn, std::uint64_t previous_chain)
    : _txn(log), _expected(from_lsn), _chain(previous_chain) {
    _storage = _txn.result();
    if (_storage.ok()) {
        if (int rc = mdb_cursor_open(_txn.get(), log.dbi(), &_cursor); rc != 0) {
            _storage = status{rc, "opening a cursor on the log"};
            _cursor = nullptr;
        }
    }
}

log_reader::~log_reader() {
    if (_cursor != nullptr) mdb_cursor_close(_cursor);
}

record_status log_reader::next(record_view& out) {
    if (_cursor == nullptr) return record_status::end;
    MDB_val key, value;
    int rc;
    if (!_positioned) {
        std::uint8_t key_bytes[lsn_key_size];
        encode_lsn_key(_expected, key_bytes);
        key = MDB_val{lsn_key_size, key_bytes};
        rc = mdb_cursor_get(_cursor, &key, &value, MDB_SET_RANGE);
    } else {
        rc = mdb_cursor_get(_cursor, &key, &value, MDB_NEXT);
    }
    if (rc == MDB_NOTFOUND) return record_status::end;
    if (rc != 0) {
        _storage = status{rc, "reading LSN " + std::to_string(_expected)};
        return record_status::truncated;
    }
    std::uint64_t lsn = 0;
    if (!decode_lsn_key({static_cast<const std::uint8_t*>(key.mv_data), key.mv_size}, lsn)) {
        return record_status::key_mismatch;
    }
    if (lsn != _expected) return record_status::gap;
    const record_status s =
        parse_record({static_cast<const std::uint8_t*>(value.mv_data), value.mv_size}, lsn, out);
    if (s != record_status::ok) return s;
    if (out.header.previous_chain != _chain) return record_status::broken_chain;
    _positioned = true;
    _chain = chain_after(_chain, out.header.checksum);
    ++_expected;
    return record_status::ok;
}

}  // namespace stampd::wal
