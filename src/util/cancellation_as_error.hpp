// Runs a coroutine so that a cancellation of the awaiting coroutine surfaces
// as an error code from the operation it interrupts, not as an exception.
//
// Why: Asio's awaitable threads throw operation_aborted from the next co_await
// once cancelled ("throw_if_cancelled", on by default). Engines report
// cancellation as errc::cancelled on an expected path, so they turn that off
// for their own body and restore the caller's setting afterwards.
// Threads: must be awaited like the body it wraps, on the caller's executor.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <exception>
#include <utility>

namespace confab {

template <typename T>
boost::asio::awaitable<T> cancellation_as_error(boost::asio::awaitable<T> body) {
    namespace this_coro = boost::asio::this_coro;
    const bool caller_throws = co_await this_coro::throw_if_cancelled();
    co_await this_coro::throw_if_cancelled(false);
    std::exception_ptr failure;
    T result{};
    try {
        result = co_await std::move(body);
    } catch (...) {
        // co_await is not allowed inside a handler: restore first, rethrow after.
        failure = std::current_exception();
    }
    co_await this_coro::throw_if_cancelled(caller_throws);
    if (failure) std::rethrow_exception(failure);
    co_return result;
}

}  // namespace confab
