// The file work of stamp-backup: SHA-256 of a file, a copy through a fixed-size buffer that
// hashes what it reads, fsync of files and directories, and what a path is (missing, an empty
// directory, ...). Every error is a wal::status naming the path and what was being done, with
// the system's word for it ("writing /b/log/data.mdb: No space left on device"). Blocking; any
// thread, one file at a time per call.
#pragma once

#include <cstdint>
#include <string>

#include "wal/storage/status.hpp"

namespace stampd::backup {

// Files are read and written this many bytes at a time, whatever their size.
inline constexpr std::size_t copy_buffer_bytes = std::size_t{1} << 20;

struct file_digest {
    std::uint64_t size = 0;
    std::string sha256;  // lowercase hex
};

// SHA-256 of the whole file at `path`.
wal::status hash_file(const std::string& path, file_digest& out);

// Copies the first `length` bytes of `from` (the whole file when length is UINT64_MAX) to `to`,
// which must not exist, created with mode 0600 and synced; `out` is the digest of what was read.
// ENOSPC and the other write errors name `to`; read errors name `from`.
wal::status copy_file(const std::string& from, const std::string& to, std::uint64_t length,
                      file_digest& out);

// fsync of a file or directory opened read-only.
wal::status sync_path(const std::string& path);

// mkdir with exactly `mode` (whatever the umask).
wal::status make_dir(const std::string& path, unsigned mode);

enum class path_kind { missing, empty_dir, dir_with_entries, not_a_dir };
// What is at `path`; `first_entry` names an entry of a directory that has some.
wal::status inspect_path(const std::string& path, path_kind& kind, std::string& first_entry);

// The directory that holds `path` ("." for a bare name), without a trailing slash.
std::string parent_of(std::string path);

// `path` without trailing slashes ("/" stays "/").
std::string without_trailing_slash(std::string path);

}  // namespace stampd::backup
