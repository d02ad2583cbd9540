// Speech-to-text on remote servers (OpenAI's POST /audio/transcriptions:
// whisper.cpp's server, speaches, vLLM, ...), with routing, breakers and
// failover across them (engines/routing/backend_router.hpp) and the
// embedded SttPool as the last resort.
//
// Per utterance, one coroutine on the session's strand gathers the stream's
// audio (it never blocks: SttStream::take and a waker, no polling) and
//   - when the speaker pauses (request_partial), sends what was said so far
//     speculatively: its transcript answers the pause's partial (what the
//     turn detector and the reply prefetch read) and becomes the final one
//     if the user says nothing more, so the round trip hides inside the
//     end-of-turn wait;
//   - when the turn ends, sends the whole utterance (unless the speculation
//     covered it), failing over to the next backend on an error before the
//     transcript; with every backend failed (or none usable), hands the
//     audio back to the stream and the stream to the SttPool, whose
//     pocketsphinx transcribes it; without a fallback the turn's
//     transcription fails with the backends' reasons.
// Partials: the server's, when stt.stream asks for them; or pocketsphinx's,
// decoding a copy of the audio on the embedded pool (stt.local_partials);
// otherwise none but the pause's (docs/engines.md says what each costs).
//
// Ownership: owned by SharedEngines, which outlives every session; each
// utterance's coroutine holds its stream. Threads: submit() on a session's
// strand; everything of an utterance runs on that strand.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "engines/routing/backend_router.hpp"
#include "pool/stt_service.hpp"

namespace confab::engines {
class OpenAiTranscriptionClient;
}

namespace confab::pool {

class RemoteStt final : public SttService {
public:
    // `fallback` (may be null) must outlive this object.
    // Where partial transcripts come from: none (but the pause's), the
    // servers' streams (stt.stream), or the embedded pool decoding alongside
    // (stt.local_partials; needs the fallback pool).
    enum class Partials { none, server, local };

    RemoteStt(std::vector<std::unique_ptr<engines::OpenAiTranscriptionClient>> clients,
              std::unique_ptr<engines::BackendRouter> router, SttService* fallback,
              Partials partials);
    ~RemoteStt() override;

    int sample_rate() const override { return 16000; }
    // The coroutine is woken every 100 ms of audio: it only appends.
    std::size_t batch_samples() const override { return 1600; }
    bool submit(const std::string& session_key, std::shared_ptr<SttStream> stream) override;

    engines::BackendRouter& router() { return *router_; }
    const engines::BackendRouter& router() const { return *router_; }
    bool has_fallback() const { return fallback_ != nullptr; }

private:
    struct Utterance;
    struct Result;
    boost::asio::awaitable<void> run(std::shared_ptr<Utterance> u);
    boost::asio::awaitable<Result> transcribe(std::shared_ptr<Utterance> u,
                                              std::vector<std::int16_t> audio, bool partials);
    boost::asio::awaitable<void> speculate(std::shared_ptr<Utterance> u);
    void hand_to_fallback(Utterance& u, bool partial_requested);

    std::vector<std::unique_ptr<engines::OpenAiTranscriptionClient>> clients_;
    std::unique_ptr<engines::BackendRouter> router_;
    SttService* fallback_;
    const Partials partials_;
};

}  // namespace confab::pool
