// Writes one HTTP/1.1 response of FakeSpeechServer: the head, then the body
// piece by piece (chunked, or raw after a Content-Length), optionally cut
// after a number of body bytes (the connection is then to be closed: the
// client sees EOF before the body's end). Records the first body byte, the
// bytes sent and the completion in the ledger.
//
// Ownership and threads: a local of the responding coroutine, on the server's
// I/O thread.
#pragma once
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/status.hpp>
#include <cstdio>
#include <optional>
#include <string>

#include "fakes/fake_speech_ledger.hpp"

namespace confab::test {

class FakeHttpBodyWriter {
public:
    FakeHttpBodyWriter(boost::asio::ip::tcp::socket& socket, FakeSpeechLedger& ledger,
                       std::size_t index, bool chunked, std::optional<std::size_t> cut_after)
        : socket_(socket),
          ledger_(ledger),
          index_(index),
          chunked_(chunked),
          cut_after_(cut_after) {}

    // `content_length` is required unless chunked.
    boost::asio::awaitable<void> head(int status, const std::string& content_type,
                                      std::optional<std::size_t> content_length = std::nullopt) {
        namespace http = boost::beast::http;
        const auto reason = http::obsolete_reason(static_cast<http::status>(status));
        std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
                           "\r\nContent-Type: " + content_type + "\r\n";
        if (chunked_ && !content_length) {
            head += "Transfer-Encoding: chunked\r\n";
        } else {
            chunked_ = false;
            head += "Content-Length: " + std::to_string(content_length.value_or(0)) + "\r\n";
        }
        head += "\r\n";
        co_await write(head);
    }

    // Returns false once the cut is reached: nothing more may be written.
    boost::asio::awaitable<bool> body(std::string data) {
        if (data.empty() || cut_reached_) co_return !cut_reached_;
        std::string framed;
        std::size_t payload = data.size();
        if (cut_after_ && sent_ + payload >= *cut_after_) {
            payload = *cut_after_ - sent_;
            cut_reached_ = true;
        }
        if (chunked_) {
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            framed = size;
        }
        framed.append(data, 0, payload);
        if (chunked_ && !cut_reached_) framed += "\r\n";
        co_await write(framed);
        sent_ += payload;
        if (payload > 0) {
            ledger_.update(index_, [&](FakeSpeechRequest& request) {
                if (!request.first_byte_at) request.first_byte_at = FakeSpeechLedger::Clock::now();
                request.body_bytes_sent = sent_;
            });
        }
        co_return !cut_reached_;
    }

    // Ends the body (the last chunk) and records the response as complete.
    boost::asio::awaitable<void> end() {
        if (cut_reached_) co_return;
        ledger_.mark_completed(index_);
        if (chunked_) {
            const std::string last = "0\r\n\r\n";
            co_await write(last);
        }
    }

    bool cut_reached() const { return cut_reached_; }

private:
    // Throws when the client is gone (the caller's catch records that).
    boost::asio::awaitable<void> write(const std::string& bytes) {
        co_await boost::asio::async_write(socket_, boost::asio::buffer(bytes),
                                          boost::asio::use_awaitable);
    }

    boost::asio::ip::tcp::socket& socket_;
    FakeSpeechLedger& ledger_;
    const std::size_t index_;
    bool chunked_;
    const std::optional<std::size_t> cut_after_;
    std::size_t sent_ = 0;
    bool cut_reached_ = false;
};

}  // namespace confab::test
