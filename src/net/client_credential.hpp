// The credential a Realtime client presented on the upgrade, and where it
// came from: `Authorization: Bearer <key>` (servers, Node SDKs) or the
// subprotocol `openai-insecure-api-key.<key>` (browsers, which cannot set
// headers). Nowhere else: a query string ends up in proxies' logs.
//
// Kept on the connection for the authentication of issue 15; nothing checks
// it yet. The secret is never logged, echoed or counted: only `source_name()`
// may appear in logs. A plain value, owned by the connection (its strand).
#pragma once
#include <boost/beast/http/fields.hpp>
#include <string>
#include <string_view>

#include "net/subprotocol_offer.hpp"

namespace confab::net {

class ClientCredential {
public:
    enum class Source { none, bearer, subprotocol };

    ClientCredential() = default;
    // The header wins when both are given: it is the channel meant for
    // credentials (the subprotocol one is, by its name, insecure).
    static ClientCredential from(const boost::beast::http::fields& headers,
                                 const SubprotocolOffer& offer);

    Source source() const { return source_; }
    bool present() const { return source_ != Source::none; }
    // "bearer", "subprotocol" or "none": what logs may say.
    std::string_view source_name() const;
    // The key itself. Compare it; never log, echo or count it.
    const std::string& secret() const { return secret_; }

private:
    ClientCredential(Source source, std::string secret)
        : source_(source), secret_(std::move(secret)) {}

    Source source_ = Source::none;
    std::string secret_;
};

}  // namespace confab::net
