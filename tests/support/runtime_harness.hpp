// Drives a wal::runtime from a test: submits commands and waits for their answers, which arrive
// on the committer thread once durable. Shared by the durability tests and the crash child.
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "wal/runtime.hpp"

namespace stampd::testing {

class runtime_harness {
public:
    // The runtime's threads log into log_lines and answer into _answers: stop them before those
    // members go (they are declared after `runtime`, so they would be destroyed first).
    ~runtime_harness() { runtime.reset(); }

    wal::status open(const std::string& dir, wal::runtime_options options = {}) {
        options.storage.path = dir;
        options.log = [this](const std::string& line) {
            std::lock_guard lock(_mutex);
            log_lines.push_back(line);
        };
        wal::runtime_sinks sinks{
            .answers = [this](std::span<const wal::answer> answers) { on_answers(answers); },
            .records =
                [this](std::span<const wal::durable_record> records) {
                    if (on_records) on_records(records);
                }};
        const wal::status s = wal::runtime::open(options, std::move(sinks), runtime);
        error = s.ok() ? "" : s.message();
        return s;
    }

    // Submits and returns the tag to wait for.
    std::uint64_t submit(user_id user, const command& c, std::uint64_t client = 0,
                         std::uint64_t request = 0) {
        std::uint64_t tag;
        {
            std::lock_guard lock(_mutex);
            tag = ++_next_tag;
        }
        while (!runtime->input().submit(wal::submission{.cmd = c,
                                                        .user = user,
                                                        .station = 1,
                                                        .client = client,
                                                        .request = request,
                                                        .tag = tag})) {
            std::unique_lock lock(_mutex);  // full: wait for answers to make room
            _cv.wait_for(lock, std::chrono::milliseconds(1));
        }
        return tag;
    }

    // Runs `read` on the writer thread, between commands, and waits for it.
    void read(std::function<void(const state&, const wal::read_context&)> read) {
        std::uint64_t tag;
        {
            std::lock_guard lock(_mutex);
            tag = ++_next_tag;
        }
        while (!runtime->input().submit(wal::read_request{.run = read, .tag = tag})) {
            std::unique_lock lock(_mutex);
            _cv.wait_for(lock, std::chrono::milliseconds(1));
        }
        wait(tag);
    }

    // The tag the next submit() will return (tags are sequential).
    std::uint64_t next_tag() {
        std::lock_guard lock(_mutex);
        return _next_tag + 1;
    }

    outcome wait(std::uint64_t tag) {
        std::unique_lock lock(_mutex);
        _cv.wait(lock, [&] { return _answers.contains(tag); });
        const outcome o = _answers[tag];
        _answers.erase(tag);
        return o;
    }

    outcome run(user_id user, const command& c, std::uint64_t client = 0,
                std::uint64_t request = 0) {
        return wait(submit(user, c, client, request));
    }

    std::unique_ptr<wal::runtime> runtime;
    std::string error;
    std::vector<std::string> log_lines;
    // Called on the committer thread.
    std::function<void(std::uint64_t tag, const outcome&)> on_answer;
    std::function<void(std::span<const wal::durable_record>)> on_records;

private:
    void on_answers(std::span<const wal::answer> answers) {
        for (const wal::answer& a : answers) {
            if (on_answer) on_answer(a.tag, a.result);
        }
        {
            std::lock_guard lock(_mutex);
            for (const wal::answer& a : answers)
                _answers[a.tag] = a.result;
        }
        _cv.notify_all();
    }

    std::mutex _mutex;
    std::condition_variable _cv;
    std::map<std::uint64_t, outcome> _answers;
    std::uint64_t _next_tag = 0;
};

// The users every durability workload needs: 1 admin, 2 finance.
inline void bootstrap(runtime_harness& h) {
    h.run(id_none,
          create_user{.key = code{"admin"}, .name = "admin", .roles = role_bit(role::admin)});
    h.run(1,
          create_user{.key = code{"finance"}, .name = "finance", .roles = role_bit(role::finance)});
}

inline constexpr user_id workload_admin = 1;
inline constexpr user_id workload_finance = 2;

// A stamp order whose notes name the request, so a test can find each acknowledged one.
inline command tagged_order(std::uint64_t client, std::uint64_t request) {
    return submit_stamp_order{.stamp_region = static_cast<region>(request % region_count),
                              .bundles = 500 + static_cast<u32>(request % 97),
                              .notes = std::to_string(client) + ":" + std::to_string(request)};
}

}  // namespace stampd::testing
