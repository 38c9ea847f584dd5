#include "net/passwords.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <boost/asio/post.hpp>

#include <array>
#include <vector>

namespace stampd::net {
namespace {

constexpr std::size_t salt_size = 16;
constexpr std::size_t digest_size = 32;

// A hash of nothing in particular, for checks that have no real hash to compare with.
const std::string& decoy_hash() {
    static const std::string decoy = hash_password("stampd: no such password");
    return decoy;
}

}  // namespace

std::string hash_password(std::string_view password, const password_parameters& p) {
    std::array<unsigned char, salt_size> salt{};
    if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return {};
    const std::size_t size =
        argon2_encodedlen(p.passes, p.memory_kib, p.lanes, salt_size, digest_size, Argon2_id);
    std::vector<char> encoded(size);
    const int rc = argon2id_hash_encoded(p.passes, p.memory_kib, p.lanes, password.data(),
                                         password.size(), salt.data(), salt.size(), digest_size,
                                         encoded.data(), encoded.size());
    if (rc != ARGON2_OK) return {};
    return std::string(encoded.data());
}

bool verify_password(const std::string& phc, std::string_view password) {
    const bool usable = phc.starts_with("$argon2id$");
    const std::string& against = usable ? phc : decoy_hash();
    const int rc = argon2id_verify(against.c_str(), password.data(), password.size());
    return usable && rc == ARGON2_OK;
}

password_pool::password_pool(unsigned threads, std::size_t queued_max)
    : _pool(threads), _queued_max(queued_max) {
    // Computed once up front, so the first login for a missing user is not slower than the rest.
    boost::asio::post(_pool, [] { (void)decoy_hash(); });
}

password_pool::~password_pool() {
    stop();
}

bool password_pool::submit(std::function<void()> work) {
    if (_waiting.fetch_add(1, std::memory_order_relaxed) >= _queued_max) {
        _waiting.fetch_sub(1, std::memory_order_relaxed);
        return false;
    }
    boost::asio::post(_pool, [this, work = std::move(work)] {
        _waiting.fetch_sub(1, std::memory_order_relaxed);
        work();
    });
    return true;
}

void password_pool::stop() {
    _pool.join();  // what was submitted runs to its end
}

}  // namespace stampd::net
