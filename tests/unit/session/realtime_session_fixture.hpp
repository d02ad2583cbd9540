// The fixture of the session's client-event tests: a session with no
// engines (the protocol alone), a recording sink, and helpers to send
// events and check errors.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "fakes/recording_sink.hpp"
#include "session/realtime_session.hpp"
#include "util/base64.hpp"

namespace confab::session {
namespace json = boost::json;

class RealtimeSessionTest : public ::testing::Test {
protected:
    RealtimeSessionTest() {
        config.limits.max_input_audio_ms = 1000;
        config.limits.max_conversation_items = 5;
        constraints.voices = {"slt", "kal16"};
        session = std::make_unique<RealtimeSession>(ioc.get_executor(), config, constraints,
                                                    engines, sink, "sess_test", "test-model");
        session->start();
    }

    void send(const json::object& event) { session->handle_text(json::serialize(event)); }
    void send_text(std::string_view text) { session->handle_text(text); }

    // Asserts the last event is an error with `code`, `param` and `event_id`.
    void expect_error(std::string_view code, std::string_view param = {},
                      std::string_view event_id = {}) {
        ASSERT_FALSE(sink.sent.empty());
        const auto& ev = sink.last();
        ASSERT_EQ(ev.at("type").as_string(), "error") << json::serialize(ev);
        const auto& err = ev.at("error").as_object();
        EXPECT_EQ(err.at("type").as_string(), "invalid_request_error");
        EXPECT_EQ(err.at("code").as_string(), code) << json::serialize(ev);
        EXPECT_FALSE(err.at("message").as_string().empty());
        if (!param.empty()) {
            EXPECT_EQ(err.at("param").as_string(), param) << json::serialize(ev);
        }
        if (event_id.empty()) {
            EXPECT_TRUE(err.at("event_id").is_null());
        } else {
            EXPECT_EQ(err.at("event_id").as_string(), event_id);
        }
    }

    // The session still answers a valid event after an error.
    void expect_usable() {
        sink.clear();
        send({{"type", "input_audio_buffer.clear"}});
        ASSERT_EQ(sink.types(), std::vector<std::string>{"input_audio_buffer.cleared"});
    }

    static std::string pcm_base64(std::size_t samples, std::int16_t value = 1000) {
        std::vector<std::uint8_t> bytes;
        for (std::size_t i = 0; i < samples; ++i) {
            bytes.push_back(static_cast<std::uint8_t>(value & 0xFF));
            bytes.push_back(static_cast<std::uint8_t>((value >> 8) & 0xFF));
        }
        return base64::encode(bytes);
    }

    json::object user_text_item(std::string text) {
        return {{"type", "message"},
                {"role", "user"},
                {"content",
                 json::array{json::object{{"type", "input_text"}, {"text", std::move(text)}}}}};
    }

    boost::asio::io_context ioc;
    Config config;
    protocol::SessionConstraints constraints;
    pool::EngineRefs engines;  // none: the protocol alone
    test::RecordingSink sink;
    std::unique_ptr<RealtimeSession> session;
};

}  // namespace confab::session
