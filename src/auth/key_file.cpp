#include "auth/key_file.hpp"

#include <fstream>
#include <regex>
#include <sstream>

#include "auth/crypto.hpp"
#include "config/toml_library.hpp"

namespace confab::auth {
namespace {

const std::set<std::string> kScopes = {"realtime", "client_secrets", "admin"};
const std::set<std::string> kFields = {"id",
                                       "user",
                                       "sha256",
                                       "scopes",
                                       "expires_at",
                                       "revoked",
                                       "max_sessions",
                                       "max_responses_per_minute",
                                       "max_audio_minutes_per_hour"};

bool valid_id(std::string_view id) {
    static const std::regex pattern("^[A-Za-z0-9_.-]{1,64}$");
    return std::regex_match(id.begin(), id.end(), pattern);
}

std::optional<std::chrono::system_clock::time_point> to_time_point(const toml::date_time& dt) {
    // The clock counts nanoseconds in 64 bits: years outside 1970..2200 do
    // not fit (the credentials fuzzer found year 1508 overflowing), and no
    // key expires then.
    if (!dt.offset || dt.date.year < 1970 || dt.date.year > 2200) return std::nullopt;
    std::tm tm{};
    tm.tm_year = dt.date.year - 1900;
    tm.tm_mon = dt.date.month - 1;
    tm.tm_mday = dt.date.day;
    tm.tm_hour = dt.time.hour;
    tm.tm_min = dt.time.minute;
    tm.tm_sec = dt.time.second;
    const std::time_t utc = timegm(&tm) - static_cast<std::time_t>(dt.offset->minutes) * 60;
    return std::chrono::system_clock::from_time_t(utc);
}

class EntryReader {
public:
    EntryReader(const toml::table& table, std::string where, std::vector<std::string>& errors)
        : table_(table), where_(std::move(where)), errors_(errors) {}

    void fail(const std::string& what) { errors_.push_back(where_ + ": " + what); }

    std::string string(const char* key, bool required) {
        const auto* node = table_.get(key);
        if (node == nullptr) {
            if (required) fail(std::string(key) + " is missing");
            return {};
        }
        const auto* value = node->as_string();
        if (value == nullptr) {
            fail(std::string(key) + " must be a string");
            return {};
        }
        return value->get();
    }

    std::optional<int> limit(const char* key) {
        const auto* node = table_.get(key);
        if (node == nullptr) return std::nullopt;
        const auto* value = node->as_integer();
        if (value == nullptr || value->get() < 0 || value->get() > 1'000'000) {
            fail(std::string(key) + " must be an integer in 0..1000000");
            return std::nullopt;
        }
        return static_cast<int>(value->get());
    }

    const toml::table& table() const { return table_; }

private:
    const toml::table& table_;
    std::string where_;
    std::vector<std::string>& errors_;
};

ApiKey read_entry(EntryReader& in) {
    ApiKey key;
    key.id = in.string("id", true);
    if (!key.id.empty() && !valid_id(key.id)) in.fail("id must match [A-Za-z0-9_.-]{1,64}");
    key.user = in.string("user", true);
    const std::string hash = in.string("sha256", true);
    if (!hash.empty()) {
        const auto raw = hash.size() == 64 ? from_hex(hash) : std::nullopt;
        if (!raw)
            in.fail("sha256 must be 64 hex digits (the SHA-256 of the key)");
        else
            key.sha256 = *raw;
    }
    key.scopes = {"realtime", "client_secrets"};
    if (const auto* node = in.table().get("scopes")) {
        key.scopes.clear();
        const auto* array = node->as_array();
        if (array == nullptr) in.fail("scopes must be an array of strings");
        for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
            const auto* scope = array->get(i)->as_string();
            if (scope == nullptr || kScopes.count(scope->get()) == 0) {
                in.fail("scopes[" + std::to_string(i) +
                        "] must be one of \"realtime\", \"client_secrets\", \"admin\"");
                continue;
            }
            key.scopes.insert(scope->get());
        }
    }
    if (const auto* node = in.table().get("expires_at")) {
        const auto* dt = node->as_date_time();
        const auto when = dt != nullptr ? to_time_point(dt->get()) : std::nullopt;
        if (!when)
            in.fail(
                "expires_at must be a date-time with an offset between the years 1970 and "
                "2200, e.g. 2027-06-01T00:00:00Z");
        else
            key.expires_at = when;
    }
    if (const auto* node = in.table().get("revoked")) {
        const auto* flag = node->as_boolean();
        if (flag == nullptr)
            in.fail("revoked must be true or false");
        else
            key.revoked = flag->get();
    }
    key.limits.max_sessions = in.limit("max_sessions");
    key.limits.max_responses_per_minute = in.limit("max_responses_per_minute");
    key.limits.max_audio_minutes_per_hour = in.limit("max_audio_minutes_per_hour");
    for (const auto& [name, node] : in.table()) {
        if (kFields.count(std::string(name.str())) == 0)
            in.fail("unknown field " + std::string(name.str()));
    }
    return key;
}

}  // namespace

KeyFileResult parse_key_file(std::string_view text, const std::string& source_name) {
    KeyFileResult result;
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        result.errors.push_back(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
        return result;
    }
    for (const auto& [name, node] : root) {
        if (name.str() != "key")
            result.errors.push_back(source_name + ": unknown table or key " +
                                    std::string(name.str()) + " (keys are [[key]] tables)");
    }
    const auto* entries = root.get("key");
    if (entries != nullptr && !entries->is_array_of_tables()) {
        result.errors.push_back(source_name + ": key must be an array of tables ([[key]])");
        return result;
    }
    std::set<std::string> ids;
    std::set<std::string> hashes;
    const auto* array = entries != nullptr ? entries->as_array() : nullptr;
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
        const auto& table = *array->get(i)->as_table();
        const auto* id_node = table.get("id");
        const auto* id = id_node != nullptr ? id_node->as_string() : nullptr;
        std::string where = source_name + ": key " + std::to_string(i + 1);
        if (id != nullptr) where += " (id \"" + id->get().substr(0, 64) + "\")";
        EntryReader reader(table, where, result.errors);
        ApiKey key = read_entry(reader);
        if (!key.id.empty() && !ids.insert(key.id).second) reader.fail("id is used twice");
        if (!key.sha256.empty() && !hashes.insert(key.sha256).second)
            reader.fail("sha256 is the same as an earlier key's");
        result.keys.push_back(std::move(key));
    }
    if (!result.errors.empty()) result.keys.clear();
    return result;
}

KeyFileResult load_key_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {{}, {path + ": cannot be read"}};
    std::ostringstream text;
    text << in.rdbuf();
    return parse_key_file(text.str(), path);
}

}  // namespace confab::auth
