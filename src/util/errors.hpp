// Confab's own error codes, in their own std::error_category, for the expected
// failure paths (engine errors, protocol violations, capacity). Exceptions are
// reserved for start-up and for the one catch boundary per session.
#pragma once
#include <string>
#include <system_error>

namespace confab {

enum class errc {
    ok = 0,
    engine_failed,        // an engine's C library reported a failure
    engine_unavailable,   // the engine could not be loaded or has no model
    cancelled,            // the work was cancelled by its owner
    timeout,              // a deadline passed
    bad_response,         // a peer answered with something we cannot parse
    backend_error,        // a peer answered with an error status
    backend_unreachable,  // a peer could not be connected to
    backend_saturated,    // a peer's request limit is reached and the wait for a slot failed
    queue_full,           // a bounded queue refused the work
    invalid_argument,     // a caller passed something outside the contract
};

const std::error_category& confab_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept {
    return {static_cast<int>(e), confab_category()};
}

}  // namespace confab

template <>
struct std::is_error_code_enum<confab::errc> : std::true_type {};
