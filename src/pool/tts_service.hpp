// What a response asks of speech synthesis: run a job (queued fairly per
// session), and drop a response's jobs when it is cancelled. The embedded
// engines' TtsPool and the remote servers' RemoteTts are the two
// implementations; a response does not know which speaks.
//
// Threads: thread-safe; submit() and cancel() are called on session strands.
// A job's callbacks may run on any thread (a worker, an I/O thread): they
// copy and post to their session's strand.
#pragma once
#include <string>

#include "pool/tts_job.hpp"

namespace confab::pool {

class TtsService {
public:
    virtual ~TtsService() = default;
    // False when the job was refused (a full queue); it is then not run.
    virtual bool submit(const std::string& session_key, TtsJob job) = 0;
    // Stops the response's jobs (`tag`): queued ones are erased, a running
    // one stops as soon as it can (its job.cancelled is set by the owner
    // too). Returns how many queued jobs were erased.
    virtual std::size_t cancel(const std::string& session_key, const std::string& tag) = 0;
};

}  // namespace confab::pool
