// Runs one coroutine to completion on an io_context driven by the calling
// (test) thread, optionally cancellable through `slot`, and returns its
// result; an exception escaping the coroutine is rethrown here. It returns
// once the coroutine is done and the handlers then ready have run, not when
// the io_context runs out of work: an idle LLM connection's expiry timer is
// work that outlives the request.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <utility>

namespace confab::test {

template <typename T>
T run_coroutine(boost::asio::io_context& io, boost::asio::awaitable<T> coroutine,
                boost::asio::cancellation_slot slot = {}) {
    std::optional<T> result;
    std::exception_ptr failure;
    bool done = false;
    // An io_context that ran out of work before (a test polled it dry) runs nothing until
    // restarted.
    io.restart();
    boost::asio::co_spawn(
        io, std::move(coroutine),
        boost::asio::bind_cancellation_slot(slot, [&](std::exception_ptr error, T value) {
            failure = error;
            result = std::move(value);
            done = true;
        }));
    while (!done && io.run_one() > 0) {
    }
    io.poll();
    io.restart();
    if (failure) std::rethrow_exception(failure);
    return std::move(*result);
}

}  // namespace confab::test
