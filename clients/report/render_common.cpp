// Provenance text and writing outputs (render.hpp).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clients/report/render.hpp"
#include "clients/report/report_text.hpp"

namespace stampd::report {

std::string describe(const provenance& from) {
    std::string text = "Computed from LSN 1-" + std::to_string(from.to_lsn) + ", chain hash " +
                       format_hex64(from.chain) + " at LSN " + std::to_string(from.to_lsn);
    if (from.digest != 0) text += ", state digest " + format_hex64(from.digest);
    if (from.snapshot_lsn != 0) {
        text += " (snapshot at LSN " + std::to_string(from.snapshot_lsn) + " + " +
                std::to_string(from.replayed) + " records)";
    }
    return text;
}

bool replaced_by_rename(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode);
}

json::object provenance_json(const provenance& from) {
    return {
        {"to_lsn", from.to_lsn},
        {"chain", format_hex64(from.chain)},
        {"state_digest", from.digest != 0 ? json::value{format_hex64(from.digest)} : json::value{}},
        {"snapshot_lsn", from.snapshot_lsn},
        {"replayed_records", from.replayed},
        {"log_end_lsn", from.log_end_lsn}};
}

bool pdf_path_ok(const std::string& path, std::string& error) {
    if (path != "-") return true;
    error = "a PDF goes to a file: give --out FILE.pdf";
    return false;
}

bool write_output(const std::string& path, const std::string& bytes, std::string& error) {
    if (path == "-") {
        if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size() ||
            std::fflush(stdout) != 0) {
            error = std::string{"cannot write to standard output: "} + std::strerror(errno);
            return false;
        }
        return true;
    }
    // A file is written beside and renamed into place; anything else that exists (a device such
    // as /dev/null, a pipe) is written to where it is — renaming over it would replace it.
    const bool in_place = !replaced_by_rename(path);
    const std::string temporary = in_place ? path : path + ".partial";
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) {
        error = "cannot create " + temporary + ": " + std::strerror(errno);
        return false;
    }
    const bool written = std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size();
    const int saved_errno = errno;
    if (std::fclose(file) != 0 || !written) {
        error = "cannot write " + temporary + ": " + std::strerror(written ? errno : saved_errno);
        if (!in_place) std::remove(temporary.c_str());
        return false;
    }
    if (in_place) return true;
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        error = "cannot rename " + temporary + " to " + path + ": " + std::strerror(errno);
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

}  // namespace stampd::report
