// The crash loop (issue 4): a child runs engine + log under load and reports each
// acknowledgement; the parent kill -9s it at a random moment, restarts it, and checks that every
// acknowledged command is in the log once, and that recovery with snapshots equals a replay
// from LSN 1. STAMPD_CRASH_CYCLES sets the number of cycles (ops/test --long: 200).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <set>
#include <thread>

#include "engine/engine.hpp"
#include "tests/support/recovered.hpp"
#include "tests/support/temp_dir.hpp"

namespace stampd::testing {
namespace {

struct child {
    pid_t pid = -1;
    FILE* out = nullptr;
};

child spawn(const std::string& dir, std::uint64_t client) {
    int pipe_fds[2];
    EXPECT_EQ(::pipe(pipe_fds), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::close(pipe_fds[0]);
        ::close(pipe_fds[1]);
        const std::string id = std::to_string(client);
        ::execl(STAMPD_CRASH_CHILD, STAMPD_CRASH_CHILD, dir.c_str(), id.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    return child{pid, ::fdopen(pipe_fds[0], "r")};
}

// Reads the child's acknowledgements until `deadline`, then kills it and reads what is left.
void run_until_killed(child& c, std::chrono::milliseconds after_ready,
                      std::set<std::string>& acked) {
    char line[128];
    bool ready = false;
    while (!ready && std::fgets(line, sizeof line, c.out) != nullptr) {
        ready = std::string_view{line}.starts_with("READY");
    }
    ASSERT_TRUE(ready) << "the child did not start";
    std::thread killer([&c, after_ready] {
        std::this_thread::sleep_for(after_ready);  // a random moment, not a synchronisation
        ::kill(c.pid, SIGKILL);
    });
    unsigned long long client = 0, request = 0;
    while (std::fgets(line, sizeof line, c.out) != nullptr) {
        if (std::sscanf(line, "ACK %llu %llu", &client, &request) == 2) {
            acked.insert(std::to_string(client) + ":" + std::to_string(request));
        }
    }
    killer.join();
    int wstatus = 0;
    ::waitpid(c.pid, &wstatus, 0);
    std::fclose(c.out);
    EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "the child died on its own";
}

TEST(crash_loop, every_acknowledged_command_survives_kill_9_once) {
    const char* env = std::getenv("STAMPD_CRASH_CYCLES");
    const int cycles = env ? std::atoi(env) : 20;
    const std::uint64_t seed = std::random_device{}();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 random(seed);
    temp_dir dir;
    std::set<std::string> acked;
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        child c = spawn(dir.path(), static_cast<std::uint64_t>(cycle));
        run_until_killed(c, std::chrono::milliseconds(5 + random() % 150), acked);
        if (HasFatalFailure()) return;
        const state s = recovered(dir.path());
        std::multiset<std::string> found;
        for (const stamp_order& o : s.stamp_orders)
            found.insert(o.notes);
        for (const std::string& id : acked) {
            ASSERT_EQ(found.count(id), 1u)
                << id << " was acknowledged, and is there " << found.count(id) << " times";
        }
        for (const std::string& id : found)
            ASSERT_EQ(found.count(id), 1u) << id << " applied twice";
        ASSERT_EQ(state_digest(s), state_digest(recovered(dir.path(), from::log_start)));
    }
    EXPECT_GT(acked.size(), 0u);
    std::printf("crash loop: %d cycles, %zu acknowledged commands checked\n", cycles, acked.size());
}

}  // namespace
}  // namespace stampd::testing
