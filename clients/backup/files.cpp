// See files.hpp.
#include "clients/backup/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <vector>

namespace stampd::backup {
namespace {

// A file descriptor closed at the end of its scope.
class fd_guard {
public:
    explicit fd_guard(int fd) : _fd(fd) {}
    ~fd_guard() {
        if (_fd >= 0) ::close(_fd);
    }
    fd_guard(const fd_guard&) = delete;
    fd_guard& operator=(const fd_guard&) = delete;
    int get() const { return _fd; }
    // Closes now, reporting what close says (NFS and some disks report write errors there).
    int close() {
        const int rc = ::close(_fd);
        _fd = -1;
        return rc;
    }

private:
    int _fd;
};

struct md_free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

class sha256 {
public:
    sha256() : _ctx(EVP_MD_CTX_new()) {
        assert(_ctx != nullptr);
        const int ok = EVP_DigestInit_ex(_ctx.get(), EVP_sha256(), nullptr);
        assert(ok == 1);
        (void)ok;
    }
    void add(const std::uint8_t* bytes, std::size_t n) { EVP_DigestUpdate(_ctx.get(), bytes, n); }
    std::string hex() {
        std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
        unsigned int n = 0;
        EVP_DigestFinal_ex(_ctx.get(), digest.data(), &n);
        assert(n == 32);
        std::string out;
        char two[3];
        for (unsigned int i = 0; i < n; ++i) {
            std::snprintf(two, sizeof two, "%02x", digest[i]);
            out += two;
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, md_free> _ctx;
};

wal::status fail(std::string what) {
    return wal::status{errno, std::move(what)};
}

// Reads up to `length` bytes of `fd` (at most its size when it was opened: a file that grows
// meanwhile is read as it was), passing each chunk to `sink`; the loop is bounded by the
// chunks that length fills. Returns the bytes read through `read_out`.
template <typename Sink>
wal::status read_chunks(int fd, const std::string& path, std::uint64_t length, Sink&& sink,
                        std::uint64_t& read_out) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail("reading the length of " + path);
    const auto size = static_cast<std::uint64_t>(st.st_size);
    const std::uint64_t want = length < size ? length : size;
    std::vector<std::uint8_t> buffer(copy_buffer_bytes);
    std::uint64_t done = 0;
    const std::uint64_t reads_max = want / copy_buffer_bytes + 2;
    for (std::uint64_t reads = 0; done < want; ++reads) {
        if (reads == reads_max) {
            return wal::status{EIO, "reading " + path + ": no progress", true};
        }
        const std::size_t step =
            static_cast<std::size_t>(std::min<std::uint64_t>(copy_buffer_bytes, want - done));
        const ssize_t n = ::pread(fd, buffer.data(), step, static_cast<off_t>(done));
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("reading " + path);
        }
        if (n == 0) {
            return wal::status{EIO,
                               path + " ended at " + std::to_string(done) + " bytes, short of " +
                                   std::to_string(want) + ": it shrank while it was read",
                               true};
        }
        if (wal::status s = sink(buffer.data(), static_cast<std::size_t>(n)); !s.ok()) return s;
        done += static_cast<std::uint64_t>(n);
    }
    read_out = done;
    return {};
}

wal::status write_all(int fd, const std::string& path, const std::uint8_t* bytes, std::size_t n) {
    std::size_t done = 0;
    // A write of a regular file returns at least a byte or an error; EINTR retries are bounded
    // by the same count.
    for (std::size_t writes = 0; done < n; ++writes) {
        if (writes > n) return wal::status{EIO, "writing " + path + ": no progress", true};
        const ssize_t w = ::write(fd, bytes + done, n - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            return fail("writing " + path);
        }
        done += static_cast<std::size_t>(w);
    }
    return {};
}

}  // namespace

wal::status hash_file(const std::string& path, file_digest& out) {
    fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return fail("opening " + path);
    sha256 h;
    const auto sink = [&h](const std::uint8_t* bytes, std::size_t n) {
        h.add(bytes, n);
        return wal::status{};
    };
    if (wal::status s = read_chunks(fd.get(), path, UINT64_MAX, sink, out.size); !s.ok()) return s;
    out.sha256 = h.hex();
    return {};
}

wal::status copy_file(const std::string& from, const std::string& to, std::uint64_t length,
                      file_digest& out) {
    fd_guard in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) return fail("opening " + from);
    fd_guard dst(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (dst.get() < 0) return fail("creating " + to);
    if (::fchmod(dst.get(), 0600) != 0) return fail("setting the mode of " + to);
    sha256 h;
    const auto sink = [&](const std::uint8_t* bytes, std::size_t n) {
        h.add(bytes, n);
        return write_all(dst.get(), to, bytes, n);
    };
    if (wal::status s = read_chunks(in.get(), from, length, sink, out.size); !s.ok()) return s;
    if (::fsync(dst.get()) != 0) return fail("syncing " + to);
    if (dst.close() != 0) return fail("closing " + to);
    out.sha256 = h.hex();
    return {};
}

wal::status sync_path(const std::string& path) {
    fd_guard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return fail("opening " + path + " to sync it");
    if (::fsync(fd.get()) != 0) return fail("syncing " + path);
    return {};
}

wal::status make_dir(const std::string& path, unsigned mode) {
    if (::mkdir(path.c_str(), static_cast<mode_t>(mode)) != 0) return fail("creating " + path);
    if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
        return fail("setting the mode of " + path);
    }
    return {};
}

wal::status inspect_path(const std::string& path, path_kind& kind, std::string& first_entry) {
    first_entry.clear();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) return fail("reading " + path);
        kind = path_kind::missing;
        return {};
    }
    if (!S_ISDIR(st.st_mode)) {
        kind = path_kind::not_a_dir;
        return {};
    }
    DIR* d = ::opendir(path.c_str());
    if (d == nullptr) return fail("listing " + path);
    kind = path_kind::empty_dir;
    // Only "." and ".." may come before a real entry, in whatever order: three reads decide.
    for (int seen = 0; seen < 3; ++seen) {
        errno = 0;
        const dirent* e = ::readdir(d);
        if (e == nullptr) break;
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        kind = path_kind::dir_with_entries;
        first_entry = name;
        break;
    }
    const int error = errno;
    ::closedir(d);
    if (error != 0) return wal::status{error, "listing " + path};
    return {};
}

std::string without_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

std::string parent_of(std::string path) {
    path = without_trailing_slash(std::move(path));
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace stampd::backup
