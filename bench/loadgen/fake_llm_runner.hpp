// `confab-bench --fake-llm`: serves tests/fakes' in-process fake of an
// OpenAI-compatible chat-completions API as a process of its own, so that
// bench/run_bench.sh can point confab at it. Replies are 1-3 sentences,
// chosen from a fixed list by a seeded generator, streamed as word tokens
// after a time to first token at a fixed token rate.
//
// Blocks the calling (main) thread until SIGINT or SIGTERM.
#pragma once
#include "loadgen/bench_options.hpp"

namespace confab::bench {

class FakeLlmRunner {
  public:
    explicit FakeLlmRunner(const BenchOptions& options) : options_(options) {}
    // Returns the process exit code.
    int run();
    // The reply text of request `index` (deterministic for a seed).
    static std::string reply(std::uint64_t seed, std::size_t index);

  private:
    const BenchOptions& options_;
};

}  // namespace confab::bench
