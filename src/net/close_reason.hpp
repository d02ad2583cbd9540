// Names how a session ended, for confab_sessions_closed_total{reason}: the
// server's own close (by its close code and reason) or the read error that
// ended the client's side.
#pragma once
#include <boost/system/error_code.hpp>
#include <string>
#include <string_view>

namespace confab::net {

// When the server closes: going_away (1001) → shutdown, "idle timeout" →
// idle_timeout, policy (1008, only sent to a client too slow to read) → slow_client, otherwise
// server_closed.
std::string close_label_for_server(int code, std::string_view reason);
// When the read loop ends without a server close: client_closed,
// message_too_big, ping_timeout or network_error.
std::string close_label_for_read_error(const boost::system::error_code& ec);

}  // namespace confab::net
