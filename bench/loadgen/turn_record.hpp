// What one turn of one simulated user measured, for the per-turn log in the
// JSON results (the aggregate percentiles lose which recording was slow).
#pragma once
#include <map>
#include <string>

namespace confab::bench {

struct TurnRecord {
    int user = 0;
    std::string utterance;   // recording file name
    double start_s = 0;      // when the user started speaking, seconds into the run
    std::string outcome;     // completed, interrupted, unfinished, or the failure reason
    std::string transcript;  // the server's final transcript
    int underruns = 0;
    std::map<std::string, double> latency_ms;  // client-side, as in BenchResults::latency
    std::map<std::string, double> server_ms;   // the reply's confab.response.timings
};

}  // namespace confab::bench
