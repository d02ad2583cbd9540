#include "engines/llm/sse_parser.hpp"

#include "util/errors.hpp"

namespace confab::engines {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace

std::error_code SseParser::feed(std::string_view bytes, const EventSink& sink) {
    if (failed_) return errc::bad_response;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
        // A CR ends a line by itself; an LF right after it (perhaps in the
        // next chunk) belongs to the same line ending, not to an empty line.
        if (after_cr_) {
            after_cr_ = false;
            if (bytes[pos] == '\n') {
                ++pos;
                continue;
            }
        }
        const std::size_t end = bytes.find_first_of("\r\n", pos);
        const std::size_t stop = end == std::string_view::npos ? bytes.size() : end;
        // Checked before appending so memory never exceeds the bound.
        if (line_.size() + (stop - pos) > limits_.max_line_bytes) {
            failed_ = true;
            return errc::bad_response;
        }
        line_.append(bytes.substr(pos, stop - pos));
        if (end == std::string_view::npos) break;
        after_cr_ = bytes[end] == '\r';
        pos = end + 1;
        if (const auto ec = end_line(sink)) return ec;
    }
    return {};
}

std::error_code SseParser::end_line(const EventSink& sink) {
    std::string_view line = line_;
    // The BOM is checked on the first complete line rather than on the first
    // bytes, because it may itself arrive split across chunks.
    if (at_stream_start_) {
        at_stream_start_ = false;
        if (line.starts_with(kUtf8Bom)) line.remove_prefix(kUtf8Bom.size());
    }
    std::error_code ec;
    if (line.empty()) {
        SseEvent ready = std::move(pending_);
        const bool has_data = has_data_;
        pending_ = SseEvent{};
        has_data_ = false;
        // The spec drops events without data (e.g. a lone `event:` line),
        // and an empty `event:` field means the default type.
        if (ready.event.empty()) ready.event = "message";
        if (has_data) sink(ready);
    } else if (line.front() != ':') {  // lines starting with ':' are comments (keep-alives)
        ec = process_field(line);
    }
    line_.clear();
    return ec;
}

std::error_code SseParser::process_field(std::string_view line) {
    const std::size_t colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
    // One space after the colon is syntax, not content; it is optional.
    if (value.starts_with(' ')) value.remove_prefix(1);

    if (field == "event") {
        pending_.event.assign(value);
    } else if (field == "data") {
        const std::size_t separator = has_data_ ? 1 : 0;
        if (pending_.data.size() + separator + value.size() > limits_.max_event_bytes) {
            failed_ = true;
            return errc::bad_response;
        }
        if (has_data_) pending_.data += '\n';
        pending_.data.append(value);
        has_data_ = true;
    }
    // `id`, `retry` and unknown fields mean nothing to a chat stream.
    return {};
}

}  // namespace confab::engines
