// Limits per client address, before any session exists: open connections,
// connections that are not (yet) an admitted session ("unauthenticated"),
// and WebSocket handshakes per second (a token bucket). What they keep out
// is one address holding the server's sockets, memory and handshake work:
// sessions themselves are bounded by the registry and per key.
//
// A connection holds an AddressTicket (RAII) for its client address: it is
// counted as open and unauthenticated while the ticket lives, until
// WebSocketConnection::run() marks it authenticated on admission.
//
// Memory is bounded: an address has an entry only while it has an open
// connection or its handshake bucket is not full again. An entry left with
// no connection is dropped at once if it never upgraded; otherwise it goes
// on an idle list and is dropped once its bucket has refilled (checked on
// every call, oldest first: at most burst / rate seconds later). At most `max_addresses` entries: a
// new address arriving when that many are tracked first evicts the oldest
// idle entry (forgetting only its handshake history); if every tracked
// address holds a connection, the new address is refused
// (Refusal::tracked_addresses): with that many addresses connected the
// server is past what one node serves anyway, and failing closed keeps an
// attacker with many addresses from escaping every limit.
//
// Owned by Server, reached through ServerContext. Thread-safe (one mutex;
// every call is a few map operations). Time is passed in.
#pragma once
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "util/token_bucket.hpp"

namespace confab::net {

class AddressTicket;

class AddressLimits {
public:
    using Clock = std::chrono::steady_clock;
    using Address = boost::asio::ip::address;

    struct Options {
        int max_connections = 32;       // 0: no limit
        int max_unauthenticated = 16;   // 0: no limit
        int handshakes_per_second = 5;  // 0: no limit
        int handshake_burst = 10;
        std::size_t max_addresses = 65536;
    };
    enum class Refusal { none, connections, unauthenticated, handshakes, tracked_addresses };
    struct Decision {
        Refusal refusal = Refusal::none;
        std::chrono::seconds retry_after{0};  // when trying again may succeed (at least 1 s)
        explicit operator bool() const { return refusal == Refusal::none; }
    };

    explicit AddressLimits(Options options);
    AddressLimits(const AddressLimits&) = delete;
    AddressLimits& operator=(const AddressLimits&) = delete;

    // A new connection of `address`: counted as open and unauthenticated.
    // Refused (an empty ticket, `decision` says why) over either limit.
    // With every limit off, an empty ticket and no refusal: nothing is tracked.
    AddressTicket admit(const Address& address, Clock::time_point now, Decision& decision);

    // Entries kept now (after dropping those idle and refilled).
    std::size_t tracked(Clock::time_point now);
    // What one address holds now (tests, diagnostics).
    struct Counts {
        int connections = 0;
        int unauthenticated = 0;
    };
    Counts counts(const Address& address) const;

private:
    friend class AddressTicket;
    struct Entry {
        int connections = 0;
        int unauthenticated = 0;
        std::optional<TokenBucket> handshakes;             // made on the first handshake
        std::optional<std::list<Address>::iterator> idle;  // its place on idle_, if idle
    };

    Decision take_handshake(const Address& address, Clock::time_point now);
    void authenticated(const Address& address);
    void release(const Address& address, bool unauthenticated);
    void prune(Clock::time_point now);  // under mutex_
    bool is_refilled(Entry& entry, Clock::time_point now) const;

    const Options options_;
    mutable std::mutex mutex_;
    std::unordered_map<Address, Entry> entries_;
    std::list<Address> idle_;  // entries with no connection, oldest first
};

}  // namespace confab::net
