// What a WebSocket client offered in `Sec-WebSocket-Protocol`, and the one
// subprotocol the server echoes back (docs/protocol.md, "Subprotocols").
//
// Browsers cannot set headers on a WebSocket, so the OpenAI SDKs put their
// credential in a subprotocol: `['realtime', 'openai-insecure-api-key.<key>',
// 'openai-beta.realtime-v1', 'openai-agents-sdk.<version>']`. RFC 6455 clients
// (every browser, Node's `ws`) abort a handshake whose answer names no
// protocol after they offered some, so the server must echo one: `realtime`,
// never the key. A plain value; parsed once per upgrade on the connection's
// strand. It holds the offered key: never log or echo `api_key()`.
#pragma once
#include <boost/beast/http/fields.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace confab::net {

class SubprotocolOffer {
public:
    static constexpr std::string_view kRealtime = "realtime";

    // Reads every `Sec-WebSocket-Protocol` line of the request (a client may
    // send several; each is a comma-separated list).
    static SubprotocolOffer parse(const boost::beast::http::fields& headers);
    // Adds one header line's comma-separated list.
    void add(std::string_view header_value);

    // Nothing was offered: the upgrade goes on with no protocol in the answer.
    bool empty() const { return offered_ == 0; }
    // The protocol to echo: `realtime` when offered, else none.
    std::optional<std::string_view> selected() const {
        if (realtime_) return kRealtime;
        return std::nullopt;
    }
    // An offer without `realtime` is refused before the upgrade: the client
    // would abort an answer that names none of its protocols, and echoing one
    // that Confab does not speak (or the key) would be a lie.
    bool acceptable() const { return empty() || realtime_; }
    // What the refusal of an unacceptable offer says (400 unsupported_subprotocol).
    static constexpr std::string_view kUnacceptable =
        "None of the offered WebSocket subprotocols is supported: offer \"realtime\" (a key "
        "may be given as \"openai-insecure-api-key.<key>\"), or offer none.";

    // The key of `openai-insecure-api-key.<key>` (the first one, if several).
    const std::optional<std::string>& api_key() const { return api_key_; }
    // `<version>` of `openai-agents-sdk.<version>`, if offered.
    const std::optional<std::string>& agents_sdk_version() const { return agents_sdk_version_; }
    bool beta_realtime_v1() const { return beta_realtime_v1_; }
    // How many offered protocols Confab does not know (ignored).
    int unknown() const { return unknown_; }

private:
    void add_protocol(std::string_view protocol);

    int offered_ = 0;
    int unknown_ = 0;
    bool realtime_ = false;
    bool beta_realtime_v1_ = false;
    std::optional<std::string> api_key_;
    std::optional<std::string> agents_sdk_version_;
};

}  // namespace confab::net
