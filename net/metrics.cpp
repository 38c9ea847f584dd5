// See metrics.hpp.
#include "net/metrics.hpp"

#include <charconv>
#include <cmath>

namespace stampd::net {

std::vector<request_counts::row> request_counts::read(bool commands) const {
    std::vector<row> rows;
    const auto& table = commands ? _commands : _reads;
    for (std::size_t k = 0; k < kinds; ++k) {
        for (std::size_t o = 0; o < outcomes; ++o) {
            const std::uint64_t n = table[k][o].load(std::memory_order_relaxed);
            if (n == 0) continue;
            const std::string_view outcome =
                o == duplicate
                    ? "DUPLICATE"
                    : proto::EnumNameCode(static_cast<proto::Code>(o < 64 ? o : 100 + (o - 64)));
            rows.push_back({.kind = proto::EnumNamesBody()[k],
                            .outcome = outcome.empty() ? "UNKNOWN" : outcome,
                            .count = n});
        }
    }
    return rows;
}

std::string_view event_counts::name(std::size_t kind) {
#define STAMPD_EVENT_NAME(type, wire) #type,
    static constexpr std::array<std::string_view, kinds> names = {STAMPD_EVENTS(STAMPD_EVENT_NAME)};
#undef STAMPD_EVENT_NAME
    return kind < kinds ? names[kind] : "unknown";
}

void prometheus_text::family(std::string_view name, std::string_view type, std::string_view help) {
    _out += "# HELP ";
    _out += name;
    _out += ' ';
    // HELP text escapes \ and newlines only.
    for (const char c : help) {
        if (c == '\\')
            _out += "\\\\";
        else if (c == '\n')
            _out += "\\n";
        else
            _out += c;
    }
    _out += "\n# TYPE ";
    _out += name;
    _out += ' ';
    _out += type;
    _out += '\n';
}

void prometheus_text::sample(std::string_view name, const labels& with, double value) {
    _out += name;
    if (!with.empty()) {
        _out += '{';
        bool first = true;
        for (const auto& [label, text] : with) {
            if (!first) _out += ',';
            first = false;
            _out += label;
            _out += "=\"";
            for (const char c : text) {
                if (c == '\\')
                    _out += "\\\\";
                else if (c == '"')
                    _out += "\\\"";
                else if (c == '\n')
                    _out += "\\n";
                else
                    _out += c;
            }
            _out += '"';
        }
        _out += '}';
    }
    _out += ' ';
    number(value);
    _out += '\n';
}

void prometheus_text::number(double value) {
    if (std::isnan(value)) {
        _out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        _out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    // The shortest text that reads back as the same double: integers (counters, LSNs up to
    // 2^53) as integers, 0.00025 as 0.00025.
    char buffer[32];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)error;  // 32 characters hold any double
    _out.append(buffer, end);
}

}  // namespace stampd::net
