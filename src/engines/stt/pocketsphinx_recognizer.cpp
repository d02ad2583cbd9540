#include "engines/stt/pocketsphinx_recognizer.hpp"

#include <pocketsphinx.h>

#include "util/errors.hpp"

namespace confab::engines {

void PocketsphinxRecognizer::DecoderDeleter::operator()(ps_decoder_s* decoder) const noexcept {
    ps_free(decoder);
}

PocketsphinxRecognizer::PocketsphinxRecognizer(DecoderPtr decoder)
    : decoder_(std::move(decoder)),
      // The acoustic model fixes the rate; read it rather than assume 16 kHz.
      sample_rate_(static_cast<int>(cmd_ln_float_r(ps_get_config(decoder_.get()), "-samprate"))) {}

PocketsphinxRecognizer::~PocketsphinxRecognizer() {
    cancel();
}

std::error_code PocketsphinxRecognizer::start_utterance() {
    // The decoder refuses to start while an utterance is open.
    cancel();
    if (ps_start_utt(decoder_.get()) < 0) return errc::engine_failed;
    in_utterance_ = true;
    return {};
}

std::error_code PocketsphinxRecognizer::feed(std::span<const std::int16_t> pcm) {
    if (!in_utterance_) return errc::invalid_argument;
    if (pcm.empty()) return {};
    if (ps_process_raw(decoder_.get(), pcm.data(), pcm.size(), /*no_search=*/0,
                       /*full_utt=*/0) < 0) {
        return errc::engine_failed;
    }
    return {};
}

std::string PocketsphinxRecognizer::partial() {
    if (!in_utterance_) return {};
    int32 score = 0;
    const char* hyp = ps_get_hyp(decoder_.get(), &score);
    return hyp ? hyp : "";
}

std::error_code PocketsphinxRecognizer::finish(std::string& out) {
    out.clear();
    if (!in_utterance_) return errc::invalid_argument;
    in_utterance_ = false;
    if (ps_end_utt(decoder_.get()) < 0) return errc::engine_failed;
    int32 score = 0;
    const char* hyp = ps_get_hyp(decoder_.get(), &score);
    if (hyp) out = hyp;
    return {};
}

void PocketsphinxRecognizer::cancel() {
    if (!in_utterance_) return;
    in_utterance_ = false;
    // 5prealpha has no abort: ending the utterance is the only way to close
    // it. With the fast settings that costs a few ms; the hypothesis is dropped.
    ps_end_utt(decoder_.get());
}

bool PocketsphinxRecognizer::in_speech() const {
    return ps_get_in_speech(decoder_.get()) != 0;
}

}  // namespace confab::engines
