#include "net/address_limits.hpp"

#include <cmath>

#include "net/address_ticket.hpp"

namespace confab::net {

namespace {
// A concurrency limit frees when one of the address's connections ends,
// which may be any moment: a client is told to wait a second.
constexpr std::chrono::seconds kConcurrencyRetry{1};
}  // namespace

AddressLimits::AddressLimits(Options options) : options_(options) {}

AddressTicket AddressLimits::admit(const Address& address, Clock::time_point now,
                                   Decision& decision) {
    // Every limit off: nothing to count, nor any address to track.
    if (options_.max_connections <= 0 && options_.max_unauthenticated <= 0 &&
        options_.handshakes_per_second <= 0) {
        decision = {};
        return {};
    }
    std::lock_guard lock(mutex_);
    prune(now);
    auto it = entries_.find(address);
    if (it == entries_.end()) {
        if (entries_.size() >= options_.max_addresses) {
            if (idle_.empty()) {
                decision = {Refusal::tracked_addresses, kConcurrencyRetry};
                return {};
            }
            // Forgetting an idle address costs only its handshake history.
            entries_.erase(idle_.front());
            idle_.pop_front();
        }
        it = entries_.emplace(address, Entry{}).first;
    }
    Entry& entry = it->second;
    if (options_.max_connections > 0 && entry.connections >= options_.max_connections) {
        decision = {Refusal::connections, kConcurrencyRetry};
        return {};
    }
    if (options_.max_unauthenticated > 0 && entry.unauthenticated >= options_.max_unauthenticated) {
        decision = {Refusal::unauthenticated, kConcurrencyRetry};
        return {};
    }
    ++entry.connections;
    ++entry.unauthenticated;
    if (entry.idle) {
        idle_.erase(*entry.idle);
        entry.idle.reset();
    }
    decision = {};
    return AddressTicket(*this, address);
}

AddressLimits::Decision AddressLimits::take_handshake(const Address& address,
                                                      Clock::time_point now) {
    if (options_.handshakes_per_second <= 0) return {};
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(address);
    if (it == entries_.end()) return {};  // a ticket's address always has an entry
    auto& bucket = it->second.handshakes;
    if (!bucket) bucket.emplace(options_.handshake_burst, options_.handshakes_per_second, now);
    if (bucket->try_take(1, now)) return {};
    const auto wait = std::ceil(bucket->seconds_until(1, now));
    return {Refusal::handshakes, std::chrono::seconds(std::max<long>(1, static_cast<long>(wait)))};
}

void AddressLimits::authenticated(const Address& address) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(address);
    if (it != entries_.end() && it->second.unauthenticated > 0) --it->second.unauthenticated;
}

void AddressLimits::release(const Address& address, bool unauthenticated) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(address);
    if (it == entries_.end()) return;
    Entry& entry = it->second;
    if (entry.connections > 0) --entry.connections;
    if (unauthenticated && entry.unauthenticated > 0) --entry.unauthenticated;
    if (entry.connections > 0 || entry.idle) return;
    // Nothing to remember of an address that never upgraded; one that did
    // is kept until its bucket has refilled (prune), so that closing and
    // reopening does not reset its handshake rate.
    if (!entry.handshakes) {
        entries_.erase(it);
        return;
    }
    entry.idle = idle_.insert(idle_.end(), address);
}

bool AddressLimits::is_refilled(Entry& entry, Clock::time_point now) const {
    return !entry.handshakes || entry.handshakes->seconds_to_full(now) <= 0;
}

void AddressLimits::prune(Clock::time_point now) {
    // Oldest first; one not refilled yet stops the walk (the next call goes on).
    while (!idle_.empty()) {
        const auto it = entries_.find(idle_.front());
        if (it != entries_.end()) {
            if (!is_refilled(it->second, now)) break;
            entries_.erase(it);
        }
        idle_.pop_front();
    }
}

std::size_t AddressLimits::tracked(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    prune(now);
    return entries_.size();
}

AddressLimits::Counts AddressLimits::counts(const Address& address) const {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(address);
    if (it == entries_.end()) return {};
    return {it->second.connections, it->second.unauthenticated};
}

}  // namespace confab::net
