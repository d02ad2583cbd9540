// OpenAiChatModel over https against a tiny TLS server with a self-signed
// certificate made at test time: trust configured explicitly works (and SNI
// is sent), the system CAs reject it, and a close without close_notify ends
// a close-delimited body normally.
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

#include "engines/llm/openai_chat_model.hpp"
#include "support/run_coroutine.hpp"
#include "util/errors.hpp"

// g++ 12 false positive on Asio coroutine frames (see src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::engines {
namespace {
namespace asio = boost::asio;
namespace ssl = asio::ssl;
namespace http = boost::beast::http;
using asio::ip::tcp;

const std::string kStream =
    "data: {\"choices\":[{\"delta\":{\"content\":\"secure \"}}]}\n\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"hello\"},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

// Serves every connection one close-delimited SSE reply, then closes the
// TCP socket without a TLS close_notify, as some servers do.
class TinyTlsServer {
public:
    TinyTlsServer(const std::string& cert, const std::string& key) : acceptor_(io_) {
        context_.use_certificate_chain_file(cert);
        context_.use_private_key_file(key, ssl::context::pem);
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
        acceptor_.open(endpoint.protocol());
        acceptor_.bind(endpoint);
        acceptor_.listen();
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TinyTlsServer() {
        io_.stop();
        thread_.join();
    }
    unsigned short port() const { return acceptor_.local_endpoint().port(); }
    std::string server_name() const {
        const std::lock_guard lock(mutex_);
        return server_name_;
    }

private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            auto [ec, socket] =
                co_await acceptor_.async_accept(asio::as_tuple(asio::use_awaitable));
            if (ec) co_return;
            asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
        }
    }

    asio::awaitable<void> serve(tcp::socket socket) {
        ssl::stream<tcp::socket> stream(std::move(socket), context_);
        auto [handshake_ec] = co_await stream.async_handshake(ssl::stream_base::server,
                                                              asio::as_tuple(asio::use_awaitable));
        if (handshake_ec) co_return;  // e.g. the client rejected our certificate
        if (const char* name =
                SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name)) {
            const std::lock_guard lock(mutex_);
            server_name_ = name;
        }
        boost::beast::flat_buffer buffer;
        http::request<http::string_body> request;
        auto [read_ec, read_bytes] =
            co_await http::async_read(stream, buffer, request, asio::as_tuple(asio::use_awaitable));
        if (read_ec) co_return;
        const std::string response =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n" +
            kStream;
        co_await asio::async_write(stream, asio::buffer(response),
                                   asio::as_tuple(asio::use_awaitable));
        stream.lowest_layer().close();
    }

    asio::io_context io_;
    ssl::context context_{ssl::context::tls_server};
    tcp::acceptor acceptor_;
    std::thread thread_;
    mutable std::mutex mutex_;
    std::string server_name_;
};

class OpenAiChatModelTls : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = ::testing::TempDir() + "confab_tls_" + std::to_string(getpid());
        const std::string command =
            "mkdir -p " + dir_ +
            " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
            "-subj /CN=localhost"
            " -addext subjectAltName=DNS:localhost -keyout " +
            key() + " -out " + cert() + " > " + dir_ + "/openssl.log 2>&1";
        ASSERT_EQ(std::system(command.c_str()), 0) << "openssl req failed; see " << dir_;
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string cert() const { return dir_ + "/cert.pem"; }
    std::string key() const { return dir_ + "/key.pem"; }

    static ChatOutcome ask(OpenAiChatModel& model, std::string& text) {
        asio::io_context io;
        ChatRequest request;
        request.messages = {{"user", "hi"}};
        return test::run_coroutine(
            io, model.stream(request, [&](std::string_view delta) { text += delta; }));
    }

    static LlmConfig config_for(unsigned short port) {
        LlmConfig config;
        config.base_url = "https://localhost:" + std::to_string(port) + "/v1";
        config.connect_timeout_ms = 5000;
        return config;
    }

    std::string dir_;
};

TEST_F(OpenAiChatModelTls, StreamsWithExplicitTrustAndSendsSni) {
    TinyTlsServer server(cert(), key());
    OpenAiChatModel model(config_for(server.port()), OpenAiChatModel::TlsOptions{cert()});
    ASSERT_TRUE(model.config_error().empty()) << model.config_error();
    std::string text;
    const ChatOutcome outcome = ask(model, text);
    EXPECT_FALSE(outcome.error) << outcome.message;
    EXPECT_EQ(text, "secure hello");
    EXPECT_EQ(outcome.finish_reason, "stop");
    EXPECT_EQ(server.server_name(), "localhost");
}

TEST_F(OpenAiChatModelTls, SystemTrustRejectsASelfSignedCertificate) {
    TinyTlsServer server(cert(), key());
    OpenAiChatModel model(config_for(server.port()));
    std::string text;
    const ChatOutcome outcome = ask(model, text);
    EXPECT_EQ(outcome.error, errc::backend_unreachable);
    EXPECT_NE(outcome.message.find("certificate verify failed"), std::string::npos)
        << outcome.message;
    EXPECT_TRUE(text.empty());
}

TEST_F(OpenAiChatModelTls, CertificateForAnotherNameIsRejected) {
    TinyTlsServer server(cert(), key());
    LlmConfig config = config_for(server.port());
    config.base_url =
        "https://127.0.0.1:" + std::to_string(server.port()) + "/v1";  // not in the SAN
    OpenAiChatModel model(config, OpenAiChatModel::TlsOptions{cert()});
    std::string text;
    EXPECT_EQ(ask(model, text).error, errc::backend_unreachable);
}

}  // namespace
}  // namespace confab::engines
