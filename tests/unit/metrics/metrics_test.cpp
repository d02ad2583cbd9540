#include "metrics/metrics.hpp"

#include <gtest/gtest.h>

namespace confab::metrics {
namespace {

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
        ++n;
    return n;
}

TEST(Metrics, NamedInstrumentsAppearWithTheirLabels) {
    Metrics m;
    m.drops("stale_response_audio").inc(3);
    m.rate_limit_hits("events_per_second").inc();
    m.errors_sent("invalid_value").inc(2);
    m.sessions_refused("overloaded").inc();
    m.llm_requests("openai", "ok").inc();
    m.audio_in_frames.inc();
    m.audio_out_bytes.inc(4800);
    m.observe(Stage::llm_first_token, 0.2);
    const std::string text = m.render();
    EXPECT_NE(text.find("confab_drops_total{kind=\"stale_response_audio\"} 3\n"),
              std::string::npos);
    EXPECT_NE(text.find("confab_rate_limit_hits_total{limit=\"events_per_second\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("confab_errors_sent_total{code=\"invalid_value\"} 2\n"), std::string::npos);
    EXPECT_NE(text.find("confab_sessions_refused_total{reason=\"overloaded\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("confab_sessions_refused_total{reason=\"at_capacity\"} 0\n"),
              std::string::npos);
    EXPECT_NE(text.find("confab_llm_requests_total{backend=\"openai\",outcome=\"ok\"} 1\n"),
              std::string::npos);
    EXPECT_NE(text.find("confab_audio_frames_total{direction=\"in\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("confab_audio_bytes_total{direction=\"out\"} 4800\n"), std::string::npos);
    EXPECT_NE(text.find("confab_stage_latency_seconds_count{stage=\"llm_first_token\"} 1\n"),
              std::string::npos);
    EXPECT_NE(
        text.find("confab_stage_latency_seconds_bucket{stage=\"llm_first_token\",le=\"0.2\"} 1\n"),
        std::string::npos);
    // Every stage has a series from the start; each family has one HELP and one TYPE.
    EXPECT_EQ(count_of(text, "confab_stage_latency_seconds_count{"), kStageCount);
    EXPECT_EQ(count_of(text, "# TYPE confab_stage_latency_seconds histogram\n"), 1u);
    EXPECT_EQ(count_of(text, "# HELP "), count_of(text, "# TYPE "));
}

TEST(Metrics, LabelledChildIsResolvedOnceAndStable) {
    Metrics m;
    Counter& a = m.drops("x");
    Counter& b = m.drops("x");
    EXPECT_EQ(&a, &b);
    a.inc();
    EXPECT_EQ(b.value(), 1u);
}

TEST(Metrics, CallbackFamiliesAreWrittenAtRender) {
    Metrics m;
    int calls = 0;
    m.registry().callback("confab_test_gauge", "gauge", "A test.",
                          [&](TextWriter& out, const std::string& name) {
                              ++calls;
                              out.sample(name, {}, 7.0);
                          });
    const auto text = m.render();
    EXPECT_EQ(calls, 1);
    EXPECT_NE(text.find("# TYPE confab_test_gauge gauge\nconfab_test_gauge 7\n"),
              std::string::npos);
}

}  // namespace
}  // namespace confab::metrics
