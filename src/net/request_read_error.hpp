// What a failed read of a request (its head or its body) is answered with.
// Beast's parser says which limit was hit (header_limit, body_limit) or what
// was malformed; a request target too long to fit in the head limit shows
// as header_limit too, so the target is measured to tell 414 from 431: as
// parsed if the request line was complete, else in the bytes read so far
// (the parser consumes nothing of a line it has not finished). Pure
// functions; any thread.
#pragma once
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <optional>
#include <string_view>

#include "net/edge_refusal.hpp"

namespace confab::net {

// The length of the request target in `head`, the bytes of a request head
// read so far: from after the method's space to the next space or line end,
// or to the end of what was read.
std::size_t request_target_length(std::string_view head);

// nullopt: nothing to answer (the peer closed or reset, or a deadline
// passed); the connection is closed. Otherwise the refusal to answer.
// `parsed_target`: the target if the parser got it (empty: not yet);
// `buffered`: the bytes read and not consumed by the parser.
std::optional<EdgeRefusal> refusal_for_read_error(const boost::system::error_code& ec,
                                                  std::string_view parsed_target,
                                                  std::string_view buffered,
                                                  std::size_t max_target_bytes);

}  // namespace confab::net
