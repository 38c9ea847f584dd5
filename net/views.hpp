// Reads (GetPo, ListPos, ScanBox, GetBalances, ...): answered from the state on the writer
// thread, between batches, after every command before them is durable. A consignee user sees
// only its own consignee's data and never a draft invoice (SPEC §11); what it may not see is
// answered NOT_FOUND, exactly as what does not exist. Lists are bounded by list_rows_max.
#pragma once

#include <flatbuffers/flatbuffers.h>

#include "engine/state.hpp"
#include "net/protocol/protocol_generated.h"

namespace stampd::net {

// Builds and finishes the whole Response to a read request (request.body() is a read kind) in
// `b`, echoing request.id(). Never fails: a refusal is an Outcome reply with its code. `now_us`
// is the writer's clock (wal::read_context): "today" is its day in the warehouse's time zone.
void answer_read(const state& s, user_id viewer, const proto::Request& request,
                 flatbuffers::FlatBufferBuilder& b, i64 now_us);

}  // namespace stampd::net
