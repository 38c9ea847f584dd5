// SPEC §11 idempotency, after TigerBeetle's client sessions: a bounded table of clients, each
// with the replies to its last accepted requests. A retried request is answered from the table
// and never applied twice — also after a restart, since the table is part of the state and is
// rebuilt by replaying the same records. Rejected commands change nothing and are not logged, so
// a retried rejected command is simply decided again.
#include <limits>

#include "engine/rules/rules.hpp"

namespace stampd::rules {
namespace {

const client_session* find_session(const state& s, u64 client) {
    const auto it = s.session_by_client.find(client);
    return it == s.session_by_client.end() ? nullptr : &s.sessions[it->second];
}

}  // namespace

session_lookup look_up_request(const state& s, const context& ctx) {
    if (ctx.client == 0) return {};
    const client_session* session = find_session(s, ctx.client);
    if (session == nullptr) {
        // A client that has seen an accepted answer had a session: it was evicted, and its
        // retries could no longer be recognised. One that has seen none is simply new.
        if (ctx.client_lsn != 0) {
            rejection r = reject(rejection_code::session_evicted, subject::client);
            r.needed = static_cast<i64>(ctx.client_lsn);
            return {.verdict = r};
        }
        return {};
    }
    const u64 request = ctx.request;
    for (const reply_record& r : session->replies) {
        if (r.request != request || r.lsn == 0) continue;
        if (ctx.fingerprint != 0 && r.fingerprint != 0 && ctx.fingerprint != r.fingerprint) {
            rejection reused = reject(rejection_code::request_reused, subject::client);
            reused.needed = static_cast<i64>(request);
            reused.available = static_cast<i64>(r.lsn);
            return {.verdict = reused};
        }
        return {.reply = &r};
    }
    if (request + constants::replies_per_client_max <= session->highest_request) {
        rejection r = reject(rejection_code::request_too_old, subject::client);
        r.needed = static_cast<i64>(request);
        r.available = static_cast<i64>(session->highest_request);
        return {.verdict = r};
    }
    return {};
}

void record_reply(state& s, const context& ctx, u32 result) {
    if (ctx.client == 0) return;
    auto it = s.session_by_client.find(ctx.client);
    if (it == s.session_by_client.end()) {
        u32 slot = static_cast<u32>(s.sessions.size());
        if (s.sessions.size() < constants::clients_max) {
            s.sessions.emplace_back();
        } else {
            // Evict the session used least recently: its lsn is the oldest.
            u64 oldest = std::numeric_limits<u64>::max();
            for (u32 i = 0; i < s.sessions.size(); ++i) {
                if (s.sessions[i].last_lsn < oldest) oldest = s.sessions[i].last_lsn, slot = i;
            }
            s.session_by_client.erase(s.sessions[slot].client);
            s.sessions[slot] = client_session{};
        }
        s.sessions[slot].client = ctx.client;
        it = s.session_by_client.emplace(ctx.client, slot).first;
    }
    client_session& session = s.sessions[it->second];
    session.replies[session.next] = reply_record{
        .request = ctx.request, .lsn = ctx.lsn, .result = result, .fingerprint = ctx.fingerprint};
    session.next = (session.next + 1) % constants::replies_per_client_max;
    session.last_lsn = ctx.lsn;
    session.highest_request = std::max(session.highest_request, ctx.request);
}

}  // namespace stampd::rules
