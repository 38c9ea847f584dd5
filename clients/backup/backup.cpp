// See backup.hpp. Why the order of save's copies: a snapshot is written only of records already
// durable in the log (wal/snapshotter.hpp), DATA/DURABLE only after the log's sync and DATA/SEALS
// only of synced records; so whatever of them is copied first is covered by a log copied after
// it. The log's copy is one read transaction: it holds every record acknowledged before it began
// (an answer leaves only after its commit), and none half.
#include "clients/backup/backup.hpp"

#include <fcntl.h>
#include <lmdb.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "clients/audit/snapshot_list.hpp"
#include "clients/backup/files.hpp"
#include "engine/build_info.hpp"
#include "wal/storage/data_dir.hpp"
#include "wal/storage/durable_mark.hpp"
#include "wal/storage/record.hpp"
#include "wal/storage/seal_file.hpp"

namespace stampd::backup {
namespace {

using clock_type = std::chrono::steady_clock;

// Another process may grow an environment's map while we copy it (MDB_MAP_RESIZED): adopt the
// new size and copy again, this many times at most.
constexpr int map_resizes_max = 4;
constexpr unsigned dir_mode = 0700;

double seconds_since(clock_type::time_point start) {
    return std::chrono::duration<double>(clock_type::now() - start).count();
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[40];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(text + n, sizeof text - n, ".%03dZ", static_cast<int>(ms));
    return text;
}

result fail(result r, result_kind kind, std::string error) {
    r.kind = kind;
    r.error = std::move(error);
    return r;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// `path`, which exists or not, and its parent are on one file system: rename works between them.
std::string mount_point_problem(const std::string& path, const char* what) {
    struct stat here {
    }, parent{};
    if (::stat(path.c_str(), &here) != 0 || ::stat(parent_of(path).c_str(), &parent) != 0) {
        return "";
    }
    if (here.st_dev == parent.st_dev) return "";
    return path + " is a mount point: " + what +
           " is written beside it and renamed into place, which cannot cross file systems; "
           "give a directory inside it";
}

// DEST (or DIR) may be missing or an empty directory; its temporary name beside it must be
// missing; its parent must exist. "" or what is wrong.
std::string check_target(const std::string& target, const std::string& temporary, const char* what,
                         const char* why) {
    path_kind kind{};
    std::string entry;
    if (wal::status s = inspect_path(target, kind, entry); !s.ok()) return s.message();
    if (kind == path_kind::not_a_dir) return target + " exists and is not a directory";
    if (kind == path_kind::dir_with_entries) {
        return target + " is not empty (it holds " + entry + "): " + why;
    }
    const std::string parent = parent_of(target);
    if (!exists(parent)) return parent + " does not exist (it would hold " + target + ")";
    if (std::string m = mount_point_problem(target, what); !m.empty()) return m;
    if (exists(temporary)) {
        return temporary + " exists: an earlier " + what +
               " did not finish? Look at it, remove it, and run again";
    }
    return "";
}

// One LMDB environment, compacted, into `to` (created, 0600, synced).
wal::status copy_env(const wal::lmdb_env& env, const std::string& to) {
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return wal::status{errno, "creating " + to};
    int rc = 0;
    for (int resizes = 0; resizes <= map_resizes_max; ++resizes) {
        rc = mdb_env_copyfd2(env.env(), fd, MDB_CP_COMPACT);
        if (rc != MDB_MAP_RESIZED) break;
        // No transaction of ours is open (lmdb.h, mdb_env_set_mapsize): start over.
        mdb_env_set_mapsize(env.env(), 0);
        if (::ftruncate(fd, 0) != 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
            rc = errno;
            break;
        }
    }
    if (rc == 0 && ::fsync(fd) != 0) rc = errno;
    if (::close(fd) != 0 && rc == 0) rc = errno;
    if (rc != 0) return wal::status{rc, "copying " + env.options().path + " into " + to};
    return {};
}

// The source's mark, as it is before the log's copy, written afresh into the copy.
wal::status copy_mark(const wal::data_dir& source, const std::string& to, manifest& m) {
    std::optional<wal::durable_mark> mark;
    if (wal::status s = source.read_durable_mark(mark); !s.ok()) return s;
    if (!mark) return {};
    std::unique_ptr<wal::durable_mark_file> file;
    if (wal::status s = wal::durable_mark_file::open_for_writing(to, file); !s.ok()) return s;
    if (wal::status s = file->write(*mark); !s.ok()) return s;
    file.reset();
    m.durable_lsn = mark->lsn;
    return sync_path(to);
}

// DATA/SEALS up to its last whole entry (a torn one being appended is left out).
wal::status copy_seals(const std::string& from, const std::string& to) {
    struct stat st {};
    if (::stat(from.c_str(), &st) != 0) {
        return errno == ENOENT ? wal::status{} : wal::status{errno, "reading " + from};
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < wal::seal_header_size) return {};
    const std::uint64_t whole =
        wal::seal_header_size + (size - wal::seal_header_size) / wal::seal_size * wal::seal_size;
    file_digest ignored;
    return copy_file(from, to, whole, ignored);
}

// Copies the data directory's files into `to` in the order the top of this file explains.
wal::status copy_files(const wal::data_dir& source, const std::string& to, manifest& m) {
    const std::string from = source.path();
    if (source.snapshots() != nullptr) {
        if (wal::status s = make_dir(to + "/snapshots", dir_mode); !s.ok()) return s;
        if (wal::status s = copy_env(*source.snapshots(), to + "/snapshots/data.mdb"); !s.ok()) {
            return s;
        }
    } else if (exists(from + "/snapshots/data.mdb")) {
        return wal::status{EIO,
                           from +
                               "/snapshots cannot be opened (stamp-audit verify says why): "
                               "a backup without it would hide the damage",
                           true};
    }
    if (wal::status s = copy_mark(source, to + "/DURABLE", m); !s.ok()) return s;
    if (wal::status s = copy_seals(source.seal_path(), to + "/SEALS"); !s.ok()) return s;
    if (wal::status s = make_dir(to + "/log", dir_mode); !s.ok()) return s;
    m.taken = utc_now();
    if (wal::status s = copy_env(source.log(), to + "/log/data.mdb"); !s.ok()) return s;
    for (const char* dir : {"/log", "/snapshots", ""}) {
        if (!exists(to + dir)) continue;
        if (wal::status s = sync_path(to + dir); !s.ok()) return s;
    }
    for (const std::string_view name : backup_file_names) {
        const std::string path = to + "/" + std::string{name};
        if (!exists(path)) continue;
        file_digest d;
        if (wal::status s = hash_file(path, d); !s.ok()) return s;
        m.files.push_back({std::string{name}, d.size, d.sha256});
    }
    return {};
}

// The first LSN of the log and the chain after its last record.
wal::status read_log_ends(const wal::lmdb_env& log, manifest& m) {
    wal::read_txn txn(log);
    if (!txn.result().ok()) return txn.result();
    MDB_cursor* cursor = nullptr;
    if (int rc = mdb_cursor_open(txn.get(), log.dbi(), &cursor); rc != 0) {
        return wal::status{rc, "reading " + log.options().path};
    }
    MDB_val key, value;
    wal::status result;
    if (mdb_cursor_get(cursor, &key, &value, MDB_FIRST) == 0) {
        wal::decode_lsn_key(wal::bytes_of(key), m.log_first_lsn);
        if (mdb_cursor_get(cursor, &key, &value, MDB_LAST) == 0) {
            std::uint64_t lsn = 0;
            wal::record_view last;
            if (!wal::decode_lsn_key(wal::bytes_of(key), lsn) ||
                wal::parse_record(wal::bytes_of(value), lsn, last) != wal::record_status::ok) {
                result =
                    wal::corrupted("the last record of " + log.options().path + " does not parse");
            } else {
                m.log_last_chain =
                    wal::chain_after(last.header.previous_chain, last.header.checksum);
            }
        }
    }
    mdb_cursor_close(cursor);
    return result;
}

// stamp-audit's verify on `dir`; fills what the manifest says of the log and its snapshots.
result verify_dir(result r, const std::string& dir, const verify_options& o) {
    std::unique_ptr<wal::data_dir> copy;
    if (wal::status s = wal::data_dir::open_for_reading(dir, copy); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message());
    }
    const audit::verify_report v = audit::verify(*copy, {.seal_key = o.seal_key, .quiet = o.quiet});
    r.findings.insert(r.findings.end(), v.findings.begin(), v.findings.end());
    r.seals = v.seals;
    manifest& m = r.contents;
    m.log_last_lsn = v.log_last_lsn;
    m.records = v.records_checked;
    m.state_digest = v.final_digest;
    m.snapshots = v.snapshots.size();
    for (const audit::snapshot_report& s : v.snapshots)
        m.snapshot_lsn = std::max(m.snapshot_lsn, s.lsn);
    m.verify = v.findings.empty() ? "clean" : std::to_string(v.findings.size()) + " finding(s)";
    if (wal::status s = read_log_ends(copy->log(), m); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message());
    }
    if (!v.findings.empty()) r.kind = result_kind::failed;
    return r;
}

wal::status write_manifest(const std::string& dir, const manifest& m) {
    const std::string path = dir + "/" + manifest_name;
    const std::string text = to_text(m);
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) return wal::status{errno, "writing " + path};
    }
    ::chmod(path.c_str(), 0600);
    return sync_path(path);
}

// The files of `backup` against its manifest, one finding per file that differs.
void compare_files(const std::string& backup, result& r) {
    for (const manifest_file& f : r.contents.files) {
        const std::string path = backup + "/" + f.name;
        const auto finding = [&](std::string what) {
            r.findings.push_back({"manifest_mismatch", 0, path + ": " + what});
        };
        file_digest d;
        if (wal::status s = hash_file(path, d); !s.ok()) {
            finding(s.code == ENOENT ? "missing: the manifest lists it" : s.message());
        } else if (d.size != f.size) {
            finding(std::to_string(d.size) + " bytes, but the manifest says " +
                    std::to_string(f.size) + ": the file changed after the backup");
        } else if (d.sha256 != f.sha256) {
            finding("SHA-256 " + d.sha256 + " differs from the manifest's " + f.sha256 +
                    ": the file changed after the backup");
        }
    }
}

}  // namespace

result save(const save_options& o) {
    const auto start = clock_type::now();
    result r;
    const std::string out = without_trailing_slash(o.out);
    const std::string partial = out + ".partial";
    r.path = out;
    std::unique_ptr<wal::data_dir> source;
    if (wal::status s = wal::data_dir::open_for_reading(o.data, source); !s.ok()) {
        return fail(std::move(r), result_kind::unreadable, s.message());
    }
    if (std::string wrong =
            check_target(out, partial, "backup", "a backup goes into a new or empty directory");
        !wrong.empty()) {
        return fail(std::move(r), result_kind::failed, wrong);
    }
    struct stat st {};
    if (::stat((source->path() + "/log/data.mdb").c_str(), &st) == 0) {
        r.source_log_bytes = static_cast<std::uint64_t>(st.st_size);
    }
    manifest& m = r.contents;
    // "0.1.0 (commit 5c8a617, RelWithDebInfo build)": the release that wrote it, not the name.
    const std::string version = version_text("stamp-backup");
    m.stampd_version = version.substr(version.find(' ') + 1);
    const std::string kept = "; what was copied is left in " + partial;
    if (wal::status s = make_dir(partial, dir_mode); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message());
    }
    if (wal::status s = copy_files(*source, partial, m); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message() + kept);
    }
    source.reset();
    r = verify_dir(std::move(r), partial, o.verify);
    if (!r.ok()) {
        if (r.error.empty()) r.error = "the copy does not verify (findings below)" + kept;
        return r;
    }
    r.contents.seconds = seconds_since(start);
    if (wal::status s = write_manifest(partial, r.contents); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message() + kept);
    }
    if (::rename(partial.c_str(), out.c_str()) != 0) {
        return fail(std::move(r), result_kind::failed,
                    "renaming " + partial + " to " + out + ": " + std::strerror(errno));
    }
    if (wal::status s = sync_path(parent_of(out)); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message());
    }
    r.seconds = seconds_since(start);
    return r;
}

result check(const std::string& backup_path, const verify_options& o) {
    const auto start = clock_type::now();
    result r;
    const std::string backup = without_trailing_slash(backup_path);
    r.path = backup;
    path_kind kind{};
    std::string entry;
    if (wal::status s = inspect_path(backup, kind, entry); !s.ok()) {
        return fail(std::move(r), result_kind::unreadable, s.message());
    }
    const std::string file = backup + "/" + manifest_name;
    if (kind != path_kind::dir_with_entries || !exists(file)) {
        const char* why = kind == path_kind::missing     ? "it does not exist"
                          : kind == path_kind::not_a_dir ? "it is a file, not a directory"
                                                         : "no MANIFEST in it";
        return fail(std::move(r), result_kind::unreadable,
                    backup + " is not a stampd backup (" + why + ")");
    }
    std::ifstream in(file, std::ios::binary);
    std::string text(manifest_bytes_max + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (std::string wrong = parse_manifest(text, r.contents); !wrong.empty()) {
        return fail(std::move(r), result_kind::failed, file + ": " + wrong);
    }
    compare_files(backup, r);
    if (!r.findings.empty()) {
        return fail(std::move(r), result_kind::failed,
                    backup + " does not match its MANIFEST (findings below)");
    }
    const manifest listed = r.contents;
    r = verify_dir(std::move(r), backup, o);
    const manifest& seen = r.contents;
    if (seen.log_last_lsn != listed.log_last_lsn || seen.log_last_chain != listed.log_last_chain ||
        seen.state_digest != listed.state_digest) {
        r.kind = result_kind::failed;
        r.findings.push_back({"manifest_mismatch", seen.log_last_lsn,
                              backup + "/log/data.mdb: the log ends at LSN " +
                                  std::to_string(seen.log_last_lsn) + " (chain " +
                                  audit::hex64(seen.log_last_chain) + ", state digest " +
                                  audit::hex64(seen.state_digest) + "), the manifest says LSN " +
                                  std::to_string(listed.log_last_lsn) + " (chain " +
                                  audit::hex64(listed.log_last_chain) + ", state digest " +
                                  audit::hex64(listed.state_digest) + ")"});
    }
    r.contents = listed;
    if (!r.ok() && r.error.empty()) r.error = backup + " does not verify (findings below)";
    r.seconds = seconds_since(start);
    return r;
}

result restore(const std::string& backup, const std::string& data_path, const verify_options& o) {
    const auto start = clock_type::now();
    const std::string data = without_trailing_slash(data_path);
    const std::string temporary = data + ".restoring";
    result r;
    r.path = data;
    if (std::string wrong = check_target(
            data, temporary, "restore",
            "restore never writes over a data directory; stop stampd, move the directory "
            "aside, and restore into a new or empty one");
        !wrong.empty()) {
        return fail(std::move(r), result_kind::failed, wrong);
    }
    result checked = check(backup, o);
    if (!checked.ok()) {
        checked.path = data;
        return checked;
    }
    r.contents = checked.contents;
    const auto failed = [&](const wal::status& s) {
        return fail(std::move(r), result_kind::failed,
                    s.message() + "; what was copied is left in " + temporary);
    };
    if (wal::status s = make_dir(temporary, dir_mode); !s.ok()) return failed(s);
    for (const manifest_file& f : r.contents.files) {
        const std::string from = without_trailing_slash(backup) + "/" + f.name;
        const std::string to = temporary + "/" + f.name;
        const std::string dir = parent_of(to);
        if (!exists(dir)) {
            if (wal::status s = make_dir(dir, dir_mode); !s.ok()) return failed(s);
        }
        file_digest d;
        if (wal::status s = copy_file(from, to, UINT64_MAX, d); !s.ok()) return failed(s);
        if (d.size != f.size || d.sha256 != f.sha256) {
            return failed(wal::status{EIO,
                                      from + " changed while it was restored (its SHA-256 is " +
                                          d.sha256 + ", the manifest's " + f.sha256 + ")",
                                      true});
        }
        if (wal::status s = sync_path(dir); !s.ok()) return failed(s);
    }
    if (wal::status s = sync_path(temporary); !s.ok()) return failed(s);
    if (::rename(temporary.c_str(), data.c_str()) != 0) {
        return failed(wal::status{errno, "renaming " + temporary + " to " + data});
    }
    if (wal::status s = sync_path(parent_of(data)); !s.ok()) {
        return fail(std::move(r), result_kind::failed, s.message());
    }
    r.seconds = seconds_since(start);
    return r;
}

}  // namespace stampd::backup
