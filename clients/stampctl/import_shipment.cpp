// stampctl import-shipment: a whole advance shipping notice (manifest.hpp) received in one go
// (issue 19). Every row is checked before anything is sent — the file's syntax locally, the
// SKUs against the products (ListReference) and every barcode against the boxes stampd has
// (FindBoxes) — and every bad row is reported with its line and column; only a file with no bad
// row is sent, as receive_boxes batches of constants::boxes_per_batch_max, pipelined. A box
// already received identically is skipped, so running the same file again after a success or an
// interruption completes it. Design and limits: docs/import.md. One thread, one connection.
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <unordered_map>

#include "clients/stampctl/command_table.hpp"
#include "clients/stampctl/manifest.hpp"
#include "net/protocol/answers.hpp"

namespace stampd::ctl {
namespace {

using flatbuffers::FlatBufferBuilder;

// Batches in flight at once: enough to keep the writer applying while earlier ones sync (a group
// commit takes what has arrived), far below the server's in_flight_per_connection_max.
constexpr std::size_t batches_in_flight = 32;
// FindBoxes reads in flight: half the server's reads_in_flight_max (at the limit the server
// pauses reading the socket, and measured slower).
constexpr std::size_t reads_in_flight = 8;
// Pages of products read to check SKUs: 1,000 rows each, a million products.
constexpr u32 product_pages_max = 1'000;
// Other shipments named in errors by their key (one GetShipment each); past this, by id.
constexpr std::size_t other_shipments_named_max = 64;

static_assert(reads_in_flight <= net::reads_in_flight_max);
static_assert(batches_in_flight + reads_in_flight <= net::in_flight_per_connection_max);

struct import_args {
    std::string file;
    u32 shipment = 0;
    bool start = false;
    bool finish = false;
    bool dry_run = false;
};

struct shipment_info {
    u32 id = 0;
    std::string key;
    consignee_id consignee = id_none;
    proto::ShipmentStatus status = proto::ShipmentStatus::Expected;
};

struct product_info {
    product_id id = id_none;
    consignee_id consignee = id_none;
};

// What the import found and did, for the summary and --json.
struct tally {
    u32 rows = 0;
    u32 already = 0;  // found received identically before sending
    u32 received = 0;
    u32 skipped_by_server = 0;  // received identically meanwhile (another import, a lost answer)
    u64 lsn = 0;
};

const char* status_name(proto::ShipmentStatus s) {
    return proto::EnumNameShipmentStatus(s);
}

int get_shipment(client::connection& c, u32 id, shipment_info& out) {
    client::response answer;
    if (const int rc = call_read(
            c, proto::Body::GetShipment,
            [id](FlatBufferBuilder& b) { return proto::CreateGetShipment(b, id).Union(); }, answer);
        rc != exit_done) {
        return rc;
    }
    if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
    const proto::ShipmentView* v = answer.get()->reply_as_ShipmentView();
    if (v == nullptr) return connection_lost("GetShipment was answered with something else");
    out = shipment_info{.id = v->id(),
                        .key = v->key() != nullptr ? v->key()->str() : "",
                        .consignee = v->consignee(),
                        .status = v->status()};
    return exit_done;
}

int read_products(client::connection& c, std::unordered_map<std::string, product_info>& out) {
    u32 after = 0;
    for (u32 page = 0; page < product_pages_max; ++page) {
        client::response answer;
        if (const int rc = call_read(
                c, proto::Body::ListReference,
                [after](FlatBufferBuilder& b) {
                    return proto::CreateListReference(b, proto::ReferenceKind::Products, after)
                        .Union();
                },
                answer);
            rc != exit_done) {
            return rc;
        }
        if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
        const proto::ReferenceList* list = answer.get()->reply_as_ReferenceList();
        if (list == nullptr)
            return connection_lost("ListReference was answered with something else");
        for (const proto::ReferenceRow* row : *list->rows()) {
            if (row->key() != nullptr)
                out.emplace(row->key()->str(), product_info{row->id(), row->consignee()});
            after = row->id();
        }
        if (!list->more()) return exit_done;
    }
    std::cerr << "stampctl: more than " << product_pages_max * net::list_rows_max
              << " products; the SKUs cannot all be checked\n";
    return exit_rejected;
}

// The box stampd has under each row's barcode (box 0: none), FindBoxes pipelined.
int find_boxes(client::connection& c, const std::vector<manifest_row>& rows,
               std::vector<proto::FoundBox>& found) {
    found.assign(rows.size(), proto::FoundBox{});
    const std::size_t batch = constants::boxes_per_batch_max;
    std::size_t sent = 0, done = 0;
    std::string error;
    while (done < rows.size()) {
        while (sent < rows.size() && sent - done < reads_in_flight * batch) {
            const std::size_t end = std::min(rows.size(), sent + batch);
            c.send(proto::Body::FindBoxes, [&](FlatBufferBuilder& b) {
                std::vector<flatbuffers::Offset<flatbuffers::String>> barcodes;
                for (std::size_t i = sent; i < end; ++i)
                    barcodes.push_back(
                        b.CreateString(rows[i].barcode.view().data(), rows[i].barcode.size()));
                return proto::CreateFindBoxes(b, b.CreateVector(barcodes)).Union();
            });
            sent = end;
        }
        if (!c.flush(error)) return connection_lost(error);
        client::response answer;
        if (!c.receive(answer, error)) return connection_lost(error);
        if (answer.id() == 0 && answer.outcome() == nullptr) continue;  // a push
        if (const proto::Outcome* o = answer.outcome()) return print_refusal(*o);
        const proto::BoxesFound* f = answer.get()->reply_as_BoxesFound();
        const std::size_t expected = std::min(rows.size() - done, batch);
        if (f == nullptr || f->boxes() == nullptr || f->boxes()->size() != expected)
            return connection_lost("FindBoxes was answered with something else");
        for (std::size_t i = 0; i < expected; ++i)
            found[done + i] = *f->boxes()->Get(static_cast<flatbuffers::uoffset_t>(i));
        done += expected;
    }
    return exit_done;
}

std::string figures(u32 product_id_, std::string_view sku, u32 units, u32 damaged) {
    return "SKU " + std::string{sku} + " (product " + std::to_string(product_id_) + "), " +
           std::to_string(units) + " units, " + std::to_string(damaged) + " damaged";
}

// Checks each row's references; rows to send go to `to_send`, rows already received identically
// are counted. Errors are appended.
int check_references(client::connection& c, const shipment_info& sh, const manifest& m,
                     std::vector<manifest_error>& errors, std::vector<box_input>& to_send,
                     std::vector<u32>& send_lines, tally& t) {
    std::unordered_map<std::string, product_info> products;
    if (const int rc = read_products(c, products); rc != exit_done) return rc;
    std::vector<proto::FoundBox> found;
    if (const int rc = find_boxes(c, m.rows, found); rc != exit_done) return rc;
    std::map<u32, std::string> other_keys;  // other shipments named in errors
    std::unordered_map<product_id, std::string> sku_of;
    for (const auto& [sku, p] : products)
        sku_of.emplace(p.id, sku);
    const auto error = [&](u32 line, const char* column, const char* code, std::string message) {
        errors.push_back({line, column, code, std::move(message)});
    };
    for (std::size_t i = 0; i < m.rows.size(); ++i) {
        const manifest_row& row = m.rows[i];
        const std::string sku{row.sku.view()};
        const auto p = products.find(sku);
        if (p == products.end()) {
            error(row.line, "sku", "UNKNOWN_SKU", "no product has SKU " + sku);
        } else if (p->second.consignee != sh.consignee) {
            error(row.line, "sku", "OTHER_CONSIGNEE",
                  "SKU " + sku + " is consignee " + std::to_string(p->second.consignee) +
                      "'s, the shipment is consignee " + std::to_string(sh.consignee) + "'s");
        }
        const proto::FoundBox& box = found[i];
        if (box.box() != 0 && box.shipment() != sh.id) {
            std::string& key = other_keys[box.shipment()];
            if (key.empty()) {
                shipment_info other;
                if (other_keys.size() <= other_shipments_named_max &&
                    get_shipment(c, box.shipment(), other) == exit_done) {
                    key = other.key + " (" + std::to_string(other.id) + ")";
                } else {
                    key = std::to_string(box.shipment());
                }
            }
            error(row.line, "barcode", "BARCODE_ON_OTHER_SHIPMENT",
                  "barcode " + std::string{row.barcode.view()} + " is box " +
                      std::to_string(box.box()) + " of shipment " + key);
            continue;
        }
        if (p == products.end() || p->second.consignee != sh.consignee) continue;
        if (box.box() != 0) {
            if (box.product() == p->second.id && box.units() == row.units &&
                box.damaged() == row.damaged) {
                ++t.already;
                continue;
            }
            const auto held = sku_of.find(box.product());
            error(row.line, "barcode", "BARCODE_DIFFERS",
                  "barcode " + std::string{row.barcode.view()} + " is already box " +
                      std::to_string(box.box()) + " of this shipment with " +
                      figures(box.product(), held != sku_of.end() ? held->second : "?", box.units(),
                              box.damaged()) +
                      "; the file says " + figures(p->second.id, sku, row.units, row.damaged));
            continue;
        }
        to_send.push_back(box_input{.barcode = row.barcode,
                                    .product = p->second.id,
                                    .units = row.units,
                                    .damaged = row.damaged});
        send_lines.push_back(row.line);
    }
    return exit_done;
}

void print_errors(const globals& g, const import_args& a, std::vector<manifest_error>& errors,
                  const tally& t) {
    sort_errors(errors);
    if (g.json) {
        json::array list;
        for (const manifest_error& e : errors) {
            list.push_back(json::object{{"line", std::uint64_t{e.line}},
                                        {"column", e.column},
                                        {"code", e.code},
                                        {"message", e.message}});
        }
        print_json(json::object{{"command", "import-shipment"},
                                {"file", a.file},
                                {"code", "MANIFEST_REFUSED"},
                                {"rows", std::uint64_t{t.rows}},
                                {"bad_rows", std::uint64_t{errors.size()}},
                                {"applied", false},
                                {"errors", std::move(list)}});
    }
    for (const manifest_error& e : errors) {
        std::cerr << a.file << ':' << (e.line != 0 ? std::to_string(e.line) + ":" : std::string{})
                  << (e.column.empty() ? std::string{} : " column " + e.column + ":") << ' '
                  << e.code << ": " << e.message << '\n';
    }
    std::cerr << "stampctl: " << a.file << ": " << errors.size() << " error(s) in " << t.rows
              << " rows; nothing was applied\n";
}

// A refused batch: which row, and what was applied before it.
void print_batch_refusal(const globals& g, const import_args& a, const proto::Outcome& o,
                         const std::vector<u32>& lines, std::size_t first, const tally& t) {
    const std::size_t item = o.item();
    const std::string where = item >= 1 && first + item - 1 < lines.size()
                                  ? a.file + ":" + std::to_string(lines[first + item - 1]) + ": "
                                  : a.file + ": ";
    if (g.json) {
        print_json(json::object{{"command", "import-shipment"},
                                {"file", a.file},
                                {"code", std::string{net::to_string(o.code())}},
                                {"line", std::uint64_t{item >= 1 && first + item - 1 < lines.size()
                                                           ? lines[first + item - 1]
                                                           : 0}},
                                {"message", refusal_text(o)},
                                {"received", std::uint64_t{t.received}},
                                {"applied", t.received > 0}});
    }
    std::cerr << where << refusal_text(o) << '\n';
    std::cerr << "stampctl: stopped; " << t.received
              << " boxes were received before (changed since the check: run the same file again "
                 "to see every row that is refused now)\n";
}

// A connection lost part way: what is durable stays, and the same file completes it.
int lost_part_way(const std::string& error, const tally& t) {
    const int rc = connection_lost(error);
    std::cerr << "stampctl: the import stopped part way (" << t.received
              << " boxes received and acknowledged); run the same file again to complete it\n";
    return rc;
}

// Sends the boxes in batches, pipelined; stops sending at the first refusal.
int send_batches(const globals& g, const import_args& a, client::connection& c, u32 shipment,
                 const std::vector<box_input>& boxes, const std::vector<u32>& lines, tally& t) {
    const std::size_t batch = constants::boxes_per_batch_max;
    std::vector<std::size_t> firsts;  // the first box of each batch sent, in order
    std::size_t sent = 0, answered = 0;
    bool refused = false;
    int rc = exit_done;
    std::string error;
    if (g.request != 0) c.use_request_id(g.request);
    while (answered < firsts.size() || (!refused && sent < boxes.size())) {
        while (!refused && sent < boxes.size() && firsts.size() - answered < batches_in_flight) {
            const std::size_t end = std::min(boxes.size(), sent + batch);
            receive_boxes cmd{
                .shipment = shipment,
                .boxes = std::vector<box_input>(boxes.begin() + sent, boxes.begin() + end)};
            c.send(command{std::move(cmd)});
            firsts.push_back(sent);
            sent = end;
        }
        if (!c.flush(error)) return lost_part_way(error, t);
        client::response answer;
        if (!c.receive(answer, error)) return lost_part_way(error, t);
        const proto::Outcome* o = answer.outcome();
        if (o == nullptr) continue;  // a push
        if (answer.id() == 0) {      // an error that closes the connection
            print_refusal(*o);
            return lost_part_way("the server closed the connection", t);
        }
        const std::size_t first = firsts[answered++];
        const std::size_t size = std::min(batch, boxes.size() - first);
        if (o->code() == proto::Code::OK) {
            t.received += o->result();
            t.skipped_by_server += static_cast<u32>(size) - o->result();
            t.lsn = std::max<u64>(t.lsn, o->lsn());
            continue;
        }
        if (!refused) {
            print_batch_refusal(g, a, *o, lines, first, t);
            rc = exit_of(o->code());
        }
        refused = true;
    }
    return rc;
}

int finish(client::connection& c, u32 shipment, tally& t) {
    client::response answer;
    std::string error;
    if (!c.call(command{finish_receiving{.shipment = shipment}}, answer, error))
        return connection_lost(error);
    const proto::Outcome* o = answer.outcome();
    if (o == nullptr) return connection_lost("FinishReceiving was answered with something else");
    if (o->code() != proto::Code::OK) return print_refusal(*o);
    t.lsn = std::max<u64>(t.lsn, o->lsn());
    return exit_done;
}

void print_summary(const globals& g, const import_args& a, const shipment_info& sh, const tally& t,
                   bool finished) {
    const u32 to_send = t.rows - t.already;
    if (g.json) {
        print_json(json::object{{"command", "import-shipment"},
                                {"file", a.file},
                                {"code", "OK"},
                                {"dry_run", a.dry_run},
                                {"shipment", std::uint64_t{sh.id}},
                                {"shipment_key", sh.key},
                                {"rows", std::uint64_t{t.rows}},
                                {"already_received", std::uint64_t{t.already}},
                                {"to_receive", std::uint64_t{to_send}},
                                {"received", std::uint64_t{t.received}},
                                {"skipped_by_server", std::uint64_t{t.skipped_by_server}},
                                {"finished", finished},
                                {"lsn", std::uint64_t{t.lsn}}});
        return;
    }
    if (a.dry_run) {
        std::cout << "dry run: " << a.file << " checked, " << t.rows
                  << " rows, no error: " << to_send << " boxes would be received into shipment "
                  << sh.key << " (" << sh.id << "), " << t.already
                  << " are already received identically (skipped); nothing recorded\n";
        return;
    }
    std::cout << "imported " << a.file << " into shipment " << sh.key << " (" << sh.id
              << "): " << t.rows << " rows, " << t.received << " boxes received, "
              << t.already + t.skipped_by_server << " already received identically (skipped)";
    if (finished) std::cout << "; shipment inventoried";
    if (t.lsn != 0) std::cout << " at LSN " << t.lsn;
    std::cout << '\n';
}

int run_import(const globals& g, const import_args& a) {
    std::ifstream in(a.file, std::ios::binary);
    if (!in) {
        std::cerr << "stampctl: cannot read " << a.file << '\n';
        return exit_usage;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    manifest m = parse_manifest(text);
    tally t{.rows = m.data_rows};
    std::vector<manifest_error> errors = std::move(m.errors);
    client::connection c;
    if (const int rc = open_connection(g, c); rc != exit_done) return rc;
    if (const int rc = resolve_refs(c); rc != exit_done) return rc;
    shipment_info sh;
    if (const int rc = get_shipment(c, a.shipment, sh); rc != exit_done) return rc;
    std::vector<box_input> to_send;
    std::vector<u32> send_lines;
    if (const int rc = check_references(c, sh, m, errors, to_send, send_lines, t); rc != exit_done)
        return rc;
    // Rows to receive need a shipment that takes boxes; a file whose every box is in already
    // is done whatever the shipment's state (a retry after --finish).
    const bool startable = sh.status == proto::ShipmentStatus::Expected && a.start;
    if (!to_send.empty() && sh.status != proto::ShipmentStatus::Receiving && !startable) {
        errors.push_back({0, "", "WRONG_STATE",
                          "shipment " + sh.key + " (" + std::to_string(sh.id) + ") is " +
                              status_name(sh.status) + "; boxes are received while Receiving" +
                              (sh.status == proto::ShipmentStatus::Expected
                                   ? " (start-receiving first, or --start)"
                                   : "")});
    }
    if (!errors.empty()) {
        print_errors(g, a, errors, t);
        return exit_rejected;
    }
    if (a.dry_run) {
        print_summary(g, a, sh, t, false);
        return exit_done;
    }
    if (!to_send.empty() && sh.status == proto::ShipmentStatus::Expected) {
        client::response answer;
        std::string error;
        if (!c.call(command{start_receiving{.shipment = sh.id}}, answer, error))
            return connection_lost(error);
        if (const proto::Outcome* o = answer.outcome(); o && o->code() != proto::Code::OK)
            return print_refusal(*o);
    }
    if (const int rc = send_batches(g, a, c, sh.id, to_send, send_lines, t); rc != exit_done)
        return rc;
    bool finished = sh.status == proto::ShipmentStatus::Inventoried;
    if (a.finish && !finished) {
        if (const int rc = finish(c, sh.id, t); rc != exit_done) return rc;
        finished = true;
    }
    print_summary(g, a, sh, t, finished);
    return exit_done;
}

constexpr const char* import_help =
    "Receive a whole shipment from its advance shipping notice, a CSV file (SPEC §3, issue 19).\n"
    "The file: a header line naming the columns barcode,sku,units,damaged (any order, each "
    "once), then one box a line: its barcode (1-32 bytes, unique), the product's SKU (a product "
    "of the shipment's consignee), its units (1-65535) and damaged units (0 to units; empty: 0). "
    "Fields may be quoted (\"A,1\"; \"\" is a quote); blank lines are skipped; CRLF, LF and a "
    "UTF-8 BOM are read.\n"
    "  barcode,sku,units,damaged\n"
    "  BX-000001,V15,24,0\n"
    "  BX-000002,V15,24,1\n"
    "Every row is checked first, the SKUs and barcodes against stampd; each bad row is printed "
    "as FILE:LINE: column COLUMN: CODE: what is wrong, with its figures (BAD_HEADER, BAD_ROW, "
    "BAD_BARCODE, BAD_SKU, BAD_UNITS, BAD_DAMAGED, DUPLICATE_BARCODE, UNKNOWN_SKU, "
    "OTHER_CONSIGNEE, BARCODE_ON_OTHER_SHIPMENT, BARCODE_DIFFERS, WRONG_STATE, NO_ROWS), and "
    "nothing is applied unless every row is good. Then the boxes go in batches of 512, each all "
    "or nothing and durable when answered. A box already received with the same SKU and "
    "figures is skipped and counted as such: running the same file again after a success or an "
    "interruption (stampctl or stampd killed) completes it, never duplicating a box.\n"
    "Exit codes: 0 imported (or nothing left to import; with --dry-run: no bad row), 1 the file "
    "was refused (nothing applied) or a batch was refused by stampd (the boxes of the batches "
    "before it were received: run the file again), 2 usage or an unreadable file, 3 connection "
    "or authentication (run the file again).";

}  // namespace

void define_import_shipment(registry& r) {
    CLI::App* sub = r.app.add_subcommand(
        "import-shipment",
        std::string{import_help} + "\nRoles: " + roles_text(roles_of::warehouse) + ".");
    auto a = std::make_shared<import_args>();
    sub->add_option("file", a->file, "the CSV file (barcode,sku,units,damaged)")->required();
    ref_option(*sub, "--shipment", a->shipment, ref_kind::shipment,
               "the shipment: its id or key; it must be Receiving (or Expected, with --start)")
        ->required();
    sub->add_flag("--start", a->start, "start receiving the shipment first if it is Expected");
    sub->add_flag("--finish", a->finish,
                  "finish receiving after the import: the shipment becomes Inventoried");
    sub->add_flag("--dry-run", a->dry_run,
                  "check every row against stampd and say what would be received; nothing is "
                  "recorded");
    sub->callback([&r, a] { r.chosen = [a](const globals& g) { return run_import(g, *a); }; });
}

}  // namespace stampd::ctl
