// confab-stt-ceiling: how many real-time STT streams the bare engine sustains
// on this machine, with the configuration confab would use and the recordings
// confab-bench speaks, and no server. Confab's capacity is then reported as a
// ratio to this limit (bench/capacity.sh, bench/README.md).
//
//   ninja -C build confab-stt-ceiling
//   build/confab-stt-ceiling [--trial-seconds 30] [--json FILE] [-- CONFAB FLAGS...]
//
// Everything after `--` is parsed exactly as confab parses its command line
// (load_config: defaults, CONFAB_* environment, --config FILE, flags), and the
// decoders are made by the PocketsphinxFactory confab uses, so "same config"
// holds by construction. Only the [stt] section matters here.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "audio/pcm.hpp"
#include "audio/resampler.hpp"
#include "config/config_loader.hpp"
#include "engines/stt/pocketsphinx_factory.hpp"
#include "loadgen/ceiling_search.hpp"
#include "loadgen/ceiling_trial.hpp"
#include "loadgen/recording_files.hpp"
#include "pool/stt_pool.hpp"

namespace json = boost::json;
using namespace confab;
using namespace confab::bench;

namespace {

constexpr const char* kUsage = R"(confab-stt-ceiling: the bare engine's real-time STT stream limit

Usage: confab-stt-ceiling [options] [-- CONFAB FLAGS...]
  --trial-seconds S     length of each trial (default 30)
  --start K             first stream count of the search (default 1; it doubles, then bisects)
  --max-streams K       largest stream count tried (default 24; ~100 MB per decoder)
  --streams K           one trial of exactly K streams, no search
  --max-final-ms MS     keeps up: p95 end of utterance -> final hypothesis <= MS (default 300)
  --max-backlog-ms MS   keeps up: no frame fed later than MS in the last fifth of a trial (default 300)
  --audio-dir DIR       as confab-bench (default <repo>/../shared/audio)
  --librivox-dir DIR    as confab-bench (default the pocketsphinx test data; "" skips)
  --json FILE           also write the results as JSON
  -- FLAGS...           confab's own flags/--config, for the [stt] settings (e.g. -- --stt-fast false)
)";

struct Options {
    double trial_s = 30;
    int start = 1;
    int max_streams = 24;
    int streams = 0;
    CeilingCriteria criteria;
    std::string audio_dir;
    std::string librivox_dir = "/usr/share/pocketsphinx/test/data/librivox";
    std::string json_path;
    std::vector<std::string> confab_args;
    std::string command;
};

template <class T>
bool parse(const std::string& text, T& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

bool parse_options(int argc, char** argv, Options& o) {
    for (int i = 0; i < argc; ++i) o.command += (i ? " " : "") + std::string(argv[i]);
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--") {
            o.confab_args.assign(argv + i + 1, argv + argc);
            break;
        }
        if (flag == "--help" || flag == "-h" || i + 1 >= argc) return false;
        const std::string value = argv[++i];
        bool ok = true;
        if (flag == "--trial-seconds")
            ok = parse(value, o.trial_s) && o.trial_s >= 2;
        else if (flag == "--start")
            ok = parse(value, o.start) && o.start >= 1;
        else if (flag == "--max-streams")
            ok = parse(value, o.max_streams) && o.max_streams >= 1;
        else if (flag == "--streams")
            ok = parse(value, o.streams) && o.streams >= 1;
        else if (flag == "--max-final-ms")
            ok = parse(value, o.criteria.max_final_p95_ms);
        else if (flag == "--max-backlog-ms")
            ok = parse(value, o.criteria.max_backlog_ms);
        else if (flag == "--audio-dir")
            o.audio_dir = value;
        else if (flag == "--librivox-dir")
            o.librivox_dir = value;
        else if (flag == "--json")
            o.json_path = value;
        else
            ok = false;
        if (!ok) {
            std::fprintf(stderr, "confab-stt-ceiling: bad option %s %s\n", flag.c_str(),
                         value.c_str());
            return false;
        }
    }
    return true;
}

// As the audio travels to confab's decoders: the file's rate → 24 kHz (the
// protocol, confab-bench's frames) → the decoder's rate (confab's resampler).
bool load_recording(const std::filesystem::path& path, int rate, CeilingRecording& out) {
    audio::WavAudio wav;
    if (auto ec = audio::read_wav(path, wav)) return false;
    std::vector<std::int16_t> pcm24k;
    audio::Resampler to24k(wav.sample_rate, 24000);
    to24k.process(wav.samples, pcm24k);
    to24k.flush(pcm24k);
    pcm24k.resize(pcm24k.size() / 480 * 480);  // confab-bench sends whole 20 ms frames
    audio::Resampler to_engine(24000, rate);
    to_engine.process(pcm24k, out.pcm);
    to_engine.flush(out.pcm);
    out.pcm.resize(out.pcm.size() / static_cast<std::size_t>(rate / 50) *
                   static_cast<std::size_t>(rate / 50));
    out.name = path.filename().string();
    return !out.pcm.empty();
}

json::object summary(const LatencySeries& s) {
    return {{"count", s.count()},
            {"p50", s.percentile(50)},
            {"p95", s.percentile(95)},
            {"max", s.max()}};
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    if (!parse_options(argc, argv, o)) {
        std::fputs(kUsage, stderr);
        return 2;
    }
    // load_config validates every section; web_root must exist, so point it
    // at the repository's (it is not used here).
    std::vector<std::string> args = {"confab", "--web-root", CONFAB_SOURCE_DIR "/web"};
    args.insert(args.end(), o.confab_args.begin(), o.confab_args.end());
    std::vector<char*> cargv;
    for (auto& a : args) cargv.push_back(a.data());
    const LoadResult loaded = load_config(static_cast<int>(cargv.size()), cargv.data());
    for (const auto& e : loaded.errors) std::fprintf(stderr, "confab-stt-ceiling: %s\n", e.c_str());
    if (!loaded.ok() || loaded.action != ConfigAction::run) return 2;

    engines::PocketsphinxFactory factory(loaded.config.stt);
    auto probe = factory.create();
    if (!probe) return 1;
    const int rate = probe->sample_rate();
    probe.reset();

    std::vector<CeilingRecording> recordings;
    const RecordingFiles files = recording_files(o.audio_dir, o.librivox_dir);
    double audio_s = 0;
    for (const auto* list : {&files.required, &files.extra}) {
        for (const auto& path : *list) {
            CeilingRecording r;
            if (!load_recording(path, rate, r)) {
                std::fprintf(stderr, "confab-stt-ceiling: cannot read %s\n", path.c_str());
                if (list == &files.required) return 1;
                continue;
            }
            audio_s += static_cast<double>(r.pcm.size()) / rate;
            recordings.push_back(std::move(r));
        }
    }
    std::fprintf(stderr, "confab-stt-ceiling: %zu recordings (%.0f s), %d Hz, %.0f s trials\n",
                 recordings.size(), audio_s, rate, o.trial_s);
    double longest_s = 0;
    for (const auto& r : recordings)
        longest_s = std::max(longest_s, static_cast<double>(r.pcm.size()) / rate);
    if (o.trial_s < 2 * longest_s) {
        // A stream that starts on the longest recording finishes at most one
        // utterance: the final-latency percentiles rest on few samples.
        std::fprintf(stderr,
                     "confab-stt-ceiling: warning: trials shorter than %.0f s (twice the longest "
                     "recording) give few final results per stream\n",
                     2 * longest_s);
    }

    // Confab's STT pool takes a partial hypothesis this often and hands audio
    // over in batches this large: the bare streams do too.
    CeilingTrial trial(factory, recordings, pool::SttPool::Options{}.partial_interval_ms,
                       pool::SttPool::Options{}.batch_ms);
    CeilingSearch search(o.streams > 0 ? o.streams : o.start,
                         o.streams > 0 ? o.streams : o.max_streams);
    json::array trials;
    std::map<int, double> cpu_at;
    std::printf("%8s %6s %10s %10s %10s %12s %8s %9s  %s\n", "streams", "utts", "final p50",
                "final p95", "final max", "backlog end", "CPU %", "machine %", "verdict");
    while (const auto k = search.next()) {
        TrialResult r;
        if (!trial.run(*k, o.trial_s, r)) {
            std::fprintf(stderr, "confab-stt-ceiling: a decoder failed to load\n");
            return 1;
        }
        const TrialStats stats{r.utterances, r.errors, r.final_ms.percentile(95), r.backlog_end_ms};
        const std::string why = trial_failure(stats, o.criteria);
        search.record(*k, why.empty());
        cpu_at[*k] = r.cpu_percent;
        std::printf("%8d %6d %10.0f %10.0f %10.0f %12.0f %8.0f %9.0f  %s\n", *k, r.utterances,
                    r.final_ms.percentile(50), r.final_ms.percentile(95), r.final_ms.max(),
                    r.backlog_end_ms, r.cpu_percent, r.machine_cpu_percent,
                    why.empty() ? "keeps up" : why.c_str());
        std::fflush(stdout);
        trials.push_back({{"streams", *k},
                          {"keeps_up", why.empty()},
                          {"why", why},
                          {"utterances", r.utterances},
                          {"errors", r.errors},
                          {"audio_s", r.audio_s},
                          {"final_ms", summary(r.final_ms)},
                          {"lateness_ms", summary(r.lateness_ms)},
                          {"backlog_end_ms", r.backlog_end_ms},
                          {"cpu_percent", r.cpu_percent},
                          {"cpu_s_per_audio_s",
                           r.audio_s > 0 ? r.cpu_percent / 100.0 * o.trial_s / r.audio_s : 0},
                          {"machine_cpu_percent", r.machine_cpu_percent}});
        if (o.streams > 0) break;  // --streams: one trial only
    }
    const int ceiling = search.ceiling();
    std::printf(
        "Bare-engine ceiling: %d real-time streams (CPU %.0f%% of one core at that load, "
        "%u cores)\n",
        ceiling, ceiling > 0 ? cpu_at[ceiling] : 0.0, std::thread::hardware_concurrency());

    if (!o.json_path.empty()) {
        json::object stt_args;
        for (const auto& [flag, value] : factory.arguments()) stt_args[flag] = value;
        const json::object out{
            {"tool", "confab-stt-ceiling"},
            {"command", o.command},
            {"stt_arguments", std::move(stt_args)},
            {"recordings", recordings.size()},
            {"recordings_audio_s", audio_s},
            {"trial_seconds", o.trial_s},
            {"batch_ms", pool::SttPool::Options{}.batch_ms},
            {"partial_interval_ms", pool::SttPool::Options{}.partial_interval_ms},
            {"criteria",
             {{"max_final_p95_ms", o.criteria.max_final_p95_ms},
              {"max_backlog_ms", o.criteria.max_backlog_ms}}},
            {"cores", std::thread::hardware_concurrency()},
            {"trials", std::move(trials)},
            {"max_streams", ceiling},
            {"cpu_percent_at_max", ceiling > 0 ? cpu_at[ceiling] : 0.0}};
        std::ofstream(o.json_path) << json::serialize(out) << "\n";
    }
    return 0;
}
