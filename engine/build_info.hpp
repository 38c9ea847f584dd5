// What a program says to --version: stampd's version, the commit it was built from and the build
// type. The commit is read at every build (engine/build_info.cmake), so it is never stale.
#pragma once

#include <string>
#include <string_view>

namespace stampd {

// "stampctl 0.1.0 (commit 141ed52, RelWithDebInfo build)"; "commit unknown" outside git.
std::string version_text(std::string_view program);
// Its parts, for the metrics' stampd_build_info: "0.1.0", "141ed52" (or "unknown"),
// "RelWithDebInfo".
std::string_view build_version();
std::string_view build_commit();
std::string_view build_type();

}  // namespace stampd
