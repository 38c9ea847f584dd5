// See durable_mark.hpp.
#include "wal/storage/durable_mark.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cerrno>
#include <cstring>

namespace stampd::wal {
namespace {

constexpr std::uint32_t slot_magic = 0x4B4D4453;  // "SDMK" little-endian
constexpr std::uint16_t slot_version = 1;
constexpr std::size_t slot_size = 64, slots = 2;

struct slot {
    std::uint32_t magic;
    std::uint16_t version;
    std::uint16_t reserved16;
    std::uint64_t sequence;
    std::uint64_t lsn;
    std::uint64_t chain;
    std::uint64_t reserved[3];
    std::uint64_t checksum;  // XXH3-64 of the bytes before it
};
static_assert(sizeof(slot) == slot_size);

std::uint64_t checksum_of(const slot& s) {
    return XXH3_64bits(&s, offsetof(slot, checksum));
}

bool valid(const slot& s) {
    return s.magic == slot_magic && s.version == slot_version && s.checksum == checksum_of(s);
}

// The valid slot with the higher sequence; none when neither is valid. `any_bytes`: the file
// held something (a file with bytes and no valid slot is damage, an empty one is not).
status read_slots(int fd, const std::string& file, std::optional<slot>& newest, bool& any_bytes) {
    std::uint8_t bytes[slot_size * slots] = {};
    const ssize_t n = ::pread(fd, bytes, sizeof bytes, 0);
    if (n < 0) return status{errno, "reading " + file};
    any_bytes = n > 0;
    newest.reset();
    for (std::size_t i = 0; i < slots; ++i) {
        if (static_cast<std::size_t>(n) < (i + 1) * slot_size) break;
        slot s;
        std::memcpy(&s, bytes + i * slot_size, slot_size);
        if (valid(s) && (!newest || s.sequence > newest->sequence)) newest = s;
    }
    return {};
}

}  // namespace

status durable_mark_file::open_for_writing(const std::string& file,
                                           std::unique_ptr<durable_mark_file>& out) {
    std::unique_ptr<durable_mark_file> m(new durable_mark_file());
    m->_file = file;
    m->_fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m->_fd < 0) return status{errno, "opening " + file};
    std::optional<slot> newest;
    bool any_bytes = false;
    if (status s = read_slots(m->_fd, file, newest, any_bytes); !s.ok()) return s;
    m->_sequence = newest ? newest->sequence : 0;
    out = std::move(m);
    return {};
}

status durable_mark_file::read(const std::string& file, std::optional<durable_mark>& out) {
    out.reset();
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? status{} : status{errno, "opening " + file};
    std::optional<slot> newest;
    bool any_bytes = false;
    const status s = read_slots(fd, file, newest, any_bytes);
    ::close(fd);
    if (!s.ok()) return s;
    if (newest) {
        out = durable_mark{.lsn = newest->lsn, .chain = newest->chain};
    } else if (any_bytes) {
        return corrupted(file + " holds no readable mark of how far the log reached");
    }
    return {};
}

durable_mark_file::~durable_mark_file() {
    if (_fd >= 0) ::close(_fd);
}

status durable_mark_file::write(const durable_mark& mark) {
    slot s{};
    s.magic = slot_magic;
    s.version = slot_version;
    s.sequence = ++_sequence;
    s.lsn = mark.lsn;
    s.chain = mark.chain;
    s.checksum = checksum_of(s);
    const off_t at = static_cast<off_t>((s.sequence % slots) * slot_size);
    if (::pwrite(_fd, &s, slot_size, at) != static_cast<ssize_t>(slot_size)) {
        return status{errno != 0 ? errno : EIO, "writing " + _file};
    }
    return {};
}

}  // namespace stampd::wal
