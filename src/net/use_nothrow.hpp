// The completion token of the network code's co_awaits: the operation's
// error comes back as the first element of a tuple instead of as an
// exception.
//
// Why: a closed or reset socket, a timeout or a cancelled accept is an
// expected end of a loop, checked with `if (ec)` where it happens; as an
// exception it would unwind the connection's coroutine to its one catch
// boundary and be logged as a failure.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace confab::net {

inline constexpr auto use_nothrow = boost::asio::as_tuple(boost::asio::use_awaitable);

}  // namespace confab::net
