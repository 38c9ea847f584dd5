// See auth_throttle.hpp.
#include "net/auth_throttle.hpp"

#include <algorithm>

namespace stampd::net {

std::string throttle_key(const boost::asio::ip::address& address) {
    if (address.is_v4()) return address.to_string();
    const boost::asio::ip::address_v6 v6 = address.to_v6();
    if (v6.is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, v6).to_string();
    boost::asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    std::string key = boost::asio::ip::address_v6(bytes).to_string();
    key += "/64";
    return key;
}

std::string printable_prefix(std::string_view prefix) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (const char c : prefix) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\' && byte != '\'') {
            out += c;
        } else {
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xf];
        }
    }
    return out;
}

auth_throttle::counter& auth_throttle::count(table& t, const std::string& key,
                                             clock::time_point now) {
    if (!t.contains(key) && t.size() >= _limits.keys_max) {
        // Full: forget what has expired; if nothing has, the stalest window of a key not
        // locked out (a lock is the last thing to forget).
        std::erase_if(t, [&](const auto& entry) {
            return now - entry.second.window_start >= _limits.window &&
                   entry.second.locked_until <= now;
        });
        if (t.size() >= _limits.keys_max) {
            t.erase(std::min_element(t.begin(), t.end(), [&](const auto& a, const auto& b) {
                const bool a_locked = a.second.locked_until > now;
                const bool b_locked = b.second.locked_until > now;
                if (a_locked != b_locked) return b_locked;
                return a.second.window_start < b.second.window_start;
            }));
        }
    }
    counter& c = t[key];
    if (now - c.window_start >= _limits.window) {
        c.failures = 0;
        c.window_start = now;
    }
    return c;
}

std::chrono::milliseconds auth_throttle::delay_after(std::uint32_t failures) const {
    if (failures <= _limits.free_failures) return std::chrono::milliseconds{0};
    const std::uint32_t doublings =
        std::min<std::uint32_t>(failures - _limits.free_failures - 1, 20);
    return std::min(_limits.first_delay * (std::int64_t{1} << doublings), _limits.delay_max);
}

std::chrono::seconds auth_throttle::refused_for(const std::string& address, clock::time_point now) {
    std::lock_guard lock(_mutex);
    const auto it = _addresses.find(address);
    if (it == _addresses.end() || it->second.locked_until <= now) return std::chrono::seconds{0};
    return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
}

std::chrono::seconds auth_throttle::user_refused_for(const std::string& user,
                                                     clock::time_point now) {
    std::lock_guard lock(_mutex);
    const auto it = _users.find(user);
    if (it == _users.end() || it->second.locked_until <= now) return std::chrono::seconds{0};
    return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
}

// One more failure for `address` and for `key` in `second`: counted, locked at lockout_failures.
// Returns whether `key` was locked by it. Under _mutex.
bool auth_throttle::count_failure(const std::string& address, table& second, const std::string& key,
                                  clock::time_point now, failure& f) {
    counter& by_address = count(_addresses, address, now);
    f.from_address = ++by_address.failures;
    if (by_address.failures >= _limits.lockout_failures && by_address.locked_until <= now) {
        by_address.locked_until = now + _limits.lockout;
        f.address_locked = true;
    }
    counter& by_key = count(second, key, now);
    f.with_prefix = ++by_key.failures;
    if (by_key.failures >= _limits.lockout_failures && by_key.locked_until <= now) {
        by_key.locked_until = now + _limits.lockout;
        return true;
    }
    return false;
}

auth_throttle::failure auth_throttle::failed_password(const std::string& address,
                                                      const std::string& user,
                                                      clock::time_point now) {
    std::lock_guard lock(_mutex);
    failure f;
    f.user_locked = count_failure(address, _users, user, now, f);
    f.delay = delay_after(std::max(f.from_address, f.with_prefix));
    return f;
}

auth_throttle::failure auth_throttle::failed(const std::string& address, const std::string& prefix,
                                             clock::time_point now) {
    std::lock_guard lock(_mutex);
    failure f;
    count_failure(address, _prefixes, prefix, now, f);
    f.prefix_locked = _prefixes[prefix].locked_until > now;
    f.delay =
        f.prefix_locked ? _limits.delay_max : delay_after(std::max(f.from_address, f.with_prefix));
    return f;
}

}  // namespace stampd::net
