// See ingress.hpp.
#include "wal/ingress.hpp"

#include <concurrentqueue/blockingconcurrentqueue.h>

#include <algorithm>
#include <cassert>
#include <iterator>

namespace stampd::wal {

struct ingress::queue {
    moodycamel::BlockingConcurrentQueue<ingress_item> items;
    moodycamel::ConsumerToken consumer{items};
};

class ingress::producer {
public:
    explicit producer(moodycamel::BlockingConcurrentQueue<ingress_item>& items) : token(items) {}
    moodycamel::ProducerToken token;
};

ingress::ingress(std::uint32_t capacity) : _queue(std::make_unique<queue>()), _capacity(capacity) {
    assert(capacity > 0);
}

ingress::~ingress() = default;

std::unique_ptr<ingress::producer, void (*)(ingress::producer*)> ingress::make_producer() {
    return {new producer(_queue->items), [](producer* p) { delete p; }};
}

std::size_t ingress::claim(std::size_t wanted) {
    std::uint32_t queued = _queued.load(std::memory_order_acquire);
    std::size_t n = 0;
    do {
        if (queued >= _capacity) return 0;
        n = std::min<std::size_t>(wanted, _capacity - queued);
    } while (!_queued.compare_exchange_weak(queued, queued + static_cast<std::uint32_t>(n),
                                            std::memory_order_acq_rel));
    return n;
}

std::size_t ingress::submit_bulk(producer& p, std::span<ingress_item> items) {
    if (closed() || items.empty()) return 0;
    const std::size_t n = claim(items.size());
    if (n == 0) return 0;
    const bool ok = _queue->items.enqueue_bulk(p.token, std::make_move_iterator(items.begin()), n);
    // The token's sub-queue grows; only a failed allocation makes this false.
    assert(ok);
    (void)ok;
    return n;
}

bool ingress::submit(ingress_item&& item) {
    if (closed() || claim(1) == 0) return false;
    const bool ok = _queue->items.enqueue(std::move(item));
    assert(ok);
    (void)ok;
    return true;
}

std::size_t ingress::take(std::span<ingress_item> into, std::chrono::microseconds wait) {
    const std::size_t n =
        _queue->items.wait_dequeue_bulk_timed(_queue->consumer, into.begin(), into.size(), wait);
    if (n > 0) {
        const std::uint32_t before =
            _queued.fetch_sub(static_cast<std::uint32_t>(n), std::memory_order_acq_rel);
        assert(before >= n);  // every item taken was claimed
        (void)before;
    }
    return n;
}

}  // namespace stampd::wal
