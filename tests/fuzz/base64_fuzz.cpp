// base64 (util/base64): the input is both arbitrary bytes to encode and
// arbitrary text to decode.
// Oracle: decode(encode(x)) == x; text that decodes gives exactly the bytes
// its sextets hold, and re-encoding them decodes to the same bytes. Reading
// past the input is caught by ASan: libFuzzer's buffer is exactly its size.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fuzz/fuzz_check.hpp"
#include "util/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace confab;
    const std::span<const std::uint8_t> bytes(data, size);
    const std::string encoded = base64::encode(bytes);
    FUZZ_CHECK(encoded.size() == (size + 2) / 3 * 4);
    const auto round_trip = base64::decode(encoded);
    FUZZ_CHECK(round_trip &&
               std::equal(round_trip->begin(), round_trip->end(), bytes.begin(), bytes.end()));

    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (const auto decoded = base64::decode(text)) {
        std::size_t sextets = text.size();
        while (sextets > 0 && text[sextets - 1] == '=') --sextets;
        FUZZ_CHECK(decoded->size() == sextets * 6 / 8);
        const auto again = base64::decode(base64::encode(*decoded));
        FUZZ_CHECK(again && *again == *decoded);
    }
    return 0;
}
