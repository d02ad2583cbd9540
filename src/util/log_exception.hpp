// Completion handlers for co_spawn that deal with the exception a coroutine
// ended with at its spawn site.
//
// Why: a handler that lets the exception go (or rethrows it) unwinds out of
// io_context::run() and ends that I/O thread with every connection on it.
// The spawn site is the one catch boundary of its coroutine: it logs, or
// turns the exception into the owner's own failure path, and the other
// coroutines go on. Exceptions not derived from std::exception are not
// caught, as before this helper.
#pragma once
#include <exception>
#include <utility>

#include "util/log.hpp"

namespace confab {

// A handler that calls `on_error(ex)` if the coroutine threw `ex`, and does
// nothing if it returned.
template <typename OnError>
auto on_exception(OnError on_error) {
    return [on_error = std::move(on_error)](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            on_error(ex);
        }
    };
}

// A handler that logs the coroutine's exception as an error: `what` is the
// log message ("connection failed"), the exception's text its "error" field.
inline auto log_if_thrown(const char* what) {
    return on_exception([what](const std::exception& ex) {
        log::error(what, {{"error", ex.what()}});
    });
}

}  // namespace confab
