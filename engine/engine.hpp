// The engine's two functions (DESIGN.md): decide(state, command, context) → events | rejection,
// and apply(state, event, context). decide never mutates; apply never fails. Live traffic,
// recovery and audit replay all go through these. Single-threaded: the writer thread only.
#pragma once

#include <array>
#include <cassert>
#include <cstddef>

#include "engine/command.hpp"
#include "engine/constants.hpp"
#include "engine/event.hpp"
#include "engine/rejection.hpp"
#include "engine/state.hpp"

namespace stampd {

// The events of one decision, held inline: deciding a confirm allocates nothing.
class event_list {
public:
    using storage = std::array<event, constants::events_per_command_max>;

    void push(event&& e) {
        assert(_size < _events.size());
        _events[_size++] = std::move(e);
    }
    template <typename Event>
    requires(!std::is_same_v<std::decay_t<Event>, event>) Event& push(Event&& e) {
        assert(_size < _events.size());
        return _events[_size++].emplace<std::decay_t<Event>>(std::forward<Event>(e));
    }
    void clear() { _size = 0; }
    std::size_t size() const { return _size; }
    bool empty() const { return _size == 0; }
    const event& operator[](std::size_t i) const {
        assert(i < _size);
        return _events[i];
    }
    storage::const_iterator begin() const { return _events.begin(); }
    storage::const_iterator end() const { return _events.begin() + _size; }
    // Mutable: the writer moves a decision's events into its batch once they are applied.
    storage::iterator begin() { return _events.begin(); }
    storage::iterator end() { return _events.begin() + _size; }

private:
    storage _events;
    std::size_t _size = 0;
};

// Fills `out` (cleared first) and returns an ok rejection, or returns the rejection and leaves
// `out` empty. Pure: the same (state, command, context) always gives the same answer.
rejection decide(const state& s, const command& c, const context& ctx, event_list& out);

// Applies one event decided at ctx. Never fails: a broken invariant stops the process.
void apply(state& s, const event& e, const context& ctx);

// Applies the events of one command decided at ctx, then records its reply in the client's
// session (§11). Live traffic, recovery and audit replay all apply a command's events this way.
void apply_all(state& s, const event_list& events, const context& ctx);

// decide, then apply_all: what the writer does for one accepted command.
rejection execute(state& s, const command& c, const context& ctx, event_list& out);

// What a request got (§11): a retry of a request already applied gets its first reply again,
// marked duplicate, with no events.
struct outcome {
    rejection verdict;
    u64 lsn = 0;     // the LSN the command was applied at
    u32 result = 0;  // the id of what it created or changed
    bool duplicate = false;
};

// execute, unless ctx.client has already been answered for ctx.request.
outcome execute_request(state& s, const command& c, const context& ctx, event_list& out);

// A dry run (§11): the events the command would bring, with their figures; nothing changes.
inline rejection dry_run(const state& s, const command& c, const context& ctx, event_list& out) {
    return decide(s, c, ctx, out);
}

// The id a decision's first event created or changed: the "result" of a reply.
u32 result_of(const event_list& events);

// Which roles may send the command (SPEC §11).
role_set allowed_roles(const command& c);

// xxHash (XXH3-64) over a canonical encoding of the whole state: two states with equal digests
// hold the same data, whatever order their indexes were built in.
u64 state_digest(const state& s);

}  // namespace stampd
