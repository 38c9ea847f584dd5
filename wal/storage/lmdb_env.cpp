// See lmdb_env.hpp.
#include "wal/storage/lmdb_env.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "wal/storage/record.hpp"

namespace stampd::wal {
namespace {

// A map that doubles this many times has grown 2^20-fold: past that, growing is not the cure.
constexpr int map_growths_max = 20;

// What a write-through-the-map transaction may need beyond its values' bytes: branch and leaf
// pages, and the free list, which records every page a trimmed snapshot gave back (8 bytes a
// page: 1/512 of the bytes freed, so 1/64 of the value leaves room for trimming several).
constexpr std::size_t reserve_margin = std::size_t{1} << 20;
constexpr std::size_t reserve_share = 64;

status fail(int code, std::string what) {
    return status{code, std::move(what)};
}

// LMDB's two meta pages (pages 0 and 1; MDB_meta in LMDB 0.9's mdb.c, 64-bit layout, after the
// 16-byte page header): the live one, with the larger transaction id, says how many pages the
// environment holds. The fields read here:
constexpr std::size_t meta_magic_at = 16, meta_version_at = 20;
constexpr std::size_t meta_page_size_at = 40;  // mm_dbs[FREE_DBI].md_pad holds the page size
constexpr std::size_t meta_last_page_at = 136, meta_txnid_at = 144, meta_end = 152;
constexpr std::uint32_t meta_magic = 0xBEEFC0DE, meta_version = 1;

struct meta_fields {
    bool valid = false;
    std::uint32_t page_size = 0;
    std::uint64_t last_page = 0, txnid = 0;
};

meta_fields read_meta(int fd, off_t at) {
    std::uint8_t page[meta_end];
    meta_fields m;
    if (::pread(fd, page, sizeof page, at) != static_cast<ssize_t>(sizeof page)) return m;
    std::uint32_t magic = 0, version = 0;
    std::memcpy(&magic, page + meta_magic_at, 4);
    std::memcpy(&version, page + meta_version_at, 4);
    std::memcpy(&m.page_size, page + meta_page_size_at, 4);
    std::memcpy(&m.last_page, page + meta_last_page_at, 8);
    std::memcpy(&m.txnid, page + meta_txnid_at, 8);
    const bool power_of_two = m.page_size != 0 && (m.page_size & (m.page_size - 1)) == 0;
    m.valid = magic == meta_magic && version == meta_version && power_of_two &&
              m.page_size >= 512 && m.page_size <= 65536;
    return m;
}

// LMDB maps the file and touches its pages without checking the file's length: a data.mdb cut
// short (a partial copy, a bad restore, a truncation) kills the process with SIGBUS, and with
// MDB_WRITEMAP LMDB would first extend it with zeros. Compare the length with the live meta page
// before LMDB sees the file. Metas LMDB would not accept are left to LMDB (MDB_INVALID).
status check_length_against_meta(const std::string& dir) {
    const std::string file = dir + "/data.mdb";
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? status{} : fail(errno, "opening " + file);
    struct stat st {};
    status result;
    if (::fstat(fd, &st) != 0) {
        result = fail(errno, "reading the length of " + file);
    } else if (st.st_size > 0) {
        const meta_fields first = read_meta(fd, 0);
        const meta_fields second = first.valid ? read_meta(fd, first.page_size) : meta_fields{};
        if (first.valid && second.valid && first.page_size == second.page_size) {
            const meta_fields& live = first.txnid >= second.txnid ? first : second;
            const std::uint64_t need = (live.last_page + 1) * live.page_size;
            if (static_cast<std::uint64_t>(st.st_size) < need) {
                result = corrupted(
                    file + " is " + std::to_string(st.st_size) +
                    " bytes, but its meta page (transaction " + std::to_string(live.txnid) +
                    ") says it holds " + std::to_string(live.last_page + 1) + " pages of " +
                    std::to_string(live.page_size) + " bytes (" + std::to_string(need) +
                    " bytes): the file is truncated; restore the data directory "
                    "from a backup");
            }
        }
    }
    ::close(fd);
    return result;
}

}  // namespace

status lmdb_env::open(const env_options& options, const char* database,
                      std::unique_ptr<lmdb_env>& out) {
    std::unique_ptr<lmdb_env> e(new lmdb_env());
    e->_options = options;
    e->_database = database;
    if (!options.read_only && ::mkdir(options.path.c_str(), 0700) != 0 && errno != EEXIST) {
        return fail(errno, "creating " + options.path);
    }
    if (status s = e->open_env(); !s.ok()) return s;
    out = std::move(e);
    return {};
}

status lmdb_env::open_env() {
    const env_options& options = _options;
    if (status s = check_length_against_meta(options.path); !s.ok()) return s;
    if (int rc = mdb_env_create(&_env); rc != 0) return fail(rc, "mdb_env_create");
    mdb_env_set_maxdbs(_env, 4);
    mdb_env_set_maxreaders(_env, options.max_readers);
    if (!options.read_only) mdb_env_set_mapsize(_env, options.map_size);
    unsigned flags = MDB_NOTLS;
    if (options.read_only) flags |= MDB_RDONLY;
    if (writes_through_map()) flags |= MDB_WRITEMAP;
    if (!options.sync) flags |= MDB_NOSYNC;
    if (int rc = mdb_env_open(_env, options.path.c_str(), flags, 0600); rc != 0) {
        return fail(rc, "opening LMDB environment " + options.path);
    }
    // Readers that died (kill -9) leave their slots taken; free them before anything else.
    int dead = 0;
    mdb_reader_check(_env, &dead);
    const std::string what = "opening database " + _database + " in " + options.path;
    MDB_txn* txn = nullptr;
    if (!options.read_only) {
        if (status s = reserve(0, what.c_str()); !s.ok()) return s;
    }
    if (int rc = mdb_txn_begin(_env, nullptr, options.read_only ? MDB_RDONLY : 0, &txn); rc != 0) {
        return fail(rc, what);
    }
    if (int rc = mdb_dbi_open(txn, _database.c_str(), options.read_only ? 0 : MDB_CREATE, &_dbi);
        rc != 0) {
        mdb_txn_abort(txn);
        return fail(rc, what);
    }
    // lmdb.h: a handle opened in a transaction that aborts is closed with it; committing (also a
    // read-only one) keeps it for the environment's life.
    if (options.read_only) {
        if (int rc = mdb_txn_commit(txn); rc != 0) return fail(rc, what);
    } else if (status s = commit(txn, "creating database"); !s.ok()) {
        return s;
    }
    return {};
}

void lmdb_env::reopen_if_panicked() {
    // No transaction of this process may be open (as for grow()).
    std::unique_lock lock(_resize);
    if (_env != nullptr) {
        MDB_txn* probe = nullptr;
        const int rc = mdb_txn_begin(_env, nullptr, MDB_RDONLY, &probe);
        if (rc == 0) mdb_txn_abort(probe);
        if (rc != MDB_PANIC) return;
        _options.map_size = map_size();
        mdb_env_close(_env);
        _env = nullptr;
    }
    // Whatever the failed write left, LMDB reads the metas afresh: the newest whole one wins, as
    // after a crash. A failure here leaves _env null and the next write tries again.
    _reopening = true;
    const status opened = open_env();
    _reopening = false;
    if (!opened.ok()) {
        if (_env != nullptr) mdb_env_close(_env);
        _env = nullptr;
    }
}

lmdb_env::~lmdb_env() {
    if (_env != nullptr) mdb_env_close(_env);
}

std::size_t lmdb_env::map_size() const {
    MDB_envinfo info;
    mdb_env_info(_env, &info);
    return info.me_mapsize;
}

status lmdb_env::grow() {
    // No transaction of this process may be open: the caller aborted its own, and readers on
    // other threads hold _resize shared for as long as theirs is open (lmdb.h,
    // mdb_env_set_mapsize).
    std::unique_lock lock(_resize);
    const std::size_t size = map_size() * 2;
    if (int rc = mdb_env_set_mapsize(_env, size); rc != 0) {
        return fail(rc, "growing the map to " + std::to_string(size) + " bytes");
    }
    return {};
}

void lmdb_env::flush_in_steps() {
    if (_options.flush_step == 0 || !_options.sync) return;
    int fd = -1;
    if (mdb_env_get_fd(_env, &fd) != 0) return;
    struct stat st;
    if (::fstat(fd, &st) != 0) return;
    // Early writeback only: LMDB's commit still syncs data before it writes the meta page, so a
    // crash at any point leaves the previous snapshot intact. Errors here surface at that sync.
    const auto size = static_cast<std::uint64_t>(st.st_size);
    for (std::uint64_t at = 0; at < size; at += _options.flush_step) {
        ::sync_file_range(
            fd, static_cast<off64_t>(at), static_cast<off64_t>(_options.flush_step),
            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
    }
}

status lmdb_env::reserve(std::size_t bytes, const char* what) {
    if (!writes_through_map()) return {};
    MDB_envinfo info;
    MDB_stat stat;
    int fd = -1;
    if (int rc = mdb_env_info(_env, &info); rc != 0) return fail(rc, what);
    if (int rc = mdb_env_stat(_env, &stat); rc != 0) return fail(rc, what);
    if (int rc = mdb_env_get_fd(_env, &fd); rc != 0) return fail(rc, what);
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail(errno, std::string{what} + ": reading the file's length");
    // Pages up to the last one in use have been written (so have their blocks); new pages come
    // after it. The file is as long as the map (LMDB sets it so): a transaction that needs more
    // fails with MDB_MAP_FULL before it touches a page, and the map grows.
    const auto from = static_cast<std::uint64_t>(info.me_last_pgno + 1) * stat.ms_psize;
    const auto length = static_cast<std::uint64_t>(st.st_size);
    if (from >= length) return {};
    const std::uint64_t want = bytes + bytes / reserve_share + reserve_margin;
    const std::uint64_t span = std::min(want, length - from);
    if (const int rc = ::posix_fallocate(fd, static_cast<off_t>(from), static_cast<off_t>(span));
        rc != 0) {
        return fail(rc, std::string{what} + ": reserving " + std::to_string(span) +
                            " bytes of disk for it");
    }
    return {};
}

status lmdb_env::commit(MDB_txn* txn, const char* what) {
    ++_commits;
    if (_fault) {
        if (const int injected = _fault(_commits); injected != 0) {
            mdb_txn_abort(txn);
            return fail(injected, std::string{what} + " (injected fault)");
        }
    }
    if (int rc = mdb_txn_commit(txn); rc != 0) {
        // A failed write of the meta page leaves the environment unusable (MDB_PANIC, for every
        // transaction of this process, reads too) until it is opened again — not from within a
        // reopen (open_env commits too), which holds the resize lock already.
        if (!_reopening) reopen_if_panicked();
        return fail(rc, what);
    }
    return {};
}

status lmdb_env::write(const char* what, std::size_t bytes,
                       const std::function<int(MDB_txn*)>& body) {
    assert(!_options.read_only);
    for (int growths = 0; growths <= map_growths_max; ++growths) {
        if (_env == nullptr) reopen_if_panicked();
        if (_env == nullptr)
            return fail(MDB_PANIC, std::string{what} + ": the log could not be opened again");
        if (status s = reserve(bytes, what); !s.ok()) return s;
        MDB_txn* txn = nullptr;
        if (int rc = mdb_txn_begin(_env, nullptr, 0, &txn); rc != 0) {
            return fail(rc, std::string{what} + ": beginning a write transaction");
        }
        if (const int rc = body(txn); rc != 0) {
            mdb_txn_abort(txn);
            if (rc != MDB_MAP_FULL) return fail(rc, what);
        } else {
            flush_in_steps();
            status s = commit(txn, what);
            if (s.code != MDB_MAP_FULL) return s;
        }
        // The map is full: a bigger one, then the whole transaction again.
        if (status s = grow(); !s.ok()) return s;
    }
    return fail(MDB_MAP_FULL, std::string{what} + ": the map did not grow enough");
}

status lmdb_env::append(std::span<const keyed_value> values) {
    assert(!values.empty());
    const std::string what = "appending LSN " + std::to_string(values.front().lsn) + ".." +
                             std::to_string(values.back().lsn);
    std::size_t bytes = 0;
    for (const keyed_value& v : values)
        bytes += v.bytes.size();
    return write(what.c_str(), bytes, [&](MDB_txn* txn) {
        for (const keyed_value& v : values) {
            std::uint8_t key_bytes[lsn_key_size];
            encode_lsn_key(v.lsn, key_bytes);
            MDB_val key{lsn_key_size, key_bytes};
            MDB_val data{v.bytes.size(), const_cast<std::uint8_t*>(v.bytes.data())};
            if (const int rc = mdb_put(txn, _dbi, &key, &data, MDB_APPEND); rc != 0) return rc;
        }
        return 0;
    });
}

status lmdb_env::put_and_trim(std::uint64_t lsn, std::span<const std::uint8_t> bytes,
                              std::size_t keep) {
    const std::string what = "writing the snapshot at LSN " + std::to_string(lsn);
    return write(what.c_str(), bytes.size(), [&](MDB_txn* txn) {
        std::uint8_t key_bytes[lsn_key_size];
        encode_lsn_key(lsn, key_bytes);
        MDB_val key{lsn_key_size, key_bytes};
        MDB_val data{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
        int rc = mdb_put(txn, _dbi, &key, &data, 0);
        if (rc != 0) return rc;
        MDB_stat stat;
        if ((rc = mdb_stat(txn, _dbi, &stat)) != 0) return rc;
        MDB_cursor* cursor = nullptr;
        if ((rc = mdb_cursor_open(txn, _dbi, &cursor)) != 0) return rc;
        for (std::size_t n = stat.ms_entries; rc == 0 && n > keep; --n) {
            MDB_val k, v;
            rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST);
            if (rc == 0) rc = mdb_cursor_del(cursor, 0);
        }
        mdb_cursor_close(cursor);
        return rc;
    });
}

status lmdb_env::last_key(std::uint64_t& lsn) const {
    lsn = 0;
    return newest_first([&lsn](std::uint64_t key, std::span<const std::uint8_t>) {
        lsn = key;
        return false;
    });
}

status lmdb_env::newest_first(
    const std::function<bool(std::uint64_t, std::span<const std::uint8_t>)>& visit) const {
    read_txn txn(*this);
    if (!txn.result().ok()) return txn.result();
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), _dbi, &cursor); rc != 0) {
        return fail(rc, "opening a cursor in " + _options.path);
    }
    status result;
    MDB_val key, value;
    int rc = mdb_cursor_get(cursor, &key, &value, MDB_LAST);
    for (; rc == 0; rc = mdb_cursor_get(cursor, &key, &value, MDB_PREV)) {
        std::uint64_t lsn = 0;
        if (!decode_lsn_key(bytes_of(key), lsn)) {
            result = corrupted("a key of " + std::to_string(key.mv_size) + " bytes in " +
                               _options.path + ", not an LSN");
            break;
        }
        if (!visit(lsn, bytes_of(value))) break;
    }
    mdb_cursor_close(cursor);
    if (result.ok() && rc != 0 && rc != MDB_NOTFOUND) {
        result = fail(rc, "reading " + _options.path);
    }
    return result;
}

read_txn::read_txn(const lmdb_env& env) : _resize(env._resize) {
    if (env.env() == nullptr) {  // a reopen after MDB_PANIC failed; the next write tries again
        _status = status{MDB_PANIC, "beginning a read transaction in " + env.options().path +
                                        ": the environment could not be opened again"};
        return;
    }
    int rc = mdb_txn_begin(env.env(), nullptr, MDB_RDONLY, &_txn);
    if (rc == MDB_MAP_RESIZED) {
        // Another process grew the map: adopt its size (lmdb.h, MDB_MAP_RESIZED), then retry.
        mdb_env_set_mapsize(env.env(), 0);
        rc = mdb_txn_begin(env.env(), nullptr, MDB_RDONLY, &_txn);
    }
    if (rc != 0) {
        _txn = nullptr;
        _status = status{rc, "beginning a read transaction in " + env.options().path};
    }
}

read_txn::~read_txn() {
    if (_txn != nullptr) mdb_txn_abort(_txn);
    // _resize is released after the transaction has closed.
}

}  // namespace stampd::wal
