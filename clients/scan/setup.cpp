// See setup.hpp.
#include "clients/scan/setup.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "engine/constants.hpp"
#include "net/protocol/answers.hpp"

namespace stampd::scan {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string random_hex(std::size_t bytes) {
    static const char digits[] = "0123456789abcdef";
    std::random_device device;  // /dev/urandom on Linux
    std::string out;
    for (std::size_t i = 0; i < bytes; ++i) {
        const auto b = static_cast<unsigned>(device()) & 0xFF;
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// One connection of a user of the warehouse being built, with the error class on failure.
struct session {
    client::connection c;
    std::string who;

    setup_failure open(const client::options& base, const std::string& token, std::string& error) {
        client::options o = base;
        o.token = token;
        if (!c.open(o, error)) {
            error = who + ": " + error;
            return setup_failure::connection;
        }
        return setup_failure::none;
    }

    // Sends one command and waits: OK gives the id it created or changed.
    setup_failure run(const command& cmd, std::uint32_t& result, std::string& error) {
        client::response r;
        if (!c.call(cmd, r, error)) {
            error = who + ": " + std::string{command_name(cmd)} + ": " + error;
            return setup_failure::connection;
        }
        const proto::Outcome* o = r.outcome();
        if (o == nullptr || o->code() != proto::Code::OK) {
            error = who + ": " + std::string{command_name(cmd)} +
                    " refused: " + (o ? client::describe(*o) : std::string{"not an Outcome"});
            return setup_failure::refused;
        }
        result = o->result();
        return setup_failure::none;
    }
    setup_failure run(const command& cmd, std::string& error) {
        std::uint32_t ignored = 0;
        return run(cmd, ignored, error);
    }
};

#define SCAN_TRY(expr)                                                             \
    do {                                                                           \
        if (const setup_failure f_ = (expr); f_ != setup_failure::none) return f_; \
    } while (0)

// Receives the shipment's boxes over several connections of the supervisor, each with up to
// `window` requests in flight: the server answers a connection's commands one fsync at a time,
// so connections side by side share each commit.
setup_failure receive_boxes(std::vector<std::unique_ptr<session>>& conns, const setup_options& o,
                            const std::string& suffix, std::uint32_t shipment,
                            std::uint32_t product, std::string& error) {
    const std::uint32_t window = std::max<std::uint32_t>(o.receive_window, 1);
    const std::uint32_t batch = std::max<std::uint32_t>(window / 4, 1);
    const std::size_t k = conns.size();
    struct range {
        std::uint32_t next, end, answered;
    };
    std::vector<range> ranges(k);
    for (std::size_t i = 0; i < k; ++i) {
        const auto begin = static_cast<std::uint32_t>(std::uint64_t{o.boxes} * i / k);
        const auto end = static_cast<std::uint32_t>(std::uint64_t{o.boxes} * (i + 1) / k);
        ranges[i] = {begin, end, begin};
    }
    char barcode[constants::code_size_max + 1];
    client::response r;
    std::uint64_t answered = 0;
    while (answered < o.boxes) {
        for (std::size_t i = 0; i < k; ++i) {
            range& g = ranges[i];
            while (g.next < g.end && g.next - g.answered < window) {
                std::snprintf(barcode, sizeof barcode, "%s-%09u", suffix.c_str(), g.next);
                conns[i]->c.send(receive_box{.shipment = shipment,
                                             .barcode = code{barcode},
                                             .product = product,
                                             .units = o.units_per_box});
                ++g.next;
            }
            if (!conns[i]->c.flush(error)) return setup_failure::connection;
        }
        for (std::size_t i = 0; i < k; ++i) {
            range& g = ranges[i];
            // Read a batch of answers before sending more, so that writes stay large.
            const std::uint32_t until =
                g.next == g.end ? g.next : std::min(g.next, g.answered + batch);
            while (g.answered < until) {
                if (!conns[i]->c.receive(r, error)) {
                    error = "receiving boxes: " + error;
                    return setup_failure::connection;
                }
                const proto::Outcome* out = r.outcome();
                if (out == nullptr || r.id() == 0 || out->code() != proto::Code::OK) {
                    error = "receive_box " + std::to_string(g.answered) + " refused: " +
                            (out ? client::describe(*out) : std::string{"not an Outcome"});
                    return setup_failure::refused;
                }
                ++g.answered;
                ++answered;
                if (o.progress && answered % 1'000'000 == 0)
                    std::fprintf(stderr, "stamp-scan: %llu boxes received\n",
                                 static_cast<unsigned long long>(answered));
            }
        }
    }
    return setup_failure::none;
}

// The Federal bundle size now in force, read from the settings.
setup_failure federal_bundle_size(session& admin, std::uint32_t& out, std::string& error) {
    client::response r;
    if (!admin.c.call(
            proto::Body::GetSettings,
            [](flatbuffers::FlatBufferBuilder& b) { return proto::CreateGetSettings(b).Union(); },
            r, error)) {
        return setup_failure::connection;
    }
    const proto::SettingsView* v = r.get()->reply_as_SettingsView();
    if (v == nullptr || v->stamps_per_bundle() == nullptr || v->stamps_per_bundle()->size() == 0) {
        error = "GetSettings: no bundle sizes in the answer";
        return setup_failure::refused;
    }
    out = static_cast<std::uint32_t>(v->stamps_per_bundle()->Get(0)->stamps());
    if (out == 0) out = constants::stamps_per_bundle_default;
    return setup_failure::none;
}

// Orders, approves and receives Federal stamps for every unit, ≤ 2^31 stamps per order.
setup_failure receive_federal_stamps(session& admin, session& sup, session& fin, std::uint64_t need,
                                     setup_result& out, std::string& error) {
    std::uint32_t per_bundle = 0;
    SCAN_TRY(federal_bundle_size(admin, per_bundle, error));
    const std::uint64_t bundles_cap = std::min<std::uint64_t>(
        constants::bundles_max,
        static_cast<std::uint64_t>(constants::stamps_per_order_max) / per_bundle);
    while (need > 0) {
        const auto bundles = static_cast<std::uint32_t>(std::min(
            bundles_cap,
            std::max<std::uint64_t>(constants::bundles_min, (need + per_bundle - 1) / per_bundle)));
        std::uint32_t order = 0;
        SCAN_TRY(fin.run(submit_stamp_order{.stamp_region = region::fed,
                                            .bundles = bundles,
                                            .notes = "stamp-scan " + out.suffix},
                         order, error));
        SCAN_TRY(admin.run(review_stamp_order{.order = order}, error));
        SCAN_TRY(fin.run(mark_stamp_order_ordered{.order = order}, error));
        SCAN_TRY(sup.run(receive_stamps{.order = order, .actual_bundles = bundles}, error));
        const std::uint64_t stamps = std::uint64_t{bundles} * per_bundle;
        out.stamps_received += stamps;
        ++out.stamp_orders;
        need -= std::min(need, stamps);
    }
    return setup_failure::none;
}

// One PO per boxes_per_po boxes, created by the supervisor and started by the stamper.
setup_failure start_production(session& sup, session& stamper, const setup_options& o,
                               std::uint32_t consignee, std::uint32_t product, setup_result& out,
                               std::string& error) {
    for (std::uint32_t first = 0; first < o.boxes; first += o.boxes_per_po) {
        const std::uint32_t count = std::min(o.boxes_per_po, o.boxes - first);
        std::uint32_t po = 0;
        SCAN_TRY(sup.run(create_po{.consignee = consignee,
                                   .shipment = out.shipment,
                                   .lines = {{product, region::fed, count * o.units_per_box}},
                                   .notes = "stamp-scan " + out.suffix},
                         po, error));
        SCAN_TRY(stamper.run(start_run{.po = po}, error));
        if (out.first_po == 0) out.first_po = po;
        out.last_po = po;
        ++out.pos;
    }
    return setup_failure::none;
}

setup_failure check_options(const setup_options& o, std::string& error) {
    if (o.boxes == 0 || o.boxes > constants::boxes_max) {
        error = "--boxes must be 1.." + std::to_string(constants::boxes_max);
        return setup_failure::usage;
    }
    if (o.units_per_box == 0 || o.units_per_box > constants::units_per_box_max ||
        o.boxes_per_po == 0 ||
        std::uint64_t{o.boxes_per_po} * o.units_per_box > constants::line_quantity_max) {
        error = "--boxes-per-po × --units-per-box must stay within a PO line's " +
                std::to_string(constants::line_quantity_max) + " units";
        return setup_failure::usage;
    }
    return setup_failure::none;
}

}  // namespace

setup_failure run_setup(const setup_options& o, setup_result& out, std::string& error) {
    SCAN_TRY(check_options(o, error));
    const auto start = clock_type::now();
    out.suffix = random_hex(4);
    out.supervisor_token = random_hex(16);
    out.stamper_token = random_hex(16);
    out.finance_token = random_hex(16);
    // Connections are opened just before their phase: receiving millions of boxes takes longer
    // than the server's idle timeout, which would close a connection left waiting meanwhile.
    session admin{.who = "admin"};
    SCAN_TRY(admin.open(o.admin, o.admin.token, error));
    const std::string& sfx = out.suffix;
    auto user = [&](const char* key, const char* name, role r, const std::string& token) {
        return admin.run(create_user{.key = code{std::string{key} + "-" + sfx},
                                     .name = std::string{name} + " " + sfx,
                                     .roles = role_bit(r),
                                     .token = token},
                         error);
    };
    SCAN_TRY(user("scan-sup", "stamp-scan supervisor", role::supervisor, out.supervisor_token));
    SCAN_TRY(user("scan-stamper", "stamp-scan stamper", role::stamper, out.stamper_token));
    SCAN_TRY(user("scan-fin", "stamp-scan finance", role::finance, out.finance_token));
    std::uint32_t consignee = 0, product = 0;
    SCAN_TRY(admin.run(create_consignee{.key = code{"SCAN-" + sfx},
                                        .name = "stamp-scan " + sfx,
                                        .primary_province = province::on},
                       consignee, error));
    SCAN_TRY(admin.run(create_product{.sku = code{"SCAN-" + sfx},
                                      .consignee = consignee,
                                      .name = "stamp-scan vape 15 mL",
                                      .volume_ul = 15'000},
                       product, error));
    admin.c.close();

    const auto receiving = clock_type::now();
    std::vector<std::unique_ptr<session>> receivers;
    for (std::uint32_t i = 0; i < std::max<std::uint32_t>(o.receive_connections, 1); ++i) {
        receivers.push_back(std::make_unique<session>());
        receivers.back()->who = "supervisor";
        SCAN_TRY(receivers.back()->open(o.admin, out.supervisor_token, error));
    }
    session& first = *receivers.front();
    SCAN_TRY(first.run(create_shipment{.key = code{"SH-SCAN-" + sfx}, .consignee = consignee},
                       out.shipment, error));
    SCAN_TRY(first.run(start_receiving{.shipment = out.shipment}, error));
    SCAN_TRY(receive_boxes(receivers, o, sfx, out.shipment, product, error));
    SCAN_TRY(first.run(finish_receiving{.shipment = out.shipment}, error));
    out.receive_s = seconds_since(receiving);
    receivers.clear();

    session admin_again{.who = "admin"}, sup{.who = "supervisor"}, stamper{.who = "stamper"},
        fin{.who = "finance"};
    SCAN_TRY(admin_again.open(o.admin, o.admin.token, error));
    SCAN_TRY(sup.open(o.admin, out.supervisor_token, error));
    SCAN_TRY(stamper.open(o.admin, out.stamper_token, error));
    SCAN_TRY(fin.open(o.admin, out.finance_token, error));
    SCAN_TRY(receive_federal_stamps(admin_again, sup, fin, std::uint64_t{o.boxes} * o.units_per_box,
                                    out, error));
    SCAN_TRY(start_production(sup, stamper, o, consignee, product, out, error));
    out.total_s = seconds_since(start);
    return setup_failure::none;
}

}  // namespace stampd::scan
