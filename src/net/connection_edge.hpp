// The edge checks of one accepted connection, before any session: who its
// client is (the TCP peer, or whom a trusted proxy names: PROXY header,
// X-Forwarded-For), its place in the per-address limits (an AddressTicket),
// and the record of each refusal (metrics, audit log, debug log).
//
// A direct client is counted at accept. A trusted proxy's connection is
// counted per request, against the client its X-Forwarded-For names (a
// proxy may carry several clients' requests over one connection); a request
// whose client is itself a trusted proxy (its health checks) is not limited.
//
// Lives in its connection's coroutine (serve_connection, serve_http) and is
// used on its strand only; the ticket moves on to the WebSocket.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <chrono>
#include <optional>
#include <string_view>

#include "net/address_ticket.hpp"
#include "net/client_address.hpp"
#include "net/edge_refusal.hpp"
#include "net/server_context.hpp"

namespace confab::net {

class ConnectionEdge {
public:
    using Head = boost::beast::http::request_header<>;

    ConnectionEdge(ServerContext& context, const boost::asio::ip::address& peer);

    const ServerContext& context() const { return context_; }
    // The TCP peer is a trusted proxy, which must open with a PROXY header
    // when server.proxy_protocol is on.
    bool expects_proxy_header() const;
    // The client a PROXY header named (nullopt: LOCAL/UNKNOWN, the peer itself).
    void set_proxy_source(const std::optional<boost::asio::ip::address>& source);

    // At accept, after any PROXY header: counts a direct client.
    std::optional<EdgeRefusal> on_accept();
    // A request head has been read: resolves its client and moves the
    // ticket to it (a trusted proxy's connection).
    std::optional<EdgeRefusal> on_request(const Head& head);
    // The request asks for a WebSocket: one handshake of its client.
    std::optional<EdgeRefusal> on_upgrade();

    // The client of the current request (before any: of the connection).
    const ClientAddress& client() const { return client_; }
    // When a refused client may try again (the last refusal of the limits).
    std::chrono::seconds retry_after() const { return retry_after_; }
    AddressTicket take_ticket() { return std::move(ticket_); }

    // Counts, audits and logs a refusal; `head` (if read) gives the audit
    // entry its user agent and origin.
    void record(std::string_view reason, const Head* head) const;

private:
    bool is_trusted(const boost::asio::ip::address& address) const;
    std::optional<EdgeRefusal> count(const ClientAddress& client);

    ServerContext& context_;
    ClientAddress connection_client_;  // the TCP peer, or the PROXY header's client
    ClientAddress client_;
    AddressTicket ticket_;
    std::chrono::seconds retry_after_{0};
};

}  // namespace confab::net
