#include "fakes/fake_engines.hpp"

#include <boost/asio.hpp>
#include <cmath>
#include <sstream>
#include <thread>

#include "util/errors.hpp"

namespace confab::test {
namespace asio = boost::asio;

bool FakeVad::is_speech(std::span<const std::int16_t> frame) {
    long long sum = 0;
    for (const auto s : frame) sum += std::abs(static_cast<int>(s));
    return !frame.empty() && sum / static_cast<long long>(frame.size()) > 300;
}

namespace {

class FakeRecognizer final : public engines::SpeechRecognizer {
public:
    explicit FakeRecognizer(FakeRecognizerFactory& factory) : factory_(factory) {}
    int sample_rate() const override { return 16000; }
    std::error_code start_utterance() override {
        ++factory_.utterances_started;
        words_.clear();
        std::istringstream in(factory_.next_transcript());
        for (std::string w; in >> w;) words_.push_back(w);
        samples_ = 0;
        return {};
    }
    std::error_code feed(std::span<const std::int16_t> pcm) override {
        ++factory_.feed_calls;
        const int now = ++factory_.feeding_now;
        int seen = factory_.max_concurrent_feeds.load();
        while (now > seen && !factory_.max_concurrent_feeds.compare_exchange_weak(seen, now)) {
        }
        if (factory_.feed_delay_ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(factory_.feed_delay_ms.load()));
        --factory_.feeding_now;
        samples_ += pcm.size();
        return {};
    }
    std::string partial() override {
        const std::size_t shown = std::min(words_.size(), samples_ / 3200);  // a word per 200 ms
        std::string out;
        for (std::size_t i = 0; i < shown; ++i) out += (i ? " " : "") + words_[i];
        return out;
    }
    std::error_code finish(std::string& out) override {
        if (factory_.finish_delay_ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(factory_.finish_delay_ms.load()));
        factory_.last_utterance_samples = samples_;
        out.clear();
        for (std::size_t i = 0; i < words_.size(); ++i) out += (i ? " " : "") + words_[i];
        return {};
    }
    void cancel() override { ++factory_.utterances_cancelled; }

private:
    FakeRecognizerFactory& factory_;
    std::vector<std::string> words_;
    std::size_t samples_ = 0;
};

}  // namespace

std::unique_ptr<engines::SpeechRecognizer> FakeRecognizerFactory::create() {
    ++decoders_created;
    return std::make_unique<FakeRecognizer>(*this);
}

void FakeRecognizerFactory::script(std::string transcript) {
    const std::lock_guard lock(mutex_);
    scripts_.push_back(std::move(transcript));
}

std::string FakeRecognizerFactory::next_transcript() {
    const std::lock_guard lock(mutex_);
    if (scripts_.empty()) return "hello world";
    auto s = std::move(scripts_.front());
    scripts_.pop_front();
    return s;
}

std::error_code FakeSynthesizer::synthesize(std::string_view text, const engines::SynthesisOptions&,
                                            const AudioSink& sink) {
    {
        const std::lock_guard lock(mutex_);
        texts_.emplace_back(text);
    }
    const std::size_t total = text.size() * 960;  // 60 ms per character at 16 kHz
    std::vector<std::int16_t> chunk(320);
    for (std::size_t done = 0; done < total; done += chunk.size()) {
        for (std::size_t i = 0; i < chunk.size(); ++i)
            chunk[i] = static_cast<std::int16_t>(
                3000 * std::sin(2 * M_PI * 440.0 * static_cast<double>(done + i) / 16000));
        if (per_chunk_delay.count() > 0) std::this_thread::sleep_for(per_chunk_delay);
        if (!sink(chunk)) {
            ++cancelled;
            return make_error_code(errc::cancelled);
        }
    }
    return {};
}

std::vector<std::string> FakeSynthesizer::texts() const {
    const std::lock_guard lock(mutex_);
    return texts_;
}

void FakeLanguageModel::script(Script s) {
    const std::lock_guard lock(mutex_);
    scripts_.push_back(std::move(s));
}

std::vector<engines::ChatRequest> FakeLanguageModel::requests() const {
    const std::lock_guard lock(mutex_);
    return requests_;
}

std::optional<std::chrono::steady_clock::time_point> FakeLanguageModel::last_cancel_time() const {
    const std::lock_guard lock(mutex_);
    return last_cancel_;
}

asio::awaitable<engines::ChatOutcome> FakeLanguageModel::stream(engines::ChatRequest request,
                                                                StreamSinks sinks) {
    Script script;
    {
        const std::lock_guard lock(mutex_);
        requests_.push_back(request);
        if (!scripts_.empty()) {
            script = std::move(scripts_.front());
            scripts_.pop_front();
        }
    }
    // The stream in order: text deltas, with the tool calls after `calls_after` of them.
    struct Step {
        const std::string* text = nullptr;
        const engines::ToolCallDelta* call = nullptr;
    };
    std::vector<Step> steps;
    const std::size_t calls_at = std::min(script.calls_after, script.deltas.size());
    for (std::size_t i = 0; i <= script.deltas.size(); ++i) {
        if (i == calls_at)
            for (const auto& call : script.tool_calls) steps.push_back(Step{nullptr, &call});
        if (i < script.deltas.size()) steps.push_back(Step{&script.deltas[i], nullptr});
    }
    asio::steady_timer timer(co_await asio::this_coro::executor);
    bool first = true;
    for (const Step& step : steps) {
        timer.expires_after(first ? script.first_delay : script.between);
        first = false;
        auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) {
            ++cancellations_;
            const std::lock_guard lock(mutex_);
            last_cancel_ = std::chrono::steady_clock::now();
            co_return engines::ChatOutcome{make_error_code(errc::cancelled), "cancelled", ""};
        }
        if (step.text != nullptr && sinks.on_text) sinks.on_text(*step.text);
        if (step.call != nullptr && sinks.on_tool_call) sinks.on_tool_call(*step.call);
    }
    if (script.fail_with)
        co_return engines::ChatOutcome{make_error_code(script.fail_code), *script.fail_with, ""};
    engines::ChatOutcome outcome{{}, "", script.tool_calls.empty() ? "stop" : "tool_calls"};
    for (const auto& delta : script.tool_calls) {
        if (delta.first()) {
            outcome.tool_calls.push_back(engines::ToolCall{delta.call_id, delta.name, ""});
        }
        if (delta.index < outcome.tool_calls.size())
            outcome.tool_calls[delta.index].arguments += delta.arguments;
    }
    co_return outcome;
}

}  // namespace confab::test
