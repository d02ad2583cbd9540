// Everything the simulated users measure, gathered in one place.
//
// Owned by main; written by every SimulatedUser and the ServerSampler, all
// on the one I/O thread of the load generator, so it needs no locks.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "loadgen/latency_series.hpp"
#include "loadgen/turn_record.hpp"

namespace confab::bench {

struct BenchResults {
    // Client-side latencies by name (see bench_report.cpp for the list).
    std::map<std::string, LatencySeries> latency;
    // The server's own stage timings (confab.response.timings) of each turn's reply.
    std::map<std::string, LatencySeries> server_timings;

    // Connections
    int users_connected = 0;
    int rejections = 0;        // server_at_capacity, or closed with 1013 at connect
    int connect_failures = 0;  // TCP or handshake failed
    int disconnects = 0;       // the connection ended before the run did

    // Turns
    int turns_started = 0;
    int turns_completed = 0;  // the reply arrived and was played (or interrupted by us)
    int turns_interrupted = 0;
    int turns_failed = 0;
    int turns_unfinished = 0;             // still in flight when the run ended
    int turns_abandoned = 0;              // the user hung up mid-reply on purpose (soak)
    std::map<std::string, int> failures;  // by reason
    std::vector<TurnRecord> turn_log;     // every settled turn, in order

    // Server behaviour seen by the users
    std::map<std::string, int> errors;      // every `error` event, by code
    int split_turns = 0;                    // speech_stopped while the user was still speaking
    int premature_responses = 0;            // response.created while the user was still speaking
    int premature_responses_completed = 0;  // ...and never cancelled: spoken over the user
    int late_turn_ends = 0;      // speech_stopped not within --silence-ms of the end of speech
    int stray_audio_deltas = 0;  // audio of a response that was not the turn's reply

    // Playback (simulated jitter buffer)
    int underruns = 0;
    int replies_played = 0;

    // Barge-in
    int interrupts = 0;
    int interrupts_after_done = 0;  // the reply had been sent in full: nothing to cancel

    // Speech duty cycle: how much of a connected user's time is spent speaking
    // (converts the bare engine's real-time streams into users; see README).
    double speech_audio_s = 0;    // recording audio sent (every frame of each recording)
    double voiced_audio_s = 0;    // the part of it from first to last voiced frame
    double user_connected_s = 0;  // session.created → the user's end, summed over users

    // Soak: how sessions ended on purpose (the rest ended after their turn)
    int sessions_left_mid_reply = 0;     // closing handshake while the reply played
    int sessions_dropped_mid_reply = 0;  // TCP closed without a close frame

    // Load generator health: lateness of the 20 ms frame clock
    LatencySeries tick_lateness_ms;

    // Server process
    LatencySeries server_cpu_percent;  // one sample a second; 100 = one core
    double server_rss_max_mb = 0;
    LatencySeries machine_cpu_percent;  // all processes; 100 = every core busy
};

}  // namespace confab::bench
