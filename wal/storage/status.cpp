// See status.hpp.
#include "wal/storage/status.hpp"

#include <lmdb.h>

#include <cerrno>

#include <utility>

namespace stampd::wal {

std::string status::message() const {
    if (ok()) return "ok";
    if (complete) return what;
    return what + ": " + mdb_strerror(code);
}

status corrupted(std::string what) {
    return status{MDB_CORRUPTED, std::move(what), true};
}

status not_found(std::string what) {
    return status{ENOENT, std::move(what), true};
}

status out_of_range(std::string what) {
    return status{ERANGE, std::move(what), true};
}

}  // namespace stampd::wal
