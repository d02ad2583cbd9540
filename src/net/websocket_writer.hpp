// The one writer of a WebSocket. It owns the connection's bounded outgoing
// queue, writes its events in order, reports audio the queue shed (to the
// client once per response, the log and the drops counter), watches for a
// client too slow to read, and writes the close frame last.
//
// The lag watchdog is a timer at "oldest unsent event + max lag", re-armed
// when the queue goes from empty to not (no polling). A client too slow is
// reported through `on_too_slow`; the connection decides what closing means.
//
// Lives in its connection and runs on the connection's strand; run() and
// watch_lag() are awaited by coroutines that keep the connection alive.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "metrics/metrics.hpp"
#include "net/outgoing_queue.hpp"
#include "net/use_nothrow.hpp"
#include "protocol/server_events.hpp"
#include "util/log.hpp"

namespace confab::net {

template <class WebSocket>
class WebSocketWriter {
public:
    struct Limits {
        std::size_t max_bytes;
        std::chrono::milliseconds max_lag;
    };
    using TooSlow = std::function<void(const std::string& why)>;

    WebSocketWriter(WebSocket& ws, Limits limits, const std::string& session_id,
                    metrics::Metrics* metrics, TooSlow on_too_slow)
        : ws_(ws),
          limits_(limits),
          session_id_(session_id),
          metrics_(metrics),
          on_too_slow_(std::move(on_too_slow)),
          queue_(limits.max_bytes),
          wake_(ws.get_executor()),
          lag_timer_(ws.get_executor()) {}

    // Queues one event (nothing once closing). `response_id` tags a
    // response's audio, which may be shed or dropped.
    void push(std::string text, const std::string& response_id) {
        if (closing_) return;
        const bool was_idle = queue_.empty() && !writing_;
        auto dropped = queue_.push({std::move(text), response_id, Clock::now()});
        if (!dropped.empty()) report_shed(dropped);
        if (queue_.over_limit()) {
            on_too_slow_("its outgoing backlog exceeded " + std::to_string(limits_.max_bytes) +
                         " bytes");
            return;
        }
        wake_.cancel();
        if (was_idle) lag_timer_.cancel();  // the watchdog arms for the new oldest event
    }
    std::size_t drop_response(const std::string& response_id) {
        return queue_.drop_response(response_id);
    }
    // Discards everything queued (a client too slow); returns how many events.
    std::size_t discard() { return queue_.clear(); }

    // Writes what is queued, then `frame`, and stops. Once only.
    void close(boost::beast::websocket::close_reason frame) {
        if (closing_) return;
        closing_ = true;
        frame_ = std::move(frame);
        wake_.cancel();
    }
    // The read side has ended: stop as soon as the queue is written.
    void stop() {
        closing_ = true;
        wake_.cancel();
        lag_timer_.cancel();
    }
    bool closing() const { return closing_; }

    std::size_t bytes() const { return queue_.bytes(); }
    std::size_t peak_bytes() const { return queue_.peak_bytes(); }
    std::size_t shed_messages() const { return queue_.shed_messages(); }
    std::size_t shed_bytes() const { return queue_.shed_bytes(); }

    boost::asio::awaitable<void> run() {
        for (;;) {
            if (queue_.empty()) {
                if (closing_) break;
                wake_.expires_at(boost::asio::steady_timer::time_point::max());
                co_await wake_.async_wait(use_nothrow);
                continue;
            }
            auto next = queue_.pop();
            writing_ = true;
            write_started_ = next->queued_at;
            ws_.text(true);
            auto [ec, n] = co_await ws_.async_write(boost::asio::buffer(next->text), use_nothrow);
            writing_ = false;
            if (ec) {
                closing_ = true;
                queue_.clear();
                lag_timer_.cancel();
                co_return;
            }
        }
        if (frame_.code != boost::beast::websocket::close_code::none && ws_.is_open())
            co_await ws_.async_close(frame_, use_nothrow);
    }

    boost::asio::awaitable<void> watch_lag() {
        while (!closing_) {
            // The oldest event not yet written: the one in flight, else the queue's head.
            std::optional<Clock::time_point> oldest;
            if (writing_)
                oldest = write_started_;
            else
                oldest = queue_.oldest_queued_at();
            if (oldest && Clock::now() >= *oldest + limits_.max_lag) {
                on_too_slow_("it has not read for " + std::to_string(limits_.max_lag.count()) +
                             " ms");
                break;
            }
            // Nothing queued: sleep until push() wakes us; else until that event would be late.
            lag_timer_.expires_at(oldest ? *oldest + limits_.max_lag
                                         : boost::asio::steady_timer::time_point::max());
            co_await lag_timer_.async_wait(use_nothrow);
        }
    }

private:
    using Clock = std::chrono::steady_clock;

    // Tells the client (once per response) and the log what was shed.
    void report_shed(const std::vector<OutgoingQueue::Dropped>& dropped) {
        for (const auto& d : dropped) {
            if (metrics_ != nullptr) metrics_->drops("slow_reader").inc(d.messages);
            log::warn("slow client: reply audio shed", {{"session", session_id_},
                                                        {"response", d.response_id},
                                                        {"chunks", std::to_string(d.messages)},
                                                        {"bytes", std::to_string(d.bytes)}});
            if (!shed_notified_.insert(d.response_id).second) continue;
            const auto notice =
                protocol::events::output_audio_dropped(d.response_id, d.messages, d.bytes);
            queue_.push({boost::json::serialize(notice), "", Clock::now()});
        }
    }

    WebSocket& ws_;
    const Limits limits_;
    const std::string& session_id_;
    metrics::Metrics* const metrics_;
    const TooSlow on_too_slow_;
    OutgoingQueue queue_;
    bool writing_ = false;  // a write is in flight (its event is no longer in queue_)
    Clock::time_point write_started_{};
    std::set<std::string> shed_notified_;  // responses whose client was told of shed audio
    boost::asio::steady_timer wake_;       // cancelled to wake the writer: an event, not a poll
    boost::asio::steady_timer lag_timer_;  // fires when the oldest unsent event may be too old
    bool closing_ = false;
    boost::beast::websocket::close_reason frame_;  // written last, if set
};

}  // namespace confab::net
