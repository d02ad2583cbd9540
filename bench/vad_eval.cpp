// Compares voice activity detectors for Confab's turn detector: WebRtcVad
// (modes 1-3) and pocketsphinx's built-in VAD (ps_get_in_speech).
//
//   ninja -C build confab-vad-eval && build/bench/confab-vad-eval [--out FILE]
//
// Every detector sees the same 20 ms frames of 16 kHz audio, one after the
// other, and gives one decision per frame (available at the frame's end).
// The detectors are in vad/detectors, their scoring in vad/scoring; this
// file writes the report.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "audio/pcm.hpp"
#include "bench_util.hpp"
#include "config/config.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "engines/vad/webrtc_vad.hpp"
#include "vad/detectors.hpp"
#include "vad/frames.hpp"
#include "vad/scoring.hpp"

using namespace confab::bench::vad;

int main(int argc, char** argv) {
    std::string shared = CONFAB_SOURCE_DIR "/../shared";
    std::string out_path = CONFAB_SOURCE_DIR "/bench/results/vad.md";
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--out") out_path = argv[i + 1];
        if (flag == "--shared") shared = argv[i + 1];
    }
    auto load = [](const std::string& path) {
        confab::audio::WavAudio wav;
        if (auto ec = confab::audio::read_wav(path, wav); ec || wav.sample_rate != kRate) {
            std::cerr << path << ": cannot read as 16 kHz WAV\n";
            std::exit(1);
        }
        return wav.samples;
    };
    const auto three = load(shared + "/audio/three_speakers.wav");
    const double duration = static_cast<double>(three.size()) / kRate;

    confab::SttConfig stt;  // production settings (fast), plus pocketsphinx's VAD on
    confab::engines::PocketsphinxFactory ps_default(stt, {{"-remove_silence", "yes"}});
    confab::engines::PocketsphinxFactory ps_short(
        stt, {{"-remove_silence", "yes"}, {"-vad_postspeech", "30"}});
    const auto dets = detectors(ps_default, ps_short);

    // White noise at a fixed RMS level (uniform noise: RMS = peak / sqrt 3).
    auto noise_peak = [](double dbfs) {
        return static_cast<int>(32768.0 * std::pow(10.0, dbfs / 20) * std::sqrt(3.0));
    };
    const auto noisy = with_noise(three, noise_peak(-40));
    const std::vector<std::int16_t> zeros(10 * kRate, 0);
    const std::vector<double> noise_levels = {-50, -40, -30, -20};

    std::ostringstream md;
    char buf[256];
    md << "# Voice activity detectors for the turn detector\n\n"
          "Command: `ninja -C build confab-vad-eval && build/bench/confab-vad-eval`\n\n"
          "16 kHz, 20 ms frames, one decision per frame available at the frame's end. "
          "three_speakers.wav has speech at 1.70-3.90, 6.20-11.10 and 12.80-18.00 s "
          "(manifest.tsv). Onset = end of the first speech frame (searched from 0.1 s before "
          "the segment) minus segment start; offset = end of the speech run that covers the "
          "segment end minus segment end (pocketsphinx includes its hangover, WebRtcVad is raw "
          "and needs one on top). False alarms: frames in silence, leaving out 0.1 s before "
          "each segment and 0.6 s after. Hit: speech frames among frames inside segments "
          "(pauses between words count as misses for every detector alike). CPU: thread CPU "
          "per frame; for pocketsphinx that is the decoder's whole cost, since its VAD only "
          "runs inside a decoder fed with all the audio.\n";
    for (const auto& [label, pcm] :
         {std::pair{"three_speakers.wav, clean", &three},
          std::pair{"three_speakers.wav + white noise at -40 dBFS RMS", &noisy}}) {
        md << "\n## " << label
           << "\n\n| detector | onset per segment (ms) | offset per segment (ms) | false "
              "alarms in silence | hit in speech | CPU per frame |\n|---|---|---|---|---|---|\n";
        for (const auto& d : dets) {
            const Run r = run(d, *pcm);
            const auto s = score(r.speech, duration);
            std::snprintf(buf, sizeof buf, "| %s | %s | %s | %.1f%% | %.1f%% | %.1f us |\n",
                          d.name.c_str(), s.onsets_ms.c_str(), s.offsets_ms.c_str(),
                          100 * s.false_alarm, 100 * s.hit, r.cpu_us_per_frame);
            md << buf;
        }
    }

    md << "\n## Signals without speech: frames flagged as speech\n\n| detector | digital "
          "silence |";
    for (double db : noise_levels) md << " white noise " << db << " dBFS |";
    md << "\n|---|---|";
    for (std::size_t i = 0; i < noise_levels.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& d : dets) {
        auto fraction = [&](const std::vector<std::int16_t>& pcm) {
            const Run r = run(d, pcm);
            return 100 * speech_fraction(r.speech, 0, 1e9);
        };
        std::snprintf(buf, sizeof buf, "| %s | %.1f%% |", d.name.c_str(), fraction(zeros));
        md << buf;
        for (double db : noise_levels) {
            std::snprintf(buf, sizeof buf, " %.1f%% |",
                          fraction(with_noise(zeros, noise_peak(db))));
            md << buf;
        }
        md << "\n";
    }

    md << "\n## Other recordings (mostly speech): frames flagged as speech\n\n| detector |";
    std::vector<std::pair<std::string, std::vector<std::int16_t>>> others;
    for (const char* f : {"jfk", "platforms", "expression"}) {
        others.emplace_back(f, load(shared + "/audio/" + f + ".wav"));
    }
    const std::string librivox = "/usr/share/pocketsphinx/test/data/librivox/";
    for (const char* id : {"0870", "0880", "0890", "0920", "0930"}) {
        others.emplace_back(id,
                            load(librivox + "sense_and_sensibility_01_austen_64kb-" + id + ".wav"));
    }
    for (const auto& o : others) md << " " << o.first << " |";
    md << "\n|---|";
    for (std::size_t i = 0; i < others.size(); ++i) md << "---|";
    md << "\n";
    for (const auto& d : dets) {
        md << "| " << d.name << " |";
        for (const auto& o : others) {
            const Run r = run(d, o.second);
            std::snprintf(buf, sizeof buf, " %.0f%% |", 100 * speech_fraction(r.speech, 0, 1e9));
            md << buf;
        }
        md << "\n";
    }

    // End of turn on the load generator's recordings, one detector for all
    // of them in turn (as one session): 1.5 s of a gap signal, the recording,
    // 1.5 s of gap. Gaps of digital zeros are what confab-bench sends between
    // turns; gaps of noise at the LibriVox floor are a microphone that stays
    // open.
    md << "\n## End of turn on the load generator's recordings\n\n"
          "All recordings through one detector, as one session hears them: 1.5 s gap, "
          "recording, 1.5 s gap, next recording. The decisions drive a TurnDetector with the "
          "server's defaults (500 ms pause, the VAD's hangover counted as silence). Per "
          "recording: when its turn ended, minus confab-bench's end of speech (the last frame "
          "above max(10th-percentile level + 15 dB, loudest - 35 dB)), minus the 500 ms pause: "
          "the time the detector adds to silence_duration_ms before the reply can start. In "
          "parentheses: turns that ended before that end of speech (a pause in the speech or a "
          "false start; they cost an interruption, not latency).\n";
    const std::vector<std::int16_t> gap_zeros(static_cast<std::size_t>(1.5 * kRate), 0);
    const auto gap_noise = with_noise(gap_zeros, noise_peak(-45));
    std::vector<Detector> end_dets;
    for (const auto& d : dets) {
        if (d.name.rfind("WebRtcVad mode 2", 0) == 0) end_dets.push_back(d);
    }
    // confab-bench picks a recording at random per turn, so a LibriVox
    // reading (-45 dBFS floor) often follows a clean one (-70 dBFS).
    const std::vector<std::size_t> grouped = {0, 1, 2, 3, 4, 5, 6, 7};
    const std::vector<std::size_t> alternating = {2, 7, 1, 4, 0, 3, 5, 6};
    struct Condition {
        const char* label;
        const std::vector<std::int16_t>* gap;
        const std::vector<std::size_t>* order;
    };
    for (const auto& [gap_label, gap, order] :
         {Condition{"gaps of digital zeros, LibriVox readings after the clean recordings",
                    &gap_zeros, &grouped},
          Condition{"gaps of digital zeros, clean recordings and LibriVox readings alternating",
                    &gap_zeros, &alternating},
          Condition{"gaps of white noise at -45 dBFS, LibriVox readings after the clean recordings",
                    &gap_noise, &grouped}}) {
        std::vector<std::pair<std::string, std::vector<std::int16_t>>> played;
        for (const auto i : *order) played.push_back(others[i]);
        md << "\n### " << gap_label << "\n\n| detector |";
        for (const auto& o : played) md << " " << o.first << " |";
        md << " mean |\n|---|";
        for (std::size_t i = 0; i <= played.size(); ++i) md << "---|";
        md << "\n";
        std::vector<std::int16_t> session;
        std::vector<std::size_t> starts;
        for (const auto& o : played) {
            session.insert(session.end(), gap->begin(), gap->end());
            starts.push_back(session.size() / kFrame);
            session.insert(
                session.end(), o.second.begin(),
                o.second.begin() + static_cast<std::ptrdiff_t>(o.second.size() / kFrame * kFrame));
        }
        session.insert(session.end(), gap->begin(), gap->end());
        for (const auto& d : end_dets) {
            const Run r = run(d, session);
            std::vector<std::size_t> ends;
            for (std::size_t i = 0; i < played.size(); ++i) {
                ends.push_back(starts[i] + last_voiced_frame(played[i].second));
            }
            const auto turns = turn_ends(r.speech, starts, ends,
                                         confab::engines::WebRtcVad(kRate, 20, 2).hangover_ms());
            md << "| " << d.name << " |";
            double sum = 0;
            int missing = 0;
            for (const auto& e : turns) {
                if (e.overshoot_ms) {
                    sum += *e.overshoot_ms;
                    std::snprintf(buf, sizeof buf, " %+.0f (%d) |", *e.overshoot_ms, e.early_ends);
                } else {
                    ++missing;
                    std::snprintf(buf, sizeof buf,
                                  e.early_ends ? " ended early (%d) |" : " never ended (%d) |",
                                  e.early_ends);
                }
                md << buf;
            }
            std::snprintf(buf, sizeof buf, " %+.0f |\n",
                          sum / static_cast<double>(std::max<std::size_t>(
                                    1, turns.size() - static_cast<std::size_t>(missing))));
            md << buf;
        }
    }
    std::cout << md.str();
    confab::bench::write_results(out_path, md.str());
    return 0;
}
