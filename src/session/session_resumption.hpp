// One connection's part in resuming conversations (the
// `confab.session.resume_token` extension in docs/protocol.md): at start it
// restores the conversation a resume token names, or says the token is
// invalid, hands the client a fresh single-use token and opens the session's
// journal in the store under it; when the connection ends the session parks
// its state there.
//
// Owned by the WebSocket connection; used only on its strand. The store is
// shared and thread-safe.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>

#include "pipeline/event_sink.hpp"
#include "session/realtime_session.hpp"
#include "store/session_store.hpp"

namespace confab::session {

class SessionResumption {
public:
    SessionResumption(store::SessionStore& store, pipeline::EventSink& sink)
        : store_(store), sink_(sink) {}

    // Who the session belongs to (the API key's id; "" with auth off): set
    // before take(). Only the same owner resumes what it parked.
    void set_owner(std::string owner) { owner_ = std::move(owner); }
    // What `requested_token` names, if anything, from the store (which may
    // be remote: the coroutine waits, its strand does not).
    boost::asio::awaitable<std::optional<ResumableSession>> take(
        const std::string& requested_token);
    // Restores `resumed` (what take() found for `requested_token`), sends
    // session.created, then `confab.session.resumed` or a
    // `resume_token_invalid` error, then a fresh token; a reply that died
    // with its node is made again.
    void start(RealtimeSession& session, const std::string& requested_token,
               std::optional<ResumableSession> resumed);
    // Keeps the session's conversation and config for the resume window.
    void park(RealtimeSession& session);

private:
    store::SessionStore& store_;
    pipeline::EventSink& sink_;
    std::string token_;  // the one the client holds; empty when resuming is off
    std::string owner_;
};

}  // namespace confab::session
