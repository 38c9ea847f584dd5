// A strict reader of Prometheus' text exposition format (0.0.4) for the metrics tests: every
// line is a HELP, a TYPE or a sample; names and labels as the format allows; every sample of a
// family declared by its TYPE first; counters named _total; histograms' buckets cumulative and
// ending at +Inf with _count; no series twice. Test code only.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

namespace stampd::testing {

struct prometheus_sample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

class prometheus_scrape {
public:
    // Parses `text`; false with error() saying which line broke which rule.
    bool parse(const std::string& text) {
        std::istringstream in(text);
        std::string line;
        std::size_t number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (!one_line(line)) {
                _error = "line " + std::to_string(number) + ": " + _error + ": " + line;
                return false;
            }
        }
        if (!text.empty() && text.back() != '\n') return fail("the last line has no newline");
        return check_histograms();
    }
    const std::string& error() const { return _error; }

    // The sample of `name` whose labels include `with`; nothing when there is none.
    std::optional<double> value(const std::string& name,
                                const std::map<std::string, std::string>& with = {}) const {
        for (const prometheus_sample& s : _samples) {
            if (s.name != name) continue;
            bool all = true;
            for (const auto& [k, v] : with) {
                const auto it = s.labels.find(k);
                all = all && it != s.labels.end() && it->second == v;
            }
            if (all) return s.value;
        }
        return std::nullopt;
    }
    const std::map<std::string, std::string>& types() const { return _types; }
    const std::vector<prometheus_sample>& samples() const { return _samples; }

private:
    static bool name_start(char c) {
        return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':';
    }
    static bool name_char(char c) {
        return name_start(c) || std::isdigit(static_cast<unsigned char>(c));
    }
    static bool valid_name(std::string_view n) {
        if (n.empty() || !name_start(n[0])) return false;
        for (const char c : n)
            if (!name_char(c)) return false;
        return true;
    }
    bool fail(const std::string& why) {
        _error = why;
        return false;
    }
    // The family a sample belongs to: histograms' _bucket, _sum and _count are their family's.
    std::string family_of(const std::string& name) const {
        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
            const std::string_view s{suffix};
            if (name.size() > s.size() && name.ends_with(s)) {
                const std::string base = name.substr(0, name.size() - s.size());
                if (const auto it = _types.find(base);
                    it != _types.end() && it->second == "histogram")
                    return base;
            }
        }
        return name;
    }
    bool one_line(const std::string& line) {
        if (line.empty()) return fail("an empty line");
        if (line.rfind("# HELP ", 0) == 0) {
            const std::string rest = line.substr(7);
            const std::string name = rest.substr(0, rest.find(' '));
            if (!valid_name(name)) return fail("a HELP with a bad name");
            if (!_helped.insert(name).second) return fail("HELP twice for " + name);
            return true;
        }
        if (line.rfind("# TYPE ", 0) == 0) {
            std::istringstream words(line.substr(7));
            std::string name, type, more;
            words >> name >> type;
            if (!valid_name(name)) return fail("a TYPE with a bad name");
            if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
                type != "untyped")
                return fail("an unknown type '" + type + "'");
            if (words >> more) return fail("words after the type");
            if (_types.contains(name)) return fail("TYPE twice for " + name);
            if (_seen_families.contains(name)) return fail("TYPE after samples of " + name);
            if (type == "counter" && !name.ends_with("_total"))
                return fail("a counter not named _total: " + name);
            _types[name] = type;
            return true;
        }
        if (line[0] == '#') return true;  // a comment
        prometheus_sample s;
        std::size_t at = 0;
        while (at < line.size() && name_char(line[at]))
            ++at;
        s.name = line.substr(0, at);
        if (!valid_name(s.name)) return fail("a sample with a bad name");
        std::string series = s.name + "{";
        if (at < line.size() && line[at] == '{') {
            ++at;
            while (at < line.size() && line[at] != '}') {
                const std::size_t begin = at;
                while (at < line.size() && name_char(line[at]) && line[at] != ':')
                    ++at;
                const std::string label = line.substr(begin, at - begin);
                if (label.empty() || std::isdigit(static_cast<unsigned char>(label[0])))
                    return fail("a bad label name");
                if (line.compare(at, 2, "=\"") != 0) return fail("a label without =\"");
                at += 2;
                std::string value;
                while (at < line.size() && line[at] != '"') {
                    if (line[at] == '\\') {
                        ++at;
                        if (at >= line.size()) return fail("an escape at the end");
                        if (line[at] == 'n')
                            value += '\n';
                        else if (line[at] == '\\' || line[at] == '"')
                            value += line[at];
                        else
                            return fail("an unknown escape in a label value");
                    } else {
                        value += line[at];
                    }
                    ++at;
                }
                if (at >= line.size()) return fail("a label value without its closing quote");
                ++at;
                if (!s.labels.emplace(label, value).second) return fail("a label twice");
                if (at < line.size() && line[at] == ',') ++at;
            }
            if (at >= line.size()) return fail("labels without their closing brace");
            ++at;
        }
        for (const auto& [k, v] : s.labels)
            series += k + "=" + v + ",";
        if (at >= line.size() || line[at] != ' ') return fail("no space before the value");
        const std::string value = line.substr(at + 1);
        if (value == "+Inf")
            s.value = INFINITY;
        else if (value == "-Inf")
            s.value = -INFINITY;
        else if (value == "NaN")
            s.value = NAN;
        else {
            const auto [end, error] =
                std::from_chars(value.data(), value.data() + value.size(), s.value);
            if (error != std::errc{} || end != value.data() + value.size())
                return fail("a value that is not a number (timestamps are not written here)");
        }
        const std::string family = family_of(s.name);
        if (!_types.contains(family)) return fail("a sample before its family's TYPE");
        _seen_families.insert(family);
        if (!_series.insert(series).second) return fail("a series twice");
        _samples.push_back(std::move(s));
        return true;
    }
    bool check_histograms() {
        for (const auto& [name, type] : _types) {
            if (type != "histogram") continue;
            double last = -1;
            bool infinite = false;
            for (const prometheus_sample& s : _samples) {
                if (s.name != name + "_bucket") continue;
                if (!s.labels.contains("le")) return fail(name + ": a bucket without le");
                if (s.value < last) return fail(name + ": buckets not cumulative");
                last = s.value;
                infinite = s.labels.at("le") == "+Inf";
            }
            if (!infinite) return fail(name + ": the last bucket is not +Inf");
            const std::optional<double> count = value(name + "_count");
            if (!count || *count != last) return fail(name + ": _count is not the +Inf bucket");
            if (!value(name + "_sum")) return fail(name + ": no _sum");
        }
        return true;
    }

    std::map<std::string, std::string> _types;
    std::set<std::string> _helped, _seen_families, _series;
    std::vector<prometheus_sample> _samples;
    std::string _error;
};

}  // namespace stampd::testing
