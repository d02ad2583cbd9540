// Reads the keys file (auth.keys_file): TOML, one [[key]] table per key.
//
//   [[key]]
//   id = "alice-laptop"           # [A-Za-z0-9_.-]{1,64}, unique
//   user = "alice"                # non-empty
//   sha256 = "9f86d0…"            # hex SHA-256 of the whole key (scripts/confab-key makes both)
//   scopes = ["realtime", "client_secrets"]   # optional; this is the default; "admin" adds
//   /v1/admin expires_at = 2027-06-01T00:00:00Z        # optional TOML date-time (offset required)
//   revoked = false                          # optional
//   max_sessions = 4                         # optional limits; 0: none
//   max_responses_per_minute = 30
//   max_audio_minutes_per_hour = 60
//
// Every problem is reported with the entry it is in ("keys.toml: key 2 (id
// \"bob\"): sha256 is not 64 hex digits"); a file with any problem is refused
// whole, so a typo can never silently drop or open a key.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "auth/api_key.hpp"

namespace confab::auth {

struct KeyFileResult {
    std::vector<ApiKey> keys;         // valid only when errors is empty
    std::vector<std::string> errors;  // one line each
};

KeyFileResult parse_key_file(std::string_view text, const std::string& source_name);
KeyFileResult load_key_file(const std::string& path);

}  // namespace confab::auth
