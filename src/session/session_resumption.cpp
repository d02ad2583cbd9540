#include "session/session_resumption.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

#include "protocol/server_events.hpp"
#include "util/log.hpp"

namespace confab::session {
namespace asio = boost::asio;
namespace events = protocol::events;

asio::awaitable<std::optional<ResumableSession>> SessionResumption::take(
    const std::string& requested_token) {
    if (requested_token.empty() || !store_.enabled()) co_return std::nullopt;
    auto executor = co_await asio::this_coro::executor;
    // The store calls back on `executor` (the connection's strand), where
    // the coroutine resumes.
    auto initiation = [this, &requested_token, executor](auto handler) {
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        store_.take(
            requested_token, owner_, executor,
            [shared](std::optional<ResumableSession> state) { (*shared)(std::move(state)); });
    };
    // Named, not a temporary inside co_await (g++ 12: docs/engines.md).
    auto state = co_await asio::async_initiate<const asio::use_awaitable_t<>&,
                                               void(std::optional<ResumableSession>)>(
        initiation, asio::use_awaitable);
    co_return state;
}

void SessionResumption::start(RealtimeSession& session, const std::string& requested_token,
                              std::optional<ResumableSession> resumed) {
    const bool interrupted = resumed && resumed->reply_interrupted;
    // Restored first, so that session.created already shows the resumed config.
    if (resumed) session.restore(std::move(*resumed));
    // What the session holds: a dead reply's partial items are not restored.
    const std::size_t item_count = session.conversation().items().size();
    session.start();
    const bool restart = interrupted && session.owes_reply();

    if (resumed) {
        log::info("session resumed", {{"session", session.id()},
                                      {"items", std::to_string(item_count)},
                                      {"reply_interrupted", interrupted ? "true" : "false"}});
        sink_.send_event(events::session_resumed(item_count, restart));
    } else if (!requested_token.empty()) {
        log::info("resume token invalid", {{"session", session.id()}});
        sink_.send_event(events::error(
            protocol::ProtocolError{"resume_token_invalid",
                                    "The conversation to resume is gone (unknown, already used or "
                                    "expired token); this is a new session.",
                                    "confab_resume", ""}));
    }
    if (!store_.enabled()) return;
    token_ = store::SessionStore::new_token();
    sink_.send_event(events::session_resume_token(token_, store_.window()));
    session.attach_journal(
        store_.open(token_, owner_, session.strand(), [&session] { return session.snapshot(); }));
    // The user's last turn was never answered whole: its node died while
    // answering. Answered again here, as if the client had asked.
    if (restart) session.handle(protocol::ClientEvent{protocol::ResponseCreate{}});
}

void SessionResumption::park(RealtimeSession& session) {
    session.park();
    token_.clear();
}

}  // namespace confab::session
