// One trial of the bare-engine ceiling: K real-time STT streams at once, each
// on its own thread with its own decoder, as the engine would be used without
// a server. Each stream speaks the recordings back to back, one utterance per
// recording: audio fed as it would have fully arrived in 20 ms frames, handed
// to the decoder in batches as Confab's STT pool hands it (100 ms), a partial
// hypothesis taken as often as the pool takes one, finish() at the end.
//
// Owned by confab-stt-ceiling's main; run() blocks its caller for the trial
// and uses one thread per stream. Decoders are kept between trials (loading
// one takes 0.5-0.8 s and ~100 MB).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engines/stt/speech_recognizer.hpp"
#include "loadgen/latency_series.hpp"

namespace confab::bench {

// A recording at the decoder's rate, whole 20 ms frames.
struct CeilingRecording {
    std::string name;
    std::vector<std::int16_t> pcm;
};

struct TrialResult {
    int streams = 0;
    double seconds = 0;
    int utterances = 0;
    int errors = 0;
    double audio_s = 0;         // audio fed, all streams
    LatencySeries final_ms;     // end of an utterance's audio → its final hypothesis
    LatencySeries lateness_ms;  // each frame's feed, after its deadline
    // Largest lateness in the last fifth of the trial, or of a stream still
    // behind real time when the trial ended: a growing backlog shows here.
    double backlog_end_ms = 0;
    double cpu_percent = 0;          // this process; 100 = one core
    double machine_cpu_percent = 0;  // all processes; 100 = every core busy
};

class CeilingTrial {
public:
    CeilingTrial(engines::SpeechRecognizerFactory& factory,
                 const std::vector<CeilingRecording>& recordings, int partial_interval_ms,
                 int batch_ms);

    // False if a decoder could not be created.
    bool run(int streams, double seconds, TrialResult& out);

private:
    engines::SpeechRecognizerFactory& factory_;
    const std::vector<CeilingRecording>& recordings_;
    int partial_interval_ms_;
    int batch_ms_;
    std::vector<std::unique_ptr<engines::SpeechRecognizer>> decoders_;
};

}  // namespace confab::bench
