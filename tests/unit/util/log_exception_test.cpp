#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "util/log_exception.hpp"

namespace confab {
namespace {

TEST(OnException, IsNotCalledWhenTheCoroutineReturned) {
    int calls = 0;
    auto handler = on_exception([&](const std::exception&) { ++calls; });
    handler(nullptr);
    EXPECT_EQ(calls, 0);
}

TEST(OnException, IsGivenTheExceptionTheCoroutineThrew) {
    std::string seen;
    auto handler = on_exception([&](const std::exception& ex) { seen = ex.what(); });
    handler(std::make_exception_ptr(std::runtime_error("decoder gone")));
    EXPECT_EQ(seen, "decoder gone");
}

TEST(LogIfThrown, SwallowsTheExceptionAfterLoggingIt) {
    auto handler = log_if_thrown("test coroutine failed");
    EXPECT_NO_THROW(handler(std::make_exception_ptr(std::runtime_error("boom"))));
    EXPECT_NO_THROW(handler(nullptr));
}

}  // namespace
}  // namespace confab
