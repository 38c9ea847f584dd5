// See log_format.hpp.
#include "net/log_format.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>

namespace stampd::net {
namespace {

// One JSON object a line: time, level, message. Control characters and quotes are escaped; the
// message's bytes are otherwise passed as they are (stampd writes UTF-8 and ASCII).
class json_formatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        using namespace std::chrono;
        const auto since = msg.time.time_since_epoch();
        const std::time_t seconds = duration_cast<std::chrono::seconds>(since).count();
        const auto micros = duration_cast<microseconds>(since).count() % 1'000'000;
        std::tm utc{};
        gmtime_r(&seconds, &utc);
        char time[40];
        const std::size_t n = std::strftime(time, sizeof time, "%Y-%m-%dT%H:%M:%S", &utc);
        std::snprintf(time + n, sizeof time - n, ".%06lldZ", static_cast<long long>(micros));
        append(dest, R"({"time":")");
        append(dest, time);
        append(dest, R"(","level":")");
        const auto level = spdlog::level::to_string_view(msg.level);
        dest.append(level.data(), level.data() + level.size());
        append(dest, R"(","message":")");
        for (const char c : std::string_view{msg.payload.data(), msg.payload.size()}) {
            const auto u = static_cast<unsigned char>(c);
            if (c == '"' || c == '\\') {
                dest.push_back('\\');
                dest.push_back(c);
            } else if (c == '\n') {
                append(dest, "\\n");
            } else if (c == '\t') {
                append(dest, "\\t");
            } else if (u < 0x20 || u == 0x7f) {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04x", u);
                append(dest, escaped);
            } else {
                dest.push_back(c);
            }
        }
        append(dest, "\"}\n");
    }
    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<json_formatter>();
    }

private:
    static void append(spdlog::memory_buf_t& dest, std::string_view text) {
        dest.append(text.data(), text.data() + text.size());
    }
};

}  // namespace

bool log_format_ok(const std::string& format) {
    return format == "text" || format == "json";
}

void log_to_stderr(const std::string& format, const std::string& level) {
    std::shared_ptr<spdlog::logger> logger;
    if (format == "json") {
        logger = spdlog::stderr_logger_mt("stampd-json");
        logger->set_formatter(std::make_unique<json_formatter>());
    } else {
        // Colours only on a terminal.
        logger = spdlog::stderr_color_mt("stampd");
        logger->set_formatter(std::make_unique<spdlog::pattern_formatter>(
            "%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc));
    }
    logger->set_level(spdlog::level::from_str(level));
    // A warning or worse reaches the file at once: a crash must not lose the line before it.
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
}

}  // namespace stampd::net
