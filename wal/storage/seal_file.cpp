// See seal_file.hpp. SHA-256 and HMAC-SHA-256 from OpenSSL's libcrypto.
#include "wal/storage/seal_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <new>

namespace stampd::wal {
namespace {

void put_u64(std::uint8_t* out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint64_t get_u64(const std::uint8_t* in) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
        v |= std::uint64_t{in[i]} << (8 * i);
    return v;
}

constexpr char file_header[] = "stampd-seals-v2\n";
static_assert(sizeof file_header - 1 == seal_header_size);
constexpr char mac_label[] = "stampd-seal-v2";
constexpr char digest_label[] = "stampd-seal-digest-v2";

// The entry as stored, MAC included.
void encode(const seal& s, std::uint8_t (&out)[seal_size]) {
    put_u64(out, s.lsn);
    put_u64(out + 8, s.from_lsn);
    put_u64(out + 16, s.chain);
    std::memcpy(out + 24, s.digest.data(), s.digest.size());
    std::memcpy(out + 56, s.mac.data(), s.mac.size());
}

void check(int ok) {
    // Only an allocation failure makes a SHA-256 step fail.
    if (ok != 1) throw std::bad_alloc();
}

}  // namespace

seal_mac_bytes seal_mac(std::span<const std::uint8_t> key, const seal& s) {
    std::uint8_t message[sizeof mac_label - 1 + seal_size];
    std::memcpy(message, mac_label, sizeof mac_label - 1);
    seal unsigned_seal = s;
    unsigned_seal.mac = {};
    std::uint8_t entry[seal_size];
    encode(unsigned_seal, entry);
    std::memcpy(message + sizeof mac_label - 1, entry, 56);  // LSNs, chain and digest
    seal_mac_bytes mac{};
    unsigned length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message, sizeof mac_label - 1 + 56,
         mac.data(), &length);
    return mac;
}

bool seal_holds(std::span<const std::uint8_t> key, const seal& s) {
    const seal_mac_bytes want = seal_mac(key, s);
    return CRYPTO_memcmp(want.data(), s.mac.data(), want.size()) == 0;
}

seal_chain::seal_chain() : _ctx(EVP_MD_CTX_new()) {
    if (_ctx == nullptr) throw std::bad_alloc();
    start(0, seal_digest{});
}

seal_chain::~seal_chain() {
    EVP_MD_CTX_free(_ctx);
}

void seal_chain::start(std::uint64_t from_lsn, const seal_digest& previous) {
    _from = _last = from_lsn;
    std::uint8_t from[8];
    put_u64(from, from_lsn);
    check(EVP_DigestInit_ex(_ctx, EVP_sha256(), nullptr));
    check(EVP_DigestUpdate(_ctx, digest_label, sizeof digest_label - 1));
    check(EVP_DigestUpdate(_ctx, from, sizeof from));
    check(EVP_DigestUpdate(_ctx, previous.data(), previous.size()));
}

void seal_chain::add(std::uint64_t lsn, std::span<const std::uint8_t> header,
                     std::span<const std::uint8_t> payload) {
    assert(lsn == _last + 1);
    _last = lsn;
    check(EVP_DigestUpdate(_ctx, header.data(), header.size()));
    if (!payload.empty()) check(EVP_DigestUpdate(_ctx, payload.data(), payload.size()));
}

void seal_chain::add_run(std::uint64_t last_lsn, std::span<const std::uint8_t> bytes) {
    assert(last_lsn > _last);
    _last = last_lsn;
    check(EVP_DigestUpdate(_ctx, bytes.data(), bytes.size()));
}

seal_digest seal_chain::digest() const {
    // Finished on a copy: the segment goes on until start().
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    if (copy == nullptr) throw std::bad_alloc();
    seal_digest out{};
    unsigned length = 0;
    const int ok =
        EVP_MD_CTX_copy_ex(copy, _ctx) == 1 && EVP_DigestFinal_ex(copy, out.data(), &length) == 1;
    EVP_MD_CTX_free(copy);
    check(ok ? 1 : 0);
    return out;
}

status seal_file::open_for_appending(const std::string& path, std::unique_ptr<seal_file>& out) {
    std::unique_ptr<seal_file> f(new seal_file());
    f->_path = path;
    // Written at _size (pwrite), not O_APPEND: a partial entry a full disk left, whether or not
    // it could be cut off, is overwritten by the next one.
    f->_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f->_fd < 0) return status{errno, "opening " + path};
    off_t size = ::lseek(f->_fd, 0, SEEK_END);
    if (size < 0) return status{errno, "reading the length of " + path};
    if (size < static_cast<off_t>(seal_header_size)) {
        // New, or a crash tore the header: nothing was sealed in it yet.
        if (::ftruncate(f->_fd, 0) != 0) return status{errno, "emptying " + path};
        errno = 0;
        if (::pwrite(f->_fd, file_header, seal_header_size, 0) !=
            static_cast<ssize_t>(seal_header_size)) {
            const int error = errno != 0 ? errno : ENOSPC;
            (void)!::ftruncate(f->_fd, 0);
            return status{error, "writing the header of " + path};
        }
        size = seal_header_size;
    } else {
        char header[seal_header_size];
        errno = 0;
        if (::pread(f->_fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header))
            return status{errno != 0 ? errno : EIO, "reading the header of " + path};
        if (std::memcmp(header, file_header, seal_header_size) != 0) {
            return status{EINVAL,
                          path +
                              " is not a seal file of this version of stampd (its first "
                              "bytes are not \"stampd-seals-v2\"): move it aside to "
                              "seal from here on",
                          true};
        }
    }
    // A torn last entry (a crash mid-write) would shift every later one: cut it off.
    const off_t torn = (size - static_cast<off_t>(seal_header_size)) % seal_size;
    if (torn != 0 && ::ftruncate(f->_fd, size - torn) != 0) {
        return status{errno, "cutting a torn entry off " + path};
    }
    f->_size = size - torn;
    out = std::move(f);
    return {};
}

seal_file::~seal_file() {
    if (_fd >= 0) ::close(_fd);
}

status seal_file::append(std::span<const std::uint8_t> key, seal s) {
    s.mac = seal_mac(key, s);
    std::uint8_t entry[seal_size];
    encode(s, entry);
    errno = 0;
    const ssize_t wrote = ::pwrite(_fd, entry, sizeof entry, _size);
    if (wrote == static_cast<ssize_t>(sizeof entry)) {
        _size += static_cast<off_t>(sizeof entry);
        return {};
    }
    // A short write (a full disk) leaves part of an entry: cut it off (the next append
    // overwrites it anyway; a reader meanwhile would take it for a torn end).
    const int error = wrote < 0 && errno != 0 ? errno : ENOSPC;
    if (wrote > 0 && ::ftruncate(_fd, _size) != 0) {
        return status{errno, "cutting a partly written seal off " + _path};
    }
    return status{error, "writing the seal of LSN " + std::to_string(s.lsn) + " to " + _path};
}

status seal_file::read_all(const std::string& path, std::vector<seal>& out) {
    out.clear();
    std::ifstream in(path, std::ios::binary);
    if (!in) return errno == ENOENT ? status{} : status{errno, "reading " + path};
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    if (bytes.size() < seal_header_size) return {};  // nothing sealed yet
    if (std::memcmp(bytes.data(), file_header, seal_header_size) != 0) {
        return status{EINVAL, path + " is not a seal file of this version of stampd", true};
    }
    for (std::size_t at = seal_header_size; at + seal_size <= bytes.size(); at += seal_size) {
        const std::uint8_t* e = bytes.data() + at;
        // All zeros: space a crash allocated but never wrote (the file is not synced), not a
        // seal; it can only be at the end.
        if (std::all_of(e, e + seal_size, [](std::uint8_t b) { return b == 0; })) continue;
        seal s{.lsn = get_u64(e), .from_lsn = get_u64(e + 8), .chain = get_u64(e + 16)};
        std::memcpy(s.digest.data(), e + 24, s.digest.size());
        std::memcpy(s.mac.data(), e + 56, s.mac.size());
        out.push_back(s);
    }
    return {};
}

}  // namespace stampd::wal
