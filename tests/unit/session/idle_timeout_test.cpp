// The idle timeout's count: it ends once, after the playback and the
// timeout, with the audio position where playback ended; stop(), a new
// start() or destruction ends it without a call. The io_context runs out
// of work when the count is over, so each test runs it to completion.
#include "session/idle_timeout.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <optional>
#include <vector>

namespace confab::session {
namespace {
using std::chrono::milliseconds;

class IdleTimeoutTest : public ::testing::Test {
protected:
    std::unique_ptr<IdleTimeout> make() {
        return std::make_unique<IdleTimeout>(
            ioc.get_executor(),
            [this] {
                ++stream_reads;
                return stream_ms;
            },
            [this](int audio_start_ms) { expiries.push_back(audio_start_ms); });
    }
    boost::asio::io_context ioc;
    int stream_ms = 0;
    int stream_reads = 0;
    std::vector<int> expiries;
};

TEST_F(IdleTimeoutTest, ExpiresOnceWithTheAudioPositionWherePlaybackEnded) {
    auto idle = make();
    stream_ms = 4200;
    idle->start(milliseconds(5), milliseconds(10));
    EXPECT_TRUE(idle->running());
    EXPECT_EQ(stream_reads, 0) << "the silence begins when playback ends, not when it is asked for";
    ioc.run();
    ASSERT_EQ(expiries, std::vector<int>{4200});
    EXPECT_EQ(stream_reads, 1);
    EXPECT_FALSE(idle->running());
}

TEST_F(IdleTimeoutTest, StopEndsTheCountWithoutACall) {
    auto idle = make();
    idle->start(milliseconds(0), milliseconds(5));
    idle->stop();
    EXPECT_FALSE(idle->running());
    ioc.run();
    EXPECT_TRUE(expiries.empty());
}

TEST_F(IdleTimeoutTest, StopDuringTheTimeoutEndsItToo) {
    auto idle = make();
    // Stopped by another count that ends first (a 0 ms timeout against
    // 50 ms), as speech detected during the silence would stop it.
    IdleTimeout* raw = idle.get();
    IdleTimeout stopper(
        ioc.get_executor(), [&] { return 0; }, [&](int) { raw->stop(); });
    idle->start(milliseconds(0), milliseconds(50));
    stopper.start(milliseconds(0), milliseconds(0));
    ioc.run();
    EXPECT_TRUE(expiries.empty());
    EXPECT_FALSE(idle->running());
}

TEST_F(IdleTimeoutTest, ANewStartReplacesTheCount) {
    auto idle = make();
    idle->start(milliseconds(0), milliseconds(30000));
    stream_ms = 7;
    idle->start(milliseconds(0), milliseconds(1));
    ioc.run();  // would take 30 s if the first count were still running
    EXPECT_EQ(expiries, std::vector<int>{7});
}

TEST_F(IdleTimeoutTest, DestroyingItEndsTheCount) {
    auto idle = make();
    idle->start(milliseconds(0), milliseconds(0));
    idle.reset();
    ioc.run();
    EXPECT_TRUE(expiries.empty());
}

}  // namespace
}  // namespace confab::session
