// See ledger_statement.hpp.
#include "clients/audit/ledger_statement.hpp"

#include <cassert>
#include <cinttypes>

#include "clients/lib/json.hpp"
#include "engine/calendar_time.hpp"
#include "engine/queries.hpp"

namespace stampd::audit {
namespace {

constexpr i64 day_us = 86'400'000'000;

// The entry's civil date and the minutes east of UTC it is written in.
struct local_time {
    day on;
    i64 offset_minutes;
    i64 us_of_day;
};

local_time local_of(const time_zone& zone, bool utc, i64 time_us) {
    const i64 offset = utc ? 0 : utc_offset_minutes_at(zone, time_us);
    const i64 local = time_us + offset * 60'000'000;
    i64 days = local / day_us, rest = local % day_us;
    if (rest < 0) rest += day_us, --days;
    return {static_cast<day>(days), offset, rest};
}

std::string format_time(const local_time& t, bool utc) {
    const i64 seconds = t.us_of_day / 1'000'000;
    char clock[48];
    const i64 offset = t.offset_minutes < 0 ? -t.offset_minutes : t.offset_minutes;
    if (utc) {
        std::snprintf(clock, sizeof clock, " %02" PRId64 ":%02" PRId64 ":%02" PRId64 " UTC",
                      seconds / 3600, seconds / 60 % 60, seconds % 60);
    } else {
        std::snprintf(clock, sizeof clock,
                      " %02" PRId64 ":%02" PRId64 ":%02" PRId64 " %c%02" PRId64 ":%02" PRId64,
                      seconds / 3600, seconds / 60 % 60, seconds % 60,
                      t.offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
    }
    return format_day(t.on) + clock;
}

// "2026-11-23 08:45:01 -05:00" (or "... UTC"): an entry's time as the statement writes it.
std::string time_text(const statement& st, i64 time_us) {
    return format_time(local_of(st.zone, st.utc, time_us), st.utc);
}

std::string zone_name(const statement& st) {
    return st.utc ? "UTC" : st.zone.name;
}

// The instant a civil date begins, in the zone or in UTC.
i64 start_of(const time_zone& zone, bool utc, day d) {
    return utc ? i64{d} * day_us : start_of_day_us(zone, d);
}

}  // namespace

statement build_statement(const state& s, const statement_options& o) {
    const i64 from_us = o.from == no_day ? INT64_MIN : start_of(s.settings.zone, o.utc, o.from);
    const i64 to_us = o.to == no_day ? INT64_MAX : start_of(s.settings.zone, o.utc, o.to + 1);
    return statement{.stamp_region = o.stamp_region,
                     .zone = s.settings.zone,
                     .utc = o.utc,
                     .from = o.from,
                     .to = o.to,
                     .body = statement_of(s, o.stamp_region, from_us, to_us)};
}

namespace {

std::string period(const statement& st) {
    return (st.from == no_day ? std::string{"the first entry"} : format_day(st.from)) + " to " +
           (st.to == no_day ? std::string{"the last entry"} : format_day(st.to));
}

void print_text(const statement& st, std::FILE* out) {
    const ledger_figures& f = st.body.figures;
    std::fprintf(out, "Stamp ledger %s, %s (%s)\n", std::string{to_string(st.stamp_region)}.c_str(),
                 period(st).c_str(), zone_name(st).c_str());
    std::fprintf(out, "%-6s %-26s %-13s %-12s %-14s %-10s %7s %8s %10s %12s\n", "seq", "date/time",
                 "kind", "source", "box", "user", "station", "override", "quantity", "balance");
    std::fprintf(out, "%-6s %-26s %-13s %-12s %-14s %-10s %7s %8s %10s %12" PRId64 "\n", "", "",
                 "OPENING", "", "", "", "", "", "", f.opening);
    for (const statement_entry& l : st.body.entries) {
        std::fprintf(
            out,
            "%-6" PRIu64 " %-26s %-13s %-12s %-14s %-10s %7u %8s %+10" PRId64 " %12" PRId64 "\n",
            l.sequence, time_text(st, l.time_us).c_str(), std::string{to_string(l.kind)}.c_str(),
            l.source_number.c_str(), l.box.c_str(), l.user.c_str(), l.station,
            l.overridden ? "yes" : "no", l.quantity, l.balance_after);
    }
    std::fprintf(out, "%-6s %-26s %-13s %-12s %-14s %-10s %7s %8s %10s %12" PRId64 "\n", "", "",
                 "CLOSING", "", "", "", "", "", "", f.closing);
    std::fprintf(out,
                 "entries %zu, received %" PRId64 ", used %" PRId64 ", refunded %" PRId64
                 ": %" PRId64 " + %" PRId64 " - %" PRId64 " + %" PRId64 " = %" PRId64 "\n",
                 st.body.entries.size(), f.received, f.used, f.refunded, f.opening, f.received,
                 f.used, f.refunded, f.closing);
}

void print_csv(const statement& st, std::FILE* out) {
    const std::string r{to_string(st.stamp_region)};
    std::fprintf(out,
                 "region,seq,lsn,time,kind,source,box,user,station,override,quantity,"
                 "balance_after\n");
    std::fprintf(out, "%s,,,,OPENING,,,,,,,%" PRId64 "\n", r.c_str(), st.body.figures.opening);
    for (const statement_entry& l : st.body.entries) {
        // Sources, barcodes and user keys are codes (no commas or quotes are checked for):
        // written quoted, with quotes doubled, so any byte reads back.
        std::string fields[3] = {l.source_number, l.box, l.user};
        for (std::string& f : fields) {
            std::string q = "\"";
            for (const char c : f)
                q += c == '"' ? std::string{"\"\""} : std::string(1, c);
            f = q + "\"";
        }
        std::fprintf(
            out, "%s,%" PRIu64 ",%" PRIu64 ",%s,%s,%s,%s,%s,%u,%s,%" PRId64 ",%" PRId64 "\n",
            r.c_str(), l.sequence, l.lsn, time_text(st, l.time_us).c_str(),
            std::string{to_string(l.kind)}.c_str(), fields[0].c_str(), fields[1].c_str(),
            fields[2].c_str(), l.station, l.overridden ? "yes" : "no", l.quantity, l.balance_after);
    }
    std::fprintf(out, "%s,,,,CLOSING,,,,,,,%" PRId64 "\n", r.c_str(), st.body.figures.closing);
}

void print_jsonl(const statement& st, std::FILE* out) {
    const std::string r{to_string(st.stamp_region)};
    const auto emit = [&](const json::value& v) {
        std::string text;
        json::write(text, v);
        std::fprintf(out, "%s\n", text.c_str());
    };
    const auto date = [](day d) {
        return d == no_day ? json::value{} : json::value{format_day(d)};
    };
    emit(json::object{{"type", "opening"},
                      {"region", r},
                      {"from", date(st.from)},
                      {"to", date(st.to)},
                      {"zone", zone_name(st)},
                      {"balance", json::value{std::int64_t{st.body.figures.opening}}}});
    for (const statement_entry& l : st.body.entries) {
        emit(json::object{{"type", "entry"},
                          {"region", r},
                          {"seq", json::value{std::uint64_t{l.sequence}}},
                          {"lsn", json::value{std::uint64_t{l.lsn}}},
                          {"time", time_text(st, l.time_us)},
                          {"kind", to_string(l.kind)},
                          {"source", l.source_number},
                          {"box", l.box},
                          {"user", l.user},
                          {"station", json::value{std::uint64_t{l.station}}},
                          {"override", l.overridden},
                          {"quantity", json::value{std::int64_t{l.quantity}}},
                          {"balance_after", json::value{std::int64_t{l.balance_after}}}});
    }
    emit(json::object{{"type", "closing"},
                      {"region", r},
                      {"balance", json::value{std::int64_t{st.body.figures.closing}}},
                      {"entries", json::value{std::uint64_t{st.body.entries.size()}}},
                      {"received", json::value{std::int64_t{st.body.figures.received}}},
                      {"used", json::value{std::int64_t{st.body.figures.used}}},
                      {"refunded", json::value{std::int64_t{st.body.figures.refunded}}}});
}

}  // namespace

void print_statement(const statement& st, statement_format format, std::FILE* out) {
    switch (format) {
        case statement_format::text:
            return print_text(st, out);
        case statement_format::csv:
            return print_csv(st, out);
        case statement_format::jsonl:
            return print_jsonl(st, out);
    }
}

}  // namespace stampd::audit
