#include "loadgen/ceiling_trial.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <span>
#include <thread>

#include "loadgen/server_sampler.hpp"

namespace confab::bench {
namespace {
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

// What one stream measured; merged after the threads have joined.
struct StreamLog {
    std::vector<double> final_ms;
    std::vector<std::pair<double, double>> lateness;  // {seconds into the trial, ms}
    int utterances = 0;
    int errors = 0;
    double audio_s = 0;
    double behind_at_stop_ms = 0;  // how far behind real time the stream was when it stopped
};

}  // namespace

CeilingTrial::CeilingTrial(engines::SpeechRecognizerFactory& factory,
                           const std::vector<CeilingRecording>& recordings, int partial_interval_ms,
                           int batch_ms)
    : factory_(factory),
      recordings_(recordings),
      partial_interval_ms_(partial_interval_ms),
      batch_ms_(std::max(20, batch_ms / 20 * 20)) {}

bool CeilingTrial::run(int streams, double seconds, TrialResult& out) {
    while (static_cast<int>(decoders_.size()) < streams) {
        auto decoder = factory_.create();
        if (!decoder) return false;
        decoders_.push_back(std::move(decoder));
    }
    std::vector<StreamLog> logs(static_cast<std::size_t>(streams));
    const auto frame = static_cast<std::size_t>(decoders_[0]->sample_rate() / 50);
    const auto batch_frames = static_cast<std::size_t>(batch_ms_ / 20);
    const auto partial_every =
        static_cast<std::size_t>(decoders_[0]->sample_rate() * partial_interval_ms_ / 1000);
    // Start a little ahead so every thread is waiting when the clock begins.
    const auto t0 = Clock::now() + 200ms;
    const auto end =
        t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));

    const auto stream = [&](int index) {
        auto& decoder = *decoders_[static_cast<std::size_t>(index)];
        auto& log = logs[static_cast<std::size_t>(index)];
        // Streams start on different recordings and at different phases of
        // the 20 ms clock, as independent users would.
        std::size_t rec = static_cast<std::size_t>(index) % recordings_.size();
        auto deadline = t0 + 20ms * index / streams;
        for (;; rec = (rec + 1) % recordings_.size()) {
            const auto& pcm = recordings_[rec].pcm;
            if (decoder.start_utterance()) {
                ++log.errors;
                return;
            }
            std::size_t since_partial = 0;
            for (std::size_t at = 0; at + frame <= pcm.size();) {
                // The batch's last frame has fully arrived (a shorter batch at
                // the end of the recording, as finish() hands it over).
                const std::size_t frames = std::min(batch_frames, (pcm.size() - at) / frame);
                deadline += 20ms * static_cast<int>(frames);
                // A stream far behind stops with the wall clock, not its backlog.
                if (const auto now = Clock::now(); deadline >= end || now >= end + 2s) {
                    log.behind_at_stop_ms = std::max(0.0, ms_between(deadline, now));
                    decoder.cancel();
                    return;
                }
                std::this_thread::sleep_until(deadline);
                log.lateness.emplace_back(std::chrono::duration<double>(deadline - t0).count(),
                                          ms_between(deadline, Clock::now()));
                if (decoder.feed(std::span(pcm).subspan(at, frames * frame))) {
                    ++log.errors;
                    decoder.cancel();
                    return;
                }
                log.audio_s += 0.020 * static_cast<double>(frames);
                since_partial += frames * frame;
                at += frames * frame;
                if (since_partial >= partial_every) {
                    since_partial = 0;
                    (void)decoder.partial();
                }
            }
            std::string text;
            if (decoder.finish(text)) {
                ++log.errors;
                return;
            }
            log.final_ms.push_back(ms_between(deadline, Clock::now()));
            ++log.utterances;
        }
    };

    const auto machine0 = ServerSampler::machine_ticks();
    const auto cpu0 = ServerSampler::cpu_seconds(static_cast<int>(getpid()));
    const auto wall0 = Clock::now();
    {
        std::vector<std::jthread> threads;
        for (int i = 0; i < streams; ++i) threads.emplace_back(stream, i);
    }
    const double wall = std::chrono::duration<double>(Clock::now() - wall0).count();
    const auto cpu1 = ServerSampler::cpu_seconds(static_cast<int>(getpid()));
    const auto machine1 = ServerSampler::machine_ticks();

    out = TrialResult{};
    out.streams = streams;
    out.seconds = seconds;
    const double tail_from = seconds * 0.8;
    for (const auto& log : logs) {
        out.utterances += log.utterances;
        out.errors += log.errors;
        out.audio_s += log.audio_s;
        for (double ms : log.final_ms) out.final_ms.add(ms);
        out.backlog_end_ms = std::max(out.backlog_end_ms, log.behind_at_stop_ms);
        for (const auto& [at, ms] : log.lateness) {
            out.lateness_ms.add(ms);
            if (at >= tail_from) out.backlog_end_ms = std::max(out.backlog_end_ms, ms);
        }
    }
    if (cpu0 && cpu1 && wall > 0) out.cpu_percent = 100.0 * (*cpu1 - *cpu0) / wall;
    if (machine0 && machine1 && machine1->total > machine0->total) {
        out.machine_cpu_percent =
            100.0 * (machine1->busy - machine0->busy) / (machine1->total - machine0->total);
    }
    return true;
}

}  // namespace confab::bench
