// The one cross-session object besides the engine pools: who is connected.
//
// Holds ids, creation and last-activity times and a weak handle to each
// session's control; enforces the session limit and the draining state.
// Thread-safe (one short mutex); sessions on any strand call it.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "session/session_control.hpp"

namespace confab::session {

class SessionRegistry {
public:
    using Clock = std::chrono::steady_clock;

    struct Info {
        std::string id;
        std::string model;
        Clock::time_point created;
    };

    // RAII membership: the session is counted while this lives.
    class Membership {
    public:
        Membership(SessionRegistry& registry, std::string id)
            : registry_(&registry), id_(std::move(id)) {}
        Membership(Membership&& other) noexcept
            : registry_(other.registry_), id_(std::move(other.id_)) {
            other.registry_ = nullptr;
        }
        Membership& operator=(Membership&&) = delete;
        Membership(const Membership&) = delete;
        ~Membership();
        const std::string& id() const { return id_; }

    private:
        SessionRegistry* registry_;
        std::string id_;
    };

    enum class Refusal { none, at_capacity, overloaded, draining };
    // Says why the engines cannot take another session ("" if they can).
    using LoadCheck = std::function<std::string()>;

    explicit SessionRegistry(std::size_t max_sessions) : max_sessions_(max_sessions) {}

    // Admits a session unless the server is full or draining.
    std::unique_ptr<Membership> try_admit(const std::string& id, const std::string& model,
                                          std::weak_ptr<SessionControl> control, Refusal& why);

    std::size_t size() const;
    std::size_t max_sessions() const { return max_sessions_; }
    // Installed once at start, before any session is admitted.
    void set_load_check(LoadCheck check) { load_check_ = std::move(check); }
    // Why the engines are refusing new sessions now ("" if they are not).
    std::string overload_reason() const { return load_check_ ? load_check_() : std::string{}; }
    bool accepting() const;  // what /readyz reports: not draining, not full, not overloaded
    bool draining() const;
    std::vector<Info> snapshot() const;

    // Stops admitting; `on_empty` runs (on the thread that removed the last
    // session, or at once) when no session is left.
    void begin_drain(std::function<void()> on_empty);
    // Calls `fn` for every live session's control, outside the lock.
    void for_each_control(const std::function<void(SessionControl&)>& fn) const;

private:
    struct Entry {
        Info info;
        std::weak_ptr<SessionControl> control;
    };
    void remove(const std::string& id);

    const std::size_t max_sessions_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    bool draining_ = false;
    std::function<void()> on_empty_;
    LoadCheck load_check_;
};

}  // namespace confab::session
