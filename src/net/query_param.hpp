// Reads one query parameter of a request target: `model` (the OpenAI SDKs
// put it on the URL) or `confab_resume` (a resume token, docs/protocol.md).
// "" when absent or when the target is not a valid origin-form.
#pragma once
#include <string>
#include <string_view>

namespace confab::net {

std::string query_param(std::string_view target, std::string_view key);

}  // namespace confab::net
