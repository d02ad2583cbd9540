#include "engines/llm/sse_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/errors.hpp"

namespace confab::engines {

// Readable gtest failures (found by ADL, hence outside the anonymous namespace).
void PrintTo(const SseEvent& event, std::ostream* out) {
    *out << "{" << event.event << ": \"" << event.data << "\"}";
}

namespace {

struct Collected {
    std::vector<SseEvent> events;
    SseParser::EventSink sink() {
        return [this](const SseEvent& event) { events.push_back(event); };
    }
};

// Every feature at once: CRLF, LF and CR endings, a comment, an event name,
// multi-line data, a field without the space after the colon, an event with
// no data (dropped), and an unknown field.
const std::string kSample =
    ": keep-alive comment\r\n"
    "data: {\"a\":1}\r\n"
    "\r\n"
    "event: update\n"
    "data: first line\n"
    "data:second line\n"
    "id: 7\n"
    "\n"
    "event: lonely\r"
    "\r"
    "data:  two spaces\r"
    "retry: 100\r"
    "\r"
    "data: [DONE]\n\n";

const std::vector<SseEvent> kExpected = {
    {"message", "{\"a\":1}"},
    {"update", "first line\nsecond line"},
    {"message", " two spaces"},
    {"message", "[DONE]"},
};

TEST(SseParser, ParsesAllLineEndingsCommentsAndFields) {
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed(kSample, out.sink()));
    EXPECT_EQ(out.events, kExpected);
}

TEST(SseParser, EverySplitPointGivesTheSameEvents) {
    for (std::size_t split = 0; split <= kSample.size(); ++split) {
        SseParser parser;
        Collected out;
        EXPECT_FALSE(parser.feed(std::string_view(kSample).substr(0, split), out.sink()));
        EXPECT_FALSE(parser.feed(std::string_view(kSample).substr(split), out.sink()));
        EXPECT_EQ(out.events, kExpected) << "split at " << split;
    }
}

TEST(SseParser, ByteAtATimeGivesTheSameEvents) {
    SseParser parser;
    Collected out;
    for (const char c : kSample) EXPECT_FALSE(parser.feed(std::string_view(&c, 1), out.sink()));
    EXPECT_EQ(out.events, kExpected);
}

TEST(SseParser, CrlfSplitAcrossChunksIsOneLineEnding) {
    // Were the LF taken as an empty line, "a" would be dispatched alone.
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed("data: a\r", out.sink()));
    EXPECT_FALSE(parser.feed("\ndata: b\r", out.sink()));
    EXPECT_FALSE(parser.feed("\n\r", out.sink()));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].data, "a\nb");
    EXPECT_FALSE(parser.feed("\n", out.sink()));  // the LF of the blank line's CRLF
    EXPECT_EQ(out.events.size(), 1u);
}

TEST(SseParser, CommentsAreIgnored) {
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed(":\n: ping\n\n:data: x\n\n", out.sink()));
    EXPECT_TRUE(out.events.empty());
}

TEST(SseParser, EmptyDataLinesAreKept) {
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed("data\ndata:\ndata: x\n\n", out.sink()));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].data, "\n\nx");
}

TEST(SseParser, LeadingBomIsSkippedEvenWhenSplit) {
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed("\xEF\xBB", out.sink()));
    EXPECT_FALSE(
        parser.feed("\xBF"
                    "data: x\n\n",
                    out.sink()));
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].data, "x");
}

TEST(SseParser, IncompleteEventAtEndIsNotDispatched) {
    SseParser parser;
    Collected out;
    EXPECT_FALSE(parser.feed("data: partial\n", out.sink()));
    EXPECT_TRUE(out.events.empty());
}

TEST(SseParser, OverlongLineIsAnErrorEvenInSmallChunks) {
    SseParser parser(SseParser::Limits{16, 1024});
    Collected out;
    EXPECT_FALSE(parser.feed("data: 0123456789\n\n", out.sink()));  // exactly 16 bytes
    ASSERT_EQ(out.events.size(), 1u);
    std::error_code ec;
    for (int i = 0; i < 10 && !ec; ++i) ec = parser.feed("xxxxx", out.sink());
    EXPECT_EQ(ec, errc::bad_response);
    EXPECT_TRUE(parser.failed());
    // Once failed, it stays failed: the stream cannot be trusted any more.
    EXPECT_EQ(parser.feed("\n\ndata: y\n\n", out.sink()), errc::bad_response);
    EXPECT_EQ(out.events.size(), 1u);
}

TEST(SseParser, OverlongEventIsAnError) {
    SseParser parser(SseParser::Limits{64, 20});
    Collected out;
    EXPECT_FALSE(parser.feed("data: 0123456789\n", out.sink()));
    EXPECT_EQ(parser.feed("data: 0123456789\n", out.sink()), errc::bad_response);
    EXPECT_TRUE(out.events.empty());
}

}  // namespace
}  // namespace confab::engines
