// Runs a program as a child process for end-to-end tests of the command-line tools: its
// stdout and stderr go to files in a test directory, its exit code comes back (128 + signal
// when it was killed). Only the calling thread waits on it.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace stampd::testing {

struct ran {
    int code = -1;
    std::string out, err;
};

inline std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

using environment = std::vector<std::pair<std::string, std::string>>;

// Starts `program` with `args` and `env` (STAMPD_* cleared first), output into files named
// `name`.stdout and `name`.stderr in `dir`; in the working directory `cwd` when one is given.
inline pid_t start_program(const temp_dir& dir, const std::string& name, const std::string& program,
                           const std::vector<std::string>& args, const environment& env,
                           const std::string& cwd = "") {
    const std::string out_path = dir / (name + ".stdout"), err_path = dir / (name + ".stderr");
    const pid_t child = fork();
    if (child == 0) {
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(out, 1);
        dup2(err, 2);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
        unsetenv("STAMPD_SERVER");
        unsetenv("STAMPD_TOKEN");
        for (const auto& [variable, value] : env)
            setenv(variable.c_str(), value.c_str(), 1);
        std::vector<char*> argv{const_cast<char*>(program.c_str())};
        for (const std::string& a : args)
            argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(program.c_str(), argv.data());
        _exit(127);
    }
    return child;
}

inline ran wait_program(const temp_dir& dir, const std::string& name, pid_t child) {
    int status = 0;
    waitpid(child, &status, 0);
    ran r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = slurp(dir / (name + ".stdout"));
    r.err = slurp(dir / (name + ".stderr"));
    return r;
}

inline ran run_program(const temp_dir& dir, const std::string& program,
                       const std::vector<std::string>& args, const environment& env = {}) {
    return wait_program(dir, "run", start_program(dir, "run", program, args, env));
}

// As run_program, in the working directory `cwd` (what a relative default such as ./data means).
inline ran run_program_in(const temp_dir& dir, const std::string& cwd, const std::string& program,
                          const std::vector<std::string>& args) {
    return wait_program(dir, "run", start_program(dir, "run", program, args, {}, cwd));
}

}  // namespace stampd::testing
