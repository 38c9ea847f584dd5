// Tokens kept in files instead of on command lines, where `ps` shows them to every user of the
// machine: --token-file, --admin-token-file and STAMPD_TOKEN_FILE read them here, and stampd
// writes the bootstrap admin's generated token here. Any thread.
#pragma once

#include <string>

namespace stampd::net {

// The token in `path`: its first line, without the line end. False with `error` when the file
// cannot be read, holds no token, or one over constants::token_size_max bytes. `warning` says
// when its group or others may read it (chmod 600), and is empty otherwise.
bool read_secret_file(const std::string& path, std::string& out, std::string& error,
                      std::string& warning);

// Writes `secret` and a newline to a file of mode 0600, synced. An existing file is an error
// unless `replace` (then it is truncated and its mode set to 0600 first).
bool write_secret_file(const std::string& path, const std::string& secret, std::string& error,
                       bool replace = false);

// What a program says when a secret was given on its command line.
std::string command_line_secret_warning(const std::string& flag, const std::string& instead);

}  // namespace stampd::net
