// The committer's seals (wal/storage/seal_file.hpp): fed every durable record in LSN order, it
// keeps the running digest and writes a seal every `every` records and at the end. Opened on a
// log that was sealed before, it resumes the digest from the last seal, reading the records
// since (normally fewer than `every`; every record stampd wrote without a key in between).
// Threads: opened before the committer starts, then the committer's alone.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "wal/storage/lmdb_env.hpp"
#include "wal/storage/seal_file.hpp"

namespace stampd::wal {

class log_sealer {
public:
    // Opens `seal_path` and resumes the digest after the last seal that holds under `key`, up to
    // the durable record `durable_lsn` whose chain is `durable_chain`. A last seal that does not
    // fit this log (beyond its end, another chain, another key) is said through `log` and
    // sealing starts afresh at the durable record: stamp-audit will report the seals before.
    static status open(const std::string& seal_path, std::string key, std::uint64_t every,
                       const lmdb_env& log, std::uint64_t durable_lsn, std::uint64_t durable_chain,
                       const std::function<void(const std::string&)>& log_line,
                       std::unique_ptr<log_sealer>& out);

    // The next durable records, in LSN order (header and payload as stored), sealed at each LSN
    // that is a multiple of `every`. Bytes that lie back to back (a batch's) are hashed in one
    // pass.
    void add(std::span<const keyed_value> records);
    // Seals what was added since the last seal (at shutdown).
    void finish();

private:
    log_sealer() = default;
    void seal_now();
    std::span<const std::uint8_t> key() const {
        return {reinterpret_cast<const std::uint8_t*>(_key.data()), _key.size()};
    }

    std::unique_ptr<seal_file> _file;
    std::string _key;
    std::uint64_t _every = 10'000;
    seal_chain _chain;
    std::uint64_t _chain_value = 0;  // the log's chain at the last record added
    bool _failed = false;            // a failed write was said, until one succeeds
    std::function<void(const std::string&)> _log;
};

}  // namespace stampd::wal
