// Process-wide logging: one line per event of interest.
//
// Every line can carry the session id and response id as fields; text mode
// prints `2026-11-27T03:00:00.123Z INFO  message key=value ...`, JSON mode
// prints one object per line for log shippers. Thread-safe: lines are
// formatted on the calling thread and written under one short lock.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace confab::log {

enum class Level { trace = 0, debug, info, warn, error, off };

using Field = std::pair<std::string_view, std::string_view>;
using Fields = std::initializer_list<Field>;

// Returns false (and leaves settings alone) for an unknown level name.
bool parse_level(std::string_view name, Level& out);
void configure(Level level, bool json);
bool enabled(Level level);

void write(Level level, std::string_view message, Fields fields = {});
// Now, in UTC with milliseconds: "2026-11-27T03:00:00.123Z" (the logs' and the audit log's time).
std::string utc_timestamp();

inline void trace(std::string_view m, Fields f = {}) {
    write(Level::trace, m, f);
}
inline void debug(std::string_view m, Fields f = {}) {
    write(Level::debug, m, f);
}
inline void info(std::string_view m, Fields f = {}) {
    write(Level::info, m, f);
}
inline void warn(std::string_view m, Fields f = {}) {
    write(Level::warn, m, f);
}
inline void error(std::string_view m, Fields f = {}) {
    write(Level::error, m, f);
}

}  // namespace confab::log
