// The language model's stream decoding (engines/llm: SseParser, then
// OpenAiStreamDecoder with its ToolCallAssembler), driven as
// OpenAiChatModel drives it. The input is the response body; its last bytes
// choose up to 16 places to cut it into reads (FuzzedDataProvider takes
// integers from the end, so the body keeps its start).
// Oracle: the body cut at those places gives the caller exactly what it gets
// when the body comes in one read: the same text pieces, the same tool-call
// deltas, the same tool calls, finish reason and error. Small SSE limits make
// the size checks reachable.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>
#include <vector>

#include "engines/llm/openai_stream_decoder.hpp"
#include "engines/llm/sse_parser.hpp"
#include "fuzz/fuzz_check.hpp"

namespace {
using namespace confab::engines;

// What the caller of a stream sees.
struct Seen {
    std::string text;  // the pieces, each followed by '\x1f' so their bounds count
    std::vector<std::string> deltas;
    std::error_code sse_error;  // a size limit hit before the stream ended
    std::error_code stream_error;
    std::string error_message;
    bool done = false;
    std::string finish_reason;
    std::vector<ToolCall> calls;

    bool operator==(const Seen&) const = default;
};

std::string describe(const ToolCallDelta& d) {
    return std::to_string(d.index) + "|" + d.call_id + "|" + d.name + "|" + d.arguments;
}

Seen decode(std::string_view body, const std::vector<std::size_t>& cuts) {
    SseParser sse(SseParser::Limits{.max_line_bytes = 256, .max_event_bytes = 512});
    OpenAiStreamDecoder decoder;
    Seen seen;
    OpenAiStreamDecoder::Decoded decoded;
    const auto ended = [&] { return decoder.done() || seen.stream_error; };
    const auto on_event = [&](const SseEvent& event) {
        if (ended()) return;  // the rest of the read is not for the caller
        seen.stream_error = decoder.decode(event, decoded);
        if (seen.stream_error) return;
        if (!decoded.text.empty()) seen.text += decoded.text + '\x1f';
        for (const auto& delta : decoded.tool_calls) seen.deltas.push_back(describe(delta));
    };
    std::size_t from = 0;
    for (std::size_t i = 0; i <= cuts.size() && !ended(); ++i) {
        const std::size_t to = i < cuts.size() ? cuts[i] : body.size();
        if (const auto ec = sse.feed(body.substr(from, to - from), on_event)) {
            // A limit hit after the end depends on where the read stops; the
            // model has stopped listening by then.
            if (!ended()) seen.sse_error = ec;
            break;
        }
        from = to;
    }
    if (!seen.stream_error && !seen.sse_error) seen.stream_error = decoder.finish();
    seen.error_message = seen.stream_error ? decoder.error_message() : "";
    seen.done = decoder.done();
    seen.finish_reason = decoder.finish_reason();
    seen.calls = decoder.tool_calls();
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const int count = input.ConsumeIntegralInRange<int>(0, 16);
    std::vector<std::size_t> cuts;
    for (int i = 0; i < count; ++i) cuts.push_back(input.ConsumeIntegral<std::uint16_t>());
    const std::string body = input.ConsumeRemainingBytesAsString();
    for (auto& cut : cuts) cut = body.empty() ? 0 : cut % (body.size() + 1);
    std::sort(cuts.begin(), cuts.end());

    const Seen whole = decode(body, {});
    const Seen cut = decode(body, cuts);
    FUZZ_CHECK(cut == whole);
    // Byte by byte too, for small bodies: every split point at once.
    if (body.size() <= 512) {
        std::vector<std::size_t> every(body.size());
        for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
        FUZZ_CHECK(decode(body, every) == whole);
    }
    return 0;
}
