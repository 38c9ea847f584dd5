// See seal_file.hpp. HMAC-SHA-256 from OpenSSL's libcrypto.
#include "wal/storage/seal_file.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

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

constexpr char seal_label[] = "stampd-seal-v1";

}  // namespace

seal_mac_bytes seal_mac(std::span<const std::uint8_t> key, std::uint64_t lsn, std::uint64_t chain) {
    std::uint8_t message[sizeof seal_label - 1 + 16];
    std::memcpy(message, seal_label, sizeof seal_label - 1);
    put_u64(message + sizeof seal_label - 1, lsn);
    put_u64(message + sizeof seal_label - 1 + 8, chain);
    seal_mac_bytes mac{};
    unsigned length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), message, sizeof message,
         mac.data(), &length);
    return mac;
}

bool seal_holds(std::span<const std::uint8_t> key, const seal& s) {
    const seal_mac_bytes want = seal_mac(key, s.lsn, s.chain);
    return CRYPTO_memcmp(want.data(), s.mac.data(), want.size()) == 0;
}

status seal_file::open_for_appending(const std::string& path, std::unique_ptr<seal_file>& out) {
    std::unique_ptr<seal_file> f(new seal_file());
    f->_path = path;
    f->_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (f->_fd < 0) return status{errno, "opening " + path};
    // A torn last entry (a crash mid-write) would shift every later one: cut it off.
    const off_t size = ::lseek(f->_fd, 0, SEEK_END);
    if (size < 0) return status{errno, "reading the length of " + path};
    if (size % seal_size != 0 && ::ftruncate(f->_fd, size - size % seal_size) != 0) {
        return status{errno, "cutting a torn entry off " + path};
    }
    out = std::move(f);
    return {};
}

seal_file::~seal_file() {
    if (_fd >= 0) ::close(_fd);
}

status seal_file::append(std::span<const std::uint8_t> key, std::uint64_t lsn,
                         std::uint64_t chain) {
    std::uint8_t entry[seal_size];
    put_u64(entry, lsn);
    put_u64(entry + 8, chain);
    const seal_mac_bytes mac = seal_mac(key, lsn, chain);
    std::memcpy(entry + 16, mac.data(), mac.size());
    if (::write(_fd, entry, sizeof entry) != static_cast<ssize_t>(sizeof entry)) {
        return status{errno, "writing the seal of LSN " + std::to_string(lsn) + " to " + _path};
    }
    return {};
}

status seal_file::read_all(const std::string& path, std::vector<seal>& out) {
    out.clear();
    std::ifstream in(path, std::ios::binary);
    if (!in) return errno == ENOENT ? status{} : status{errno, "reading " + path};
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    for (std::size_t at = 0; at + seal_size <= bytes.size(); at += seal_size) {
        seal s{.lsn = get_u64(bytes.data() + at), .chain = get_u64(bytes.data() + at + 8)};
        std::memcpy(s.mac.data(), bytes.data() + at + 16, s.mac.size());
        out.push_back(s);
    }
    return {};
}

}  // namespace stampd::wal
