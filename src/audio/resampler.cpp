#include "audio/resampler.hpp"

#include <soxr.h>

#include <stdexcept>
#include <string>

namespace confab::audio {

void Resampler::SoxrDeleter::operator()(soxr* handle) const noexcept {
    soxr_delete(handle);
}

Resampler::Resampler(int in_rate, int out_rate) : in_rate_(in_rate), out_rate_(out_rate) {
    if (in_rate <= 0 || out_rate <= 0) {
        throw std::invalid_argument("Resampler: rates must be positive, got " +
                                    std::to_string(in_rate) + " -> " + std::to_string(out_rate));
    }
    if (in_rate == out_rate) return;

    // Quality: CPU is ~0.2-0.4 ms per audio second at every soxr quality here
    // (engines.md, and a probe feeding 20 ms chunks), so cost does not decide.
    // Latency does: linear-phase SOXR_HQ holds back ~21 ms at 48k/24k/22.05k
    // -> 16k and 16k -> 24k, against 15-30 ms for MQ (worse at 22.05k) and
    // 37 ms for VHQ; minimum phase saved nothing and cost 5-15x the CPU.
    // HQ's 20-bit precision is more than int16 needs, so it never colours audio.
    soxr_io_spec_t io = soxr_io_spec(SOXR_INT16_I, SOXR_INT16_I);
    // soxr dithers int16 output with random noise by default; at -90 dB that
    // helps no speech engine and would make equal input give unequal output.
    io.flags |= SOXR_NO_DITHER;
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    soxr_error_t error = nullptr;
    soxr_.reset(soxr_create(in_rate, out_rate, 1, &error, &io, &quality, nullptr));
    if (error != nullptr || !soxr_) {
        // Only reachable on allocation failure once the rates are valid.
        throw std::runtime_error(std::string("soxr_create: ") + (error ? error : "failed"));
    }
}

Resampler::~Resampler() = default;
Resampler::Resampler(Resampler&&) noexcept = default;
Resampler& Resampler::operator=(Resampler&&) noexcept = default;

void Resampler::process(std::span<const std::int16_t> in, std::vector<std::int16_t>& out) {
    if (!soxr_) {
        out.insert(out.end(), in.begin(), in.end());
        return;
    }
    // An empty span may have a null data(), which soxr reads as end-of-input.
    if (in.empty()) return;
    drain(in.data(), in.size(), out);
}

void Resampler::flush(std::vector<std::int16_t>& out) {
    if (!soxr_) return;
    // A null input tells soxr the stream has ended, so it emits the tail.
    drain(nullptr, 0, out);
    soxr_clear(soxr_.get());
}

void Resampler::reset() {
    if (soxr_) soxr_clear(soxr_.get());
}

void Resampler::drain(const std::int16_t* in, std::size_t in_len, std::vector<std::int16_t>& out) {
    // soxr stops when its output buffer is full, so keep calling until it has
    // consumed all the input and has nothing more to give.
    const double ratio = static_cast<double>(out_rate_) / in_rate_;
    const std::size_t chunk = static_cast<std::size_t>(static_cast<double>(in_len) * ratio) + 256;
    for (;;) {
        const std::size_t old_size = out.size();
        out.resize(old_size + chunk);
        std::size_t in_done = 0;
        std::size_t out_done = 0;
        const soxr_error_t error = soxr_process(soxr_.get(), in, in_len, &in_done,
                                                out.data() + old_size, chunk, &out_done);
        out.resize(old_size + out_done);
        if (error != nullptr) return;  // soxr only fails on misuse; output so far stands
        if (in == nullptr) {
            // Flushing: the tail may take several calls; it is over when soxr gives nothing.
            if (out_done == 0) return;
            continue;
        }
        in += in_done;
        in_len -= in_done;
        // All input taken and room to spare: soxr has emitted everything it can.
        if (in_len == 0 && out_done < chunk) return;
    }
}

}  // namespace confab::audio
