// Real processes for the tests: stampd on a temporary data directory and a port the
// kernel picks (read back from its "stampd listening on HOST:PORT" log line), stamp-scan runs in
// the foreground or the background, and kill -9. posix_spawn only; one test thread.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace stampd::processes {

inline const std::string admin_token = "scan-test-admin-token-0123456789";

inline std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Starts `argv` with stdout and stderr to `log`; returns the pid (or -1).
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& log) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

// The exit code of a child, or 128 + signal.
inline int wait_exit(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline int run(const std::vector<std::string>& argv, const std::string& log) {
    const pid_t pid = spawn(argv, log);
    return pid < 0 ? -1 : wait_exit(pid);
}

class stampd_process {
public:
    // `wrapper` runs before stampd and execs it (same pid): e.g. prlimit --nofile=N:N --.
    // `extra`: more of stampd's options, e.g. --config FILE.
    stampd_process(std::string data, std::string log, std::vector<std::string> wrapper = {},
                   std::vector<std::string> extra = {})
        : _data(std::move(data)),
          _log(std::move(log)),
          _wrapper(std::move(wrapper)),
          _extra(std::move(extra)) {}
    ~stampd_process() { stop(SIGKILL); }
    // start() passes --admin-token admin_token unless told not to (the test passes its own).
    void without_admin_token() { _admin_token = false; }

    // Starts stampd and waits (up to 30 s) for its listening line. False if it never comes.
    bool start() {
        std::vector<std::string> argv = _wrapper;
        for (const char* a : {STAMPD_BIN, "--data", _data.c_str(), "--listen", "127.0.0.1:0"})
            argv.emplace_back(a);
        if (_admin_token) argv.insert(argv.end(), {"--admin-token", admin_token});
        argv.insert(argv.end(), _extra.begin(), _extra.end());
        _pid = spawn(argv, _log);
        if (_pid < 0) return false;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < give_up) {
            const std::string text = read_text(_log);
            const auto at = text.find("stampd listening on 127.0.0.1:");
            if (at != std::string::npos) {
                _port = std::atoi(text.c_str() + at +
                                  std::string{"stampd listening on 127.0.0.1:"}.size());
                return _port > 0;
            }
            int status = 0;
            if (waitpid(_pid, &status, WNOHANG) == _pid) {
                _exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                _pid = -1;
                return false;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return false;
    }
    // SIGTERM: a clean stop; SIGKILL: a crash. Returns the exit code (or 128 + signal).
    int stop(int signal_number) {
        if (_pid < 0) return -1;
        kill(_pid, signal_number);
        const int code = wait_exit(_pid);
        _pid = -1;
        return code;
    }
    std::string server() const { return "127.0.0.1:" + std::to_string(_port); }
    const std::string& log() const { return _log; }
    pid_t pid() const { return _pid; }
    // How it ended when start() saw it exit (-1: it has not).
    int exit_code() const { return _exit_code; }

private:
    std::string _data, _log;
    std::vector<std::string> _wrapper, _extra;
    bool _admin_token = true;
    pid_t _pid = -1;
    int _port = 0;
    int _exit_code = -1;
};

// CPU seconds (user + system) a live process has used, from /proc/PID/stat; -1 if unreadable.
inline double cpu_seconds(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto after_name = text.rfind(')');  // the name may hold spaces
    if (after_name == std::string::npos) return -1;
    std::istringstream fields(text.substr(after_name + 2));
    std::string field;
    unsigned long long utime = 0, stime = 0;
    // Fields 3..13 (state .. cmajflt), then utime (14) and stime (15).
    for (int i = 3; i <= 13 && fields >> field; ++i) {
    }
    if (!(fields >> utime >> stime)) return -1;
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A fresh directory under the system's temporary directory.
inline std::string temp_dir(const char* name) {
    std::string pattern = (std::filesystem::temp_directory_path() / name).string() + "-XXXXXX";
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    const char* made = mkdtemp(buffer.data());
    return made ? made : "";
}

// A number field of a flat JSON object: "key":123.4
inline double json_number(const std::string& json, const std::string& key) {
    const auto at = json.find("\"" + key + "\":");
    if (at == std::string::npos) return -1;
    return std::strtod(json.c_str() + at + key.size() + 3, nullptr);
}

}  // namespace stampd::processes
