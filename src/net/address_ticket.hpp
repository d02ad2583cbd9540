// One connection's place in the per-address limits (AddressLimits): while it
// lives, its address has one more open connection, and one more
// unauthenticated connection until authenticated() is called.
//
// Movable, not copyable; an empty ticket (default-constructed, or the limits
// are off, or the peer is a trusted proxy whose client is not known yet)
// counts nothing and every call on it succeeds. Used on its connection's
// strand only; the limits it points to outlive it (owned by Server).
#pragma once
#include <boost/asio/ip/address.hpp>
#include <chrono>

#include "net/address_limits.hpp"

namespace confab::net {

class AddressTicket {
public:
    AddressTicket() = default;
    AddressTicket(AddressTicket&& other) noexcept { *this = std::move(other); }
    AddressTicket& operator=(AddressTicket&& other) noexcept;
    AddressTicket(const AddressTicket&) = delete;
    AddressTicket& operator=(const AddressTicket&) = delete;
    ~AddressTicket() { release(); }

    bool holds() const { return limits_ != nullptr; }
    const boost::asio::ip::address& address() const { return address_; }
    bool unauthenticated() const { return unauthenticated_; }

    // A WebSocket upgrade of this connection: takes one token of its
    // address's handshake bucket, or says when one will be there.
    AddressLimits::Decision take_handshake(AddressLimits::Clock::time_point now);
    // The connection became an admitted session: it no longer counts
    // against the unauthenticated limit. Once; later calls do nothing.
    void authenticated();
    // Gives the place back now (the destructor does it otherwise).
    void release();

private:
    friend class AddressLimits;
    AddressTicket(AddressLimits& limits, boost::asio::ip::address address)
        : limits_(&limits), address_(address), unauthenticated_(true) {}

    AddressLimits* limits_ = nullptr;
    boost::asio::ip::address address_;
    bool unauthenticated_ = false;
};

}  // namespace confab::net
