// See manifest_format.hpp.
#include <cassert>
#include <charconv>
#include <cinttypes>
#include <cstdio>

#include "clients/backup/manifest_format.hpp"

namespace stampd::backup {
namespace {

std::string hex(std::uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%016" PRIx64, v);
    return text;
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
    int base = 10;
    if (text.starts_with("0x")) {
        text.remove_prefix(2);
        base = 16;
    }
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
    return ec == std::errc{} && end == text.data() + text.size() && !text.empty();
}

bool is_hex_digest(std::string_view text) {
    if (text.size() != sha256_hex_size) return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// One `file NAME SIZE sha256 HEX` value; "" or what is wrong with it.
std::string parse_file(std::string_view value, manifest_file& out) {
    std::array<std::string_view, 4> words;
    std::size_t n = 0, from = 0;
    bool rest = true;  // something follows the last word split off
    while (n < words.size() && rest) {
        const std::size_t space = value.find(' ', from);
        rest = space != std::string_view::npos;
        words[n++] = value.substr(from, rest ? space - from : std::string_view::npos);
        from = rest ? space + 1 : value.size();
    }
    if (n != words.size() || rest) {
        return "a file line is `file NAME SIZE sha256 HEX`, not '" + std::string{value} + "'";
    }
    if (!is_backup_file_name(words[0])) {
        // Appended, not "'" + std::string: GCC 12 warns (-Wrestrict) on the latter.
        std::string text = "the name '";
        text += words[0];
        text += "' is not one of a file a backup holds";
        return text;
    }
    if (!parse_u64(words[1], out.size))
        return "the size of " + std::string{words[0]} + " is not a number";
    if (words[2] != "sha256" || !is_hex_digest(words[3])) {
        return "the digest of " + std::string{words[0]} + " is not `sha256` and 64 hex digits";
    }
    out.name = std::string{words[0]};
    out.sha256 = std::string{words[3]};
    return "";
}

}  // namespace

bool is_backup_file_name(std::string_view name) {
    for (const std::string_view known : backup_file_names) {
        if (name == known) return true;
    }
    return false;
}

std::string to_text(const manifest& m) {
    assert(m.files.size() <= backup_files_max);
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", m.seconds);
    std::string t;
    const auto line = [&t](const char* key, const std::string& value) {
        t += key;
        t += ' ';
        t += value;
        t += '\n';
    };
    line(manifest_magic, std::to_string(m.format));
    line("stampd", m.stampd_version);
    line("taken", m.taken);
    line("seconds", seconds);
    line("log_first_lsn", std::to_string(m.log_first_lsn));
    line("log_last_lsn", std::to_string(m.log_last_lsn));
    line("log_last_chain", hex(m.log_last_chain));
    line("records", std::to_string(m.records));
    line("snapshot_lsn", std::to_string(m.snapshot_lsn));
    line("snapshots", std::to_string(m.snapshots));
    line("state_digest", hex(m.state_digest));
    line("durable_lsn", std::to_string(m.durable_lsn));
    line("verify", m.verify);
    for (const manifest_file& f : m.files)
        line("file", f.name + " " + std::to_string(f.size) + " sha256 " + f.sha256);
    assert(t.size() <= manifest_bytes_max);
    return t;
}

std::string parse_manifest(std::string_view text, manifest& out) {
    out = manifest{};
    if (text.size() > manifest_bytes_max) {
        return "it is " + std::to_string(text.size()) + " bytes, more than a manifest's " +
               std::to_string(manifest_bytes_max);
    }
    // Which of the keys every manifest has were met.
    constexpr std::array<std::string_view, 12> required = {
        "stampd",    "taken",        "log_first_lsn", "log_last_lsn", "log_last_chain", "records",
        "snapshots", "snapshot_lsn", "state_digest",  "durable_lsn",  "verify",         "seconds"};
    std::array<bool, required.size()> met{};
    std::size_t at = 0;
    for (std::size_t number = 1; at < text.size(); ++number) {
        if (number > manifest_lines_max) {
            return "more than " + std::to_string(manifest_lines_max) + " lines";
        }
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string_view line = text.substr(at, end - at);
        at = end + 1;
        const std::string where = "line " + std::to_string(number) + ": ";
        if (line.size() > manifest_line_max) return where + "longer than a manifest's lines";
        const std::size_t space = line.find(' ');
        const std::string_view key = line.substr(0, space);
        const std::string_view value =
            space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        if (number == 1) {
            std::uint64_t format = 0;
            if (key != manifest_magic || !parse_u64(value, format)) {
                return where + "a manifest begins with `stampd-backup 1`, not '" +
                       std::string{line} + "'";
            }
            if (format > manifest_format) {
                return where + "format " + std::to_string(format) +
                       ", written by a newer stamp-backup (this one reads format " +
                       std::to_string(manifest_format) + ")";
            }
            out.format = static_cast<std::uint32_t>(format);
            continue;
        }
        for (std::size_t i = 0; i < required.size(); ++i) {
            if (key == required[i]) met[i] = true;
        }
        std::uint64_t* number_field = key == "log_first_lsn"    ? &out.log_first_lsn
                                      : key == "log_last_lsn"   ? &out.log_last_lsn
                                      : key == "log_last_chain" ? &out.log_last_chain
                                      : key == "records"        ? &out.records
                                      : key == "snapshot_lsn"   ? &out.snapshot_lsn
                                      : key == "snapshots"      ? &out.snapshots
                                      : key == "state_digest"   ? &out.state_digest
                                      : key == "durable_lsn"    ? &out.durable_lsn
                                                                : nullptr;
        if (number_field != nullptr) {
            if (!parse_u64(value, *number_field)) {
                return where + std::string{key} + " is not a number: '" + std::string{value} + "'";
            }
        } else if (key == "stampd") {
            out.stampd_version = std::string{value};
        } else if (key == "taken") {
            out.taken = std::string{value};
        } else if (key == "verify") {
            out.verify = std::string{value};
        } else if (key == "seconds") {
            out.seconds = std::strtod(std::string{value}.c_str(), nullptr);
        } else if (key == "file") {
            if (out.files.size() == backup_files_max) return where + "too many files";
            manifest_file f;
            if (std::string wrong = parse_file(value, f); !wrong.empty()) return where + wrong;
            for (const manifest_file& before : out.files) {
                if (before.name == f.name) return where + f.name + " is listed twice";
            }
            out.files.push_back(std::move(f));
        }
    }
    if (at == 0) return "it is empty";
    for (std::size_t i = 0; i < required.size(); ++i) {
        if (!met[i]) return "it has no `" + std::string{required[i]} + "` line";
    }
    bool has_log = false;
    for (const manifest_file& f : out.files)
        has_log = has_log || f.name == "log/data.mdb";
    if (!has_log) return "it lists no log/data.mdb";
    return "";
}

}  // namespace stampd::backup
