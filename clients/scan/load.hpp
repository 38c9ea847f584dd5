// stamp-scan's load run: S stations (one TCP connection each, station ids 1..S in Hello) confirm
// disjoint slices of the work, each keeping D ConfirmBox requests in flight (closed loop), or
// sending on an open-loop schedule of `rate_per_s` in all. Stations are driven by asynchronous
// I/O on one Boost.Asio io_context per load thread; request frames are patched from a prebuilt
// template, answers are matched in order, latencies go to a fixed-size histogram.
// run_load() blocks until every station is done; it owns every thread it starts.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "clients/lib/client.hpp"
#include "clients/scan/histogram.hpp"
#include "clients/scan/work.hpp"

namespace stampd::scan {

struct load_options {
    client::options server;  // server and the stamper's token
    std::uint32_t stations = 1;
    std::uint32_t depth = 1;
    double duration_s = 10;
    double rate_per_s = 0;  // 0: closed loop, each station keeps `depth` in flight
    std::uint32_t threads = 1;
    std::string acked_path;       // append "po box lsn" per acknowledged confirm; empty: none
    double drain_timeout_s = 10;  // after the duration, how long unanswered requests may take
};

struct load_result {
    std::uint64_t confirms = 0;  // answered OK
    std::uint64_t answered = 0;  // every answer, OK or not
    std::uint64_t sent = 0;
    std::uint64_t work = 0;  // boxes handed to the stations
    std::uint32_t stations_lost = 0;
    double elapsed_s = 0;  // from the first send to the last answer
    bool ran_out = false;  // every box was sent before the duration ended
    latency_histogram latency;
    std::map<std::string, std::uint64_t> errors;  // code name (or CONNECTION_LOST, ...) → count
};

enum class load_failure { none, connection, usage };

// Connects every station (Hello), runs the load over `work`, and fills `out`. connection: a
// station could not connect or authenticate (nothing was sent); usage: a bad option.
load_failure run_load(const load_options& o, const std::vector<box_ref>& work, load_result& out,
                      std::string& error);

}  // namespace stampd::scan
