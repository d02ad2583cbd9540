// Identifiers in the Realtime API's style: a prefix and random characters
// ("sess_…", "item_…", "resp_…", "event_…"). Thread-safe.
#pragma once
#include <string>
#include <string_view>

namespace confab {

std::string make_id(std::string_view prefix, std::size_t random_chars = 20);

}  // namespace confab
