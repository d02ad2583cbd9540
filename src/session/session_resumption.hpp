// One connection's part in resuming conversations (the
// `confab.session.resume_token` extension in docs/protocol.md): at start it
// restores the conversation a resume token names, or says the token is
// invalid, and hands the client a fresh single-use token; when the
// connection ends it parks the session's state under that token.
//
// Owned by the WebSocket connection; used only on its strand. The store it
// parks in is shared and thread-safe.
#pragma once
#include <string>

#include "pipeline/event_sink.hpp"
#include "session/realtime_session.hpp"
#include "session/resume_store.hpp"

namespace confab::session {

class SessionResumption {
public:
    SessionResumption(ResumeStore& store, pipeline::EventSink& sink) : store_(store), sink_(sink) {}

    // Who the session belongs to (the API key's id; "" with auth off): set
    // before start(). Only the same owner resumes what it parked.
    void set_owner(std::string owner) { owner_ = std::move(owner); }
    // Restores what `requested_token` names (if anything), sends
    // session.created, then `confab.session.resumed` or a
    // `resume_token_invalid` error, then a fresh token.
    void start(RealtimeSession& session, const std::string& requested_token);
    // Keeps the session's conversation and config for the resume window.
    void park(RealtimeSession& session);

private:
    ResumeStore& store_;
    pipeline::EventSink& sink_;
    std::string token_;  // the one the client holds; empty when resuming is off
    std::string owner_;
};

}  // namespace confab::session
