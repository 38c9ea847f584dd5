// See secret_file.hpp.
#include "net/protocol/secret_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "engine/constants.hpp"

namespace stampd::net {

bool read_secret_file(const std::string& path, std::string& out, std::string& error,
                      std::string& warning) {
    warning.clear();
    std::ifstream in(path);
    if (!in) {
        error = "cannot read the token file " + path + ": " + std::strerror(errno);
        return false;
    }
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
        line.pop_back();
    if (line.empty()) {
        error = "the token file " + path + " holds no token on its first line";
        return false;
    }
    if (line.size() > constants::token_size_max) {
        error = "the token in " + path + " has " + std::to_string(line.size()) +
                " bytes, at most " + std::to_string(constants::token_size_max);
        return false;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        warning = "the token file " + path + " may be read by others (mode " + mode +
                  "): chmod 600 " + path;
    }
    out = std::move(line);
    return true;
}

bool write_secret_file(const std::string& path, const std::string& secret, std::string& error,
                       bool replace) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (replace ? O_TRUNC : O_EXCL), 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        error = "cannot create " + path + ": " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return false;
    }
    const std::string text = secret + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int write_errno = errno;
    const bool synced = written && ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced) {
        error = "cannot write " + path + ": " + std::strerror(write_errno);
        ::unlink(path.c_str());
        return false;
    }
    return true;
}

std::string command_line_secret_warning(const std::string& flag, const std::string& instead) {
    return flag + " puts the secret where anyone on this machine can read it (ps, " +
           "/proc/PID/cmdline, shell history): use " + instead + " instead";
}

}  // namespace stampd::net
