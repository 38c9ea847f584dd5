// Progress of a long audit on stderr: a bar redrawn in place when stderr is a terminal, else a
// plain line every 10 %, nothing when quiet. Called from one thread (the replay's).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace stampd::audit {

class progress {
public:
    // what: "verify", "export", ...; total: records expected (0: unknown).
    progress(std::string what, std::uint64_t total, bool quiet);
    void update(std::uint64_t done);
    void finish(std::uint64_t done);

private:
    void draw(std::uint64_t done, bool last);

    std::string _what;
    std::uint64_t _total;
    bool _quiet;
    bool _tty;
    int _next_step = 10;  // the next percentage to report when not a terminal
    std::chrono::steady_clock::time_point _start, _last_draw;
};

}  // namespace stampd::audit
