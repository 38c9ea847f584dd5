// stamp-scan --setup: builds, over the protocol, a warehouse ready for a stamp-scan load run —
// fresh staff (supervisor, stamper, finance, each with a generated token), a consignee, a product,
// an inventoried shipment of N boxes (received pipelined), enough Federal stamps, and POs of at
// most boxes_per_po boxes, each started by the stamper. Every key carries a random suffix so
// setup may run again on a data directory that already holds data. Blocking; one thread.
#pragma once

#include <cstdint>
#include <string>

#include "clients/lib/client.hpp"

namespace stampd::scan {

struct setup_options {
    client::options admin;  // server and the admin's token
    std::uint32_t boxes = 0;
    std::uint32_t boxes_per_po = 100'000;
    std::uint32_t units_per_box = 10;
    std::uint32_t receive_window = 256;      // ReceiveBox requests in flight per connection
    std::uint32_t receive_connections = 64;  // connections receiving boxes side by side
    bool progress = false;                   // a line on stderr every million boxes
};

struct setup_result {
    std::string suffix;
    std::string supervisor_token, stamper_token, finance_token;
    std::uint32_t shipment = 0;
    std::uint32_t first_po = 0, last_po = 0, pos = 0;
    std::uint32_t stamp_orders = 0;
    std::uint64_t stamps_received = 0;
    double receive_s = 0;  // time spent receiving the boxes
    double total_s = 0;
};

// Exit-code classes of a failed setup: could not connect or authenticate, or a command refused.
enum class setup_failure { none, connection, refused, usage };

setup_failure run_setup(const setup_options& o, setup_result& out, std::string& error);

}  // namespace stampd::scan
