#include "engines/llm/openai_stream_decoder.hpp"

#include <gtest/gtest.h>

#include "util/errors.hpp"

namespace confab::engines {
namespace {

SseEvent data(std::string text) {
    return SseEvent{"message", std::move(text)};
}

TEST(OpenAiStreamDecoder, TakesContentAndFinishReason) {
    OpenAiStreamDecoder decoder;
    OpenAiStreamDecoder::Decoded delta;
    EXPECT_FALSE(decoder.decode(
        data(R"({"choices":[{"delta":{"role":"assistant","content":null}}]})"), delta));
    EXPECT_EQ(delta.text, "");
    EXPECT_FALSE(decoder.decode(data(R"({"choices":[{"delta":{"content":"Hi \u00e9"}}]})"), delta));
    EXPECT_EQ(delta.text, "Hi \xC3\xA9");
    EXPECT_FALSE(decoder.decode(data(R"({"choices":[],"usage":{"total_tokens":3}})"), delta));
    EXPECT_FALSE(
        decoder.decode(data(R"({"choices":[{"delta":{},"finish_reason":"length"}]})"), delta));
    EXPECT_EQ(decoder.finish_reason(), "length");
    EXPECT_FALSE(decoder.done());
    EXPECT_FALSE(decoder.decode(data("[DONE]"), delta));
    EXPECT_TRUE(decoder.done());
}

TEST(OpenAiStreamDecoder, MalformedChunkIsBadResponse) {
    OpenAiStreamDecoder decoder;
    OpenAiStreamDecoder::Decoded delta;
    EXPECT_EQ(decoder.decode(data("{\"choices\": ["), delta), errc::bad_response);
    EXPECT_NE(decoder.error_message().find("malformed"), std::string::npos);
    EXPECT_EQ(decoder.decode(data("[1,2]"), delta), errc::bad_response);
}

TEST(OpenAiStreamDecoder, ErrorObjectIsBackendError) {
    OpenAiStreamDecoder decoder;
    OpenAiStreamDecoder::Decoded delta;
    EXPECT_EQ(
        decoder.decode(data(R"({"error":{"message":"overloaded","type":"server_error"}})"), delta),
        errc::backend_error);
    EXPECT_NE(decoder.error_message().find("overloaded"), std::string::npos);
}

TEST(OpenAiStreamDecoder, DescribesErrorBodies) {
    EXPECT_EQ(OpenAiStreamDecoder::describe_error_body(R"({"error":{"message":"bad key"}})"),
              "bad key");
    EXPECT_EQ(OpenAiStreamDecoder::describe_error_body(R"({"error":"plain"})"), "plain");
    EXPECT_EQ(OpenAiStreamDecoder::describe_error_body("<html>oops</html>"), "<html>oops</html>");
    EXPECT_EQ(OpenAiStreamDecoder::describe_error_body(std::string(300, 'x')).size(), 203u);
}

}  // namespace
}  // namespace confab::engines
