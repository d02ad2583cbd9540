// Measures pocketsphinx word error rate, CPU and memory on real recordings,
// for the fast and default settings, each with and without -remove_silence.
//
//   ninja -C build confab-stt-eval && build/bench/confab-stt-eval [--out FILE]
//   build/bench/confab-stt-eval --sharing   (decoder per session or per worker)
//
// Every file is decoded by a fresh decoder (the weakest case: no cepstral-mean
// adaptation yet), fed in 20 ms chunks as fast as possible on one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "audio/pcm.hpp"
#include "bench_util.hpp"
#include "config/config.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "util/speech_corpus.hpp"
#include "util/wer.hpp"

namespace {

using confab::engines::PocketsphinxFactory;

using Recording = confab::TranscribedRecording;

struct Setting {
    std::string label;
    bool fast;
    std::string remove_silence;
};

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

struct Outcome {
    double wer = 0;
    double cpu = 0;       // CPU seconds spent
    double audio = 0;     // audio seconds
    double final_ms = 0;  // finish() wall time
    std::string hyp;
};

Outcome decode(confab::engines::SpeechRecognizer& stt, const confab::audio::WavAudio& wav,
               const std::string& reference) {
    Outcome o;
    const std::size_t chunk = static_cast<std::size_t>(wav.sample_rate / 50);
    const double cpu0 = confab::bench::thread_cpu_seconds();
    stt.start_utterance();
    for (std::size_t i = 0; i < wav.samples.size(); i += chunk) {
        const std::size_t n = std::min(chunk, wav.samples.size() - i);
        stt.feed(std::span(wav.samples).subspan(i, n));
    }
    const auto t0 = std::chrono::steady_clock::now();
    stt.finish(o.hyp);
    o.final_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    o.cpu = confab::bench::thread_cpu_seconds() - cpu0;
    o.audio = static_cast<double>(wav.samples.size()) / wav.sample_rate;
    o.wer = confab::word_error_rate(reference, o.hyp);
    return o;
}

// Decoder state kept per session, or passed between sessions (issue 4).
// pocketsphinx adapts its cepstral mean to the voice it hears, so a decoder
// that stays with one speaker may recognise them better than a worker's
// decoder that heard someone else last. Three ways, same recordings, the
// server's [stt] settings; scored on the last of `passes` rounds:
//   fresh    - a new decoder for every utterance (nothing adapted);
//   session  - one decoder per speaker, their utterances in order;
//   worker   - one decoder for everyone, speakers interleaved.
// The LibriVox files are one reader; each shared recording is another speaker.
std::string decoder_sharing_report(const std::vector<Recording>& recordings, int passes) {
    std::vector<const Recording*> reader;
    std::vector<const Recording*> others;
    for (const auto& r : recordings)
        (r.path.find("/librivox/") != std::string::npos ? reader : others).push_back(&r);
    std::map<const Recording*, confab::audio::WavAudio> audio;
    for (const auto& r : recordings) confab::audio::read_wav(r.path, audio[&r]);
    PocketsphinxFactory factory(confab::SttConfig{});
    struct Score {
        double errors = 0;
        double words = 0;
        void add(confab::engines::SpeechRecognizer& stt, const confab::audio::WavAudio& wav,
                 const Recording& r) {
            const double n = static_cast<double>(confab::normalize_words(r.transcript).size());
            errors += decode(stt, wav, r.transcript).wer * n;
            words += n;
        }
        double wer() const { return words > 0 ? errors / words : 0; }
    };
    // Decodes `order` `passes` times on `stt`, scoring the last pass into the
    // reader's or the others' score.
    const auto run = [&](confab::engines::SpeechRecognizer& stt,
                         const std::vector<const Recording*>& order, Score& reader_score,
                         Score& others_score) {
        for (int pass = 0; pass < passes; ++pass) {
            for (const Recording* r : order) {
                Score ignored;
                const bool is_reader = std::find(reader.begin(), reader.end(), r) != reader.end();
                Score& score =
                    pass + 1 < passes ? ignored : (is_reader ? reader_score : others_score);
                score.add(stt, audio[r], *r);
            }
        }
    };
    Score fresh_reader, fresh_others, session_reader, session_others, worker_reader, worker_others;
    for (const auto* r : reader) fresh_reader.add(*factory.create(), audio[r], *r);
    for (const auto* r : others) fresh_others.add(*factory.create(), audio[r], *r);
    run(*factory.create(), reader, session_reader, session_others);
    for (const auto* r : others) run(*factory.create(), {r}, session_reader, session_others);
    std::vector<const Recording*> interleaved;
    for (std::size_t i = 0; i < reader.size(); ++i) {
        interleaved.push_back(reader[i]);
        if (!others.empty()) interleaved.push_back(others[i % others.size()]);
    }
    run(*factory.create(), interleaved, worker_reader, worker_others);

    std::ostringstream md;
    char buf[160];
    md << "# Decoder per session or per worker\n\nCommand: `ninja -C build confab-stt-eval && "
          "build/bench/confab-stt-eval --sharing`\n\nServer [stt] settings, 20 ms chunks as fast "
          "as possible, word-weighted WER of the last of "
       << passes << " rounds. Reader: the " << reader.size()
       << " LibriVox files (one voice); others: " << others.size()
       << " shared recordings (one voice each). session = a decoder per speaker, their "
          "utterances in order; worker = one decoder for all, reader and others interleaved.\n\n"
          "| decoder | reader WER | others WER |\n|---|---:|---:|\n";
    for (const auto& [label, rs, os] :
         {std::tuple{"fresh per utterance", &fresh_reader, &fresh_others},
          std::tuple{"per session", &session_reader, &session_others},
          std::tuple{"per worker, shared", &worker_reader, &worker_others}}) {
        std::snprintf(buf, sizeof buf, "| %s | %.1f%% | %.1f%% |\n", label, 100 * rs->wer(),
                      100 * os->wer());
        md << buf;
    }
    return md.str();
}

}  // namespace

int main(int argc, char** argv) {
    std::string shared = CONFAB_SOURCE_DIR "/../shared";
    std::string out_path = CONFAB_SOURCE_DIR "/bench/results/stt.md";
    int repeat = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--out") out_path = argv[i + 1];
        if (flag == "--shared") shared = argv[i + 1];
        if (flag == "--repeat") repeat = std::max(1, std::atoi(argv[i + 1]));
    }
    const auto recordings = confab::transcribed_recordings(shared);
    if (std::find(argv + 1, argv + argc, std::string("--sharing")) != argv + argc) {
        const std::string md = decoder_sharing_report(recordings, 2);
        std::cout << md;
        confab::bench::write_results(CONFAB_SOURCE_DIR "/bench/results/stt_decoder_sharing.md", md);
        return 0;
    }
    const std::vector<Setting> settings = {{"fast, rs=no", true, "no"},
                                           {"fast, rs=yes", true, "yes"},
                                           {"default, rs=no", false, "no"},
                                           {"default, rs=yes", false, "yes"}};

    std::ostringstream md;
    md << "# pocketsphinx on real recordings\n\nCommand: `ninja -C build confab-stt-eval && "
          "build/bench/confab-stt-eval`\n\nFresh decoder per file, 20 ms chunks fed as fast as "
          "possible. rs = -remove_silence. fast = -fwdflat no -bestpath no -maxhmmpf 3000 "
          "-pl_window 10. CPU = thread CPU s per audio s for feed+finish (least of " +
              std::to_string(repeat) + " runs); final = finish() wall time.\n\n| file | s |";
    for (const auto& s : settings) md << " WER " << s.label << " |";
    md << "\n|---|---|";
    for (std::size_t i = 0; i < settings.size(); ++i) md << "---|";
    md << "\n";

    std::vector<Outcome> totals(settings.size());
    std::vector<std::vector<double>> finals(settings.size());
    std::vector<std::vector<Outcome>> rows(recordings.size());
    std::vector<double> words(recordings.size());
    long decoder_kib = 0;
    for (std::size_t si = 0; si < settings.size(); ++si) {
        confab::SttConfig config;
        config.fast = settings[si].fast;
        PocketsphinxFactory factory(config, {{"-remove_silence", settings[si].remove_silence}});
        for (std::size_t r = 0; r < recordings.size(); ++r) {
            confab::audio::WavAudio wav;
            if (auto ec = confab::audio::read_wav(recordings[r].path, wav)) {
                std::cerr << recordings[r].path << ": " << ec.message() << "\n";
                return 1;
            }
            // Decoding is deterministic; repeats only steady the CPU figure
            // (the least of them is the one least disturbed by other load).
            Outcome o;
            for (int k = 0; k < repeat; ++k) {
                const long before = rss_kib();
                auto stt = factory.create();
                if (!stt) return 1;
                const auto run = decode(*stt, wav, recordings[r].transcript);
                if (si == 0 && r == 0 && k == 0) decoder_kib = rss_kib() - before;
                if (k == 0 || run.cpu < o.cpu) o = run;
                finals[si].push_back(run.final_ms);
            }
            std::cerr << settings[si].label << " " << recordings[r].name << " WER " << o.wer
                      << " : " << o.hyp << "\n";
            rows[r].push_back(o);
            words[r] =
                static_cast<double>(confab::normalize_words(recordings[r].transcript).size());
            totals[si].wer += o.wer * words[r];
            totals[si].cpu += o.cpu;
            totals[si].audio += o.audio;
        }
    }
    double total_words = 0;
    for (double w : words) total_words += w;
    char buf[64];
    for (std::size_t r = 0; r < recordings.size(); ++r) {
        std::snprintf(buf, sizeof buf, "%.1f", rows[r][0].audio);
        md << "| " << recordings[r].name << " | " << buf << " |";
        for (const auto& o : rows[r]) {
            std::snprintf(buf, sizeof buf, " %.1f%% |", 100 * o.wer);
            md << buf;
        }
        md << "\n";
    }
    md << "| **all (word-weighted)** | |";
    for (const auto& t : totals) {
        std::snprintf(buf, sizeof buf, " **%.1f%%** |", 100 * t.wer / total_words);
        md << buf;
    }
    md << "\n| CPU s / audio s | |";
    for (const auto& t : totals) {
        std::snprintf(buf, sizeof buf, " %.3f |", t.cpu / t.audio);
        md << buf;
    }
    md << "\n| final p50 / max (ms) | |";
    for (auto& f : finals) {
        std::sort(f.begin(), f.end());
        std::snprintf(buf, sizeof buf, " %.0f / %.0f |", f[f.size() / 2], f.back());
        md << buf;
    }
    // Utterances with long pauses are where dropping silence could pay off:
    // three_speakers.wav is 34% silence (no transcript, so CPU only).
    confab::audio::WavAudio three;
    confab::audio::read_wav(shared + "/audio/three_speakers.wav", three);
    md << "\n| CPU on three_speakers.wav as one utterance (34% silence) | |";
    for (const auto& setting : settings) {
        confab::SttConfig config;
        config.fast = setting.fast;
        PocketsphinxFactory factory(config, {{"-remove_silence", setting.remove_silence}});
        double best = 1e9;
        for (int k = 0; k < repeat; ++k) {
            auto stt = factory.create();
            if (!stt) return 1;
            best =
                std::min(best, decode(*stt, three, "").cpu /
                                   (static_cast<double>(three.samples.size()) / three.sample_rate));
        }
        std::snprintf(buf, sizeof buf, " %.3f |", best);
        md << buf;
    }
    md << "\n\nRSS growth for one fast decoder, created and used on one file: "
       << decoder_kib / 1024 << " MB.\n";
    std::cout << md.str();
    confab::bench::write_results(out_path, md.str());
    return 0;
}
