// The only clock of the state (SPEC §1): every command, dry run and read is stamped with the
// writer's time, on the writer thread. It never goes back: a system clock stepped backwards, or a
// data directory whose last record is ahead of the system clock, gives the last time given again
// until the system clock passes it. Nothing else in stampd reads the time for the state.
// The writer thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace stampd::wal {

class writer_clock {
public:
    // Microseconds since the Unix epoch (UTC); the system clock unless a test sets another.
    using source = std::function<std::int64_t()>;
    static std::int64_t system_now_us() {
        using namespace std::chrono;
        return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    }

    // `last_us`: the time of the last record recovered (the clock starts there at least).
    explicit writer_clock(std::int64_t last_us, source from = system_now_us)
        : _last_us(last_us), _source(std::move(from)) {}

    // The time for what is being decided now: never before the last time given.
    std::int64_t now() {
        const std::int64_t t = _source();
        if (t > _last_us) _last_us = t;
        return _last_us;
    }
    std::int64_t last() const { return _last_us; }

private:
    std::int64_t _last_us;
    source _source;
};

}  // namespace stampd::wal
