// The version `confab --version` prints. Bumped by hand at release.
#pragma once
#include <string_view>

namespace confab {

inline constexpr std::string_view kVersion = "0.1.0";

}  // namespace confab
