// A fresh directory under /tmp for one test, removed afterwards: storage tests use real LMDB files.
#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace stampd::testing {

class temp_dir {
public:
    temp_dir() {
        std::random_device random;
        _path = std::filesystem::temp_directory_path() /
                ("stampd-test-" + std::to_string(random()) + std::to_string(random()));
        std::filesystem::create_directories(_path);
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(_path, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string path() const { return _path.string(); }
    std::string operator/(const std::string& name) const { return (_path / name).string(); }

private:
    std::filesystem::path _path;
};

}  // namespace stampd::testing
