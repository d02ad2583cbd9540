// Checks the admin bearer token without leaking, through timing, how much
// of a guess was right.
#pragma once
#include <string_view>

namespace confab::net {

// True if `authorization` (the header's value) is exactly "Bearer <token>".
// The comparison takes the same time whatever the position of the first
// difference. An empty `token` never matches.
bool admin_authorized(std::string_view authorization, std::string_view token);

// Constant-time equality of two strings (time depends only on the lengths).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace confab::net
