// A session wired to fake engines on a single-threaded io_context: the test
// thread is the session's strand, and run_until() advances it.
#pragma once
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cmath>

#include "audio/pcm.hpp"
#include "config/config.hpp"
#include "fakes/fake_engines.hpp"
#include "fakes/recording_sink.hpp"
#include "pool/engine_refs.hpp"
#include "pool/stt_pool.hpp"
#include "pool/tts_pool.hpp"
#include "session/realtime_session.hpp"

namespace confab::test {

// A user message of `text`, as a conversation.item.create's item.
inline boost::json::object text_item(const std::string& text) {
    return {{"type", "message"},
            {"role", "user"},
            {"content",
             boost::json::array{boost::json::object{{"type", "input_text"}, {"text", text}}}}};
}

class PipelineHarness {
public:
    // partial_interval_ms: how often the STT pool takes a partial by itself.
    explicit PipelineHarness(int partial_interval_ms = 100) {
        stt_factory = std::make_shared<FakeRecognizerFactory>();
        synthesizer = std::make_shared<FakeSynthesizer>();
        stt = std::make_unique<pool::SttPool>(
            stt_factory, 16000, pool::SttPool::Options{2, 64, 4, partial_interval_ms});
        tts = std::make_unique<pool::TtsPool>(synthesizer, pool::TtsPool::Options{2, 64, 16});
        engines.stt = stt.get();
        engines.tts = tts.get();
        engines.llm = &llm;
        engines.make_vad = [](double) { return std::make_unique<FakeVad>(); };
        constraints.voices = {"slt", "kal16"};
    }

    void open() {
        session = std::make_unique<session::RealtimeSession>(
            ioc.get_executor(), config, constraints, engines, sink, "sess_pipeline", "test-model");
        session->start();
    }

    // Runs the io_context until `pred` holds or `timeout` passes.
    template <class Pred>
    bool run_until(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        // An io_context that ran out of work is stopped until restarted.
        ioc.restart();
        auto guard = boost::asio::make_work_guard(ioc);
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (!pred()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            ioc.run_for(std::chrono::milliseconds(2));
        }
        return true;
    }
    void run_for(std::chrono::milliseconds d) {
        const auto deadline = std::chrono::steady_clock::now() + d;
        run_until([&] { return std::chrono::steady_clock::now() >= deadline; },
                  d + std::chrono::seconds(1));
    }

    // Sends `ms` of 24 kHz audio in 20 ms appends: a tone (speech) or zeros.
    void send_audio(int ms, bool speech) {
        for (int t = 0; t < ms; t += 20) {
            auto chunk = chunk_20ms(speech, sent_);
            sent_ += chunk.size();
            std::vector<std::byte> bytes;
            audio::append_le_bytes_from_samples(chunk, bytes);
            const auto* raw = reinterpret_cast<const std::uint8_t*>(bytes.data());
            session->handle(protocol::InputAudioAppend{"", {raw, raw + bytes.size()}});
            ioc.restart();
            ioc.poll();
        }
    }

    // 20 ms of 24 kHz audio starting `offset` samples into the stream: a
    // 220 Hz tone (speech to the fake VAD) or zeros.
    static std::vector<std::int16_t> chunk_20ms(bool speech, std::size_t offset) {
        std::vector<std::int16_t> chunk(480);
        if (speech)
            for (std::size_t i = 0; i < chunk.size(); ++i)
                chunk[i] = static_cast<std::int16_t>(
                    6000 * std::sin(2 * M_PI * 220.0 * static_cast<double>(offset + i) / 24000));
        return chunk;
    }

    bool saw(std::string_view type) const { return sink.count(type) > 0; }
    std::size_t index_of(std::string_view type, std::size_t from = 0) const {
        for (std::size_t i = from; i < sink.sent.size(); ++i)
            if (sink.sent[i].event.at("type").as_string() == type) return i;
        return std::string::npos;
    }
    // Event types in order, without the streaming deltas.
    std::vector<std::string> milestones() const {
        std::vector<std::string> out;
        for (const auto& t : sink.types())
            if (!t.ends_with(".delta")) out.push_back(t);
        return out;
    }

    boost::asio::io_context ioc;
    Config config;
    protocol::SessionConstraints constraints;
    std::shared_ptr<FakeRecognizerFactory> stt_factory;
    std::shared_ptr<FakeSynthesizer> synthesizer;
    FakeLanguageModel llm;
    std::unique_ptr<pool::SttPool> stt;
    std::unique_ptr<pool::TtsPool> tts;
    pool::EngineRefs engines;
    RecordingSink sink;
    std::unique_ptr<session::RealtimeSession> session;

private:
    std::size_t sent_ = 0;
};

}  // namespace confab::test
