// Partial hypotheses from the STT pool: taken every partial interval of
// audio, and at once when the session asks (a pause began).
#include "pool/stt_pool.hpp"

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <thread>

#include "fakes/fake_engines.hpp"

namespace confab::pool {
namespace {

class SttPoolPartialTest : public ::testing::Test {
protected:
    SttPoolPartialTest() {
        factory_->script("one two three four five six");
        SttPool::Options options;
        options.workers = 1;
        options.partial_interval_ms = 10000;  // no partial would come by interval in these tests
        pool_ = std::make_unique<SttPool>(factory_, 16000, options);
        SttStream::Callbacks callbacks;
        callbacks.on_partial = [this](const std::string& text) { partials_.push_back(text); };
        callbacks.on_requested_partial = [this](const std::string& text) {
            requested_.push_back(text);
        };
        callbacks.on_final = [this](const std::string& text) { final_ = text; };
        stream_ =
            std::make_shared<SttStream>(ioc_.get_executor(), std::move(callbacks), 16000 * 60);
        EXPECT_TRUE(pool_->submit("sess", stream_));
    }
    ~SttPoolPartialTest() override {
        stream_->cancel();
        pool_->stop();
    }
    template <class Pred>
    bool run_until(Pred pred) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        auto guard = boost::asio::make_work_guard(ioc_);
        while (!pred()) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            ioc_.restart();
            ioc_.run_for(std::chrono::milliseconds(2));
        }
        return true;
    }
    void feed_ms(int ms) {
        stream_->feed(std::vector<std::int16_t>(static_cast<std::size_t>(ms) * 16, 100));
    }

    boost::asio::io_context ioc_;
    std::shared_ptr<test::FakeRecognizerFactory> factory_ =
        std::make_shared<test::FakeRecognizerFactory>();
    std::unique_ptr<SttPool> pool_;
    std::shared_ptr<SttStream> stream_;
    std::vector<std::string> partials_;
    std::vector<std::string> requested_;
    std::string final_;
};

TEST_F(SttPoolPartialTest, ARequestedPartialCoversAllTheAudioFedBeforeIt) {
    feed_ms(600);  // the fake reveals a word per 200 ms of audio
    stream_->request_partial();
    ASSERT_TRUE(run_until([&] { return !partials_.empty(); }));
    EXPECT_EQ(partials_.back(), "one two three");
    feed_ms(400);
    stream_->request_partial();
    ASSERT_TRUE(run_until([&] { return partials_.size() == 2; }));
    EXPECT_EQ(partials_.back(), "one two three four five");
    stream_->finish();
    ASSERT_TRUE(run_until([&] { return !final_.empty(); }));
    EXPECT_EQ(final_, "one two three four five six");
}

TEST_F(SttPoolPartialTest, NoPartialComesUnaskedBeforeTheInterval) {
    feed_ms(600);
    stream_->finish();
    ASSERT_TRUE(run_until([&] { return !final_.empty(); }));
    EXPECT_TRUE(partials_.empty());
}

TEST_F(SttPoolPartialTest, ARequestWithNoNewAudioGivesNoRepeatedPartial) {
    feed_ms(400);
    stream_->request_partial();
    ASSERT_TRUE(run_until([&] { return !partials_.empty(); }));
    stream_->request_partial();  // nothing fed since: nothing new to say
    feed_ms(20);
    stream_->finish();
    ASSERT_TRUE(run_until([&] { return !final_.empty(); }));
    EXPECT_EQ(partials_, std::vector<std::string>{"one two"});
}

// The session acts on the answer to its request (a reply is asked for on
// it), so every request gets one, even when the words did not change.
TEST_F(SttPoolPartialTest, EveryRequestIsAnsweredWithTheHypothesisOfAllTheAudioSoFar) {
    feed_ms(400);
    stream_->request_partial();
    ASSERT_TRUE(run_until([&] { return requested_.size() == 1; }));
    stream_->request_partial();
    ASSERT_TRUE(run_until([&] { return requested_.size() == 2; }));
    EXPECT_EQ(requested_, (std::vector<std::string>{"one two", "one two"}));
    EXPECT_EQ(partials_, std::vector<std::string>{"one two"});
}

TEST(SttPoolStartup, EveryWorkerHasItsDecoderBeforeThePoolIsUsed) {
    // Loading one takes pocketsphinx 0.5-0.8 s: done on demand, it delayed
    // the first utterance each worker took.
    auto factory = std::make_shared<test::FakeRecognizerFactory>();
    SttPool pool(factory, 16000, SttPool::Options{3, 8, 2, 300});
    EXPECT_EQ(factory->decoders_created.load(), 3);
    pool.stop();
}

// While one stream's turn is ending (finished, its audio still to decode),
// a worker on a live stream holds its batch back: the cores go to the result
// that is awaited. With urgent_first off, both decode at once.
int concurrent_feeds(bool urgent_first) {
    boost::asio::io_context ioc;
    auto factory = std::make_shared<test::FakeRecognizerFactory>();
    SttPool::Options options{2, 8, 2, 300};
    options.urgent_first = urgent_first;
    options.max_deferral_ms = 5000;  // the cap is not what this test is about
    SttPool pool(factory, 16000, options);
    // Its audio reaches the worker only with finish(), as one urgent batch.
    auto ending =
        std::make_shared<SttStream>(ioc.get_executor(), SttStream::Callbacks{}, 16000 * 60, 16000);
    auto live =
        std::make_shared<SttStream>(ioc.get_executor(), SttStream::Callbacks{}, 16000 * 60, 1600);
    EXPECT_TRUE(pool.submit("a", ending));
    EXPECT_TRUE(pool.submit("b", live));
    factory->feed_delay_ms = 150;
    ending->feed(std::vector<std::int16_t>(3200, 100));
    ending->finish();
    // The ending turn is being decoded now; then the live stream's batch comes.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (factory->feeding_now.load() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    EXPECT_EQ(factory->feeding_now.load(), 1);
    live->feed(std::vector<std::int16_t>(1600, 100));
    while (factory->feed_calls.load() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    while (factory->feeding_now.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    EXPECT_EQ(factory->feed_calls.load(), 2);
    live->cancel();
    pool.stop();
    return factory->max_concurrent_feeds.load();
}

TEST(SttPoolUrgency, ALiveStreamWaitsWhileATurnThatEndedIsDecoded) {
    EXPECT_EQ(concurrent_feeds(true), 1);
    EXPECT_EQ(concurrent_feeds(false), 2) << "the test would not notice the deferral missing";
}

TEST(SttStreamBatching, TheWorkerIsHandedAudioABatchAtATimeNotFrameByFrame) {
    boost::asio::io_context ioc;
    auto factory = std::make_shared<test::FakeRecognizerFactory>();
    SttPool pool(factory, 16000, SttPool::Options{1, 8, 2, 300});
    std::string final_text;
    SttStream::Callbacks callbacks;
    callbacks.on_final = [&](const std::string& text) {
        final_text = text.empty() ? "(empty)" : text;
    };
    auto stream = std::make_shared<SttStream>(ioc.get_executor(), std::move(callbacks), 16000 * 60,
                                              /*min_batch_samples=*/1600);
    ASSERT_TRUE(pool.submit("sess", stream));
    // 1 s in 20 ms frames, with time for the worker to run between frames.
    for (int i = 0; i < 50; ++i) {
        stream->feed(std::vector<std::int16_t>(320, 100));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stream->feed(
        std::vector<std::int16_t>(160, 100));  // 10 ms short of a batch: handed over by finish
    stream->finish();
    auto guard = boost::asio::make_work_guard(ioc);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (final_text.empty() && std::chrono::steady_clock::now() < deadline)
        ioc.run_for(std::chrono::milliseconds(2));
    ASSERT_FALSE(final_text.empty());
    EXPECT_EQ(factory->last_utterance_samples.load(), 50u * 320 + 160) << "every sample decoded";
    // Ten batches of 100 ms and the rest at finish; fewer if the worker fell behind.
    EXPECT_GE(factory->feed_calls.load(), 1);
    EXPECT_LE(factory->feed_calls.load(), 11);
    pool.stop();
}

}  // namespace
}  // namespace confab::pool
