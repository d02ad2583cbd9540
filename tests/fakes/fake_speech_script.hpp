// What FakeSpeechServer is told to do for one request, and what it recorded
// of it. Plain values; see fake_speech_server.hpp.
#pragma once
#include <boost/json/value.hpp>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace confab::test {

// The two routes; each has its own queue of scripts and its own default.
enum class FakeSpeechRoute { speech, transcription };

struct FakeSpeechScript {
    enum class Mode {
        normal,      // real work: flite speaks `input` / pocketsphinx transcribes `file`
        canned,      // no CPU: a tone as long as the text would take to say / canned_text
        malformed,   // speech: a WAV header of 8-bit stereo (wav) or a JSON body (pcm);
                     // transcription: JSON cut inside a string, or (stream) an event that is not
                     // JSON
        empty_body,  // 200 and no body
        hang,        // reads the request, then never answers until the client leaves
    };
    Mode mode = Mode::normal;
    // Before the response head; for canned transcription, its whole latency.
    std::chrono::milliseconds first_byte_delay{0};
    int error_status = 0;  // non-zero: this status with an OpenAI-style error body
    std::string error_message = "the fake speech server failed";
    // normal/canned: closes the connection after this many bytes of the body
    // (before its sized or chunked end).
    std::optional<std::size_t> cut_after_bytes;
    // false: a Content-Length body (the response is made whole first).
    bool chunked = true;
    // Speech: audio leaves at this multiple of real time (1: as long as it
    // lasts); 0: as fast as it is made.
    double realtime_factor = 0;
    // Canned audio is sent in pieces of this length.
    int canned_chunk_ms = 40;
    std::string canned_text = "what is the weather like today";
};

struct FakeSpeechRequest {
    using Clock = std::chrono::steady_clock;

    FakeSpeechRoute route = FakeSpeechRoute::speech;
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    boost::json::value json;  // speech: the parsed body (null if not JSON)
    // Transcription: the form's fields other than the file, and the file.
    std::map<std::string, std::string> fields;
    std::string file_name, file_content_type;
    int file_sample_rate = 0;  // 0: not a WAV we could decode
    std::size_t file_samples = 0;
    std::size_t connection = 0;  // which accepted connection carried it

    Clock::time_point received_at;
    std::optional<Clock::time_point> first_byte_at;    // first body byte written
    std::optional<Clock::time_point> completed_at;     // the scripted response sent in full
    std::optional<Clock::time_point> disconnected_at;  // the client left mid-response
    std::size_t body_bytes_sent = 0;
    // What was answered: the transcript, or the audio's length and rate.
    std::string transcript;
    std::size_t audio_samples = 0;
    int audio_sample_rate = 0;

    bool completed() const { return completed_at.has_value(); }
    // The value of a header (case-insensitive name), or "" if absent.
    std::string header(std::string_view name) const;
};

}  // namespace confab::test
