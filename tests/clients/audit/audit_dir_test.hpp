// The fixture of the stamp-audit tests: the data directory of audit_data.hpp, built once per
// test process, copied afresh for each test (so each may damage its own copy), and stamp-audit
// run on it as a child process. Test code; one thread.
#pragma once

#include <gtest/gtest.h>

#include <sstream>

#include "tests/clients/audit/audit_data.hpp"
#include "tests/support/json_check.hpp"
#include "tests/support/run_program.hpp"

namespace stampd::testing {

// Built on first use; removed when the test process exits.
inline std::string built_audit_dir() {
    static temp_dir built;
    static const bool done = [] {
        build_audit_dir(built.path());
        return true;
    }();
    EXPECT_TRUE(done);
    return built.path();
}

class audit_dir_test : public ::testing::Test {
protected:
    void SetUp() override { copy_dir(built_audit_dir(), data()); }

    std::string data() const { return work / "data"; }

    // stamp-audit <command> <args> --data <copy> --quiet
    ran run_audit(const std::string& command, std::vector<std::string> args) {
        args.insert(args.begin(), command);
        args.push_back("--data");
        args.push_back(data());
        args.push_back("--quiet");
        return run_program(work, STAMP_AUDIT, args);
    }

    std::uint64_t last_lsn() {
        raw_env log(data() + "/log", "records");
        return log.keys().back();
    }

    // Every line of `text` as a JSON object; a line that is not one fails the test.
    static std::vector<json::object> json_lines(const std::string& text) {
        std::vector<json::object> out;
        std::istringstream in(text);
        std::string line;
        while (std::getline(in, line)) {
            auto v = json_reader(line).parse();
            EXPECT_TRUE(v && v->as_object()) << line;
            if (v && v->as_object()) out.push_back(*v->as_object());
        }
        return out;
    }

    temp_dir work;
};

}  // namespace stampd::testing
