// The committer's decision table (wal/committer.hpp), row by row: what happens to a group of
// batches, and whether a commit is even attempted.
#include "wal/committer.hpp"

#include <gtest/gtest.h>

namespace stampd::wal {
namespace {

// decide_group with a commit that answers `succeeds`, counting the attempts.
struct table_row {
    bool generation_failed;
    bool has_records;
    bool succeeds;
    group_fate fate;
    int commits;  // attempted
};

TEST(committer, the_failure_protocols_decision_table) {
    const table_row rows[] = {
        // A generation that failed earlier: refused unwritten, whatever it holds.
        {true, true, true, group_fate::refused, 0},
        {true, true, false, group_fate::refused, 0},
        {true, false, true, group_fate::refused, 0},
        // Reads and refusals only: answered, nothing to write.
        {false, false, true, group_fate::answered, 0},
        {false, false, false, group_fate::answered, 0},
        // Records: one commit; its result decides.
        {false, true, true, group_fate::durable, 1},
        {false, true, false, group_fate::failed, 1},
    };
    for (const table_row& row : rows) {
        int commits = 0;
        const group_fate fate = decide_group(row.generation_failed, row.has_records, [&] {
            ++commits;
            return row.succeeds;
        });
        SCOPED_TRACE(std::string("generation failed ") + (row.generation_failed ? "yes" : "no") +
                     ", records " + (row.has_records ? "yes" : "no") + ", commit " +
                     (row.succeeds ? "ok" : "fails"));
        EXPECT_EQ(fate, row.fate) << to_string(fate);
        EXPECT_EQ(commits, row.commits);
    }
}

}  // namespace
}  // namespace stampd::wal
