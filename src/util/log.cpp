#include "util/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace confab::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::info)};
std::atomic<bool> g_json{false};
std::mutex g_write_mutex;

const char* level_name(Level level) {
    switch (level) {
        case Level::trace:
            return "trace";
        case Level::debug:
            return "debug";
        case Level::info:
            return "info";
        case Level::warn:
            return "warn";
        case Level::error:
            return "error";
        case Level::off:
            return "off";
    }
    return "?";
}

void append_timestamp(std::string& out) {
    out += utc_timestamp();
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (const char c : s) {
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

// Text mode quotes a value only when it would otherwise be ambiguous.
void append_text_value(std::string& out, std::string_view v) {
    const bool plain = !v.empty() && v.find_first_of(" \"=\n\t") == std::string_view::npos;
    if (plain) {
        out += v;
    } else {
        append_json_string(out, v);
    }
}

}  // namespace

bool parse_level(std::string_view name, Level& out) {
    for (int i = 0; i <= static_cast<int>(Level::off); ++i) {
        if (name == level_name(static_cast<Level>(i))) {
            out = static_cast<Level>(i);
            return true;
        }
    }
    return false;
}

void configure(Level level, bool json) {
    g_level = static_cast<int>(level);
    g_json = json;
}

bool enabled(Level level) {
    return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void write(Level level, std::string_view message, Fields fields) {
    if (!enabled(level) || level == Level::off) return;
    std::string line;
    line.reserve(128);
    if (g_json) {
        line += "{\"ts\":\"";
        append_timestamp(line);
        line += "\",\"level\":\"";
        line += level_name(level);
        line += "\",\"msg\":";
        append_json_string(line, message);
        for (const auto& [k, v] : fields) {
            line += ',';
            append_json_string(line, k);
            line += ':';
            append_json_string(line, v);
        }
        line += "}\n";
    } else {
        append_timestamp(line);
        line += ' ';
        std::string lv = level_name(level);
        for (auto& c : lv) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        lv.resize(5, ' ');
        line += lv;
        line += ' ';
        line += message;
        for (const auto& [k, v] : fields) {
            line += ' ';
            line += k;
            line += '=';
            append_text_value(line, v);
        }
        line += '\n';
    }
    const std::lock_guard lock(g_write_mutex);
    std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string utc_timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto secs = system_clock::to_time_t(now);
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    return buf;
}

}  // namespace confab::log
