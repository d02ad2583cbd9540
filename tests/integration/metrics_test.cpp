// /metrics against the real binary: a scripted conversation (two spoken
// turns, one barge-in, one refused connection, one bad event) must move every
// counter and histogram by exactly what the client saw happen; the exposition
// must pass `promtool check metrics`; metrics can be turned off.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fakes/fake_llm_server.hpp"
#include "support/metrics_scrape.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"
#include "support/test_audio.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::int16_t> utterance(const std::string& file, int lead_ms, int tail_ms) {
    const auto wav = load_shared_wav(file);
    auto audio = silence24k(lead_ms);
    const auto speech = resample(wav.samples, wav.sample_rate, 24000);
    audio.insert(audio.end(), speech.begin(), speech.end());
    const auto tail = silence24k(tail_ms);
    audio.insert(audio.end(), tail.begin(), tail.end());
    return audio;
}

std::size_t appends_for(const std::vector<std::int16_t>& pcm) {
    return (pcm.size() + 479) / 480;
}

std::string stage(const std::string& name) {
    return "confab_stage_latency_seconds_count{stage=\"" + name + "\"}";
}

// Waits until the server has counted the session's end.
bool wait_no_sessions(unsigned short port) {
    for (int i = 0; i < 100; ++i) {
        const auto s = scrape_metrics(port);
        if (s.count("confab_sessions_active") && metric(s, "confab_sessions_active") == 0)
            return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

// What the client saw, to compare with what the server counted.
struct Seen {
    int speech_stopped = 0;
    int transcripts = 0;
    int deltas = 0;
    std::size_t delta_bytes = 0;
    std::map<std::string, int> responses;  // by status
    int barge_ins = 0;                     // cancelled with reason turn_detected
    std::map<std::string, int> stages;     // stage → responses that reached it
    int timings = 0;
};

void see(const json::object& ev, Seen& seen) {
    const std::string type(ev.at("type").as_string());
    if (type == "input_audio_buffer.speech_stopped") ++seen.speech_stopped;
    if (type == "conversation.item.input_audio_transcription.completed") ++seen.transcripts;
    if (type == "response.output_audio.delta") {
        ++seen.deltas;
        std::vector<std::int16_t> pcm;
        append_delta(ev, pcm);
        seen.delta_bytes += pcm.size() * 2;
    }
    if (type == "response.done") {
        const auto& r = ev.at("response").as_object();
        const std::string status(r.at("status").as_string());
        ++seen.responses[status];
        if (status == "cancelled" &&
            r.at("status_details").at("reason").as_string() == "turn_detected")
            ++seen.barge_ins;
    }
    if (type == "confab.response.timings") {
        ++seen.timings;
        const auto& t = ev.at("timings").as_object();
        auto has = [&](const char* k) { return !t.at(k).is_null(); };
        if (has("llm_first_token_ms")) ++seen.stages["llm_first_token"];
        if (has("first_piece_queued_ms") && has("first_audio_synthesized_ms"))
            ++seen.stages["tts_first_audio"];
        if (t.at("base").as_string() == "speech_stopped" && has("first_audio_sent_ms")) {
            ++seen.stages["speech_stopped_to_first_audio"];
            if (has("speech_ended_ms")) ++seen.stages["end_of_speech_to_first_audio"];
        }
    }
}

TEST(Metrics, ScrapeDeltasMatchAScriptedConversation) {
    FakeLlmServer llm;
    FakeLlmScript long_reply;
    long_reply.reply =
        "Platform one is on the left and platform three is on the right, past the ticket hall, the "
        "shop, "
        "the waiting room and the long row of benches where people sit and wait for their trains "
        "to come.";
    long_reply.time_to_first_token = 50ms;
    long_reply.tokens_per_second = 4;  // ~10 s: still speaking when the user cuts in
    llm.push_script(long_reply);
    FakeLlmScript short_reply;
    short_reply.reply = "Sorry, go ahead.";
    llm.set_default_script(short_reply);

    ServerProcess server(with_fast_upload({"--llm-base-url", llm.url(), "--llm-model", "test-model",
                                           "--stt-workers", "1", "--max-sessions", "1"}));
    const Scrape before = scrape_metrics(server.port());
    ASSERT_TRUE(before.count("confab_sessions_active")) << "no /metrics";

    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));

    // One refusal: the server holds one session at most.
    WsClient refused(server.port());
    ASSERT_TRUE(refused.connect());
    const auto refusal = refused.receive_type("error");
    ASSERT_TRUE(refusal);
    EXPECT_EQ(refusal->at("error").at("code").as_string(), "server_at_capacity");
    refused.wait_closed();

    // One error sent: an event type the server does not know.
    client.send({{"type", "no.such.event"}});
    const auto bad = client.receive_type("error");
    ASSERT_TRUE(bad);
    const std::string bad_code(bad->at("error").at("code").as_string());

    Seen seen;
    std::size_t appends = 0, samples = 0;
    // Turn 1; once its reply is playing, turn 2 cuts in (a barge-in).
    const auto first = utterance("platforms.wav", 300, 1200);
    send_audio(client, first);
    appends += appends_for(first);
    samples += first.size();
    while (auto ev = client.receive(30s)) {
        see(*ev, seen);
        if (ev->at("type").as_string() == "response.output_audio.delta") break;
    }
    ASSERT_EQ(seen.deltas, 1) << "the first reply never started";
    const auto second = utterance("platforms.wav", 100, 1500);
    send_audio(client, second);
    appends += appends_for(second);
    samples += second.size();
    // Until both replies have reported their timings.
    while (seen.timings < 2) {
        auto ev = client.receive(30s);
        ASSERT_TRUE(ev) << "waiting for the second reply: " << client.error();
        see(*ev, seen);
    }
    // Leave with a close handshake (a timed-out receive would tear the stream down instead).
    client.close();
    ASSERT_TRUE(wait_no_sessions(server.port())) << server.log();
    const Scrape after = scrape_metrics(server.port());
    auto d = [&](const std::string& series) { return metric_delta(before, after, series); };

    // The script went as planned: one barge-in, then a completed reply.
    ASSERT_EQ(seen.barge_ins, 1);
    ASSERT_EQ(seen.responses["cancelled"], 1);
    ASSERT_GE(seen.responses["completed"], 1);

    EXPECT_EQ(d("confab_sessions_admitted_total"), 1);
    EXPECT_EQ(d("confab_sessions_refused_total{reason=\"at_capacity\"}"), 1);
    EXPECT_EQ(d("confab_sessions_closed_total{reason=\"client_closed\"}"), 1);
    EXPECT_EQ(metric(after, "confab_sessions_active"), 0);
    EXPECT_EQ(d("confab_errors_sent_total{code=\"" + bad_code + "\"}"), 1);
    EXPECT_EQ(d("confab_errors_sent_total{code=\"server_at_capacity\"}"), 1);

    EXPECT_EQ(d("confab_turns_total"), seen.speech_stopped);
    EXPECT_EQ(d("confab_barge_ins_total"), 1);
    EXPECT_EQ(d("confab_responses_total{status=\"cancelled\"}"), 1);
    EXPECT_EQ(d("confab_responses_total{status=\"completed\"}"), seen.responses["completed"]);
    EXPECT_EQ(d("confab_llm_requests_total{backend=\"openai\",outcome=\"cancelled\"}"), 1);
    EXPECT_EQ(d("confab_llm_requests_total{backend=\"openai\",outcome=\"ok\"}"),
              seen.responses["completed"]);

    EXPECT_EQ(d(stage("end_of_turn")), seen.speech_stopped);
    EXPECT_EQ(d(stage("stt_final")), seen.transcripts);
    EXPECT_EQ(d(stage("barge_in_stop")), 1);
    for (const char* s : {"llm_first_token", "tts_first_audio", "speech_stopped_to_first_audio",
                          "end_of_speech_to_first_audio"}) {
        EXPECT_EQ(d(stage(s)), seen.stages[s]) << s;
        EXPECT_GE(seen.stages[s], 2) << s;  // both replies reached it
    }
    // The +Inf bucket holds every observation.
    EXPECT_EQ(d("confab_stage_latency_seconds_bucket{stage=\"barge_in_stop\",le=\"+Inf\"}"), 1);

    EXPECT_EQ(d("confab_audio_frames_total{direction=\"in\"}"), static_cast<double>(appends));
    EXPECT_EQ(d("confab_audio_bytes_total{direction=\"in\"}"), static_cast<double>(samples * 2));
    // Every delta made was either received or dropped with its cancelled reply.
    const double dropped = d("confab_drops_total{kind=\"stale_response_audio\"}");
    EXPECT_EQ(d("confab_audio_frames_total{direction=\"out\"}"), seen.deltas + dropped);
    EXPECT_GE(d("confab_audio_bytes_total{direction=\"out\"}"),
              static_cast<double>(seen.delta_bytes));
    if (dropped == 0) {
        EXPECT_EQ(d("confab_audio_bytes_total{direction=\"out\"}"),
                  static_cast<double>(seen.delta_bytes));
    }

    EXPECT_GE(d("confab_engine_queue_wait_seconds_count{pool=\"stt\"}"), seen.speech_stopped);
    EXPECT_GE(d("confab_engine_queue_wait_seconds_count{pool=\"tts\"}"), 2);
    EXPECT_GT(metric(after, "confab_engine_pool_workers{pool=\"stt\"}"), 0);
    EXPECT_GT(metric(after, "process_resident_memory_bytes"), 0);
    EXPECT_GT(metric(after, "process_cpu_seconds_total"), 0);
    EXPECT_GT(metric(after, "process_threads"), 1);
    EXPECT_GT(metric(after, "process_open_fds"), 2);
}

std::string find_promtool() {
    for (const char* p : {"/usr/bin/promtool", "/usr/local/bin/promtool"}) {
        if (std::filesystem::exists(p)) return p;
    }
    return {};
}

// promtool reads the exposition of a server that has served a spoken turn
// with a reply (every family then has samples).
TEST(Metrics, PromtoolAcceptsTheExposition) {
    const std::string promtool = find_promtool();
    if (promtool.empty())
        GTEST_SKIP() << "promtool is missing: apt-get install prometheus (scripts/setup does)";
    FakeLlmServer llm;
    ServerProcess server(with_fast_upload(
        {"--llm-base-url", llm.url(), "--llm-model", "test-model", "--stt-workers", "1"}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    client.send({{"type", "no.such.event"}});
    send_audio(client, utterance("platforms.wav", 300, 1200));
    ASSERT_TRUE(client.receive_type("confab.response.timings", 30s)) << client.error();

    const auto reply = http_get(server.port(), "/metrics");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
    const auto path = std::filesystem::temp_directory_path() /
                      ("confab_metrics_" + std::to_string(getpid()) + ".txt");
    std::ofstream(path) << reply.body;
    const std::string command = promtool + " check metrics < " + path.string() + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe) != nullptr) output += buf;
    const int status = pclose(pipe);
    std::filesystem::remove(path);
    EXPECT_EQ(status, 0) << output;
    EXPECT_EQ(output, "") << "promtool's lint found problems";
}

TEST(Metrics, OffMeansNoEndpointsAndTheVoiceLoopStillWorks) {
    FakeLlmServer llm;
    ServerProcess server(with_fast_upload(
        {"--llm-base-url", llm.url(), "--llm-model", "test-model", "--metrics=false"}));
    EXPECT_EQ(http_get(server.port(), "/metrics").status, 404);
    EXPECT_EQ(http_get(server.port(), "/dashboard").status, 404);
    EXPECT_EQ(http_get(server.port(), "/dashboard/data").status, 404);
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    client.send({{"type", "response.create"}});
    ASSERT_TRUE(client.receive_type("response.done", 20s)) << client.error();
}

TEST(Metrics, DashboardPageAndDataAreServed) {
    ServerProcess server({});
    const auto page = http_get(server.port(), "/dashboard");
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("/dashboard/data"), std::string::npos);
    // The first sample is taken at start-up.
    const auto data = http_get(server.port(), "/dashboard/data");
    ASSERT_EQ(data.status, 200);
    const auto j = json::parse(data.body).as_object();
    EXPECT_GE(j.at("points").as_array().size(), 1u);
    EXPECT_EQ(j.at("stages").as_array().size(), 7u);
}

}  // namespace
}  // namespace confab::test
