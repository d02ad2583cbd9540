#include "auth/login_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>

namespace confab::auth {
namespace asio = boost::asio;

LoginService::LoginService(const AuthConfig& config)
    : config_(config), enabled_(!config.users_file.empty()) {
    users_.store(std::make_shared<const UserFile>());
    if (!enabled_) return;
    std::vector<std::string> errors;
    auto users = UserFile::load(config.users_file, errors);
    if (!errors.empty()) {
        std::string all;
        for (const auto& e : errors) all += "\n  " + e;
        throw std::runtime_error("auth.users_file has problems:" + all);
    }
    users_.store(std::make_shared<const UserFile>(std::move(users)));
}

LoginService::~LoginService() {
    pool_.join();
}

std::vector<std::string> LoginService::reload() {
    std::vector<std::string> errors;
    if (!enabled_) return errors;
    auto users = UserFile::load(config_.users_file, errors);
    if (errors.empty()) users_.store(std::make_shared<const UserFile>(std::move(users)));
    return errors;
}

asio::awaitable<LoginService::Result> LoginService::check(std::string name, std::string password) {
    if (in_flight_.fetch_add(1) >= kMaxInFlight) {
        in_flight_.fetch_sub(1);
        co_return Result{Outcome::busy, {}};
    }
    const auto home = co_await asio::this_coro::executor;
    co_await asio::post(pool_, asio::use_awaitable);  // off the I/O thread
    const auto users = users_.load();
    std::string key_id = users->check(name, password);
    co_await asio::post(home, asio::use_awaitable);  // back on the connection's strand
    in_flight_.fetch_sub(1);
    const Outcome outcome = key_id.empty() ? Outcome::wrong : Outcome::ok;
    co_return Result{outcome, std::move(key_id)};
}

}  // namespace confab::auth
