// See damage.hpp.
#include "clients/audit/damage.hpp"

#include <cstring>

#include "clients/audit/snapshot_list.hpp"
#include "wal/storage/data_dir.hpp"

namespace stampd::audit {
namespace {

std::span<const std::uint8_t> bytes_of(const MDB_val& v) {
    return {static_cast<const std::uint8_t*>(v.mv_data), v.mv_size};
}

constexpr std::size_t survey_records_per_txn = 65'536;

}  // namespace

std::string describe_value(std::span<const std::uint8_t> value, std::uint64_t key_lsn) {
    wal::record_view v;
    const wal::record_status s = wal::parse_record(value, key_lsn, v);
    const wal::record_header& h = v.header;
    switch (s) {
        case wal::record_status::ok:
            return "";
        case wal::record_status::truncated:
            if (value.size() < wal::record_header_size) {
                return "truncated (" + std::to_string(value.size()) + " bytes, shorter than a " +
                       std::to_string(wal::record_header_size) + "-byte header)";
            }
            return "truncated (" + std::to_string(value.size()) + " bytes, its header says " +
                   std::to_string(wal::record_header_size + h.payload_size) + ")";
        case wal::record_status::bad_magic:
            return "not a record (magic " + hex64(h.magic) + ")";
        case wal::record_status::unknown_version:
            return "record version " + std::to_string(h.version) + ", newer than this reader's " +
                   std::to_string(wal::record_version);
        case wal::record_status::bad_checksum:
            if (value.size() != wal::record_header_size + h.payload_size) {
                return "bad checksum (" +
                       std::to_string(value.size() - wal::record_header_size - h.payload_size) +
                       " bytes past the payload)";
            }
            return "bad checksum (stored " + hex64(h.checksum) + ", computed " +
                   hex64(wal::record_checksum(h, v.payload)) + ")";
        case wal::record_status::key_mismatch:
            return "the record stored under LSN " + std::to_string(key_lsn) + " says it is LSN " +
                   std::to_string(h.lsn) + " (records swapped or moved)";
        default:
            return wal::to_string(s);
    }
}

log_damage describe_damage(const wal::lmdb_env& log, std::uint64_t lsn, std::uint64_t chain_before,
                           wal::record_status status) {
    log_damage d{
        .lsn = lsn, .status = status, .what = wal::to_string(status), .resume_key = lsn + 1};
    wal::read_txn txn(log);
    MDB_cursor* cursor = nullptr;
    if (!txn.result().ok() || mdb_cursor_open(txn.get(), log.dbi(), &cursor) != 0) return d;
    std::uint8_t key_bytes[wal::lsn_key_size];
    wal::encode_lsn_key(lsn, key_bytes);
    MDB_val key{wal::lsn_key_size, key_bytes}, value;
    const int rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
    mdb_cursor_close(cursor);
    if (rc != 0) return d;
    std::uint64_t key_lsn = 0;
    if (!wal::decode_lsn_key(bytes_of(key), key_lsn)) {
        d.what = "a key that is not an LSN (" + std::to_string(key.mv_size) + " bytes)";
        return d;
    }
    if (status == wal::record_status::gap) {
        d.what = "missing: the log goes from LSN " + std::to_string(lsn - 1) + " to LSN " +
                 std::to_string(key_lsn) + " (" + std::to_string(key_lsn - lsn) +
                 " record(s) missing)";
        d.resume_key = key_lsn;
        return d;
    }
    if (status == wal::record_status::broken_chain) {
        wal::record_header h;
        std::memcpy(&h, value.mv_data, wal::record_header_size);  // parse_record passed it
        d.what = "chain broken: the record says the chain before it is " + hex64(h.previous_chain) +
                 ", the log's chain at LSN " + std::to_string(lsn - 1) + " is " +
                 hex64(chain_before) + " (a record before it was changed, removed or reordered)";
        return d;
    }
    if (std::string what = describe_value(bytes_of(value), key_lsn); !what.empty()) {
        d.what = std::move(what);
    }
    return d;
}

namespace {

class surveyor {
public:
    explicit surveyor(damage_survey& out) : _out(out) {}

    void note(std::uint64_t lsn, std::string what) {
        if (_out.places.size() < places_max) _out.places.push_back({lsn, std::move(what)});
    }

    void visit(std::uint64_t key_lsn, std::span<const std::uint8_t> value) {
        if (_out.records == 0) _out.first_lsn = key_lsn;
        if (_out.records > 0 && key_lsn > _out.last_lsn + 1) {
            _out.missing += key_lsn - _out.last_lsn - 1;
            note(_out.last_lsn + 1, "missing: LSN " + std::to_string(_out.last_lsn + 1) + ".." +
                                        std::to_string(key_lsn - 1));
            _linked = false;
        }
        ++_out.records;
        _out.last_lsn = key_lsn;
        wal::record_view v;
        if (wal::parse_record(value, key_lsn, v) != wal::record_status::ok) {
            ++_out.damaged;
            note(key_lsn, describe_value(value, key_lsn));
            _linked = false;
            return;
        }
        ++_out.intact;
        if (_linked && v.header.previous_chain != _chain) {
            ++_out.chain_breaks;
            note(key_lsn, "chain broken: the record says the chain before it is " +
                              hex64(v.header.previous_chain) + ", the chain up to LSN " +
                              std::to_string(key_lsn - 1) + " is " + hex64(_chain));
        }
        _chain = wal::chain_after(v.header.previous_chain, v.header.checksum);
        _linked = true;
    }

private:
    damage_survey& _out;
    std::uint64_t _chain = 0;
    bool _linked = false;  // the record before was intact and adjacent: the chain can be checked
};

}  // namespace

damage_survey survey_after(const wal::lmdb_env& log, std::uint64_t from_key, std::uint64_t to_lsn) {
    damage_survey out;
    surveyor s(out);
    std::uint64_t next = from_key;
    bool more = next <= to_lsn;
    while (more) {  // one short read transaction per survey_records_per_txn records
        wal::read_txn txn(log);
        MDB_cursor* cursor = nullptr;
        if (!txn.result().ok() || mdb_cursor_open(txn.get(), log.dbi(), &cursor) != 0) break;
        std::uint8_t key_bytes[wal::lsn_key_size];
        wal::encode_lsn_key(next, key_bytes);
        MDB_val key{wal::lsn_key_size, key_bytes}, value;
        int rc = mdb_cursor_get(cursor, &key, &value, MDB_SET_RANGE);
        std::size_t n = 0;
        for (; rc == 0 && n < survey_records_per_txn; ++n) {
            std::uint64_t key_lsn = 0;
            if (!wal::decode_lsn_key(bytes_of(key), key_lsn) || key_lsn > to_lsn) {
                rc = MDB_NOTFOUND;
                break;
            }
            s.visit(key_lsn, bytes_of(value));
            next = key_lsn + 1;
            rc = mdb_cursor_get(cursor, &key, &value, MDB_NEXT);
        }
        mdb_cursor_close(cursor);
        more = rc == 0;
    }
    return out;
}

}  // namespace stampd::audit
