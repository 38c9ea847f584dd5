// See data_dir.hpp.
#include "wal/storage/data_dir.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace stampd::wal {
namespace {

constexpr const char* log_dir = "/log";
constexpr const char* log_database = "records";
constexpr const char* snapshot_dir = "/snapshots";
constexpr const char* snapshot_database = "snapshots";
constexpr const char* lock_file = "/LOCK";
constexpr const char* mark_file = "/DURABLE";
// Snapshot pages are pushed to disk this many bytes at a time before their commit
// (env_options::flush_step).
constexpr std::size_t snapshot_flush_step = std::size_t{8} << 20;
constexpr std::size_t pid_text_max = 32;

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Takes DATA/LOCK for this process and writes its pid there; EWOULDBLOCK names the holder.
status take_lock(const std::string& path, int& fd_out) {
    const std::string file = path + lock_file;
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return status{errno, "opening " + file};
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int error = errno;
        char pid[pid_text_max] = {};
        const ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
        ::close(fd);
        std::string holder = n > 0 ? std::string(pid, static_cast<std::size_t>(n)) : "";
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        return status{error,
                      path + " is in use by another stampd" +
                          (holder.empty() ? std::string{} : " (pid " + holder + ")") +
                          ": one writer at a time",
                      true};
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const int error = errno;
        ::close(fd);
        return status{error, "writing " + file};
    }
    fd_out = fd;
    return {};
}

// Nobody but stampd's own user may write the data directory or anything in it: whoever can
// could change the log under the writer. Each path that exists is checked; a missing one will be
// created 0700/0600.
status check_only_owner_writes(const std::string& path) {
    const uid_t me = ::geteuid();
    for (const std::string& p :
         {path, path + log_dir, path + snapshot_dir, path + lock_file, path + mark_file,
          path + log_dir + "/data.mdb", path + log_dir + "/lock.mdb",
          path + snapshot_dir + "/data.mdb", path + snapshot_dir + "/lock.mdb"}) {
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) {
            if (errno == ENOENT) continue;
            return status{errno, "reading the mode of " + p};
        }
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        if (S_ISLNK(st.st_mode)) {
            return status{EACCES, p + " is a symbolic link: stampd writes only files of its own",
                          true};
        }
        if (st.st_uid != me) {
            return status{EACCES,
                          p + " belongs to user " + std::to_string(st.st_uid) + ", not to " +
                              std::to_string(me) +
                              ", who runs stampd: its owner could change the log under it. "
                              "chown it (and everything in " +
                              path + ") to the user stampd runs as",
                          true};
        }
        if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
            return status{EACCES,
                          p + " may be written by others (mode " + std::string{mode} +
                              "): they could change the log under stampd. chmod go-w it "
                              "(stampd creates directories 0700 and files 0600)",
                          true};
        }
    }
    return {};
}

}  // namespace

status data_dir::open_for_writing(const data_dir_options& options, std::unique_ptr<data_dir>& out) {
    std::unique_ptr<data_dir> d(new data_dir());
    d->_path = options.path;
    if (::mkdir(options.path.c_str(), 0700) != 0 && errno != EEXIST) {
        return status{errno, "creating " + options.path};
    }
    if (status s = check_only_owner_writes(options.path); !s.ok()) return s;
    if (status s = take_lock(options.path, d->_lock_fd); !s.ok()) return s;
    if (status s = durable_mark_file::open_for_writing(options.path + mark_file, d->_mark);
        !s.ok()) {
        return s;
    }
    const env_options log_options{
        .path = options.path + log_dir, .sync = options.sync, .map_size = options.log_map_size};
    if (status s = lmdb_env::open(log_options, log_database, d->_log); !s.ok()) return s;
    const env_options snapshot_options{.path = options.path + snapshot_dir,
                                       .sync = options.sync,
                                       .map_size = options.snapshot_map_size,
                                       .flush_step = snapshot_flush_step};
    if (status s = lmdb_env::open(snapshot_options, snapshot_database, d->_snapshots); !s.ok()) {
        return s;
    }
    out = std::move(d);
    return {};
}

status data_dir::open_for_reading(const std::string& path, std::unique_ptr<data_dir>& out) {
    std::unique_ptr<data_dir> d(new data_dir());
    d->_path = path;
    // Which part is missing, in the words of the layout above (data_dir.hpp).
    const auto missing = [&path](const char* what) {
        return not_found(path + " is not a stampd data directory (" + what + ")");
    };
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return missing("it does not exist");
    if (!S_ISDIR(st.st_mode)) return missing("it is a file, not a directory");
    if (!is_directory(path + log_dir)) return missing("no log/ in it");
    if (::stat((path + log_dir + "/data.mdb").c_str(), &st) != 0) {
        return missing("no log/data.mdb in it");
    }
    if (status s =
            lmdb_env::open({.path = path + log_dir, .read_only = true}, log_database, d->_log);
        !s.ok()) {
        return s;
    }
    if (is_directory(path + snapshot_dir)) {
        status s = lmdb_env::open({.path = path + snapshot_dir, .read_only = true},
                                  snapshot_database, d->_snapshots);
        // A snapshots/ that cannot be opened is passed over like a bad snapshot: the log alone
        // rebuilds everything (stamp-audit reports the difference).
        if (!s.ok()) d->_snapshots.reset();
    }
    out = std::move(d);
    return {};
}

std::string data_dir::mark_path() const {
    return _path + mark_file;
}

std::string data_dir::seal_path() const {
    return _path + "/SEALS";
}

status data_dir::read_durable_mark(std::optional<durable_mark>& out) const {
    return durable_mark_file::read(mark_path(), out);
}

data_dir::~data_dir() {
    _snapshots.reset();
    _log.reset();
    if (_lock_fd >= 0) ::close(_lock_fd);  // releases the flock
}

status data_dir::load_newest_snapshot(std::uint64_t at, snapshot_reading how, state& out,
                                      loaded_snapshot& loaded) const {
    out = state{};
    loaded = loaded_snapshot{};
    if (_snapshots == nullptr) return {};
    return _snapshots->newest_first([&](std::uint64_t lsn, std::span<const std::uint8_t> value) {
        if (lsn > at) return true;
        // Without boxes only when nothing is replayed after it.
        const snapshot_reading mode =
            how == snapshot_reading::for_reading_without_boxes && lsn != at
                ? snapshot_reading::for_reading
                : how;
        const snapshot_check c = check_snapshot_value(value, out, mode);
        if (c.ok() && out.last_lsn == lsn) {
            loaded.lsn = lsn;
            loaded.chain = c.header.chain;
            loaded.digest = c.header.digest;
            loaded.format = c.format;
            return false;
        }
        loaded.passed_over +=
            "passed over the snapshot at LSN " + std::to_string(lsn) + ": " +
            (c.ok() ? std::string{"its key differs from its state's LSN"} : c.message()) + "; ";
        out = state{};
        return true;
    });
}

}  // namespace stampd::wal
