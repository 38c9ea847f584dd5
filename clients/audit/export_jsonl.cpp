// See export_jsonl.hpp.
#include "clients/audit/export_jsonl.hpp"

#include <cinttypes>

#include "clients/audit/event_json.hpp"
#include "clients/audit/replay.hpp"
#include "engine/calendar_time.hpp"
#include "wal/storage/log_reader.hpp"

namespace stampd::audit {

std::string iso_utc(std::int64_t time_us) {
    constexpr std::int64_t day_us = 86'400'000'000;
    std::int64_t days = time_us / day_us, rest = time_us % day_us;
    if (rest < 0) rest += day_us, --days;  // floor, for instants before 1970
    const std::int64_t seconds = rest / 1'000'000;
    char clock[32];
    std::snprintf(clock, sizeof clock, "T%02" PRId64 ":%02" PRId64 ":%02" PRId64 ".%06" PRId64 "Z",
                  seconds / 3600, seconds / 60 % 60, seconds % 60, rest % 1'000'000);
    return format_day(static_cast<day>(days)) + clock;
}

std::string record_line(const scanned_record& record, const event_list& events, const state& s) {
    const wal::record_header& h = record.header;
    json::array list;
    for (const event& e : events)
        list.push_back(event_json(e));
    const bool known = s.has_user(h.user);
    const json::value v = json::object{
        {"lsn", json::value{static_cast<std::uint64_t>(h.lsn)}},
        {"time", iso_utc(h.time_us)},
        {"user", json::value{static_cast<std::uint64_t>(h.user)}},
        {"user_key", known ? json::value{s.user_at(h.user).key.view()} : json::value{}},
        {"user_name", known ? json::value{s.user_at(h.user).name} : json::value{}},
        {"station", json::value{static_cast<std::uint64_t>(h.station)}},
        {"client", json::value{static_cast<std::uint64_t>(h.client)}},
        {"request", json::value{static_cast<std::uint64_t>(h.request)}},
        {"chain", hex64(record.chain)},
        {"events", std::move(list)}};
    std::string line;
    json::write(line, v);
    return line;
}

export_result export_jsonl(const wal::data_dir& dir, const export_options& o, std::FILE* out) {
    export_result r;
    r.to_lsn = o.to_lsn;
    if (r.to_lsn == 0) {
        if (const wal::status s = dir.log().last_key(r.to_lsn); !s.ok()) {
            r.error = "the log's last LSN cannot be read: " + s.message();
            return r;
        }
    }
    state s;
    std::string line;
    const auto write = [&](const scanned_record& rec, std::span<const std::uint8_t>,
                           const event_list& events, const state& now) {
        if (rec.header.lsn < o.from_lsn) return;
        line = record_line(rec, events, now);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), out);
        ++r.written;
    };
    const replay_result replayed = replay(
        dir.log(), s, {.to_lsn = r.to_lsn, .progress_label = "export", .quiet = o.quiet}, write);
    if (replayed.damaged) {
        r.damaged = true;
        r.error = "LSN " + std::to_string(replayed.damage.lsn) + ": " + replayed.damage.what +
                  "; the export stopped there after " + std::to_string(r.written) + " line(s)";
    } else if (replayed.ended_early) {
        r.damaged = true;
        r.error = "the log ends at LSN " + std::to_string(replayed.last_lsn) + ", before LSN " +
                  std::to_string(r.to_lsn);
    }
    return r;
}

}  // namespace stampd::audit
