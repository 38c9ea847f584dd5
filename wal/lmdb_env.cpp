// See lmdb_env.hpp.
#include "wal/lmdb_env.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cassert>
#include <cerrno>
#include <mutex>

#include "wal/record.hpp"

namespace stampd::wal {

std::string status::message() const {
    if (ok()) return "ok";
    return what + ": " + mdb_strerror(code);
}

namespace {

status fail(int code, std::string what) {
    return status{code, std::move(what)};
}

}  // namespace

status lmdb_env::open(const env_options& options, const char* database,
                      std::unique_ptr<lmdb_env>& out) {
    std::unique_ptr<lmdb_env> e(new lmdb_env());
    e->_options = options;
    if (!options.read_only && ::mkdir(options.path.c_str(), 0755) != 0 && errno != EEXIST) {
        return fail(errno, "creating " + options.path);
    }
    if (int rc = mdb_env_create(&e->_env); rc != 0) return fail(rc, "mdb_env_create");
    mdb_env_set_maxdbs(e->_env, 4);
    mdb_env_set_maxreaders(e->_env, options.max_readers);
    if (!options.read_only) mdb_env_set_mapsize(e->_env, options.map_size);
    unsigned flags = MDB_NOTLS;
    if (options.read_only) flags |= MDB_RDONLY;
    if (!options.read_only && options.flush_step > 0) flags |= MDB_WRITEMAP;
    if (!options.sync) flags |= MDB_NOSYNC;
    if (int rc = mdb_env_open(e->_env, options.path.c_str(), flags, 0644); rc != 0) {
        return fail(rc, "opening LMDB environment " + options.path);
    }
    // Readers that died (kill -9) leave their slots taken; free them before anything else.
    int dead = 0;
    mdb_reader_check(e->_env, &dead);
    MDB_txn* txn = nullptr;
    if (int rc = mdb_txn_begin(e->_env, nullptr, options.read_only ? MDB_RDONLY : 0, &txn);
        rc != 0) {
        return fail(rc, "opening database " + std::string{database});
    }
    const int rc = mdb_dbi_open(txn, database, options.read_only ? 0 : MDB_CREATE, &e->_dbi);
    if (rc != 0) {
        mdb_txn_abort(txn);
        return fail(rc, "opening database " + std::string{database} + " in " + options.path);
    }
    // lmdb.h: a handle opened in a transaction that aborts is closed with it; committing (also a
    // read-only one) keeps it for the environment's life.
    if (options.read_only) {
        if (int commit_rc = mdb_txn_commit(txn); commit_rc != 0) {
            return fail(commit_rc, "opening database " + std::string{database});
        }
    } else if (status s = e->commit(txn, "creating database"); !s.ok()) {
        return s;
    }
    out = std::move(e);
    return {};
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

status lmdb_env::commit(MDB_txn* txn, const char* what) {
    ++_commits;
    if (_fault) {
        if (const int injected = _fault(_commits); injected != 0) {
            mdb_txn_abort(txn);
            return fail(injected, std::string{what} + " (injected fault)");
        }
    }
    if (int rc = mdb_txn_commit(txn); rc != 0) return fail(rc, what);
    return {};
}

status lmdb_env::append(std::span<const keyed_value> values) {
    for (int attempt = 0; attempt < 64; ++attempt) {
        MDB_txn* txn = nullptr;
        if (int rc = mdb_txn_begin(_env, nullptr, 0, &txn); rc != 0) {
            return fail(rc, "beginning a write transaction");
        }
        int rc = 0;
        for (const keyed_value& v : values) {
            std::uint8_t key_bytes[lsn_key_size];
            encode_lsn_key(v.lsn, key_bytes);
            MDB_val key{lsn_key_size, key_bytes};
            MDB_val data{v.bytes.size(), const_cast<std::uint8_t*>(v.bytes.data())};
            rc = mdb_put(txn, _dbi, &key, &data, MDB_APPEND);
            if (rc != 0) break;
        }
        if (rc == MDB_MAP_FULL) {
            mdb_txn_abort(txn);
            if (status s = grow(); !s.ok()) return s;
            continue;
        }
        if (rc != 0) {
            mdb_txn_abort(txn);
            return fail(rc, "appending LSN " + std::to_string(values.front().lsn) + ".." +
                                std::to_string(values.back().lsn));
        }
        status s = commit(txn, "committing the log");
        if (s.code == MDB_MAP_FULL) {
            if (status g = grow(); !g.ok()) return g;
            continue;
        }
        return s;
    }
    return fail(MDB_MAP_FULL, "the map could not grow enough");
}

status lmdb_env::put_and_trim(std::uint64_t lsn, std::span<const std::uint8_t> bytes,
                              std::size_t keep) {
    for (int attempt = 0; attempt < 64; ++attempt) {
        MDB_txn* txn = nullptr;
        if (int rc = mdb_txn_begin(_env, nullptr, 0, &txn); rc != 0) {
            return fail(rc, "beginning a write transaction");
        }
        std::uint8_t key_bytes[lsn_key_size];
        encode_lsn_key(lsn, key_bytes);
        MDB_val key{lsn_key_size, key_bytes};
        MDB_val data{bytes.size(), const_cast<std::uint8_t*>(bytes.data())};
        int rc = mdb_put(txn, _dbi, &key, &data, 0);
        if (rc == 0) {
            MDB_stat stat;
            mdb_stat(txn, _dbi, &stat);
            MDB_cursor* cursor = nullptr;
            rc = mdb_cursor_open(txn, _dbi, &cursor);
            for (std::size_t n = stat.ms_entries; rc == 0 && n > keep; --n) {
                MDB_val k, v;
                rc = mdb_cursor_get(cursor, &k, &v, MDB_FIRST);
                if (rc == 0) rc = mdb_cursor_del(cursor, 0);
            }
            if (cursor != nullptr) mdb_cursor_close(cursor);
        }
        if (rc == MDB_MAP_FULL) {
            mdb_txn_abort(txn);
            if (status s = grow(); !s.ok()) return s;
            continue;
        }
        if (rc != 0) {
            mdb_txn_abort(txn);
            return fail(rc, "writing the snapshot at LSN " + std::to_string(lsn));
        }
        flush_in_steps();
        status s = commit(txn, "committing the snapshot");
        if (s.code == MDB_MAP_FULL) {
            if (status g = grow(); !g.ok()) return g;
            continue;
        }
        return s;
    }
    return fail(MDB_MAP_FULL, "the map could not grow enough");
}

read_txn::read_txn(const lmdb_env& env) : _resize(env._resize) {
    int rc = mdb_txn_begin(env.env(), nullptr, MDB_RDONLY, &_txn);
    if (rc == MDB_MAP_RESIZED) {
        // Another process grew the map: adopt its size (lmdb.h, MDB_MAP_RESIZED), then retry.
        mdb_env_set_mapsize(env.env(), 0);
        rc = mdb_txn_begin(env.env(), nullptr, MDB_RDONLY, &_txn);
    }
    if (rc != 0) {
        _txn = nullptr;
        _status = status{rc, "beginning a read transaction"};
    }
}

read_txn::~read_txn() {
    if (_txn != nullptr) mdb_txn_abort(_txn);
    // _resize is released after the transaction has closed.
}

}  // namespace stampd::wal
