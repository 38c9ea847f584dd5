// The way into the writer: a bounded many-producer, one-consumer queue (moodycamel's
// ConcurrentQueue) of commands and reads. Every I/O thread holds a producer token and hands over
// what it cut from its sockets in bulk; the writer takes up to a batch at a time. Bounded: past
// capacity a submitter is told how many items fit, keeps the rest and stops reading its socket
// (backpressure, never unbounded memory).
//
// Threads: submit()/submit_bulk() from any thread (a producer from its own thread only); take()
// from the writer thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <variant>

#include "engine/engine.hpp"

namespace stampd::wal {

// A command from a session: the writer gives it its LSN and time.
struct submission {
    command cmd;
    user_id user = id_none;
    station_id station = 0;
    std::uint64_t client = 0;
    std::uint64_t request = 0;
    std::uint64_t client_lsn = 0;  // the last accepted LSN the client has seen (engine/command.hpp)
    std::uint32_t fingerprint = 0;  // of cmd (net::command_fingerprint); 0: not known
    std::uint64_t tag = 0;          // the submitter's, handed back with the answer
};

// Where a read stands: the state after applied_lsn, at the writer's time (the only clock: a dry
// run decided at time_us and applied_lsn + 1 sees what the next command would).
struct read_context {
    std::uint64_t applied_lsn = 0;
    std::int64_t time_us = 0;
};

// A read on the writer thread, between commands. Its answer is released like a command's: after
// every batch before it is durable, so a reader never sees what could still be lost.
struct read_request {
    std::function<void(const state&, const read_context&)> run;
    std::uint64_t tag = 0;
};

using ingress_item = std::variant<submission, read_request>;

inline std::uint64_t tag_of(const ingress_item& item) {
    return std::visit([](const auto& one) { return one.tag; }, item);
}

class ingress {
public:
    explicit ingress(std::uint32_t capacity);
    ~ingress();
    ingress(const ingress&) = delete;
    ingress& operator=(const ingress&) = delete;

    // A producer token: one thread's items go into the queue in bulk, in a sub-queue of their
    // own, so they keep their order. Not thread-safe; must not outlive the ingress.
    class producer;
    std::unique_ptr<producer, void (*)(producer*)> make_producer();

    // Moves as many of `items`, in order, as there is room for into the queue; returns how many
    // (0 once closed). The caller keeps the rest.
    std::size_t submit_bulk(producer& p, std::span<ingress_item> items);
    // One item without a token (start-up, tests): false when full or closed.
    bool submit(ingress_item&& item);

    // Writer side: up to into.size() items, waiting at most `wait` for the first.
    std::size_t take(std::span<ingress_item> into, std::chrono::microseconds wait);

    // Refuses every submission from now on; what is queued can still be taken.
    void close() { _closed.store(true, std::memory_order_release); }
    bool closed() const { return _closed.load(std::memory_order_acquire); }
    std::uint32_t queued() const { return _queued.load(std::memory_order_acquire); }
    std::uint32_t capacity() const { return _capacity; }

private:
    // Claims room for up to `wanted` items; returns how many were claimed.
    std::size_t claim(std::size_t wanted);

    struct queue;
    std::unique_ptr<queue> _queue;
    const std::uint32_t _capacity;
    std::atomic<std::uint32_t> _queued{0};
    std::atomic<bool> _closed{false};
};

}  // namespace stampd::wal
