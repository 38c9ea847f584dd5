// The documents a warehouse hands over, from the real stamp-report on a real data directory,
// read back as a person would: text with pdftotext (PDFTOTEXT), pages as images with pdftoppm
// (PDFTOPPM) and the packing list's Code 128 symbols with zbarimg (ZBARIMG). One invoice for each
// tax regime — Ontario's HST, Quebec's GST + QST, Alberta's GST — a credit note, a draft, and a
// packing list whose barcodes are long, alike and must print (and scan) whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "clients/report/report_text.hpp"
#include "tests/clients/report/report_cli.hpp"
#include "tests/engine/warehouse.hpp"
#include "tests/support/data_dir_writer.hpp"
#include "tests/support/run_program.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd::testing {
namespace {

// Two 20-digit barcodes that differ only in their last digit, and one the old PDFs cut short.
const std::vector<std::string> qc_barcodes = {"12345678901234567890", "12345678901234567891",
                                              "BXA-17961124914338"};
const std::string menthe_name = "Menthe glaciale Œillet – crème brûlée 15 mL";

// Tax on `cents` at `rate` thousandths of a percent, rounded half up (SPEC §9).
i64 tax_of(i64 cents, i64 rate) {
    return (cents * rate + 50'000) / 100'000;
}

// As the documents print money (report_test checks format_cents on its own).
std::string money(i64 cents) {
    return report::format_cents(cents);
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

class documents_cli : public warehouse {
protected:
    temp_dir dir;
    consignee_id quebec = 0, alberta = 0;
    product_id menthe = 0, prairie = 0;
    invoice_id on_invoice = 0, qc_invoice = 0, ab_invoice = 0, credit = 0;

    void SetUp() override {
        warehouse::SetUp();
        expect_ok<duty_rate_set>(admin, set_duty_rate{.cents_per_increment = 112});
        for (const region r : {region::on, region::qc, region::ab})
            expect_ok<duty_rate_set>(admin,
                                     set_duty_rate{.stamp_region = r, .cents_per_increment = 112});
        quebec = add_consignee("VAPEURS-QC", province::qc);
        expect_ok<consignee_edited>(
            admin, edit_consignee{.consignee = quebec,
                                  .name = "Vapeurs Œuvre Québec",
                                  .primary_province = province::qc,
                                  .billing_address = "1234, rue Sainte-Catherine Ouest\n"
                                                     "Montréal (Québec) H3G 1P1",
                                  .shipping_address = "88, boulevard de l'Entrepôt\n"
                                                      "Laval (Québec) H7L 4S3",
                                  .tax_registration = "9876543210TQ0001"});
        alberta = add_consignee("PRAIRIE", province::ab);
        menthe = expect_ok<product_created>(admin, create_product{.sku = code{"MENTHE-15"},
                                                                  .consignee = quebec,
                                                                  .name = menthe_name,
                                                                  .volume_ul = 15'000})
                     .id;
        prairie = add_product("PRAIRIE-30", alberta, 30'000);
        receive_exactly(region::on, 1000);
        receive_exactly(region::qc, 1000);
        receive_exactly(region::ab, 1000);

        const shipment_id on_ship = add_shipment("SHIP-ON", vape15, 4, 10);
        on_invoice = complete({.product = vape15, .stamp_region = region::on, .quantity = 40},
                              on_ship, norwood);
        const shipment_id qc_ship = qc_shipment();
        qc_invoice = complete({.product = menthe, .stamp_region = region::qc, .quantity = 36},
                              qc_ship, quebec);
        const shipment_id ab_ship = add_shipment("SHIP-AB", prairie, 2, 5, 0, alberta);
        ab_invoice = complete({.product = prairie, .stamp_region = region::ab, .quantity = 10},
                              ab_ship, alberta);
        for (const invoice_id i : {on_invoice, ab_invoice})
            expect_ok<invoice_advanced>(
                finance, advance_invoice{.invoice = i, .to = invoice_status::issued});
        credit = expect_ok<invoice_drafted>(
                     finance, create_credit_note{.invoice = on_invoice, .reason = "damaged box"})
                     .id;
        expect_ok<warehouse_identity_set>(admin, set_warehouse_identity{.identity = identity()});
        write_data_dir(dir / "data", journal);
    }

    static warehouse_identity identity() {
        return {.legal_name = "Entrepôt Lévis Œuvre Inc.",
                .address = "400, rue du Port\nLévis (Québec) G6V 6P9",
                .gst_hst_number = "123456789RT0001",
                .qst_number = "1234567890TQ0001",
                .excise_licence = "NDX-ON-2026-0042"};
    }

    shipment_id qc_shipment() {
        const shipment_id id =
            expect_ok<shipment_created>(
                supervisor, create_shipment{.key = code{"SHIP-QC"}, .consignee = quebec})
                .id;
        expect_ok<receiving_started>(supervisor, start_receiving{.shipment = id});
        for (const std::string& barcode : qc_barcodes)
            receive(id, barcode, menthe, 12);
        expect_ok<shipment_inventoried>(supervisor, finish_receiving{.shipment = id});
        return id;
    }

    invoice_id complete(line_input line, shipment_id sh, consignee_id of) {
        const po_id po = add_po(sh, {line}, "", of);
        start(po);
        confirm_all(po);
        verify(po);
        return s.po_at(po).invoice;
    }

    ran report(std::vector<std::string> args) { return report_cli{dir}.report(std::move(args)); }
    std::string pdf_text(const std::string& pdf) { return report_cli{dir}.pdf_text(pdf); }

    // The share of the first page's pixels in the watermark's light grey, rendered at 20 dpi
    // (pdftoppm -gray: a PGM, "P5 width height 255" then a byte a pixel).
    double light_grey_share(const std::string& pdf) {
        const ran r = run_program(dir, PDFTOPPM,
                                  {"-gray", "-r", "20", "-f", "1", "-l", "1", pdf, dir / "grey"});
        EXPECT_EQ(r.code, 0) << r.err;
        std::string pgm;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
            if (entry.path().filename().string().starts_with("grey")) pgm = slurp(entry.path());
        std::size_t at = 0;
        for (int fields = 0; fields < 4 && at < pgm.size(); ++fields) {
            at = pgm.find_first_of(" \n", at);
            if (at != std::string::npos) ++at;
        }
        if (at == std::string::npos || at >= pgm.size()) return -1;
        std::size_t grey = 0;
        for (std::size_t i = at; i < pgm.size(); ++i) {
            const auto v = static_cast<unsigned char>(pgm[i]);
            if (v >= 200 && v <= 236) ++grey;
        }
        for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
            if (entry.path().filename().string().starts_with("grey"))
                std::filesystem::remove(entry);
        return static_cast<double>(grey) / static_cast<double>(pgm.size() - at);
    }

    // The text of the strip of page `width` points wide from the left margin (the first
    // column of a table), each run of white space one space: a cell wrapped over lines reads as
    // one phrase again.
    std::string column_text(const std::string& pdf, int width) {
        const ran r = run_program(
            dir, PDFTOTEXT,
            {"-x", "50", "-y", "0", "-W", std::to_string(width), "-H", "792", pdf, "-"});
        EXPECT_EQ(r.code, 0) << r.err;
        std::string out;
        for (const char c : r.out) {
            const bool blank = c == ' ' || c == '\n' || c == '\f' || c == '\t';
            if (!blank)
                out += c;
            else if (!out.empty() && out.back() != ' ')
                out += ' ';
        }
        return out;
    }
};

// One file an invoice in --out DIR/, each its own document: "Page 1 of 1", its number in the
// footer, the supplier and customer with their addresses and registration numbers.
TEST_F(documents_cli, invoices_to_a_directory_are_one_pdf_each_numbered_on_their_own) {
    const std::string out = dir / "invoices/";
    const ran r = report(
        {"invoices", "--format", "pdf", "--out", out, "--warehouse", "Entrepôt Lévis Œuvre Inc."});
    ASSERT_EQ(r.code, 0) << r.err;
    std::set<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(out))
        names.insert(entry.path().filename());
    std::set<std::string> expected;
    for (const invoice& i : s.invoices)
        expected.insert(std::string{i.number.view()} + ".pdf");
    EXPECT_EQ(names, expected);
    for (const invoice& i : s.invoices) {
        const std::string text = pdf_text(out + std::string{i.number.view()} + ".pdf");
        EXPECT_EQ(count_of(text, "Page 1 of 1"), 1u) << text;
        EXPECT_NE(text.find(std::string{i.number.view()} + " - Computed from LSN"),
                  std::string::npos)
            << text;
        for (const std::string& expected :
             {std::string{"Entrepôt Lévis Œuvre Inc."}, std::string{"Lévis (Québec) G6V 6P9"},
              std::string{"GST/HST registration no.: 123456789RT0001"},
              std::string{"Excise licence no.: NDX-ON-2026-0042"}}) {
            EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n"
                                                              << text;
        }
    }
}

TEST_F(documents_cli, ontario_charges_hst_on_its_own_line) {
    const std::string pdf = dir / "on.pdf";
    const invoice& i = s.invoice_at(on_invoice);
    ASSERT_EQ(report({"invoices", "--invoice", std::string{i.number.view()}, "--format", "pdf",
                      "--out", pdf})
                  .code,
              0);
    const std::string text = pdf_text(pdf);
    const i64 hst = tax_of(i.totals.subtotal, 13'000);
    for (const std::string& expected :
         {std::string{"Tax Invoice "} + std::string{i.number.view()}, std::string{"Bill to"},
          std::string{"HST 13 % (Ontario)"}, money(i.totals.subtotal), money(hst),
          money(i.totals.subtotal + hst)}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    EXPECT_NE(column_text(pdf, 130).find("Excise duty: VAPE-15 (VAPE-15)"), std::string::npos);
    EXPECT_EQ(text.find("GST 5 %"), std::string::npos) << text;
    EXPECT_EQ(text.find("DRAFT"), std::string::npos) << text;
    EXPECT_LT(light_grey_share(pdf), 0.03);  // the text's anti-aliased edges only
}

// Quebec: GST and QST, each its own line and rate; the customer's accented address; the QST
// registration number's line. Still a draft, so DRAFT across it and no tax invoice title.
TEST_F(documents_cli, quebec_charges_gst_and_qst_and_a_draft_says_draft) {
    const std::string pdf = dir / "qc.pdf";
    const invoice& i = s.invoice_at(qc_invoice);
    ASSERT_EQ(i.status, invoice_status::draft);
    ASSERT_EQ(report({"invoices", "--invoice", std::string{i.number.view()}, "--format", "pdf",
                      "--out", pdf})
                  .code,
              0);
    const std::string text = pdf_text(pdf);
    const i64 gst = tax_of(i.totals.subtotal, 5'000), qst = tax_of(i.totals.subtotal, 9'975);
    for (const std::string& expected :
         {std::string{"DRAFT Invoice "} + std::string{i.number.view()}, std::string{"GST 5 %"},
          std::string{"QST 9.975 % (Québec)"}, money(gst), money(qst),
          money(i.totals.subtotal + gst + qst), std::string{"Vapeurs Œuvre Québec"},
          std::string{"Montréal (Québec) H3G 1P1"}, std::string{"9876543210TQ0001"},
          std::string{"QST registration no.: 1234567890TQ0001"}}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    const std::string flat = column_text(pdf, 130);
    EXPECT_NE(flat.find("Excise duty: " + menthe_name + " (MENTHE-15)"), std::string::npos) << flat;
    EXPECT_EQ(text.find("Tax Invoice"), std::string::npos) << text;
    EXPECT_EQ(text.find("HST 1"), std::string::npos) << text;  // "GST/HST registration" is there
    // DRAFT across the page, drawn (a tenth of the page or more in its grey), not in the text.
    EXPECT_GT(light_grey_share(pdf), 0.08);
    EXPECT_EQ(count_of(text, "DRAFT"), 1u) << text;  // "GST/HST registration" is there
}

TEST_F(documents_cli, alberta_charges_gst_alone_and_a_credit_note_names_what_it_credits) {
    const invoice& ab = s.invoice_at(ab_invoice);
    const invoice& cn = s.invoice_at(credit);
    const invoice& on = s.invoice_at(on_invoice);
    const std::string pdf = dir / "two.pdf";
    ASSERT_EQ(report({"invoices", "--invoice", std::string{ab.number.view()}, "--invoice",
                      std::string{cn.number.view()}, "--format", "pdf", "--out", pdf})
                  .code,
              0);
    const std::string text = pdf_text(pdf);
    const i64 gst = tax_of(ab.totals.subtotal, 5'000);
    for (const std::string& expected :
         {std::string{"Tax Invoice "} + std::string{ab.number.view()}, std::string{"GST 5 %"},
          money(gst), money(ab.totals.subtotal + gst),
          "Credit note " + std::string{cn.number.view()} + " (credits " +
              std::string{on.number.view()} + ")",
          "Credits: invoice " + std::string{on.number.view()}, std::string{"damaged box"},
          money(cn.totals.total)}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    // Two documents in one file, each numbered on its own.
    EXPECT_EQ(count_of(text, "Page 1 of 1"), 2u) << text;
    EXPECT_EQ(text.find("Page 2 of"), std::string::npos) << text;
}

// Every box of the run on the packing list: its barcode whole in the text, and its Code 128
// symbol read back by a barcode reader from the rendered page; the ship-to address.
TEST_F(documents_cli, packing_list_barcodes_print_whole_and_scan_back) {
    const std::string pdf = dir / "packing.pdf";
    ASSERT_EQ(
        report({"outbound", "--consignee", "VAPEURS-QC", "--format", "pdf", "--out", pdf}).code, 0);
    const std::string text = pdf_text(pdf);
    for (const std::string& expected :
         {std::string{"Packing list OUT-"}, std::string{"Ship to"},
          std::string{"Entrepôt Lévis Œuvre Inc."}, std::string{"NDX-ON-2026-0042"},
          std::string{"Laval (Québec) H7L 4S3"}, std::string{"Total: 3 boxes"},
          std::string{"QC 36"}, std::string{"Received by the consignee"}}) {
        EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing in\n" << text;
    }
    for (const std::string& barcode : qc_barcodes)
        EXPECT_EQ(count_of(text, barcode), 1u) << barcode << " not once in\n" << text;
    ASSERT_EQ(run_program(dir, PDFTOPPM, {"-r", "300", "-png", pdf, dir / "page"}).code, 0);
    std::vector<std::string> pages;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        if (entry.path().filename().string().starts_with("page")) pages.push_back(entry.path());
    ASSERT_FALSE(pages.empty());
    std::vector<std::string> args = {"-q"};
    args.insert(args.end(), pages.begin(), pages.end());
    const ran scanned = run_program(dir, ZBARIMG, args);
    ASSERT_EQ(scanned.code, 0) << scanned.err;
    for (const std::string& barcode : qc_barcodes)
        EXPECT_EQ(count_of(scanned.out, "CODE-128:" + barcode + "\n"), 1u) << scanned.out;
    EXPECT_EQ(count_of(scanned.out, "CODE-128:"), qc_barcodes.size()) << scanned.out;
}

TEST_F(documents_cli, a_missing_font_is_a_clear_error) {
    const ran r =
        run_program(dir, STAMP_REPORT,
                    {"invoices", "--data", dir / "data", "--format", "pdf", "--out", dir / "x.pdf"},
                    {{"STAMPD_FONT_DIR", dir / "no-fonts"}});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("cannot read the font"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("fonts-dejavu-core"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.pdf"));
}

}  // namespace
}  // namespace stampd::testing
