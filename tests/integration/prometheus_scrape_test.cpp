// Debian's real Prometheus server scrapes a live confab on loopback, and a
// histogram is queried back through Prometheus's HTTP API: proof that the
// exposition is not only well-formed but ingested as intended.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "fakes/fake_llm_server.hpp"
#include "support/http_get.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"
#include "test_paths.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

unsigned short free_port() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    return a.local_endpoint().port();
}

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (const unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

void replace(std::string& s, const std::string& from, const std::string& to) {
    const auto pos = s.find(from);
    ASSERT_NE(pos, std::string::npos) << from;
    s.replace(pos, from.size(), to);
}

// A Prometheus server in a temp directory; stopped and removed on destruction.
class PrometheusProcess {
public:
    PrometheusProcess(const std::string& binary, unsigned short target_port) {
        dir_ = std::filesystem::temp_directory_path() / ("confab_prom_" + std::to_string(getpid()));
        std::filesystem::create_directories(dir_ / "data");
        port_ = free_port();
        // The shipped scrape config, pointed at this test's confab and scraping every second.
        std::ifstream in(std::filesystem::path(kSourceDir) / "deploy" / "prometheus.yml");
        std::string yml(std::istreambuf_iterator<char>(in), {});
        replace(yml, "127.0.0.1:8080", "127.0.0.1:" + std::to_string(target_port));
        replace(yml, "scrape_interval: 15s", "scrape_interval: 1s");
        replace(yml, "scrape_timeout: 10s", "scrape_timeout: 1s");
        std::ofstream(dir_ / "prometheus.yml") << yml;
        const std::string config = "--config.file=" + (dir_ / "prometheus.yml").string();
        const std::string data = "--storage.tsdb.path=" + (dir_ / "data").string();
        const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
        const std::string log = (dir_ / "prometheus.log").string();
        pid_ = fork();
        if (pid_ == 0) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            execl(binary.c_str(), binary.c_str(), config.c_str(), data.c_str(), listen.c_str(),
                  "--log.level=warn", static_cast<char*>(nullptr));
            _exit(127);
        }
    }
    ~PrometheusProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGTERM);
            int status = 0;
            for (int i = 0; i < 100 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
                std::this_thread::sleep_for(50ms);
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    unsigned short port() const { return port_; }
    std::string log() const {
        std::ifstream in(dir_ / "prometheus.log");
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    // The first sample of an instant query's result, once it has one (nullopt on timeout).
    std::optional<double> query(const std::string& promql, std::chrono::seconds timeout) const {
        const auto until = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < until) {
            const auto reply = http_get(port_, "/api/v1/query?query=" + url_encode(promql));
            if (reply.status == 200) {
                const auto body = json::parse(reply.body).as_object();
                const auto& result = body.at("data").at("result").as_array();
                if (!result.empty()) {
                    return std::stod(
                        std::string(result[0].at("value").as_array().at(1).as_string()));
                }
            }
            std::this_thread::sleep_for(250ms);
        }
        return std::nullopt;
    }

private:
    std::filesystem::path dir_;
    unsigned short port_ = 0;
    pid_t pid_ = -1;
};

TEST(Prometheus, ScrapesConfabAndAnswersAHistogramQuery) {
    const std::string binary = "/usr/bin/prometheus";
    if (!std::filesystem::exists(binary))
        GTEST_SKIP() << "prometheus is missing: apt-get install prometheus (scripts/setup does)";

    FakeLlmServer llm;
    ServerProcess server(
        with_fast_upload({"--llm-base-url", llm.url(), "--llm-model", "test-model"}));
    // One typed turn: one language-model first token observed.
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    client.send({{"type", "response.create"}});
    ASSERT_TRUE(client.receive_type("response.done", 20s)) << client.error();

    PrometheusProcess prometheus(binary, server.port());
    const auto up = prometheus.query("up{job=\"confab\"} == 1", 60s);
    ASSERT_TRUE(up) << "Prometheus never scraped confab:\n" << prometheus.log();
    const auto count =
        prometheus.query("confab_stage_latency_seconds_count{stage=\"llm_first_token\"}", 30s);
    ASSERT_TRUE(count) << prometheus.log();
    EXPECT_EQ(*count, 1.0);
    const auto median = prometheus.query(
        "histogram_quantile(0.5, sum by (le) "
        "(confab_stage_latency_seconds_bucket{stage=\"llm_first_token\"}))",
        30s);
    ASSERT_TRUE(median) << prometheus.log();
    EXPECT_GT(*median, 0.0);
    EXPECT_LE(*median, 10.0);
    const auto sessions = prometheus.query("confab_sessions_active", 10s);
    ASSERT_TRUE(sessions);
    EXPECT_EQ(*sessions, 1.0);
}

}  // namespace
}  // namespace confab::test
