// A storage-fault seam for tests, preloaded into a real stampd (LD_PRELOAD): the writes and syncs
// LMDB and stampd make to one file fail at the Nth call, as a failing disk would make them fail —
// the way SQLite's test VFS fails its I/O, but under the real LMDB, unmodified. Configured by the
// environment (nothing happens without STAMPD_FAULT_FILE):
//   STAMPD_FAULT_FILE   a part of the path of the file to fail (e.g. "/log/data.mdb")
//   STAMPD_FAULT_CALL   write (write, pwrite, writev), sync (fdatasync, fsync, msync) or
//                       reserve (posix_fallocate)
//   STAMPD_FAULT_ERROR  ENOSPC, EIO, SHORT (a write does half its bytes and says so), or SLOW
//                       (the call succeeds after STAMPD_FAULT_SLOW_MS, default 200: a slow disk)
//   STAMPD_FAULT_ARM    a file: calls are counted only while it exists (so that start-up is not)
//   STAMPD_FAULT_AT     the armed call, from 1, that fails first (default 1)
//   STAMPD_FAULT_TIMES  how many calls fail from there (default 1: the fault then clears)
// Each injected fault is said on stderr ("storage_faults: ..."), which is stampd's log.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

enum class call_kind { write, sync, reserve };

struct settings {
    const char* file = nullptr;
    call_kind kind = call_kind::write;
    int error = EIO;
    bool short_write = false;
    long slow_ms = 0;  // SLOW: how long the call takes before it succeeds
    const char* arm = nullptr;
    long at = 1, times = 1;
};

const settings& config() {
    static const settings s = [] {
        settings c;
        c.file = std::getenv("STAMPD_FAULT_FILE");
        const char* kind = std::getenv("STAMPD_FAULT_CALL");
        if (kind != nullptr && std::strcmp(kind, "sync") == 0) c.kind = call_kind::sync;
        if (kind != nullptr && std::strcmp(kind, "reserve") == 0) c.kind = call_kind::reserve;
        const char* error = std::getenv("STAMPD_FAULT_ERROR");
        if (error != nullptr && std::strcmp(error, "ENOSPC") == 0) c.error = ENOSPC;
        c.short_write = error != nullptr && std::strcmp(error, "SHORT") == 0;
        if (error != nullptr && std::strcmp(error, "SLOW") == 0) {
            const char* ms = std::getenv("STAMPD_FAULT_SLOW_MS");
            c.slow_ms = ms != nullptr ? std::atol(ms) : 200;
        }
        c.arm = std::getenv("STAMPD_FAULT_ARM");
        if (const char* at = std::getenv("STAMPD_FAULT_AT")) c.at = std::atol(at);
        if (const char* times = std::getenv("STAMPD_FAULT_TIMES")) c.times = std::atol(times);
        return c;
    }();
    return s;
}

std::atomic<long> armed_calls{0};

bool is_target(int fd) {
    const settings& c = config();
    if (c.file == nullptr || fd < 0) return false;
    char link[64], path[4096];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = ::readlink(link, path, sizeof path - 1);
    if (n <= 0) return false;
    path[n] = '\0';
    return std::strstr(path, c.file) != nullptr;
}

// Whether the mapping at `address` is of the target file (/proc/self/maps: "start-end ... path").
bool maps_target(const void* address) {
    const settings& c = config();
    if (c.file == nullptr) return false;
    std::FILE* maps = std::fopen("/proc/self/maps", "re");
    if (maps == nullptr) return false;
    bool found = false;
    char line[4352];
    const auto at = reinterpret_cast<unsigned long>(address);
    while (!found && std::fgets(line, sizeof line, maps) != nullptr) {
        unsigned long start = 0, end = 0;
        if (std::sscanf(line, "%lx-%lx", &start, &end) == 2 && at >= start && at < end)
            found = std::strstr(line, c.file) != nullptr;
    }
    std::fclose(maps);
    return found;
}

// Whether this call (of `kind`, on `fd`, or on the mapping at `address`) is to fail.
bool fails(call_kind kind, int fd, const char* what, const void* address = nullptr) {
    const settings& c = config();
    if (c.file == nullptr || kind != c.kind) return false;
    if (address != nullptr ? !maps_target(address) : !is_target(fd)) return false;
    if (c.arm != nullptr && ::access(c.arm, F_OK) != 0) return false;
    const long n = armed_calls.fetch_add(1) + 1;
    if (n < c.at || n >= c.at + c.times) return false;
    char line[256];
    const int length = std::snprintf(line, sizeof line, "storage_faults: %s into %s (call %ld)\n",
                                     c.slow_ms > 0 ? "a slow call"
                                     : c.short_write && kind == call_kind::write
                                         ? "a short write"
                                         : (c.error == ENOSPC ? "ENOSPC" : "EIO"),
                                     what, n);
    if (length > 0) (void)!::write(2, line, static_cast<std::size_t>(length));
    if (c.slow_ms > 0) {
        // Slow, then done as asked: the caller's real call goes ahead.
        const timespec pause{.tv_sec = c.slow_ms / 1000, .tv_nsec = c.slow_ms % 1000 * 1'000'000};
        ::nanosleep(&pause, nullptr);
        return false;
    }
    return true;
}

template <typename F>
F next(const char* name) {
    return reinterpret_cast<F>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buffer, size_t count) {
    static const auto real = next<ssize_t (*)(int, const void*, size_t)>("write");
    if (fails(call_kind::write, fd, "write")) {
        if (config().short_write && count > 1) return real(fd, buffer, count / 2);
        errno = config().error;
        return -1;
    }
    return real(fd, buffer, count);
}

ssize_t pwrite(int fd, const void* buffer, size_t count, off_t offset) {
    static const auto real = next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite");
    if (fails(call_kind::write, fd, "pwrite")) {
        if (config().short_write && count > 1) return real(fd, buffer, count / 2, offset);
        errno = config().error;
        return -1;
    }
    return real(fd, buffer, count, offset);
}

ssize_t writev(int fd, const struct iovec* iov, int count) {
    static const auto real = next<ssize_t (*)(int, const struct iovec*, int)>("writev");
    if (fails(call_kind::write, fd, "writev")) {
        if (config().short_write && count > 1) return real(fd, iov, count / 2);
        errno = config().error;
        return -1;
    }
    return real(fd, iov, count);
}

int fdatasync(int fd) {
    static const auto real = next<int (*)(int)>("fdatasync");
    if (fails(call_kind::sync, fd, "fdatasync")) {
        errno = config().error == ENOSPC ? ENOSPC : EIO;
        return -1;
    }
    return real(fd);
}

int fsync(int fd) {
    static const auto real = next<int (*)(int)>("fsync");
    if (fails(call_kind::sync, fd, "fsync")) {
        errno = config().error == ENOSPC ? ENOSPC : EIO;
        return -1;
    }
    return real(fd);
}

int msync(void* address, size_t length, int flags) {
    static const auto real = next<int (*)(void*, size_t, int)>("msync");
    if (fails(call_kind::sync, -1, "msync", address)) {
        errno = EIO;
        return -1;
    }
    return real(address, length, flags);
}

int posix_fallocate(int fd, off_t offset, off_t length) {
    static const auto real = next<int (*)(int, off_t, off_t)>("posix_fallocate");
    if (fails(call_kind::reserve, fd, "posix_fallocate")) return config().error;
    return real(fd, offset, length);
}

}  // extern "C"
