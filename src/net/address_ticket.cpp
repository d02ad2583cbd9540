#include "net/address_ticket.hpp"

namespace confab::net {

AddressTicket& AddressTicket::operator=(AddressTicket&& other) noexcept {
    if (this == &other) return *this;
    release();
    limits_ = other.limits_;
    address_ = other.address_;
    unauthenticated_ = other.unauthenticated_;
    other.limits_ = nullptr;
    other.unauthenticated_ = false;
    return *this;
}

AddressLimits::Decision AddressTicket::take_handshake(AddressLimits::Clock::time_point now) {
    if (limits_ == nullptr) return {};
    return limits_->take_handshake(address_, now);
}

void AddressTicket::authenticated() {
    if (limits_ == nullptr || !unauthenticated_) return;
    unauthenticated_ = false;
    limits_->authenticated(address_);
}

void AddressTicket::release() {
    if (limits_ == nullptr) return;
    limits_->release(address_, unauthenticated_);
    limits_ = nullptr;
    unauthenticated_ = false;
}

}  // namespace confab::net
