// Makes independent pocketsphinx decoders from SttConfig.
//
// Ownership and threads: one per process, owned by the STT engine pool;
// create() may be called from any thread (the factory holds only immutable
// arguments). Each decoder loads its own acoustic model and language model
// (~100 MB, 0.5-0.8 s): sharing the LM between decoders that run concurrently
// gives wrong results (engines.md), and 5prealpha cannot share the rest.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.hpp"
#include "engines/stt/pocketsphinx_recognizer.hpp"

namespace confab::engines {

class PocketsphinxFactory final : public SpeechRecognizerFactory {
public:
    using Argument = std::pair<std::string, std::string>;  // {"-flag", "value"}

    // `overrides` are applied after the arguments derived from `config`;
    // benchmarks use them to compare settings. Production passes none.
    explicit PocketsphinxFactory(const SttConfig& config, std::vector<Argument> overrides = {});

    // Null on failure (missing model files, bad arguments); the cause is logged.
    std::unique_ptr<SpeechRecognizer> create() override;
    // The same, with the concrete type (for in_speech() in benchmarks).
    std::unique_ptr<PocketsphinxRecognizer> create_decoder();

    std::string name() const override { return "pocketsphinx"; }
    const std::vector<Argument>& arguments() const { return arguments_; }

private:
    std::vector<Argument> arguments_;
};

}  // namespace confab::engines
