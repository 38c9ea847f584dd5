// stamp-audit ledger: one region's stamp ledger (SPEC §8) as a bank statement for a period of
// civil dates (both inclusive) in the warehouse's time zone (or UTC): the opening balance, one
// line per entry with its source (stamp order, or PO and box), user, station, override flag,
// signed quantity and balance after, then the closing balance and the period's figures.
// Built from a replayed state; pure functions, any thread that owns the state.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/state.hpp"

namespace stampd::audit {

enum class statement_format : u8 { text, csv, jsonl };

struct statement_options {
    region stamp_region = region::fed;
    day from = no_day;  // no_day: from the first entry
    day to = no_day;    // inclusive; no_day: to the last
    bool utc = false;   // dates and times in UTC instead of the warehouse's zone
};

struct statement_line {
    u64 seq = 0;
    u64 lsn = 0;
    std::string time;  // "2026-11-23 08:45:01 -05:00"
    ledger_kind kind = ledger_kind::receipt;
    std::string source;  // "SO-000001", or "PO-000001" (the PO's number)
    std::string box;     // the box's barcode, for USAGE
    std::string user;    // the user's key
    station_id station = 0;
    bool overridden = false;
    i64 quantity = 0;
    i64 balance_after = 0;
};

struct statement {
    region stamp_region = region::fed;
    std::string zone;  // "America/Toronto", or "UTC"
    day from = no_day, to = no_day;
    i64 opening = 0, closing = 0;
    i64 received = 0, used = 0, refunded = 0;
    std::vector<statement_line> lines;
};

statement build_statement(const state& s, const statement_options& options);
void print_statement(const statement& st, statement_format format, std::FILE* out);

}  // namespace stampd::audit
