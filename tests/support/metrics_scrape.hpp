// Reads a server's /metrics into series → value, for tests that compare
// scrapes: the key is the sample's name with its labels exactly as written,
// e.g. `confab_drops_total{kind="stale_response_audio"}`.
#pragma once
#include <map>
#include <sstream>
#include <string>

#include "support/http_get.hpp"

namespace confab::test {

using Scrape = std::map<std::string, double>;

inline Scrape parse_metrics(const std::string& text) {
    Scrape out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto space = line.rfind(' ');
        if (space == std::string::npos) continue;
        const std::string value = line.substr(space + 1);
        out[line.substr(0, space)] = value == "+Inf" ? 1e308 : std::stod(value);
    }
    return out;
}

inline Scrape scrape_metrics(unsigned short port) {
    return parse_metrics(http_get(port, "/metrics").body);
}

// The value of `series` (0 when absent, as a counter not yet created).
inline double metric(const Scrape& s, const std::string& series) {
    const auto it = s.find(series);
    return it == s.end() ? 0.0 : it->second;
}

inline double metric_delta(const Scrape& before, const Scrape& after, const std::string& series) {
    return metric(after, series) - metric(before, series);
}

}  // namespace confab::test
