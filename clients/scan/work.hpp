// What a stamp-scan load run confirms, discovered over the protocol: every PO InProduction
// (ListPos), then each one's run queue (GetRunQueue pages, pipelined across POs), keeping the
// boxes still Pending. Also used by the tests to read back the state of every queue. Blocking.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clients/lib/client.hpp"

namespace stampd::scan {

struct box_ref {
    std::uint32_t po = 0;
    std::uint32_t box = 0;
};

struct queue_box {
    std::uint32_t po = 0;
    std::uint32_t box = 0;
    std::uint32_t units = 0;  // of this PO, summed over the box's queue entries
    fb::BoxState state = fb::BoxState::Pending;
};

// The ids of the POs with this status (-1: all), in id order. False on a lost connection.
bool list_pos(client::connection& c, int status, std::vector<std::uint32_t>& out,
              std::string& error);

// Every box of these POs' queues, one row per (po, box), queue order within a PO.
bool read_queues(client::connection& c, const std::vector<std::uint32_t>& pos,
                 std::vector<queue_box>& out, std::string& error);

// The Pending boxes of every PO InProduction.
bool discover_work(client::connection& c, std::vector<box_ref>& out, std::string& error);

}  // namespace stampd::scan
