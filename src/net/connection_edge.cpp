#include "net/connection_edge.hpp"

#include <boost/beast/http/field.hpp>
#include <vector>

#include "metrics/metrics.hpp"
#include "net/forwarded_for.hpp"
#include "util/ip_network.hpp"
#include "util/log.hpp"

namespace confab::net {
namespace http = boost::beast::http;
namespace ip = boost::asio::ip;

ConnectionEdge::ConnectionEdge(ServerContext& context, const ip::address& peer)
    : context_(context), connection_client_{normalize(peer), false}, client_(connection_client_) {}

bool ConnectionEdge::is_trusted(const ip::address& address) const {
    return context_.trusted_proxies != nullptr && context_.trusted_proxies->contains(address);
}

bool ConnectionEdge::expects_proxy_header() const {
    return context_.config.server.proxy_protocol && is_trusted(connection_client_.address);
}

void ConnectionEdge::set_proxy_source(const std::optional<ip::address>& source) {
    if (source) connection_client_ = {normalize(*source), true};
    client_ = connection_client_;
}

std::optional<EdgeRefusal> ConnectionEdge::count(const ClientAddress& client) {
    client_ = client;
    if (is_trusted(client.address)) {
        ticket_.release();  // a proxy's own request
        return std::nullopt;
    }
    if (context_.address_limits == nullptr) return std::nullopt;
    if (ticket_.holds() && ticket_.address() == client.address) return std::nullopt;
    AddressLimits::Decision decision;
    auto ticket =
        context_.address_limits->admit(client.address, AddressLimits::Clock::now(), decision);
    if (!decision) {
        retry_after_ = decision.retry_after;
        return edge_refusal_of(decision.refusal);
    }
    ticket_ = std::move(ticket);
    return std::nullopt;
}

std::optional<EdgeRefusal> ConnectionEdge::on_accept() {
    // A trusted proxy's connection is counted per request, by X-Forwarded-For.
    if (is_trusted(connection_client_.address)) return std::nullopt;
    return count(connection_client_);
}

std::optional<EdgeRefusal> ConnectionEdge::on_request(const Head& head) {
    ClientAddress client = connection_client_;
    if (is_trusted(client.address)) {
        std::vector<std::string_view> values;
        const auto [first, last] = head.equal_range("X-Forwarded-For");
        for (auto it = first; it != last; ++it) values.push_back(it->value());
        if (!values.empty()) {
            client.address =
                client_from_forwarded_for(client.address, values, *context_.trusted_proxies);
            client.via_proxy = true;
        }
    }
    return count(client);
}

std::optional<EdgeRefusal> ConnectionEdge::on_upgrade() {
    const auto decision = ticket_.take_handshake(AddressLimits::Clock::now());
    if (decision) return std::nullopt;
    retry_after_ = decision.retry_after;
    return edge_refusal_of(decision.refusal);
}

void ConnectionEdge::record(std::string_view reason, const Head* head) const {
    if (context_.metrics != nullptr) context_.metrics->http_refused(reason).inc();
    const std::string address = client_.text();
    // Debug, not warn: a flood of refusals must not flood the log. The
    // metrics count them and the audit log coalesces them.
    log::debug("request refused at the edge", {{"reason", reason}, {"address", address}});
    if (context_.audit == nullptr) return;
    AuditEntry entry;
    entry.event = "excess_rate_limit_exceeded";
    entry.level = "WARN";
    entry.source_address = address;
    entry.reason = std::string(reason);
    if (head != nullptr) {
        entry.origin = std::string((*head)[http::field::origin]);
        entry.user_agent = std::string((*head)[http::field::user_agent]);
    }
    context_.audit->record(std::move(entry));
}

}  // namespace confab::net
