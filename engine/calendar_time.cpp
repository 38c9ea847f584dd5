// See calendar_time.hpp.
#include "engine/calendar_time.hpp"

#include <date/tz.h>

#include <array>
#include <cassert>
#include <chrono>
#include <cstdio>
#include <exception>

namespace stampd {
namespace {

constexpr i64 us_per_minute = 60'000'000;
constexpr i64 us_per_day = 86'400'000'000;

day floor_day(i64 time_us) {
    i64 d = time_us / us_per_day;
    if (time_us % us_per_day < 0) --d;
    return static_cast<day>(d);
}

// The zone of a name in the tz database, or null (an unknown name, or no database at all). The
// lookup is a search of ~600 names; the writer asks for one name nearly always, so each thread
// keeps the last one found.
const date::time_zone* find_zone(std::string_view name) {
    thread_local std::string last_name;
    thread_local const date::time_zone* last = nullptr;
    thread_local bool looked_up = false;
    if (looked_up && name == last_name) return last;
    last_name.assign(name);
    looked_up = true;
    try {
        last = date::locate_zone(last_name);
    } catch (const std::exception&) {
        last = nullptr;
    }
    return last;
}

date::sys_seconds seconds_of(i64 time_us) {
    const i64 s = time_us >= 0 ? time_us / 1'000'000 : -((-time_us - 1) / 1'000'000) - 1;
    return date::sys_seconds{std::chrono::seconds{s}};
}

i32 minutes_of(std::chrono::seconds s) {
    return static_cast<i32>(std::chrono::duration_cast<std::chrono::minutes>(s).count());
}

// The n-th (1-based) Sunday of a month.
day nth_sunday(int year, unsigned month, unsigned n) {
    const day first = day_of(year, month, 1);
    const unsigned to_sunday = (7 + 6 - static_cast<unsigned>(weekday_of(first))) % 7;
    return first + static_cast<day>(to_sunday + 7 * (n - 1));
}

// The rule of a zone the database does not know: its standard offset, and the North American
// daylight-saving rule if it follows it.
bool fallback_dst(const time_zone& zone, i64 time_us) {
    if (!zone.north_american_dst) return false;
    const i64 standard_us = time_us + zone.utc_offset_minutes * us_per_minute;
    using namespace std::chrono;
    const int year = int(year_month_day{sys_days{days{floor_day(standard_us)}}}.year());
    // 02:00 standard time on the second Sunday of March; 02:00 daylight (01:00 standard) on the
    // first Sunday of November.
    const i64 begins = i64{nth_sunday(year, 3, 2)} * us_per_day + 2 * 60 * us_per_minute;
    const i64 ends = i64{nth_sunday(year, 11, 1)} * us_per_day + 1 * 60 * us_per_minute;
    return standard_us >= begins && standard_us < ends;
}

}  // namespace

weekday weekday_of(day d) {
    // 1970-01-01 was a Thursday (index 3 from Monday).
    const i32 i = ((d % 7) + 7 + 3) % 7;
    return static_cast<weekday>(i);
}

std::string_view to_string(weekday w) {
    constexpr std::array<std::string_view, 7> names = {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
    return names[static_cast<std::size_t>(w)];
}

day day_of(int year, unsigned month, unsigned day_of_month) {
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{year}, std::chrono::month{month},
                             std::chrono::day{day_of_month}};
    assert(ymd.ok());
    return static_cast<day>(sys_days{ymd}.time_since_epoch().count());
}

std::string format_day(day d) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{d}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()));
    return text;
}

day parse_day(std::string_view text) {
    int y = 0;
    unsigned m = 0, dd = 0;
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return no_day;
    const std::string copy{text};
    if (std::sscanf(copy.c_str(), "%4d-%2u-%2u", &y, &m, &dd) != 3) return no_day;
    using namespace std::chrono;
    const year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{dd}};
    if (!ymd.ok()) return no_day;
    return static_cast<day>(sys_days{ymd}.time_since_epoch().count());
}

std::optional<time_zone> time_zone_named(std::string_view name, i64 time_us) {
    const date::time_zone* tz = find_zone(name);
    if (tz == nullptr) return std::nullopt;
    const date::sys_info now = tz->get_info(seconds_of(time_us));
    // Daylight time in January or in July: either hemisphere's summer.
    using namespace std::chrono;
    const std::chrono::year year = year_month_day{sys_days{days{floor_day(time_us)}}}.year();
    bool dst = false;
    for (const unsigned m : {1u, 7u}) {
        const sys_days mid{year / std::chrono::month{m} / 15};
        dst = dst || tz->get_info(date::sys_seconds{mid.time_since_epoch()}).save != minutes{0};
    }
    return time_zone{.name = std::string{name},
                     .utc_offset_minutes = minutes_of(now.offset) - minutes_of(now.save),
                     .north_american_dst = dst};
}

i32 utc_offset_minutes_at(const time_zone& zone, i64 time_us) {
    if (const date::time_zone* tz = find_zone(zone.name)) {
        return minutes_of(tz->get_info(seconds_of(time_us)).offset);
    }
    return zone.utc_offset_minutes + (fallback_dst(zone, time_us) ? 60 : 0);
}

bool in_dst(const time_zone& zone, i64 time_us) {
    if (const date::time_zone* tz = find_zone(zone.name)) {
        return tz->get_info(seconds_of(time_us)).save != std::chrono::minutes{0};
    }
    return fallback_dst(zone, time_us);
}

day local_day(const time_zone& zone, i64 time_us) {
    return floor_day(time_us + i64{utc_offset_minutes_at(zone, time_us)} * us_per_minute);
}

i64 start_of_day_us(const time_zone& zone, day d) {
    if (const date::time_zone* tz = find_zone(zone.name)) {
        // Where midnight does not exist (a zone that springs forward at 00:00), the day begins
        // when the clocks jump.
        const date::local_seconds midnight{date::days{d}};
        return tz->to_sys(midnight, date::choose::earliest).time_since_epoch().count() * 1'000'000;
    }
    // Midnight local is never inside a North American DST change (they happen at 02:00), so the
    // offset in force at the standard-time guess is the offset in force at midnight.
    const i64 guess = i64{d} * us_per_day - zone.utc_offset_minutes * us_per_minute;
    const i64 offset = zone.utc_offset_minutes + (fallback_dst(zone, guess) ? 60 : 0);
    return i64{d} * us_per_day - offset * us_per_minute;
}

}  // namespace stampd
