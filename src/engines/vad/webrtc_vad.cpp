#include "engines/vad/webrtc_vad.hpp"

#include <cstddef>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <string>

// libwebrtc_audio_processing 0.3 exports the classic VAD but installs no header
// for it. These prototypes match webrtc's common_audio/vad/include/webrtc_vad.h
// of that era and the library itself (checked with nm -D and objdump: Create
// takes no argument and returns the instance; Process takes a size_t length).
extern "C" {
WebRtcVadInst* WebRtcVad_Create();
void WebRtcVad_Free(WebRtcVadInst* handle);
int WebRtcVad_Init(WebRtcVadInst* handle);
int WebRtcVad_set_mode(WebRtcVadInst* handle, int mode);
int WebRtcVad_Process(WebRtcVadInst* handle, int fs, const std::int16_t* audio_frame,
                      std::size_t frame_length);
}

namespace confab::engines {

void WebRtcVad::Deleter::operator()(WebRtcVadInst* vad) const noexcept {
    WebRtcVad_Free(vad);
}

WebRtcVad::WebRtcVad(int sample_rate, int frame_ms, int mode)
    : sample_rate_(sample_rate), frame_samples_(sample_rate / 1000 * frame_ms), mode_(mode) {
    const bool rate_ok =
        sample_rate == 8000 || sample_rate == 16000 || sample_rate == 32000 || sample_rate == 48000;
    const bool frame_ok = frame_ms == 10 || frame_ms == 20 || frame_ms == 30;
    if (!rate_ok || !frame_ok || mode < 0 || mode > 3) {
        throw std::invalid_argument("WebRtcVad: unsupported rate/frame/mode " +
                                    std::to_string(sample_rate) + "/" + std::to_string(frame_ms) +
                                    "/" + std::to_string(mode));
    }
    // Create is a bare malloc and does not check it.
    vad_.reset(WebRtcVad_Create());
    if (!vad_) throw std::bad_alloc();
    reset();
}

bool WebRtcVad::is_speech(std::span<const std::int16_t> frame) {
    if (frame.size() != static_cast<std::size_t>(frame_samples_)) return false;
    // 1 = speech, 0 = not, -1 = bad arguments (excluded above).
    return WebRtcVad_Process(vad_.get(), sample_rate_, frame.data(), frame.size()) == 1;
}

void WebRtcVad::reset() {
    // Init restores the default mode, so the mode is set again after it; with
    // arguments validated in the constructor neither call can fail.
    WebRtcVad_Init(vad_.get());
    WebRtcVad_set_mode(vad_.get(), mode_);
}

int WebRtcVad::hangover_ms() const {
    // Overhang frames after long speech, by mode, for 10/20/30 ms frames.
    static constexpr int kFrames[4][3] = {{14, 7, 5}, {14, 7, 5}, {9, 5, 3}, {9, 5, 3}};
    const int frame_ms = frame_samples_ * 1000 / sample_rate_;
    const int index = frame_ms <= 10 ? 0 : frame_ms <= 20 ? 1 : 2;
    return kFrames[mode_][index] * frame_ms;
}

}  // namespace confab::engines
