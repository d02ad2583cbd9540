// What speech input asks of speech-to-text: take an utterance's SttStream
// and deliver its partials and final transcript through the stream's
// callbacks. The embedded decoders' SttPool and the remote servers'
// RemoteStt are the two implementations.
//
// Threads: thread-safe; submit() is called on session strands.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

#include "pool/stt_stream.hpp"

namespace confab::pool {

class SttService {
public:
    virtual ~SttService() = default;
    // The only rate the stream's audio may have.
    virtual int sample_rate() const = 0;
    // How much audio wakes the consumer of a stream (SttStream's min batch).
    virtual std::size_t batch_samples() const = 0;
    // False if the stream was refused (a full queue).
    virtual bool submit(const std::string& session_key, std::shared_ptr<SttStream> stream) = 0;
};

}  // namespace confab::pool
