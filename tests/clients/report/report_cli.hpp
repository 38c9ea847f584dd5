// Running the real stamp-report (STAMP_REPORT) on a test's data directory (`dir`/data) and
// reading its PDFs back with pdftotext (PDFTOTEXT), for the CLI tests of tests/clients/report/.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/run_program.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd::testing {

struct report_cli {
    const temp_dir& dir;

    ran report(std::vector<std::string> args) const {
        args.push_back("--data");
        args.push_back(dir / "data");
        return run_program(dir, STAMP_REPORT, args);
    }

    // The text as laid out on the page.
    std::string pdf_text(const std::string& pdf) const {
        const ran r = run_program(dir, PDFTOTEXT, {"-layout", pdf, "-"});
        EXPECT_EQ(r.code, 0) << r.err;
        return r.out;
    }
};

}  // namespace stampd::testing
