#include "net/admission_refusal.hpp"

#include <boost/beast/websocket/rfc6455.hpp>

namespace confab::net {
namespace websocket = boost::beast::websocket;

AdmissionRefusal admission_refusal(session::SessionRegistry::Refusal why,
                                   const session::SessionRegistry& registry) {
    using Refusal = session::SessionRegistry::Refusal;
    constexpr int kTryAgainLater = static_cast<int>(websocket::close_code::try_again_later);
    switch (why) {
        case Refusal::draining:
            // The node is going away, not full: 1001, so a client retries elsewhere at once.
            return {"server_shutting_down",
                    "The server is shutting down; try another server or retry shortly.",
                    static_cast<int>(websocket::close_code::going_away), "server shutting down",
                    "draining"};
        case Refusal::overloaded:
            return {"server_at_capacity",
                    "The server is at capacity: its speech engines are saturated (" +
                        registry.overload_reason() + "); retry shortly or use another server.",
                    kTryAgainLater, "server at capacity", "overloaded"};
        case Refusal::at_capacity:
        case Refusal::none:
            break;
    }
    return {"server_at_capacity",
            "The server is at capacity (" + std::to_string(registry.max_sessions()) +
                " sessions); retry shortly.",
            kTryAgainLater, "server at capacity", "at_capacity"};
}

}  // namespace confab::net
