#include "engines/stt/pocketsphinx_factory.hpp"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <mutex>

#include "util/log.hpp"

namespace confab::engines {
namespace {

struct ConfigDeleter {
    void operator()(cmd_ln_t* config) const noexcept { cmd_ln_free_r(config); }
};
using ConfigPtr = std::unique_ptr<cmd_ln_t, ConfigDeleter>;

void silence_sphinx_logging() {
    // sphinxbase logs through one process-wide FILE*. "-logfn /dev/null" would
    // make every ps_init call err_set_logfile(), which fcloses the FILE* that
    // decoders on other threads may be writing to at that moment. Disabling
    // the log once, before any decoder exists, sends it nowhere without that race.
    static std::once_flag once;
    std::call_once(once, [] { err_set_logfp(nullptr); });
}

void set_argument(std::vector<PocketsphinxFactory::Argument>& args, std::string flag,
                  std::string value) {
    auto it =
        std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.first == flag; });
    if (it != args.end()) {
        it->second = std::move(value);
    } else {
        args.emplace_back(std::move(flag), std::move(value));
    }
}

}  // namespace

PocketsphinxFactory::PocketsphinxFactory(const SttConfig& config, std::vector<Argument> overrides) {
    set_argument(arguments_, "-hmm", config.model_dir);
    set_argument(arguments_, "-dict", config.dictionary);
    set_argument(arguments_, "-lm", config.language_model);
    // Our own VAD (WebRtcVad) cuts the utterances, so pocketsphinx's VAD could
    // only drop pauses inside them. On 8 real recordings it changed no word on
    // seven, lost words on the eighth, and saved no CPU beyond run-to-run noise;
    // ~20% only on an utterance that is 34% silence (bench/results/stt.md).
    set_argument(arguments_, "-remove_silence", "no");
    if (config.fast) {
        // engines.md: 0.11-0.12 CPU s per audio s instead of 0.22-0.31, about
        // 7 real-time streams on 2 cores instead of 4, and the final result
        // 9-16 ms after the audio ends instead of 100-150 ms, at equal WER.
        set_argument(arguments_, "-fwdflat", "no");
        set_argument(arguments_, "-bestpath", "no");
        set_argument(arguments_, "-maxhmmpf", "3000");
        set_argument(arguments_, "-pl_window", "10");
    }
    for (auto& [flag, value] : overrides) set_argument(arguments_, flag, value);
}

std::unique_ptr<SpeechRecognizer> PocketsphinxFactory::create() {
    return create_decoder();
}

std::unique_ptr<PocketsphinxRecognizer> PocketsphinxFactory::create_decoder() {
    silence_sphinx_logging();

    std::vector<char*> argv;
    argv.reserve(arguments_.size() * 2);
    for (auto& [flag, value] : arguments_) {
        // cmd_ln_parse_r takes char** but copies the strings and never writes them.
        argv.push_back(const_cast<char*>(flag.c_str()));
        argv.push_back(const_cast<char*>(value.c_str()));
    }
    ConfigPtr config(
        cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), TRUE));
    if (!config) {
        log::error("pocketsphinx: invalid decoder arguments");
        return nullptr;
    }
    // ps_init takes its own reference to the config; ours is released on return.
    PocketsphinxRecognizer::DecoderPtr decoder(ps_init(config.get()));
    if (!decoder) {
        log::error("pocketsphinx: cannot initialise decoder (model files missing?)",
                   {{"hmm", arguments_[0].second}});
        return nullptr;
    }
    return std::make_unique<PocketsphinxRecognizer>(std::move(decoder));
}

}  // namespace confab::engines
