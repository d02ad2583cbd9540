// The web page's login: a user's name and password (auth.users_file) buy a
// short-lived client secret of the user's API key (net/auth_routes.cpp).
//
// Checking a password costs PBKDF2's iterations (~0.1–0.5 s of CPU), which
// must not stall an I/O thread that carries other people's audio: check()
// hops onto the service's own thread and back. At most kMaxInFlight checks
// run or wait at once; beyond that a login is refused as busy (429), so a
// guessing flood costs one core at most.
//
// Threads: check() from any coroutine; reload() from the server's signal strand.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <memory>
#include <string>
#include <vector>

#include "auth/user_file.hpp"
#include "config/config.hpp"

namespace confab::auth {

class LoginService {
public:
    static constexpr int kMaxInFlight = 4;

    // Loads auth.users_file if set; throws std::runtime_error with its problems.
    explicit LoginService(const AuthConfig& config);
    ~LoginService();

    bool enabled() const { return enabled_; }
    // Re-reads the users file; on problems keeps the users as they were.
    std::vector<std::string> reload();

    enum class Outcome { ok, wrong, busy };
    struct Result {
        Outcome outcome = Outcome::wrong;
        std::string key_id;  // when ok
    };
    boost::asio::awaitable<Result> check(std::string name, std::string password);

private:
    const AuthConfig& config_;
    const bool enabled_;
    std::atomic<std::shared_ptr<const UserFile>> users_;
    std::atomic<int> in_flight_{0};
    boost::asio::thread_pool pool_{1};
};

}  // namespace confab::auth
