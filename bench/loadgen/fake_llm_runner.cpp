#include "loadgen/fake_llm_runner.hpp"

#include <signal.h>

#include <array>
#include <cstdio>
#include <exception>
#include <fstream>
#include <random>

#include "fakes/fake_llm_server.hpp"

namespace confab::bench {
namespace {

// Plain sentences of 8-16 words, as a voice assistant might say them.
constexpr std::array<const char*, 12> kSentences = {
    "That is a good question, and I am happy to help you with it.",
    "The weather today looks mild, with a light breeze in the afternoon.",
    "You can find the station two streets north of the main square.",
    "I would start with a short walk and a glass of water.",
    "Most people find that the second option works better in practice.",
    "The meeting has been moved to Thursday at ten in the morning.",
    "Let me know if you would like me to repeat any of that.",
    "It takes about twenty minutes by train from the city centre.",
    "The recipe needs two eggs, a cup of flour and some milk.",
    "I think the answer is sixty, not six hundred thousand.",
    "Platforms one and three are in use until the end of the week.",
    "Your country can do a great deal when people work together.",
};

}  // namespace

std::string FakeLlmRunner::reply(std::uint64_t seed, std::size_t index) {
    std::mt19937_64 rng(seed * 1000003 + index);
    std::uniform_int_distribution<std::size_t> count(1, 3);
    std::uniform_int_distribution<std::size_t> pick(0, kSentences.size() - 1);
    std::string text;
    for (std::size_t n = count(rng); n > 0; --n)
        text += (text.empty() ? "" : " ") + std::string(kSentences[pick(rng)]);
    return text;
}

int FakeLlmRunner::run() {
    // Block the stop signals before the server's thread starts, so that it
    // inherits the mask and only sigwait() below receives them.
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, nullptr);

    test::FakeLlmServer::Options server_options;
    server_options.port = static_cast<unsigned short>(options_.fake_llm_port);
    server_options.default_script.time_to_first_token =
        std::chrono::milliseconds(options_.fake_llm_ttft_ms);
    server_options.default_script.tokens_per_second = options_.fake_llm_tokens_per_second;
    const std::uint64_t seed = options_.seed;
    server_options.reply_generator = [seed](std::size_t index) { return reply(seed, index); };
    try {
        test::FakeLlmServer server(std::move(server_options));
        if (!options_.fake_llm_port_file.empty()) {
            std::ofstream(options_.fake_llm_port_file) << server.port() << "\n";
        }
        std::printf("fake-llm listening on %s\n", server.url().c_str());
        std::fflush(stdout);
        int signal_number = 0;
        sigwait(&stop, &signal_number);
        std::printf("fake-llm: served %zu requests\n", server.request_count());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "confab-bench --fake-llm: %s\n", e.what());
        return 1;
    }
}

}  // namespace confab::bench
