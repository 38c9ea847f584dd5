// See progress.hpp.
#include "clients/audit/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace stampd::audit {

using clock_type = std::chrono::steady_clock;

progress::progress(std::string what, std::uint64_t total, bool quiet)
    : _what(std::move(what)),
      _total(total),
      _quiet(quiet),
      _tty(::isatty(STDERR_FILENO) == 1),
      _start(clock_type::now()),
      _last_draw(_start) {}

void progress::update(std::uint64_t done) {
    if (_quiet || _total == 0) return;
    if (_tty) {
        const auto now = clock_type::now();
        if (now - _last_draw < std::chrono::milliseconds(100)) return;
        _last_draw = now;
        draw(done, false);
        return;
    }
    const int percent = static_cast<int>(done * 100 / _total);
    if (percent < _next_step) return;
    while (_next_step <= percent)
        _next_step += 10;
    draw(done, false);
}

void progress::finish(std::uint64_t done) {
    if (_quiet || _total == 0) return;
    if (!_tty && _next_step > 100) return;  // 100 % was reported
    draw(done, true);
}

void progress::draw(std::uint64_t done, bool last) {
    constexpr int width = 30;
    const double seconds = std::chrono::duration<double>(clock_type::now() - _start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds / 1e6 : 0;
    const int percent = static_cast<int>(done * 100 / _total);
    if (_tty) {
        char bar[width + 1];
        const int filled = percent * width / 100;
        for (int i = 0; i < width; ++i)
            bar[i] = i < filled ? '#' : '.';
        bar[width] = '\0';
        std::fprintf(stderr, "\rstamp-audit %s [%s] %3d%% %llu/%llu records %.2f M/s%s",
                     _what.c_str(), bar, percent, static_cast<unsigned long long>(done),
                     static_cast<unsigned long long>(_total), rate, last ? "\n" : "");
    } else {
        std::fprintf(stderr, "stamp-audit %s: %d%% (%llu of %llu records, %.2f M/s)\n",
                     _what.c_str(), percent, static_cast<unsigned long long>(done),
                     static_cast<unsigned long long>(_total), rate);
    }
    std::fflush(stderr);
}

}  // namespace stampd::audit
