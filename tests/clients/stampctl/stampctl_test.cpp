// stampctl end to end: a real stampd in-process on a loopback port, the real stampctl binary run
// as a child process (STAMPCTL), its stdout, stderr and exit code checked. One whole stamp run
// role by role (SPEC §2–§9), the exit codes 0/1/2/3, --json that parses, --dry-run, and the
// shell tour clients/stampctl/tour.sh (STAMPCTL_TOUR) against the same kind of server.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "clients/stampctl/readable.hpp"
#include "net/server.hpp"
#include "tests/support/json_check.hpp"
#include "tests/support/run_program.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd {
namespace {

using testing::environment;
using testing::ran;
using testing::run_program;
using testing::slurp;
using testing::start_program;
using testing::wait_program;

const std::string admin_token = "admin-token-0123456789";
const std::string supervisor_token = "supervisor-token-0123";
const std::string stamper_token = "stamper-token-0123456";
const std::string verifier_token = "verifier-token-012345";
const std::string finance_token = "finance-token-0123456";
const std::string consignee_token = "consignee-token-01234";

json::value parse_json(const std::string& text) {
    auto v = testing::json_reader(text).parse();
    EXPECT_TRUE(v.has_value()) << "not JSON: " << text;
    return v.value_or(json::value{});
}

const json::value& field(const json::value& v, std::string_view key) {
    static const json::value missing;
    const json::object* o = v.as_object();
    const json::value* f = o != nullptr ? json::find(*o, key) : nullptr;
    EXPECT_NE(f, nullptr) << "no field " << key << " in " << json::to_string(v);
    return f != nullptr ? *f : missing;
}

std::string text(const json::value& v) {
    const std::string* s = v.as_string();
    return s != nullptr ? *s : json::to_string(v);
}

class stampctl_test : public ::testing::Test {
protected:
    void SetUp() override {
        runtime.storage = {.path = dir / "data", .sync = false};
        net::server_options options{
            .host = "127.0.0.1", .port = 0, .bootstrap_admin_token = admin_token};
        options.log = [](net::log_level, const std::string&) {};
        const wal::status started = net::server::start(runtime, options, server);
        ASSERT_TRUE(started.ok()) << started.message();
        address = "127.0.0.1:" + std::to_string(server->port());
    }
    void TearDown() override {
        if (server) server->stop();
    }

    // The token as people are told to pass it: in the environment, not on the command line.
    ran ctl(const std::string& token, const std::vector<std::string>& args) {
        std::vector<std::string> all{"--server", address};
        all.insert(all.end(), args.begin(), args.end());
        return run_program(dir, STAMPCTL, all, {{"STAMPD_TOKEN", token}});
    }
    // A command that must succeed; returns its stdout.
    std::string ok(const std::string& token, const std::vector<std::string>& args) {
        const ran r = ctl(token, args);
        EXPECT_EQ(r.code, 0) << args.front() << ": " << r.err << r.out;
        return r.out;
    }

    // Admin: five users of the warehouse, consignee 1 with user 6, product 1 (15 mL).
    void set_up_reference() {
        ok(admin_token, {"create-user", "--key", "sam", "--name", "Sam", "--roles", "supervisor",
                         "--user-token", supervisor_token});
        ok(admin_token,
           {"create-user", "--key", "stella", "--roles", "stamper", "--user-token", stamper_token});
        ok(admin_token,
           {"create-user", "--key", "vic", "--roles", "verifier", "--user-token", verifier_token});
        ok(admin_token,
           {"create-user", "--key", "fran", "--roles", "finance", "--user-token", finance_token});
        EXPECT_EQ(ok(admin_token, {"-q", "create-consignee", "--key", "ACME", "--name",
                                   "Acme \"Vapes\"", "--province", "on"}),
                  "1\n");
        ok(admin_token, {"create-user", "--key", "acme", "--roles", "consignee", "--consignee", "1",
                         "--user-token", consignee_token});
        ok(admin_token, {"create-product", "--sku", "V15", "--consignee", "1", "--name", "Mint",
                         "--volume-ul", "15000"});
        ok(admin_token, {"set-duty-rate", "--region", "on", "--cents", "12"});
        ok(admin_token, {"set-tax-rate", "--province", "on", "--basis-points", "1300"});
    }

    // Supervisor: shipment 1 with boxes 1–3 (10, 10 and 5 with 1 damaged: 24 good), inventoried.
    void receive_shipment() {
        ok(supervisor_token, {"create-shipment", "--key", "SH1", "--consignee", "1"});
        ok(supervisor_token, {"start-receiving", "--shipment", "1"});
        const char* boxes[][3] = {{"BX1", "10", "0"}, {"BX2", "10", "0"}, {"BX3", "5", "1"}};
        for (const auto& b : boxes) {
            ok(supervisor_token, {"receive-box", "--shipment", "1", "--barcode", b[0], "--product",
                                  "1", "--units", b[1], "--damaged", b[2]});
        }
        ok(supervisor_token, {"finish-receiving", "--shipment", "1"});
    }

    // Each instant ("2026-12-07 11:39:18 UTC") as <time>, so that an output can be compared whole.
    static std::string without_times(const std::string& out) {
        static constexpr std::string_view shape = "dddd-dd-dd dd:dd:dd UTC";
        const auto instant_at = [&](std::size_t at) {
            if (out.size() - at < shape.size()) return false;
            for (std::size_t k = 0; k < shape.size(); ++k) {
                const char c = out[at + k];
                if (shape[k] == 'd' ? !std::isdigit(static_cast<unsigned char>(c)) : c != shape[k])
                    return false;
            }
            return true;
        };
        std::string masked;
        for (std::size_t at = 0; at < out.size();) {
            if (instant_at(at)) {
                masked += "<time>";
                at += shape.size();
            } else {
                masked += out[at++];
            }
        }
        return masked;
    }

    // Reference data, a shipment, and PO 1 stamped and verified: outbound record 1, ready.
    void complete_po_1() {
        set_up_reference();
        receive_shipment();
        ok(supervisor_token,
           {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:24"});
        ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
        for (const char* box : {"1", "2", "3"})
            ok(stamper_token, {"confirm-box", "--po", "1", "--box", box, "--action", "override"});
        ok(verifier_token, {"verify-po", "--po", "1", "--override-shortage"});
    }

    testing::temp_dir dir;
    wal::runtime_options runtime;
    std::unique_ptr<net::server> server;
    std::string address;
};

TEST_F(stampctl_test, whole_stamp_run_role_by_role) {
    set_up_reference();
    receive_shipment();
    // Finance orders stamps, the admin approves, finance orders them, the supervisor receives.
    EXPECT_EQ(ok(finance_token, {"-q", "submit-stamp-order", "--region", "on", "--bundles", "500"}),
              "1\n");
    ok(admin_token, {"review-stamp-order", "--order", "1", "--action", "approve"});
    ok(finance_token, {"mark-stamp-order-ordered", "--order", "1"});
    ok(supervisor_token, {"receive-stamps", "--order", "1", "--bundles", "500"});
    EXPECT_NE(ok(supervisor_token, {"balances"}).find("25000"), std::string::npos);
    // The supervisor creates the PO; the stamper runs it box by box.
    EXPECT_EQ(ok(supervisor_token,
                 {"-q", "create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:24"}),
              "1\n");
    ok(stamper_token, {"start-run", "--po", "1"});
    EXPECT_EQ(ok(stamper_token, {"confirm-box", "--po", "1", "--box", "1"})
                  .rfind("confirmed box 1 of PO-000001 (1) at LSN ", 0),
              0u);
    EXPECT_EQ(ok(stamper_token, {"confirm-box", "PO-000001", "--box", "BX2"})
                  .rfind("confirmed box BX2 (2) of PO-000001 (1) at LSN ", 0),
              0u);
    const json::value third =
        parse_json(ok(stamper_token, {"--json", "confirm-box", "--po", "1", "--box", "3"}));
    EXPECT_EQ(text(field(third, "command")), "confirm-box");
    EXPECT_EQ(text(field(third, "code")), "OK");
    EXPECT_EQ(text(field(third, "result")), "1");
    // Every box done: pending verification; a verifier (not the stamper) completes it.
    EXPECT_EQ(text(field(parse_json(ok(supervisor_token, {"get-po", "1", "--json"})), "status")),
              "PendingVerification");
    EXPECT_EQ(ok(verifier_token, {"verify-po", "--po", "1"}).rfind("verified PO-000001 (1)", 0),
              0u);
    const json::value po = parse_json(ok(verifier_token, {"--json", "get-po", "1"}));
    EXPECT_EQ(text(field(po, "type")), "PoView");
    EXPECT_EQ(text(field(po, "status")), "Completed");
    EXPECT_EQ(text(field(po, "invoice")), "1");
    // Finance reads the draft invoice: 24 units × 8 increments × 12 cents, 13 % tax.
    const json::value invoice = parse_json(ok(finance_token, {"--json", "get-invoice", "1"}));
    EXPECT_EQ(text(field(invoice, "status")), "Draft");
    EXPECT_EQ(text(field(field(invoice, "totals"), "duty")), "2304");
    EXPECT_EQ(text(field(field(invoice, "totals"), "total")), "2604");
    EXPECT_NE(ok(finance_token, {"get-invoice", "1"}).find("INV-000001"), std::string::npos);
    // The consignee lists its POs but may not read the balances.
    EXPECT_NE(ok(consignee_token, {"list-pos"}).find("PO-000001"), std::string::npos);
    const ran balances = ctl(consignee_token, {"balances"});
    EXPECT_EQ(balances.code, 1);
    EXPECT_NE(balances.err.find("FORBIDDEN"), std::string::npos) << balances.err;
}

// Issue 16: tax is set per component in percent to a thousandth, and read back as percent.
TEST_F(stampctl_test, tax_is_set_by_component_and_read_back_in_percent) {
    EXPECT_NE(
        ok(admin_token, {"set-tax-rate", "--province", "BC", "--kind", "pst", "--percent", "7.125"})
            .find("set PST in BC to 7.125 %"),
        std::string::npos);
    const std::string settings = ok(admin_token, {"get-settings"});
    for (const char* row :
         {"  province  gst  hst   qst      pst\n", "  BC        5 %  0 %   0 %      7.125 %\n",
          "  QC        5 %  0 %   9.975 %  0 %\n", "  ON        0 %  13 %  0 %      0 %\n"}) {
        EXPECT_NE(settings.find(row), std::string::npos) << row << " not in\n" << settings;
    }
    // --json keeps the figures as the server sends them: thousandths of a percent.
    const std::string json_settings = ok(admin_token, {"--json", "get-settings"});
    EXPECT_NE(json_settings.find(R"({"gst":5000,"hst":0,"qst":0,"pst":7125})"), std::string::npos)
        << json_settings;
    const ran too_fine = ctl(
        admin_token, {"set-tax-rate", "--province", "qc", "--kind", "qst", "--percent", "9.9751"});
    EXPECT_EQ(too_fine.code, 2);
    EXPECT_NE(too_fine.err.find("more than three decimals"), std::string::npos) << too_fine.err;
    const ran no_rate = ctl(admin_token, {"set-tax-rate", "--province", "qc", "--kind", "qst"});
    EXPECT_EQ(no_rate.code, 2);
}

// Issue 16: lists narrowed by what a person asks for, and a status outside the list named.
TEST_F(stampctl_test, lists_filter_by_region_and_status) {
    set_up_reference();
    ok(finance_token, {"submit-stamp-order", "--region", "qc", "--bundles", "501"});
    ok(finance_token, {"submit-stamp-order", "--region", "mb", "--bundles", "502"});
    const std::string qc = ok(finance_token, {"--json", "list-stamp-orders", "--region", "QC"});
    EXPECT_NE(qc.find("\"bundles\":501"), std::string::npos) << qc;
    EXPECT_EQ(qc.find("\"bundles\":502"), std::string::npos) << qc;
    const std::string received =
        ok(finance_token, {"--json", "list-stamp-orders", "--status", "received"});
    EXPECT_EQ(received.find("\"bundles\":50"), std::string::npos) << received;
    const ran bad = ctl(finance_token, {"list-invoices", "--status", "sent"});
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("unknown invoice status 'sent' (one of draft, issued, paid, archived)"),
              std::string::npos)
        << bad.err;
    EXPECT_EQ(ctl(finance_token, {"list-pos", "--unscheduled"}).code, 0);
}

TEST_F(stampctl_test, verifier_who_stamped_is_refused_same_user) {
    set_up_reference();
    receive_shipment();
    ok(admin_token, {"create-user", "--key", "both", "--roles", "stamper,verifier", "--user-token",
                     "stamper-verifier-0123"});
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:10"});
    ok("stamper-verifier-0123", {"start-run", "--po", "1", "--acknowledge-shortage"});
    ok("stamper-verifier-0123", {"confirm-box", "--po", "1", "--box", "1", "--action", "skip"});
    const ran r = ctl("stamper-verifier-0123", {"verify-po", "--po", "1"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("SAME_USER"), std::string::npos) << r.err;
}

// A new user's token is given in a file (--user-token-file), never needing the command line;
// --user-token still works but says it is visible in ps; one of the two, not both.
TEST_F(stampctl_test, a_new_users_token_comes_from_a_file) {
    const std::string file = dir / "ann.token";
    { std::ofstream(file) << "ann-token-0123456789\n"; }
    std::filesystem::permissions(
        file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    const ran created = ctl(admin_token, {"create-user", "--key", "ann", "--roles", "stamper",
                                          "--user-token-file", file});
    EXPECT_EQ(created.code, 0) << created.err;
    EXPECT_EQ(created.err, "");
    ok("ann-token-0123456789", {"whoami"});  // the token in the file is the one kept
    const ran inline_token = ctl(admin_token, {"create-user", "--key", "bob", "--roles", "stamper",
                                               "--user-token", "bob-token-0123456789"});
    EXPECT_EQ(inline_token.code, 0) << inline_token.err;
    EXPECT_NE(inline_token.err.find("--user-token puts the secret where anyone"), std::string::npos)
        << inline_token.err;
    const ran both =
        ctl(admin_token, {"create-user", "--key", "cat", "--roles", "stamper", "--user-token",
                          "cat-token-0123456789", "--user-token-file", file});
    EXPECT_EQ(both.code, 2) << both.err;
    const ran neither = ctl(admin_token, {"create-user", "--key", "dan", "--roles", "stamper"});
    EXPECT_EQ(neither.code, 2) << neither.err;
    const ran missing =
        ctl(admin_token, {"set-user-token", "--user", "2", "--user-token-file", dir / "nothing"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("nothing"), std::string::npos) << missing.err;
}

TEST_F(stampctl_test, insufficient_stamps_prints_code_and_figures) {
    set_up_reference();
    receive_shipment();
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:qc:10"});
    const ran warned = ctl(stamper_token, {"start-run", "--po", "1"});
    EXPECT_EQ(warned.code, 1);
    EXPECT_EQ(warned.err.rfind("STAMP_SHORTAGE_WARNING:", 0), 0u) << warned.err;
    EXPECT_NE(warned.err.find("region QC needed 10 available 0"), std::string::npos) << warned.err;
    ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
    const ran refused = ctl(stamper_token, {"confirm-box", "--po", "1", "--box", "1"});
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("INSUFFICIENT_STAMPS:"), std::string::npos) << refused.err;
    EXPECT_NE(refused.err.find("region QC needed 10 available 0"), std::string::npos)
        << refused.err;
    const std::string skipped =
        ok(stamper_token, {"confirm-box", "--po", "1", "--box", "1", "--action", "skip"});
    EXPECT_EQ(skipped.rfind("skipped box 1 of PO-000001 (1)", 0), 0u) << skipped;
}

// Issue 16: every invocation was sent as the same request, so a second command under one --client
// was answered with the first one's outcome and never applied.
TEST_F(stampctl_test, invocations_under_one_client_are_all_applied_and_a_retry_only_once) {
    set_up_reference();
    const std::vector<std::string> as_client{"--client", "42", "-q"};
    const auto order = [&](std::vector<std::string> extra, const std::string& region,
                           const std::string& bundles) {
        std::vector<std::string> args = as_client;
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"submit-stamp-order", "--region", region, "--bundles", bundles});
        return ctl(finance_token, args);
    };
    EXPECT_EQ(order({}, "qc", "501").out, "1\n");
    EXPECT_EQ(order({}, "mb", "502").out, "2\n");
    // A retry names the request of the try it repeats: answered once, applied once. (Ids under a
    // client only grow: one above the clock's, as a script keeping its own would.)
    EXPECT_EQ(order({"--request", "10000000000000000"}, "qc", "600").out, "3\n");
    const ran retried = order({"--request", "10000000000000000"}, "qc", "600");
    EXPECT_EQ(retried.code, 0) << retried.err;
    EXPECT_EQ(retried.out, "3\n");
    const ran reused = order({"--request", "10000000000000000"}, "mb", "600");
    EXPECT_EQ(reused.code, 1);
    EXPECT_EQ(
        reused.err.rfind(
            "REQUEST_REUSED: request 10000000000000000 of this client was answered at LSN ", 0),
        0u)
        << reused.err;
    const ran no_client = ctl(finance_token, {"--request", "5", "submit-stamp-order", "--region",
                                              "qc", "--bundles", "500"});
    EXPECT_EQ(no_client.code, 2);
    EXPECT_NE(no_client.err.find("--request needs --client"), std::string::npos) << no_client.err;
    // A create re-sent after a lost answer, without --client: the first outcome again.
    const std::vector<std::string> acme{"-q",     "create-consignee", "--key",      "ACME",
                                        "--name", "Acme \"Vapes\"",   "--province", "on"};
    EXPECT_EQ(ok(admin_token, acme), "1\n");
    const ran other = ctl(
        admin_token, {"create-consignee", "--key", "ACME", "--name", "Acme", "--province", "on"});
    EXPECT_EQ(other.code, 1);
    EXPECT_EQ(other.err.rfind("ALREADY_EXISTS:", 0), 0u) << other.err;
}

// Issue 16: refusals in words, dates as dates ("day 20821" read as nothing to a person).
TEST_F(stampctl_test, refusals_say_dates_as_dates_and_name_their_figures) {
    set_up_reference();
    receive_shipment();
    const auto po_on = [&](const std::string& on) {
        return ctl(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line",
                                      "1:fed:10", "--on", on});
    };
    const ran saturday = po_on("2027-01-02");
    EXPECT_EQ(saturday.code, 1);
    EXPECT_EQ(saturday.err, "DAY_CLOSED: 2027-01-02 is a Saturday: the line is closed\n");
    const ran past = po_on("2020-01-06");
    EXPECT_EQ(past.code, 1);
    EXPECT_EQ(past.err.rfind("DAY_CLOSED: 2020-01-06 is past (today is 20", 0), 0u) << past.err;
    const ran few =
        ctl(finance_token, {"submit-stamp-order", "--region", "qc", "--bundles", "100"});
    EXPECT_EQ(few.code, 1);
    EXPECT_EQ(few.err, "BELOW_MINIMUM: 100 bundles, at least 500\n");
}

// Issue 16: a consignee's details change; flags not given keep what it had.
TEST_F(stampctl_test, edit_consignee_changes_what_is_given_and_keeps_the_rest) {
    set_up_reference();
    ok(admin_token, {"edit-consignee", "--consignee", "1", "--province", "ab", "--billing-address",
                     "1 Main St\\nCalgary AB", "--tax-registration", "123456789RT0001"});
    const std::string after = ok(admin_token, {"--json", "list-reference", "consignees"});
    EXPECT_NE(after.find("\"name\":\"Acme \\\"Vapes\\\"\""), std::string::npos) << after;
    EXPECT_NE(after.find("\"province\":\"AB\""), std::string::npos) << after;
    EXPECT_NE(after.find("\"billing_address\":\"1 Main St\\nCalgary AB\""), std::string::npos)
        << after;
    EXPECT_NE(after.find("\"tax_registration\":\"123456789RT0001\""), std::string::npos) << after;
    ok(admin_token, {"edit-consignee", "--consignee", "1", "--name", "Acme West"});
    const std::string renamed = ok(admin_token, {"--json", "list-reference", "consignees"});
    EXPECT_NE(renamed.find("\"name\":\"Acme West\""), std::string::npos) << renamed;
    EXPECT_NE(renamed.find("\"province\":\"AB\""), std::string::npos) << renamed;
    const ran missing = ctl(admin_token, {"edit-consignee", "--consignee", "9", "--name", "X"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err.rfind("NOT_FOUND: consignee 9", 0), 0u) << missing.err;
}

TEST_F(stampctl_test, the_warehouse_identity_is_set_kept_in_part_and_shown_in_settings) {
    set_up_reference();
    ok(admin_token, {"set-warehouse-identity", "--legal-name", "Entrepôt Boréal Inc.", "--address",
                     "12 rue du Port\\nQuébec QC", "--gst-hst", "123456789RT0001", "--qst",
                     "1234567890TQ0001", "--excise-licence", "VL-2026-0042"});
    ok(admin_token, {"set-warehouse-identity", "--excise-licence", "VL-2026-0043"});
    const std::string json = ok(finance_token, {"--json", "get-settings"});
    for (const char* expected :
         {"\"legal_name\":\"Entrepôt Boréal Inc.\"", "\"address\":\"12 rue du Port\\nQuébec QC\"",
          "\"gst_hst_number\":\"123456789RT0001\"", "\"qst_number\":\"1234567890TQ0001\"",
          "\"excise_licence\":\"VL-2026-0043\""}) {
        EXPECT_NE(json.find(expected), std::string::npos) << expected << " missing in " << json;
    }
    const std::string readable = ok(admin_token, {"get-settings"});
    EXPECT_NE(readable.find("123456789RT0001"), std::string::npos) << readable;
    const ran bad = ctl(admin_token, {"set-warehouse-identity", "--gst-hst", "123456789"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find("INVALID_ARGUMENT"), std::string::npos) << bad.err;
    EXPECT_NE(bad.err.find("gst_hst_number"), std::string::npos) << bad.err;
    EXPECT_EQ(ctl(supervisor_token, {"set-warehouse-identity", "--legal-name", "X"}).code, 1);
}

// Issue 18: a user's roles change after creation, and its next command is decided with them; a
// consignee user keeps its one role, and the last admin keeps admin.
TEST_F(stampctl_test, set_user_roles_decides_the_users_next_command) {
    set_up_reference();
    const std::vector<std::string> order = {"submit-stamp-order", "--region", "on", "--bundles",
                                            "500"};
    const ran before = ctl(stamper_token, order);
    EXPECT_EQ(before.code, 1);
    EXPECT_EQ(before.err.rfind("FORBIDDEN", 0), 0u) << before.err;
    ok(admin_token, {"set-user-roles", "--user", "3", "--roles", "stamper,supervisor"});
    ok(stamper_token, order);
    const ran portal = ctl(admin_token, {"set-user-roles", "--user", "6", "--roles", "stamper"});
    EXPECT_EQ(portal.code, 1);
    EXPECT_EQ(portal.err.rfind("INVALID_ARGUMENT", 0), 0u) << portal.err;
    const ran last = ctl(admin_token, {"set-user-roles", "--user", "1", "--roles", "finance"});
    EXPECT_EQ(last.code, 1);
    EXPECT_EQ(last.err.rfind("FORBIDDEN", 0), 0u) << last.err;
}

TEST_F(stampctl_test, a_physical_count_is_recorded_and_listed_beside_the_ledger) {
    set_up_reference();
    const ran future = ctl(supervisor_token, {"record-count", "--region", "on", "--as-of",
                                              "2999-01-01", "--counted", "5"});
    EXPECT_EQ(future.code, 1);
    EXPECT_NE(future.err.find("INVALID_ARGUMENT"), std::string::npos) << future.err;
    const std::string done = ok(
        supervisor_token, {"record-count", "--region", "on", "--as-of", "2026-01-05", "--counted",
                           "1200", "--counted-by", "Émilie Côté", "--notes", "vault B"});
    EXPECT_NE(done.find("recorded physical count 1: 1200 ON stamps at the close of 2026-01-05"),
              std::string::npos)
        << done;
    ok(admin_token,
       {"record-physical-count", "--region", "fed", "--as-of", "2026-01-05", "--counted", "0"});
    const std::string json = ok(finance_token, {"--json", "list-counts", "--region", "on"});
    for (const char* expected :
         {"\"as_of\":\"2026-01-05\"", "\"counted\":1200", "\"counted_by\":\"Émilie Côté\"",
          "\"notes\":\"vault B\"", "\"ledger_balance\":0", "\"discrepancy\":1200"}) {
        EXPECT_NE(json.find(expected), std::string::npos) << expected << " missing in " << json;
    }
    EXPECT_EQ(json.find("\"region\":\"FED\""), std::string::npos) << json;
    const std::string all = ok(admin_token, {"list-physical-counts"});
    EXPECT_NE(all.find("FED"), std::string::npos) << all;
    EXPECT_EQ(ctl(stamper_token,
                  {"record-count", "--region", "on", "--as-of", "2026-01-05", "--counted", "1"})
                  .code,
              1);
    EXPECT_EQ(ctl(consignee_token, {"list-counts"}).code, 1);
}

// Issue 16: a mistyped command got "The following arguments were not expected".
TEST_F(stampctl_test, a_mistyped_command_is_told_what_was_meant) {
    const ran typo = ctl(admin_token, {"create-pp", "--consignee", "1"});
    EXPECT_EQ(typo.code, 2);
    EXPECT_EQ(typo.err.rfind("stampctl: unknown command 'create-pp'; did you mean 'create-po'?", 0),
              0u)
        << typo.err;
    const ran nothing_near = ctl(admin_token, {"frobnicate"});
    EXPECT_EQ(nothing_near.code, 2);
    EXPECT_EQ(nothing_near.err.find("did you mean"), std::string::npos) << nothing_near.err;
    EXPECT_NE(nothing_near.err.find("unknown command 'frobnicate'"), std::string::npos)
        << nothing_near.err;
    // A name outside a list says what the list is, not CLI11's "Check XX value in {ab->0,…}".
    const ran province = ctl(admin_token, {"create-consignee", "--key", "X", "--province", "XX"});
    EXPECT_EQ(province.code, 2);
    EXPECT_EQ(province.err.rfind("--province: unknown province 'XX' (one of ab, bc, mb, nb, nl, "
                                 "ns, nt, nu, on, pe, qc, sk, yt)",
                                 0),
              0u)
        << province.err;
    EXPECT_EQ(province.err.find("->"), std::string::npos) << province.err;
}

// Issue 16: `stampctl frobnicate --help` printed the general help and exited 0.
TEST_F(stampctl_test, an_unknown_commands_help_says_it_is_unknown) {
    const ran unknown = run_program(dir, STAMPCTL, {"frobnicate", "--help"});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_EQ(unknown.out, "");
    EXPECT_EQ(unknown.err,
              "stampctl: unknown command 'frobnicate'\n(stampctl --help lists the commands)\n");
    const ran typo = run_program(dir, STAMPCTL, {"get-poo", "--help"});
    EXPECT_EQ(typo.code, 2);
    EXPECT_EQ(typo.out, "");
    EXPECT_EQ(typo.err.rfind("stampctl: unknown command 'get-poo'; did you mean 'get-po'?\n", 0),
              0u)
        << typo.err;
}

// Issue 16: a flag with a name list (--region NAME) lost CLI11's REQUIRED; the usage line named
// no flag at all.
TEST_F(stampctl_test, help_marks_every_required_flag) {
    const ran help = run_program(dir, STAMPCTL, {"set-bundle-size", "--help"});
    EXPECT_EQ(help.code, 0);
    EXPECT_NE(help.out.find("Usage: stampctl set-bundle-size --region NAME --stamps UINT "
                            "[OPTIONS]\n"),
              std::string::npos)
        << help.out;
    EXPECT_NE(help.out.find("  --region NAME REQUIRED      fed, on, qc, ab or mb\n"),
              std::string::npos)
        << help.out;
    EXPECT_NE(help.out.find("  --stamps UINT REQUIRED      stamps per bundle\n"), std::string::npos)
        << help.out;
    const ran cancel = run_program(dir, STAMPCTL, {"cancel-po", "--help"});
    // The PO a command acts on is its first argument or --po, either one required.
    EXPECT_NE(cancel.out.find("  po ID|NAME                  PO id, or its number (PO-000012), "
                              "REQUIRED here or as --po\n"),
              std::string::npos)
        << cancel.out;
    EXPECT_NE(cancel.out.find("  --reason TEXT               why\n"), std::string::npos)
        << cancel.out;
    const ran get = run_program(dir, STAMPCTL, {"get-po", "--help"});
    EXPECT_NE(get.out.find("  po ID|NAME                  PO id, or its number (PO-000012), "
                           "REQUIRED here or as --po\n"),
              std::string::npos)
        << get.out;
}

// Issue 16: --dry-run only where something would change. The completion script lists each
// subcommand's flags, so it shows which ones offer it.
TEST_F(stampctl_test, dry_run_is_offered_only_by_commands_that_change_things) {
    const ran script = run_program(dir, STAMPCTL, {"completion"});
    ASSERT_EQ(script.code, 0);
    const std::set<std::string> reads = {"balances", "ledger", "scan-box",
                                         "watch",    "whoami", "completion"};
    std::istringstream lines(script.out);
    std::size_t commands = 0, reads_seen = 0;
    for (std::string line; std::getline(lines, line);) {
        const std::size_t close = line.find(") words=\"");
        if (line.rfind("    ", 0) != 0 || close == std::string::npos || line[4] == '\'') continue;
        const std::string name = line.substr(4, close - 4);
        const bool read =
            reads.contains(name) || name.rfind("get-", 0) == 0 || name.rfind("list-", 0) == 0;
        const bool offers = line.find(" --dry-run") != std::string::npos;
        EXPECT_EQ(offers, !read) << name;
        (read ? reads_seen : commands) += 1;
    }
    EXPECT_GE(commands, 35u);
    EXPECT_GE(reads_seen, 15u);
    const ran asked = run_program(dir, STAMPCTL, {"get-po", "1", "--dry-run"});
    EXPECT_EQ(asked.code, 2);
    EXPECT_EQ(asked.err, "stampctl: get-po changes nothing, so it takes no --dry-run\n");
    const ran help = run_program(dir, STAMPCTL, {"list-pos", "--help"});
    EXPECT_EQ(help.out.find("  --dry-run"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("reads (get-*, list-*) do not"), std::string::npos) << help.out;
}

// Issue 16: `get-po 1` but `cancel-po --po 1`. A read of one object takes its id either way; the
// old forms still work.
TEST_F(stampctl_test, a_read_takes_its_id_as_an_argument_or_as_the_commands_flag) {
    set_up_reference();
    receive_shipment();
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:10"});
    ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
    const std::vector<std::pair<std::string, std::string>> reads = {
        {"get-po", "po"}, {"get-run-queue", "po"}, {"get-shipment", "shipment"}};
    for (const auto& [read, flag] : reads) {
        const std::string positional = ok(supervisor_token, {read, "1"});
        EXPECT_FALSE(positional.empty()) << read;
        EXPECT_EQ(ok(supervisor_token, {read, "--" + flag, "1"}), positional) << read;
        const ran neither = ctl(supervisor_token, {read});
        EXPECT_EQ(neither.code, 2) << read;
        EXPECT_NE(neither.err.find(read + " 12 or " + read + " --" + flag + " 12"),
                  std::string::npos)
            << neither.err;
        const ran both = ctl(supervisor_token, {read, "1", "--" + flag, "1"});
        EXPECT_EQ(both.code, 2) << read;
    }
    EXPECT_EQ(ok(stamper_token, {"scan-box", "1", "--barcode", "BX1"}),
              ok(stamper_token, {"scan-box", "--po", "1", "--barcode", "BX1"}));
    const ran invoice = ctl(finance_token, {"get-invoice", "--invoice", "1"});
    EXPECT_EQ(invoice.code, 1);  // parsed: no invoice yet, the server says so
    EXPECT_NE(invoice.err.find("NOT_FOUND"), std::string::npos) << invoice.err;
}

// Issue 16: what a person reads shows money as dollars and cents and a run queue's boxes by
// their barcodes; --json keeps cents and ids.
TEST_F(stampctl_test, readable_output_shows_dollars_and_barcodes) {
    set_up_reference();
    receive_shipment();
    ok(admin_token, {"create-fee-preset", "--key", "RUSH", "--name", "Rush", "--kind", "flat",
                     "--amount-cents", "123456"});
    EXPECT_EQ(ok(admin_token, {"list-reference", "fee-presets"}),
              "kind: FeePresets\n"
              "rows:\n"
              "  id  key   name  kind  amount\n"
              "  1   RUSH  Rush  Flat  $1,234.56\n");
    EXPECT_NE(ok(admin_token, {"--json", "list-reference", "fee-presets"})
                  .find("\"amount_cents\":123456"),
              std::string::npos);
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:24"});
    ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
    EXPECT_EQ(ok(stamper_token, {"get-run-queue", "1"}),
              "items:\n"
              "  barcode  line  units  state\n"
              "  BX1      0     10     Pending\n"
              "  BX2      0     10     Pending\n"
              "  BX3      0     4      Pending\n");
    const std::string queue = ok(stamper_token, {"--json", "get-run-queue", "1", "--all"});
    EXPECT_NE(queue.find("\"box\":1"), std::string::npos) << queue;
    EXPECT_NE(queue.find("\"barcodes\":[\"BX1\",\"BX2\",\"BX3\"]"), std::string::npos) << queue;
    for (const char* box : {"1", "2", "3"})
        ok(stamper_token, {"confirm-box", "--po", "1", "--box", box, "--action", "override"});
    ok(verifier_token, {"verify-po", "--po", "1", "--override-shortage"});
    const std::string invoice = ok(finance_token, {"get-invoice", "1"});
    for (const char* figure :
         {"  duty_per_increment  duty_per_unit  line_duty", "$0.12", "$0.96", "$23.04",
          "totals: duty=$23.04 fees=$0.00 subtotal=$23.04 "
          "tax=$3.00 total=$26.04",
          "rates: gst=0 % hst=13 % qst=0 % pst=0 %",
          "taxes: gst=$0.00 hst=$3.00 qst=$0.00 pst=$0.00"}) {
        EXPECT_NE(invoice.find(figure), std::string::npos) << figure << " not in\n" << invoice;
    }
    const std::string shown =
        ok(finance_token, {"add-invoice-fee", "--invoice", "1", "--preset", "1", "--dry-run"});
    EXPECT_NE(shown.find("amount=$1,234.56"), std::string::npos) << shown;
    // What a PO refers to by its number or key, with the id commands take.
    EXPECT_EQ(without_times(ok(supervisor_token, {"get-po", "1"})),
              "id: 1\n"
              "number: PO-000001\n"
              "consignee: ACME (1)\n"
              "shipment: SH1 (1)\n"
              "status: Completed\n"
              "urgent: false\n"
              "scheduled: -\n"
              "lines:\n"
              "  product  region  quantity  deducted  verified\n"
              "  V15 (1)  ON      24        24        24\n"
              "boxes_total: 3\n"
              "boxes_confirmed: 3\n"
              "boxes_skipped: 0\n"
              "boxes_left: 0\n"
              "units_done: 24\n"
              "stamps_deducted:\n"
              "  region  stamps\n"
              "  FED     0\n"
              "  ON      24\n"
              "  QC      0\n"
              "  AB      0\n"
              "  MB      0\n"
              "balance:\n"
              "  region  stamps\n"
              "  FED     0\n"
              "  ON      -24\n"
              "  QC      0\n"
              "  AB      0\n"
              "  MB      0\n"
              "parent: 0\n"
              "segments: -\n"
              "invoice: INV-000001 (1)\n"
              "notes: \n"
              "started_by: stella (3)\n"
              "verified_by: vic (4)\n"
              "history:\n"
              "  status               user        time\n"
              "  Open                 sam (2)     <time>\n"
              "  InProduction         stella (3)  <time>\n"
              "  PendingVerification  stella (3)  <time>\n"
              "  Completed            vic (4)     <time>\n"
              "cancel_reason: \n"
              "outbound: OUT-000001 (1)\n");
    const std::string invoices = ok(finance_token, {"list-invoices"});
    EXPECT_NE(invoices.find("po=PO-000001 (1) consignee=ACME (1)"), std::string::npos) << invoices;
    const std::string pos = ok(supervisor_token, {"list-pos"});
    EXPECT_NE(pos.find("ACME (1)   SH1 (1)"), std::string::npos) << pos;
    EXPECT_EQ(text(field(parse_json(ok(supervisor_token, {"--json", "get-po", "1"})), "consignee")),
              "1");
    const json::value json_invoice = parse_json(ok(finance_token, {"--json", "get-invoice", "1"}));
    EXPECT_EQ(text(field(field(json_invoice, "totals"), "total")), "2604");
}

TEST_F(stampctl_test, ledger_lists_entries_with_their_balance_by_kind_and_period) {
    set_up_reference();
    receive_shipment();
    ok(finance_token, {"submit-stamp-order", "--region", "on", "--bundles", "500"});
    ok(admin_token, {"review-stamp-order", "--order", "1", "--action", "approve"});
    ok(finance_token, {"mark-stamp-order-ordered", "--order", "1"});
    ok(supervisor_token, {"receive-stamps", "--order", "1", "--bundles", "500"});
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:24"});
    ok(stamper_token, {"start-run", "--po", "1"});
    for (const char* box : {"1", "2", "3"})
        ok(stamper_token, {"confirm-box", "--po", "1", "--box", box});
    const json::value all = parse_json(ok(finance_token, {"--json", "ledger", "--region", "on"}));
    EXPECT_EQ(text(field(all, "more")), "false");
    const std::string shown = ok(finance_token, {"list-ledger-entries", "--region", "on"});
    EXPECT_NE(shown.find("RECEIPT"), std::string::npos) << shown;
    EXPECT_NE(shown.find("25000"), std::string::npos) << shown;
    EXPECT_NE(shown.find("PO-000001 (1)"), std::string::npos) << shown;
    const std::string receipts =
        ok(finance_token, {"ledger", "--region", "on", "--kind", "receipt"});
    EXPECT_EQ(receipts.find("USAGE"), std::string::npos) << receipts;
    EXPECT_NE(receipts.find("RECEIPT"), std::string::npos) << receipts;
    EXPECT_EQ(ok(finance_token, {"ledger", "--region", "on", "--to", "2000-01-01"}), "(none)\n");
    EXPECT_EQ(ok(finance_token, {"ledger", "--region", "qc"}), "(none)\n");
    const ran portal = ctl(consignee_token, {"ledger", "--region", "on"});
    EXPECT_EQ(portal.code, 1);
    EXPECT_NE(portal.err.find("FORBIDDEN"), std::string::npos) << portal.err;
}

TEST_F(stampctl_test, an_outbound_record_ships_once_and_says_who_shipped_it) {
    complete_po_1();
    EXPECT_EQ(without_times(ok(consignee_token, {"get-outbound", "1"})),
              "id: 1\n"
              "number: OUT-000001\n"
              "po: PO-000001 (1)\n"
              "po_number: PO-000001\n"
              "consignee: ACME (1)\n"
              "status: ReadyToShip\n"
              "lines:\n"
              "  product  region  units\n"
              "  V15 (1)  ON      24\n"
              "created: <time>\n"
              "shipped_by: 0\n"
              "shipped: -\n");
    EXPECT_EQ(ok(supervisor_token, {"list-outbounds", "--status", "shipped"}), "(none)\n");
    // A stamper may not ship; the supervisor does, once.
    const ran stamper = ctl(stamper_token, {"ship-outbound", "--outbound", "1"});
    EXPECT_EQ(stamper.code, 1);
    EXPECT_NE(stamper.err.find("FORBIDDEN"), std::string::npos) << stamper.err;
    EXPECT_EQ(ok(supervisor_token, {"ship-outbound", "--outbound", "1"})
                  .rfind("shipped OUT-000001 (1) at LSN ", 0),
              0u);
    const ran again = ctl(supervisor_token, {"ship-outbound", "--outbound", "1"});
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find("WRONG_STATE"), std::string::npos) << again.err;
    EXPECT_NE(again.err.find("Shipped"), std::string::npos) << again.err;
    const std::string shipped =
        without_times(ok(supervisor_token, {"list-outbounds", "--status", "shipped"}));
    EXPECT_NE(shipped.find("Shipped"), std::string::npos) << shipped;
    EXPECT_NE(shipped.find("sam (2)"), std::string::npos) << shipped;
    EXPECT_EQ(ok(supervisor_token, {"list-outbounds", "--status", "ready-to-ship"}), "(none)\n");
    const json::value json = parse_json(ok(consignee_token, {"--json", "get-outbound", "1"}));
    EXPECT_EQ(text(field(json, "status")), "Shipped");
    EXPECT_EQ(text(field(json, "shipped_by")), "2");
    EXPECT_NE(text(field(json, "shipped_us")), "0");
    // Another consignee's user sees no such record.
    ok(admin_token, {"create-consignee", "--key", "OTHER", "--name", "Other", "--province", "qc"});
    ok(admin_token, {"create-user", "--key", "other", "--roles", "consignee", "--consignee", "2",
                     "--user-token", "other-consignee-token-0123456789"});
    const ran other = ctl("other-consignee-token-0123456789", {"get-outbound", "1"});
    EXPECT_EQ(other.code, 1);
    EXPECT_NE(other.err.find("NOT_FOUND"), std::string::npos) << other.err;
    EXPECT_EQ(ok("other-consignee-token-0123456789", {"list-outbounds"}), "(none)\n");
}

TEST_F(stampctl_test, a_pos_history_says_who_entered_each_state_and_why_it_was_cancelled) {
    set_up_reference();
    receive_shipment();
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:5"});
    ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
    ok(supervisor_token, {"cancel-po", "--po", "1", "--reason", "customer withdrew"});
    const std::string po = without_times(ok(supervisor_token, {"get-po", "1"}));
    EXPECT_NE(po.find("history:\n"
                      "  status        user        time\n"
                      "  Open          sam (2)     <time>\n"
                      "  InProduction  stella (3)  <time>\n"
                      "  Cancelled     sam (2)     <time>\n"
                      "cancel_reason: customer withdrew\n"),
              std::string::npos)
        << po;
    const json::value json = parse_json(ok(supervisor_token, {"--json", "get-po", "1"}));
    EXPECT_EQ(text(field(json, "cancel_reason")), "customer withdrew");
}

// Issue 16: objects are named by their numbers and keys, in commands as in reads, and the
// confirmations say them back.
TEST_F(stampctl_test, commands_and_reads_take_numbers_and_keys_in_place_of_ids) {
    set_up_reference();
    EXPECT_EQ(ok(supervisor_token, {"create-shipment", "--key", "SH1", "--consignee", "acme"})
                  .rfind("created shipment SH1 (1) at LSN ", 0),
              0u);
    ok(supervisor_token, {"start-receiving", "SH1"});
    ok(supervisor_token, {"receive-box", "SH1", "--barcode", "BX1", "--product", "V15", "--units",
                          "10", "--damaged", "0"});
    EXPECT_EQ(ok(supervisor_token, {"finish-receiving", "--shipment", "sh1"})
                  .rfind("shipment SH1 (1) inventoried at LSN ", 0),
              0u);
    EXPECT_EQ(ok(supervisor_token,
                 {"create-po", "--consignee", "ACME", "--shipment", "SH1", "--line", "1:on:4"})
                  .rfind("created PO-000001 (1) at LSN ", 0),
              0u);
    // A PO by its number, as the first argument or its flag.
    EXPECT_EQ(ok(supervisor_token, {"get-po", "PO-000001"}), ok(supervisor_token, {"get-po", "1"}));
    EXPECT_EQ(ok(supervisor_token, {"cancel-po", "po-000001", "--reason", "test"})
                  .rfind("cancelled PO-000001 (1) at LSN ", 0),
              0u);
    EXPECT_NE(ok(supervisor_token, {"list-pos", "--consignee", "ACME"}).find("PO-000001"),
              std::string::npos);
    // What names nothing is NOT_FOUND, with what the flag takes; both forms at once is usage.
    const ran missing = ctl(supervisor_token, {"cancel-po", "PO-000099"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_EQ(missing.err,
              "stampctl: NOT_FOUND: no PO 'PO-000099' (--po takes its id or its number or key)\n");
    const ran twice = ctl(supervisor_token, {"cancel-po", "1", "--po", "1"});
    EXPECT_EQ(twice.code, 2);
    EXPECT_NE(twice.err.find("give the po once"), std::string::npos) << twice.err;
    const ran neither = ctl(supervisor_token, {"cancel-po"});
    EXPECT_EQ(neither.code, 2);
    EXPECT_NE(neither.err.find("cancel-po 12 or cancel-po --po 12"), std::string::npos)
        << neither.err;
    const ran request = ctl(supervisor_token, {"approve-request", "R-1"});
    EXPECT_EQ(request.code, 2);
    EXPECT_NE(request.err.find("a request has no number"), std::string::npos) << request.err;
}

TEST_F(stampctl_test, shipments_list_by_status) {
    set_up_reference();
    receive_shipment();
    ok(supervisor_token, {"create-shipment", "--key", "SH2", "--consignee", "1"});
    EXPECT_EQ(ok(supervisor_token, {"list-reference", "shipments", "--status", "expected"}),
              "kind: Shipments\n"
              "rows:\n"
              "  id  key  consignee  shipment_status  boxes\n"
              "  2   SH2  ACME (1)   Expected         0\n");
    const std::string inventoried =
        ok(supervisor_token, {"list-reference", "shipments", "--status", "inventoried"});
    EXPECT_NE(inventoried.find("SH1"), std::string::npos) << inventoried;
    EXPECT_EQ(inventoried.find("SH2"), std::string::npos) << inventoried;
    const ran users = ctl(admin_token, {"list-reference", "users", "--status", "expected"});
    EXPECT_EQ(users.code, 1);
    EXPECT_NE(users.err.find("status filters shipments only"), std::string::npos) << users.err;
}

TEST(stampctl_dollars, cents_read_as_dollars_with_thousands) {
    EXPECT_EQ(ctl::dollars(0), "$0.00");
    EXPECT_EQ(ctl::dollars(5), "$0.05");
    EXPECT_EQ(ctl::dollars(123456), "$1,234.56");
    EXPECT_EQ(ctl::dollars(100000000), "$1,000,000.00");
    EXPECT_EQ(ctl::dollars(-1250), "-$12.50");
    EXPECT_EQ(ctl::dollars(INT64_MIN), "-$92,233,720,368,547,758.08");
}

// Issue 16: bash completion, written from the same command table as the subcommands.
TEST_F(stampctl_test, the_bash_completion_script_lists_every_command_and_parses) {
    const ran script = run_program(dir, STAMPCTL, {"completion"});
    ASSERT_EQ(script.code, 0) << script.err;
    EXPECT_NE(script.out.find("complete -F _stampctl stampctl"), std::string::npos);
    EXPECT_NE(script.out.find("    create-po) words=\"--help"), std::string::npos) << script.out;
    EXPECT_NE(script.out.find("--acknowledge-shortage"), std::string::npos);
    EXPECT_NE(script.out.find(" edit-consignee"), std::string::npos);
    { std::ofstream(dir / "stampctl.bash") << script.out; }
    // It parses, and completes "create-p" to the commands that start so.
    const ran parsed =
        run_program(dir, "/bin/bash",
                    {"-c", "source " + (dir / "stampctl.bash") +
                               "; COMP_WORDS=(stampctl create-p); COMP_CWORD=1; _stampctl; "
                               "printf '%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort"});
    EXPECT_EQ(parsed.code, 0) << parsed.err;
    EXPECT_EQ(parsed.out, "create-po\ncreate-product\n") << parsed.out;
}

TEST_F(stampctl_test, exit_codes_usage_rejected_and_connection) {
    set_up_reference();
    EXPECT_EQ(ctl(admin_token, {"get-po", "--bogus", "1"}).code, 2);
    EXPECT_EQ(ctl(admin_token, {"create-po", "--consignee", "1"}).code, 2);  // required flags
    EXPECT_EQ(ctl(admin_token, {"set-duty-rate", "--region", "xx", "--cents", "1"}).code, 2);
    EXPECT_EQ(
        ctl(admin_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1-on-5"})
            .code,
        2);
    EXPECT_EQ(ctl(admin_token, {}).code, 2);
    EXPECT_EQ(ctl(admin_token, {"create-po", "--help"}).code, 0);

    const ran below =
        ctl(finance_token, {"submit-stamp-order", "--region", "on", "--bundles", "10"});
    EXPECT_EQ(below.code, 1);
    EXPECT_NE(below.err.find("BELOW_MINIMUM"), std::string::npos) << below.err;
    const ran missing = ctl(admin_token, {"get-po", "42"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;

    const ran wrong_token = ctl("nobody-holds-this-token", {"whoami"});
    EXPECT_EQ(wrong_token.code, 3);
    EXPECT_NE(wrong_token.err.find("UNAUTHENTICATED"), std::string::npos) << wrong_token.err;
    const ran no_server = run_program(
        dir, STAMPCTL, {"--server", "127.0.0.1:1", "--token", admin_token, "whoami"}, {});
    EXPECT_EQ(no_server.code, 3) << no_server.err;
    EXPECT_EQ(run_program(dir, STAMPCTL, {"whoami"}, {{"STAMPD_SERVER", address}}).code, 3);

    // --server and --token from the environment.
    const ran env = run_program(dir, STAMPCTL, {"--json", "whoami"},
                                {{"STAMPD_SERVER", address}, {"STAMPD_TOKEN", admin_token}});
    ASSERT_EQ(env.code, 0) << env.err;
    const json::value hello = parse_json(env.out);
    EXPECT_EQ(text(field(hello, "user")), "1");
    EXPECT_EQ(json::to_string(field(hello, "roles")), "[\"admin\"]");
}

TEST_F(stampctl_test, dry_run_lists_events_and_records_nothing) {
    set_up_reference();
    receive_shipment();
    const std::string shown = ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment",
                                                    "1", "--line", "1:on:5", "--dry-run"});
    EXPECT_NE(shown.find("PoCreated"), std::string::npos) << shown;
    const json::value v =
        parse_json(ok(supervisor_token, {"--json", "create-po", "--consignee", "1", "--shipment",
                                         "1", "--line", "1:on:5", "--dry-run"}));
    EXPECT_EQ(text(field(v, "dry_run")), "true");
    ASSERT_NE(field(v, "effects").as_array(), nullptr);
    EXPECT_EQ(text(field(field(v, "effects").as_array()->front(), "type")), "PoCreated");
    const json::value list = parse_json(ok(supervisor_token, {"--json", "list-pos"}));
    ASSERT_NE(field(list, "pos").as_array(), nullptr);
    EXPECT_TRUE(field(list, "pos").as_array()->empty());
}

TEST_F(stampctl_test, json_escapes_names_and_lists_page) {
    set_up_reference();
    const json::value consignees =
        parse_json(ok(admin_token, {"--json", "list-reference", "consignees", "--all"}));
    const json::array* rows = field(consignees, "rows").as_array();
    ASSERT_NE(rows, nullptr);
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(text(field(rows->front(), "name")), "Acme \"Vapes\"");
    const json::value users =
        parse_json(ok(admin_token, {"--json", "list-reference", "users", "--after", "5"}));
    EXPECT_EQ(field(users, "rows").as_array()->size(), 1u);  // user 6 only
    std::string escaped;
    json::write(escaped, json::value{std::string("tab\tquote\"back\\\x01")});
    EXPECT_EQ(escaped, "\"tab\\tquote\\\"back\\\\\\u0001\"");
    EXPECT_EQ(text(*testing::json_reader(escaped).parse()), "tab\tquote\"back\\\x01");
}

// --all follows `more` to the end of every paged list: a run queue of 2,500 entries (pages of
// list_rows_max = 1,000, paged by position) comes back whole, in order, with more=false.
TEST_F(stampctl_test, all_reads_every_page_of_a_run_queue) {
    const ran setup = run_program(dir, STAMP_SCAN,
                                  {"--server", address, "--token", admin_token, "--setup",
                                   "--boxes", "2500", "--stamper-token-out", dir / "stamper"},
                                  {});
    ASSERT_EQ(setup.code, 0) << setup.err << setup.out;
    const json::value queue =
        parse_json(ok(admin_token, {"--json", "get-run-queue", "--po", "1", "--all"}));
    const json::array* rows = field(queue, "items").as_array();
    ASSERT_NE(rows, nullptr);
    EXPECT_EQ(rows->size(), 2500u);
    EXPECT_EQ(json::to_string(field(queue, "more")), "false");
    std::set<std::string> boxes;
    for (const json::value& row : *rows)
        boxes.insert(json::to_string(field(row, "box")));
    EXPECT_EQ(boxes.size(), 2500u);  // no entry read twice
    // Every page's barcodes come with its rows, so the readable form names every box by barcode.
    ASSERT_NE(field(queue, "barcodes").as_array(), nullptr);
    EXPECT_EQ(field(queue, "barcodes").as_array()->size(), 2500u);
    const std::string readable = ok(admin_token, {"get-run-queue", "1", "--all"});
    EXPECT_EQ(std::count(readable.begin(), readable.end(), '\n'), 2502);  // items:, header, rows
    EXPECT_EQ(readable.find("  box "), std::string::npos) << readable.substr(0, 300);
}

TEST_F(stampctl_test, watch_prints_each_pushed_change) {
    set_up_reference();
    receive_shipment();
    ok(supervisor_token, {"create-po", "--consignee", "1", "--shipment", "1", "--line", "1:on:10"});
    const pid_t watcher = start_program(dir, "watch", STAMPCTL,
                                        {"--server", address, "--token", stamper_token, "--json",
                                         "watch", "--po", "1", "--count", "1"},
                                        {});
    // The subscription is registered once the watcher says so on stderr.
    for (int i = 0; i < 500 && slurp(dir / "watch.stderr").find("watching") == std::string::npos;
         ++i)
        usleep(10'000);
    ok(stamper_token, {"start-run", "--po", "1", "--acknowledge-shortage"});
    const ran watched = wait_program(dir, "watch", watcher);
    EXPECT_EQ(watched.code, 0) << watched.err;
    const json::value push = parse_json(watched.out);
    EXPECT_EQ(text(field(push, "type")), "Pushed");
    ASSERT_NE(field(push, "events").as_array(), nullptr);
    EXPECT_EQ(text(field(field(push, "events").as_array()->front(), "type")), "RunStarted");
}

TEST_F(stampctl_test, shell_tour_runs_a_whole_stamp_run) {
    const ran tour = run_program(
        dir, "/bin/bash", {STAMPCTL_TOUR},
        {{"STAMPCTL", STAMPCTL}, {"STAMPD_SERVER", address}, {"STAMPD_TOKEN", admin_token}});
    EXPECT_EQ(tour.code, 0) << tour.out << tour.err;
    EXPECT_NE(tour.out.find("tour done"), std::string::npos) << tour.out;
}

// Secrets off the command line (issue 14): --token-file and STAMPD_TOKEN_FILE read the token from
// a file; --token still works but says where the secret shows; a token file others may read is
// named with the chmod that fixes it; a missing one is a usage error naming it.
TEST_F(stampctl_test, a_token_comes_from_a_file_and_one_on_the_command_line_warns) {
    const std::string file = dir / "admin.token";
    { std::ofstream(file) << admin_token << "\n"; }
    ::chmod(file.c_str(), 0600);
    ran r = run_program(dir, STAMPCTL, {"--server", address, "--token-file", file, "whoami"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("admin"), std::string::npos) << r.out;
    EXPECT_EQ(r.err, "");
    r = run_program(dir, STAMPCTL, {"--server", address, "whoami"}, {{"STAMPD_TOKEN_FILE", file}});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    r = run_program(dir, STAMPCTL, {"--server", address, "--token", admin_token, "whoami"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("warning: --token puts the secret where anyone on this machine can read"),
              std::string::npos)
        << r.err;
    ::chmod(file.c_str(), 0644);
    r = run_program(dir, STAMPCTL, {"--server", address, "--token-file", file, "whoami"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("may be read by others (mode 0644): chmod 600 " + file), std::string::npos)
        << r.err;
    r = run_program(dir, STAMPCTL,
                    {"--server", address, "--token-file", dir / "missing.token", "whoami"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("cannot read the token file " + (dir / "missing.token")),
              std::string::npos)
        << r.err;
}

// ---------------------------------------------------------------- import-shipment (issue 19)

class import_shipment : public stampctl_test {
protected:
    // Reference data; shipment SH0 (1) with box OLD-1, and SH1 (2) Receiving with box FIG-1
    // (10 units); consignee 2 with product THEIRS.
    void SetUp() override {
        stampctl_test::SetUp();
        set_up_reference();
        ok(admin_token, {"create-consignee", "--key", "OTHER", "--province", "qc"});
        ok(admin_token,
           {"create-product", "--sku", "THEIRS", "--consignee", "2", "--volume-ul", "10000"});
        ok(supervisor_token, {"create-shipment", "--key", "SH0", "--consignee", "1"});
        ok(supervisor_token, {"start-receiving", "--shipment", "1"});
        ok(supervisor_token, {"receive-box", "--shipment", "1", "--barcode", "OLD-1", "--product",
                              "1", "--units", "10"});
        ok(supervisor_token, {"create-shipment", "--key", "SH1", "--consignee", "1"});
        ok(supervisor_token, {"start-receiving", "--shipment", "2"});
        ok(supervisor_token, {"receive-box", "--shipment", "2", "--barcode", "FIG-1", "--product",
                              "1", "--units", "10"});
    }
    std::string file(const std::string& name, const std::string& content) {
        const std::string path = dir / name;
        std::ofstream(path, std::ios::binary) << content;
        return path;
    }
    // A manifest of `rows` boxes M-<from>... of V15, 24 units, every seventh with 1 damaged.
    std::string manifest(const std::string& name, u32 from, u32 rows) {
        std::string text = "barcode,sku,units,damaged\n";
        for (u32 i = from; i < from + rows; ++i)
            text += "M-" + std::to_string(i) + ",V15,24," + (i % 7 == 0 ? "1" : "0") + "\n";
        return file(name, text);
    }
    ran import(const std::vector<std::string>& args) {
        std::vector<std::string> all{"import-shipment"};
        all.insert(all.end(), args.begin(), args.end());
        return ctl(supervisor_token, all);
    }
    std::uint64_t boxes_of(const std::string& shipment) {
        const json::value v =
            parse_json(ok(supervisor_token, {"--json", "get-shipment", shipment}));
        return std::stoull(text(field(v, "boxes")));
    }
};

TEST_F(import_shipment, every_bad_row_is_refused_by_line_and_column_and_nothing_is_applied) {
    const std::string long_barcode(33, 'L');
    const std::string path = file("bad.csv",
                                  "barcode,sku,units,damaged\r\n"
                                  "A1,V15,10,0\r\n"    // 2: good
                                  "A2,V15,0,0\n"       // 3: no units
                                  "A3,V15,10,11\n"     // 4: damaged > units
                                  "A1,V15,10,0\n"      // 5: barcode of line 2
                                  " ,V15,10,0\n"       // 6: no barcode
                                  "A6,NOPE,10,0\n"     // 7: no such SKU
                                  "A7,THEIRS,10,0\n"   // 8: consignee 2's product
                                  "OLD-1,V15,10,0\n"   // 9: a box of SH0
                                  "FIG-1,V15,12,0\n"   // 10: in SH1 with 10 units
                                  "A10,V15,ten,0\n"    // 11: units not a number
                                  "\"A,11\",V15,10\n"  // 12: three fields
                                  "\n"                 // 13: blank, skipped
                                      + long_barcode +
                                      ",V15,1,0\n"           // 14: 33 bytes
                                      "A15,V15,70000,0\n");  // 15: over 65535
    const ran r = import({path, "--shipment", "SH1"});
    EXPECT_EQ(r.code, 1) << r.err << r.out;
    const std::vector<std::string> expected = {
        ":3: column units: BAD_UNITS: units '0'",
        ":4: column damaged: BAD_DAMAGED: damaged 11 is more than the box's 10 units",
        ":5: column barcode: DUPLICATE_BARCODE: barcode A1 is on line 2 too",
        ":6: column barcode: BAD_BARCODE: the barcode is empty",
        ":7: column sku: UNKNOWN_SKU: no product has SKU NOPE",
        ":8: column sku: OTHER_CONSIGNEE: SKU THEIRS is consignee 2's, the shipment is consignee "
        "1's",
        ":9: column barcode: BARCODE_ON_OTHER_SHIPMENT: barcode OLD-1 is box 1 of shipment SH0 (1)",
        ":10: column barcode: BARCODE_DIFFERS: barcode FIG-1 is already box 2 of this shipment "
        "with SKU V15 (product 1), 10 units, 0 damaged; the file says SKU V15 (product 1), 12 "
        "units, 0 damaged",
        ":11: column units: BAD_UNITS: units 'ten'",
        ":12: BAD_ROW: 3 fields, the header has 4",
        ":14: column barcode: BAD_BARCODE: the barcode has 33 bytes, at most 32",
        ":15: column units: BAD_UNITS: units '70000': a whole number from 1 to 65535",
        "12 error(s) in 13 rows; nothing was applied"};
    std::size_t at = 0;
    for (const std::string& line : expected) {
        const std::size_t found = r.err.find(line, at);
        EXPECT_NE(found, std::string::npos) << "missing, or out of order: " << line << "\n"
                                            << r.err;
        if (found != std::string::npos) at = found;
    }
    EXPECT_EQ(r.err.find(":2:"), std::string::npos) << "line 2 is good: " << r.err;
    EXPECT_EQ(boxes_of("2"), 1u);  // FIG-1 only: nothing applied
    // --json: the same errors as objects a script can read.
    const ran j = import({path, "--shipment", "SH1", "--json"});
    EXPECT_EQ(j.code, 1);
    const json::value v = parse_json(j.out);
    EXPECT_EQ(text(field(v, "code")), "MANIFEST_REFUSED");
    EXPECT_EQ(text(field(v, "applied")), "false");
    const json::array* errors = field(v, "errors").as_array();
    ASSERT_NE(errors, nullptr);
    ASSERT_EQ(errors->size(), 12u);
    EXPECT_EQ(text(field((*errors)[0], "line")), "3");
    EXPECT_EQ(text(field((*errors)[0], "column")), "units");
    EXPECT_EQ(text(field((*errors)[4], "code")), "UNKNOWN_SKU");
}

TEST_F(import_shipment, a_wrong_header_is_refused_before_any_row) {
    for (const std::string& header :
         {std::string{"barcode,sku,units\n"}, std::string{"barcode,sku,units,damaged,colour\n"},
          std::string{"barcode,sku,sku,damaged\n"}, std::string{""}}) {
        const ran r = import({file("h.csv", header + "A1,V15,10,0\n"), "--shipment", "SH1"});
        EXPECT_EQ(r.code, 1) << header;
        EXPECT_NE(r.err.find(":1: BAD_HEADER: "), std::string::npos) << r.err;
    }
    // The columns may come in any order.
    const ran r =
        import({file("h.csv", "SKU,Damaged,Barcode,Units\nV15,1,A1,10\n"), "--shipment", "SH1"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(boxes_of("2"), 2u);
}

TEST_F(import_shipment, a_good_file_is_received_whole_and_a_retry_is_a_no_op) {
    const std::string path = manifest("asn.csv", 1, 1'200);  // three batches
    const ran first = import({path, "--shipment", "SH1"});
    ASSERT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.out.find("1200 rows, 1200 boxes received, 0 already received"),
              std::string::npos)
        << first.out;
    EXPECT_EQ(boxes_of("2"), 1'201u);
    const ran again = import({path, "--shipment", "SH1", "--json"});
    ASSERT_EQ(again.code, 0) << again.err;
    const json::value v = parse_json(again.out);
    EXPECT_EQ(text(field(v, "received")), "0");
    EXPECT_EQ(text(field(v, "already_received")), "1200");
    EXPECT_EQ(boxes_of("2"), 1'201u);
    // --finish inventories it; the same file once more is still a no-op, not a refusal.
    ASSERT_EQ(import({path, "--shipment", "SH1", "--finish"}).code, 0);
    EXPECT_EQ(
        text(field(parse_json(ok(supervisor_token, {"--json", "get-shipment", "2"})), "status")),
        "Inventoried");
    const ran after = import({path, "--shipment", "SH1"});
    EXPECT_EQ(after.code, 0) << after.err;
    EXPECT_NE(after.out.find("0 boxes received, 1200 already received"), std::string::npos);
    // A row more is refused: the shipment no longer takes boxes.
    const ran more = import({manifest("more.csv", 1, 1'201), "--shipment", "SH1"});
    EXPECT_EQ(more.code, 1);
    EXPECT_NE(more.err.find("WRONG_STATE: shipment SH1 (2) is Inventoried"), std::string::npos)
        << more.err;
}

TEST_F(import_shipment, a_partial_import_is_completed_by_running_the_whole_file) {
    // The first 700 rows went in (an import that was stopped), then the whole file is run.
    ASSERT_EQ(import({manifest("part.csv", 1, 700), "--shipment", "SH1"}).code, 0);
    const ran whole = import({manifest("whole.csv", 1, 2'000), "--shipment", "SH1"});
    ASSERT_EQ(whole.code, 0) << whole.err;
    EXPECT_NE(whole.out.find("2000 rows, 1300 boxes received, 700 already received"),
              std::string::npos)
        << whole.out;
    EXPECT_EQ(boxes_of("2"), 2'001u);
}

TEST_F(import_shipment, an_import_killed_part_way_is_completed_by_running_it_again) {
    const std::string path = manifest("big.csv", 1, 60'000);
    const pid_t child =
        testing::start_program(dir, "killed", STAMPCTL,
                               {"--server", address, "import-shipment", path, "--shipment", "SH1"},
                               {{"STAMPD_TOKEN", supervisor_token}});
    // Killed as soon as stampd holds some of its boxes (or not, if it ended first).
    int status = 0;
    pid_t ended = 0;
    while (boxes_of("2") == 1 && (ended = waitpid(child, &status, WNOHANG)) == 0) {
    }
    if (ended == 0) {
        kill(child, SIGKILL);
        waitpid(child, &status, 0);
    }
    const std::uint64_t before = boxes_of("2") - 1;
    const ran again = import({path, "--shipment", "SH1", "--json"});
    ASSERT_EQ(again.code, 0) << again.err;
    const json::value v = parse_json(again.out);
    EXPECT_EQ(text(field(v, "already_received")), std::to_string(before));
    EXPECT_EQ(text(field(v, "received")), std::to_string(60'000 - before));
    EXPECT_EQ(boxes_of("2"), 60'001u);
}

TEST_F(import_shipment, a_dry_run_checks_everything_and_records_nothing) {
    const ran r = import({manifest("asn.csv", 1, 900), "--shipment", "SH1", "--dry-run"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("900 boxes would be received"), std::string::npos) << r.out;
    EXPECT_EQ(boxes_of("2"), 1u);
}

TEST_F(import_shipment, an_expected_shipment_needs_start) {
    ok(supervisor_token, {"create-shipment", "--key", "SH2", "--consignee", "1"});
    const std::string path = manifest("asn.csv", 1, 10);
    const ran refused = import({path, "--shipment", "SH2"});
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("is Expected; boxes are received while Receiving (start-receiving "
                               "first, or --start)"),
              std::string::npos)
        << refused.err;
    EXPECT_EQ(boxes_of("3"), 0u);
    const ran started = import({path, "--shipment", "SH2", "--start", "--finish"});
    EXPECT_EQ(started.code, 0) << started.err;
    EXPECT_EQ(boxes_of("3"), 10u);
}

TEST_F(import_shipment, a_large_file_is_received_whole) {
    const ran r = import({manifest("large.csv", 1, 200'000), "--shipment", "SH1"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("200000 rows, 200000 boxes received"), std::string::npos) << r.out;
    EXPECT_EQ(boxes_of("2"), 200'001u);
}

TEST_F(import_shipment, receive_boxes_takes_a_few_boxes_by_hand) {
    const std::string out = ok(supervisor_token, {"receive-boxes", "--shipment", "SH1", "--box",
                                                  "H:1:1:10:0", "--box", "H2:1:5:1"});
    EXPECT_NE(out.find("received 2 of 2 boxes into shipment"), std::string::npos) << out;
    const ran again = ctl(supervisor_token, {"receive-boxes", "--shipment", "SH1", "--box",
                                             "H:1:1:10:0", "--box", "H2:1:5:2"});
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find("ALREADY_EXISTS"), std::string::npos) << again.err;
    EXPECT_EQ(boxes_of("2"), 3u);
}

}  // namespace
}  // namespace stampd
