// The bootstrap admin (bootstrap.hpp).
#include "net/bootstrap.hpp"

#include <condition_variable>
#include <mutex>

namespace stampd::net {

bool bootstrap_admin(const wal::engine_options& options, const std::string& token, bool& created,
                     std::string& error) {
    created = false;
    std::mutex mutex;
    std::condition_variable cv;
    bool answered = false, empty = false;
    outcome result;
    std::unique_ptr<wal::durable_engine> engine;
    const wal::status opened = wal::durable_engine::open(
        options,
        [&](std::span<const wal::answer> answers) {
            std::lock_guard lock(mutex);
            for (const wal::answer& a : answers)
                if (a.tag == 2) result = a.result;
            answered = true;
            cv.notify_all();
        },
        engine, error);
    if (!opened.ok()) {
        if (error.empty()) error = opened.message();
        return false;
    }
    auto wait = [&] {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return answered; });
        answered = false;
    };
    engine->query(wal::query_request{
        .run = [&empty](const state& st, std::uint64_t) { empty = st.users.empty(); }, .tag = 1});
    wait();
    if (empty) {
        engine->submit(wal::submission{.cmd = create_user{.key = code{"admin"},
                                                          .name = "Administrator",
                                                          .roles = role_bit(role::admin),
                                                          .token = token},
                                       .tag = 2});
        wait();
        if (!result.verdict.ok()) {
            error = "cannot create the bootstrap admin: " + describe(result.verdict);
            engine->stop();
            return false;
        }
        created = true;
    }
    engine->stop();
    return true;
}

}  // namespace stampd::net
