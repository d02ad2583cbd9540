// MultipartForm's body read back by the fixture's independent parser, and
// TranscriptDecoder on the answers a transcription server gives.
#include "engines/stt/multipart_form.hpp"

#include <gtest/gtest.h>

#include "engines/stt/transcript_decoder.hpp"
#include "fakes/multipart_parser.hpp"
#include "util/errors.hpp"

namespace confab::engines {
namespace {

TEST(MultipartForm, RoundTripsFieldsAndBinaryFiles) {
    std::string binary;
    for (int i = 0; i < 256; ++i) binary += static_cast<char>(i);
    binary += "\r\n--not-the-boundary\r\n";
    MultipartForm form;
    form.add_file("file", "audio.wav", "audio/wav", binary);
    form.add_field("model", "whisper-1");
    form.add_field("prompt", "say \"hi\"\r\nthen stop");
    form.seal();
    EXPECT_EQ(form.content_type(), "multipart/form-data; boundary=" + form.boundary());

    std::vector<test::MultipartPart> parts;
    std::string error;
    ASSERT_TRUE(test::parse_multipart(form.content_type(), form.body(), parts, error)) << error;
    ASSERT_EQ(parts.size(), 3u);
    EXPECT_EQ(parts[0].name, "file");
    EXPECT_EQ(parts[0].filename, "audio.wav");
    EXPECT_EQ(parts[0].content_type, "audio/wav");
    EXPECT_EQ(parts[0].body, binary);
    EXPECT_EQ(parts[1].name, "model");
    EXPECT_EQ(parts[1].body, "whisper-1");
    EXPECT_EQ(parts[2].body, "say \"hi\"\r\nthen stop");
}

TEST(TranscriptDecoder, ReadsJsonAndRefusesWhatIsNotATranscript) {
    TranscriptDecoder ok;
    EXPECT_FALSE(ok.decode_json(R"({"text": "hello there", "usage": {}})"));
    EXPECT_EQ(ok.text(), "hello there");
    const std::vector<std::pair<std::string, std::error_code>> bad = {
        {"", errc::bad_response},
        {"{\"text\": \"unterminated", errc::bad_response},
        {"{\"transcript\": \"x\"}", errc::bad_response},
        {"{\"text\": 5}", errc::bad_response},
        {R"({"error": {"message": "quota exceeded"}})", errc::backend_error},
    };
    for (const auto& [body, error] : bad) {
        SCOPED_TRACE(body);
        TranscriptDecoder decoder;
        EXPECT_EQ(decoder.decode_json(body), error);
        EXPECT_FALSE(decoder.message().empty());
    }
}

TEST(TranscriptDecoder, StreamsDeltasThenTheFinalText) {
    TranscriptDecoder decoder;
    std::vector<std::string> partials;
    const auto on_partial = [&](const std::string& text) { partials.push_back(text); };
    const auto event = [](std::string data) { return SseEvent{"message", std::move(data)}; };
    EXPECT_FALSE(decoder.decode_event(event(R"({"type":"transcript.text.delta","delta":"Hi"})"),
                                      on_partial));
    EXPECT_FALSE(decoder.decode_event(event(R"({"type":"other.event"})"), on_partial));
    EXPECT_FALSE(decoder.decode_event(event(R"({"type":"transcript.text.delta","delta":" there"})"),
                                      on_partial));
    EXPECT_FALSE(decoder.done());
    EXPECT_FALSE(decoder.decode_event(
        event(R"({"type":"transcript.text.done","text":"Hi there."})"), on_partial));
    EXPECT_TRUE(decoder.done());
    EXPECT_EQ(decoder.text(), "Hi there.");
    EXPECT_EQ(partials, (std::vector<std::string>{"Hi", "Hi there"}));

    TranscriptDecoder failing;
    EXPECT_EQ(failing.decode_event(event(R"({"error":{"message":"model crashed"}})"), on_partial),
              errc::backend_error);
    EXPECT_NE(failing.message().find("model crashed"), std::string::npos);
}

}  // namespace
}  // namespace confab::engines
