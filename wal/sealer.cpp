// See sealer.hpp.
#include "wal/sealer.hpp"

#include <cassert>
#include <cstring>
#include <vector>

#include "wal/storage/log_reader.hpp"
#include "wal/storage/record.hpp"

namespace stampd::wal {

status log_sealer::open(const std::string& seal_path, std::string key, std::uint64_t every,
                        const lmdb_env& log, std::uint64_t durable_lsn, std::uint64_t durable_chain,
                        const std::function<void(const std::string&)>& log_line,
                        std::unique_ptr<log_sealer>& out) {
    std::unique_ptr<log_sealer> s(new log_sealer());
    s->_key = std::move(key);
    s->_every = std::max<std::uint64_t>(1, every);
    s->_log = log_line;
    if (status st = seal_file::open_for_appending(seal_path, s->_file); !st.ok()) return st;
    std::vector<seal> seals;
    if (status st = seal_file::read_all(seal_path, seals); !st.ok()) return st;
    s->_chain_value = durable_chain;
    const std::string lsn_d = std::to_string(durable_lsn);
    if (seals.empty()) {
        s->_chain.start(durable_lsn, seal_digest{});
        if (durable_lsn > 0)
            log_line("sealing begins after LSN " + lsn_d + " (" + seal_path +
                     " holds no seal): the records up to it are not sealed");
        out = std::move(s);
        return {};
    }
    // The newest seal that holds: a crash may leave a damaged last entry (the file is not
    // synced), which verify reports; sealing goes on from the one before it.
    std::size_t newest = seals.size();
    while (newest > 0 && !seal_holds(s->key(), seals[newest - 1]))
        --newest;
    if (newest > 0 && newest < seals.size()) {
        log_line(std::to_string(seals.size() - newest) + " seal(s) at the end of " + seal_path +
                 " do not hold under this key: sealing goes on from the seal of LSN " +
                 std::to_string(seals[newest - 1].lsn));
    }
    const seal& last = seals[newest > 0 ? newest - 1 : seals.size() - 1];
    std::string misfit;
    if (newest == 0) {
        misfit = "does not hold under this key (was the key changed?)";
    } else if (last.lsn > durable_lsn) {
        misfit = "is beyond the log, which ends at LSN " + lsn_d;
    } else {
        // The records since the last seal, into its digest; bounded by the log's length.
        s->_chain.start(last.lsn, last.digest);
        log_reader reader(log, last.lsn + 1, last.chain);
        record_view v;
        record_status rs;
        while ((rs = reader.next(v)) == record_status::ok && v.header.lsn <= durable_lsn) {
            s->_chain.add(v.header.lsn,
                          {reinterpret_cast<const std::uint8_t*>(&v.header), record_header_size},
                          v.payload);
        }
        if (rs != record_status::ok && rs != record_status::end) {
            misfit = "cannot be continued: the log after it reads " + std::string(to_string(rs)) +
                     (reader.storage().ok() ? "" : " (" + reader.storage().message() + ")");
        } else if (s->_chain.last_lsn() != durable_lsn || reader.chain() != durable_chain) {
            misfit = "is not of this log (its chain leads elsewhere)";
        }
    }
    if (!misfit.empty()) {
        log_line("the last seal in " + seal_path + " (LSN " + std::to_string(last.lsn) + ") " +
                 misfit + ": sealing starts afresh after LSN " + lsn_d +
                 "; stamp-audit verify --seal-key-file reports the seals before");
        s->_chain.start(durable_lsn, seal_digest{});
    }
    out = std::move(s);
    return {};
}

void log_sealer::add(std::span<const keyed_value> records) {
    std::size_t run = 0;  // the first record not hashed yet
    const auto hash_through = [&](std::size_t last) {
        const std::uint8_t* begin = records[run].bytes.data();
        const std::uint8_t* end = records[last].bytes.data() + records[last].bytes.size();
        _chain.add_run(records[last].lsn, {begin, static_cast<std::size_t>(end - begin)});
        run = last + 1;
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
        const keyed_value& v = records[i];
        assert(v.bytes.size() >= record_header_size);
        if (i > run && records[i - 1].bytes.data() + records[i - 1].bytes.size() != v.bytes.data())
            hash_through(i - 1);  // not back to back: the run so far, then a new one
        if (v.lsn % _every == 0 || i + 1 == records.size()) {
            hash_through(i);
            record_header h;
            std::memcpy(&h, v.bytes.data(), record_header_size);
            _chain_value = chain_after(h.previous_chain, h.checksum);
            if (v.lsn % _every == 0) seal_now();
        }
    }
}

void log_sealer::finish() {
    if (_chain.last_lsn() != _chain.from_lsn()) seal_now();
}

void log_sealer::seal_now() {
    const seal s{.lsn = _chain.last_lsn(),
                 .from_lsn = _chain.from_lsn(),
                 .chain = _chain_value,
                 .digest = _chain.digest()};
    const status st = _file->append(key(), s);
    if (st.ok()) {
        // The next segment chains on this seal. After a failed write the segment goes on, so
        // the next seal covers these records as well.
        _chain.start(s.lsn, s.digest);
        if (_failed) _log("sealing the log again (through LSN " + std::to_string(s.lsn) + ")");
    } else if (!_failed) {
        _log("cannot seal the log: " + st.message() +
             " (commits go on; the next seal will cover these records)");
    }
    _failed = !st.ok();
}

}  // namespace stampd::wal
