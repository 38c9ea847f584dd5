// stampd's metrics: the counters the sessions and the committer keep, and the Prometheus text
// exposition format (version 0.0.4) they are served in by the operators' HTTP listener
// (ops_http.hpp). Names follow Prometheus' conventions: a stampd_ prefix, base units (seconds,
// bytes), _total on counters.
//
// Threads: the counters are relaxed atomics, counted from the I/O and committer threads and
// read by the listener's thread; a scrape may see one counter a step ahead of another.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/event.hpp"
#include "net/protocol/protocol_generated.h"
#include "wal/histogram.hpp"

namespace stampd::net {

// Requests answered, by kind (the Body of the request) and outcome (the answer's code, or
// "DUPLICATE" for a retry answered again): commands apart from reads (reads, dry runs, Hello,
// Subscribe).
class request_counts {
public:
    static constexpr std::size_t kinds = static_cast<std::size_t>(proto::Body::MAX) + 1;
    // Codes 0..63 and 100..163 (protocol.fbs numbers them so), and the duplicate.
    static constexpr std::size_t outcomes = 129;
    static constexpr std::size_t duplicate = 128;

    void count(bool command, proto::Body kind, proto::Code code, bool is_duplicate = false) {
        const std::size_t k = static_cast<std::size_t>(kind);
        if (k >= kinds) return;
        (command ? _commands : _reads)[k][slot_of(code, is_duplicate)].fetch_add(
            1, std::memory_order_relaxed);
    }

    struct row {
        std::string_view kind, outcome;
        std::uint64_t count = 0;
    };
    // The counters that are not 0, in kind order.
    std::vector<row> read(bool commands) const;

private:
    static std::size_t slot_of(proto::Code code, bool is_duplicate) {
        if (is_duplicate) return duplicate;
        const auto c = static_cast<std::size_t>(code);
        if (c < 64) return c;
        if (c >= 100 && c < 164) return 64 + (c - 100);
        return duplicate;  // not a code of this protocol: cannot be answered
    }
    std::array<std::array<std::atomic<std::uint64_t>, outcomes>, kinds> _commands{};
    std::array<std::array<std::atomic<std::uint64_t>, outcomes>, kinds> _reads{};
};

// Durable events by kind (the committer thread counts; others read).
class event_counts {
public:
    static constexpr std::size_t kinds = std::variant_size_v<event>;
    void count(const event& e) { _counts[e.index()].fetch_add(1, std::memory_order_relaxed); }
    std::uint64_t of(std::size_t kind) const {
        return _counts[kind].load(std::memory_order_relaxed);
    }
    static std::string_view name(std::size_t kind);

private:
    std::array<std::atomic<std::uint64_t>, kinds> _counts{};
};

// Writes the exposition format: each family's HELP and TYPE once, then its samples.
class prometheus_text {
public:
    using labels = std::vector<std::pair<std::string_view, std::string>>;
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const labels& with, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    // A histogram of figures observed in some unit, written in base units (value * scale):
    // _bucket{le=...} cumulative, with +Inf, then _sum and _count.
    template <std::size_t N>
    void histogram(std::string_view name, std::string_view help,
                   const typename wal::histogram<N>::figures& f, double scale);
    const std::string& text() const { return _out; }

private:
    void number(double value);
    std::string _out;
};

template <std::size_t N>
void prometheus_text::histogram(std::string_view name, std::string_view help,
                                const typename wal::histogram<N>::figures& f, double scale) {
    family(name, "histogram", help);
    const std::string bucket = std::string{name} + "_bucket";
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < N; ++i) {
        running += f.counts[i];
        std::string le;
        {
            prometheus_text bound;
            bound.number(static_cast<double>(f.bounds[i]) * scale);
            le = bound._out;
        }
        sample(bucket, {{"le", le}}, static_cast<double>(running));
    }
    running += f.counts[N];
    sample(bucket, {{"le", "+Inf"}}, static_cast<double>(running));
    sample(std::string{name} + "_sum", static_cast<double>(f.sum) * scale);
    sample(std::string{name} + "_count", static_cast<double>(running));
}

}  // namespace stampd::net
