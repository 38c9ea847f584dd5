// People's passwords: Argon2id hashes in the PHC string format, and the small pool of threads
// that computes and checks them. A hash costs tens of milliseconds and 19 MiB on purpose, so it
// never runs on the writer thread or an I/O thread: sessions hand it to the pool and are answered
// through their own executor.
//
// Parameters: OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1), a 16-byte random salt
// (OpenSSL's RAND_bytes), a 32-byte digest. Threads: any (the pool has its own lock).
#pragma once

#include <utility>  // Boost 1.74's asio uses std::exchange without including it

#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace stampd::net {

struct password_parameters {
    std::uint32_t memory_kib = 19 * 1024;
    std::uint32_t passes = 2;
    std::uint32_t lanes = 1;
};

// The PHC string of `password`'s hash with a fresh salt; empty if hashing failed (out of memory).
std::string hash_password(std::string_view password, const password_parameters& p = {});

// Whether `password` matches `phc`. An empty or malformed `phc` matches nothing, after as much
// work as a real check (against a hash of nothing in particular), so that a login for a user
// without a password, or without an account, takes as long as a wrong password.
bool verify_password(const std::string& phc, std::string_view password);

// At most `threads` hashes at once and `queued_max` waiting: a flood of logins waits its turn or
// is refused, and never takes more than threads × memory_kib of memory.
class password_pool {
public:
    password_pool(unsigned threads, std::size_t queued_max);
    ~password_pool();
    password_pool(const password_pool&) = delete;
    password_pool& operator=(const password_pool&) = delete;

    // Runs `work` on a pool thread; false (and `work` is dropped) when queued_max are waiting.
    bool submit(std::function<void()> work);
    std::size_t waiting() const { return _waiting.load(std::memory_order_relaxed); }
    std::size_t queued_max() const { return _queued_max; }
    // Waits for what was submitted to finish; the threads then exit. Idempotent.
    void stop();

private:
    boost::asio::thread_pool _pool;
    const std::size_t _queued_max;
    std::atomic<std::size_t> _waiting{0};
};

}  // namespace stampd::net
