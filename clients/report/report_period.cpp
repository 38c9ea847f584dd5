// See report_period.hpp.
#include "clients/report/report_period.hpp"

#include <charconv>
#include <cstdio>
#include <limits>

namespace stampd::report {
namespace {

constexpr i64 us_per_day = 86'400'000'000;

bool parse_int(std::string_view text, int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

bool parse_month(std::string_view text, period& out) {
    int year = 0, month = 0;
    if (text.size() != 7 || text[4] != '-' || !parse_int(text.substr(0, 4), year) ||
        !parse_int(text.substr(5, 2), month) || month < 1 || month > 12) {
        return false;
    }
    out.first = day_of(year, static_cast<unsigned>(month), 1);
    const int next_year = month == 12 ? year + 1 : year;
    const unsigned next_month = month == 12 ? 1 : static_cast<unsigned>(month + 1);
    out.last = day_of(next_year, next_month, 1) - 1;
    out.label = std::string{text};
    return true;
}

bool parse_quarter(std::string_view text, period& out) {
    int year = 0, quarter = 0;
    if (text.size() != 6 || (text[4] != 'Q' && text[4] != 'q') ||
        !parse_int(text.substr(0, 4), year) || !parse_int(text.substr(5, 1), quarter) ||
        quarter < 1 || quarter > 4) {
        return false;
    }
    const unsigned first_month = static_cast<unsigned>(quarter - 1) * 3 + 1;
    out.first = day_of(year, first_month, 1);
    out.last = (quarter == 4 ? day_of(year + 1, 1, 1) : day_of(year, first_month + 3, 1)) - 1;
    out.label = std::to_string(year) + "Q" + std::to_string(quarter);
    return true;
}

}  // namespace

i64 period::begin_us(const time_zone& zone) const {
    return bounded() ? start_of_day_us(zone, first) : std::numeric_limits<i64>::min();
}

i64 period::end_us(const time_zone& zone) const {
    return bounded() ? start_of_day_us(zone, last + 1) : std::numeric_limits<i64>::max();
}

bool parse_period(std::string_view from, std::string_view to, std::string_view month,
                  std::string_view quarter, period& out, std::string& error) {
    out = period{};
    const int forms = (!from.empty() || !to.empty()) + !month.empty() + !quarter.empty();
    if (forms > 1) {
        error = "give the period one way: --from/--to, --month or --quarter";
        return false;
    }
    if (!month.empty()) {
        if (parse_month(month, out)) return true;
        error = "--month '" + std::string{month} + "': expected YYYY-MM, e.g. 2026-03";
        return false;
    }
    if (!quarter.empty()) {
        if (parse_quarter(quarter, out)) return true;
        error = "--quarter '" + std::string{quarter} + "': expected YYYYQn, e.g. 2026Q1";
        return false;
    }
    if (from.empty() && to.empty()) {
        out.label = "all time";
        return true;
    }
    if (from.empty() || to.empty()) {
        error = "--from and --to go together";
        return false;
    }
    out.first = parse_day(from);
    out.last = parse_day(to);
    if (out.first == no_day || out.last == no_day) {
        error = "--from/--to '" + std::string{out.first == no_day ? from : to} +
                "': expected a date YYYY-MM-DD";
        return false;
    }
    if (out.last < out.first) {
        error = "--to " + std::string{to} + " is before --from " + std::string{from};
        return false;
    }
    out.label = std::string{from} + " to " + std::string{to};
    return true;
}

std::string format_local_time(const time_zone& zone, i64 time_us) {
    const i64 offset_minutes = utc_offset_minutes_at(zone, time_us);
    std::string utc = format_utc_time(time_us + offset_minutes * 60'000'000);
    utc[10] = ' ';
    return utc.substr(0, 19);  // "YYYY-MM-DD hh:mm:ss"
}

std::string format_utc_time(i64 time_us) {
    const i64 days = time_us >= 0 ? time_us / us_per_day : -((-time_us - 1) / us_per_day) - 1;
    const i64 into_day_us = time_us - days * us_per_day;
    const i64 seconds = into_day_us / 1'000'000;
    char clock[32];
    std::snprintf(clock, sizeof clock, "T%02d:%02d:%02d.%06dZ", static_cast<int>(seconds / 3600),
                  static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60),
                  static_cast<int>(into_day_us % 1'000'000));
    return format_day(static_cast<day>(days)) + clock;
}

}  // namespace stampd::report
