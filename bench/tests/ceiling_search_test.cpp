// The bare-engine ceiling's search and its keeps-up criterion.
#include "loadgen/ceiling_search.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace confab::bench {
namespace {

// Runs the search against an engine that keeps up with at most `limit` streams.
std::vector<int> tried_until_done(CeilingSearch& search, int limit) {
    std::vector<int> tried;
    while (const auto k = search.next()) {
        tried.push_back(*k);
        search.record(*k, *k <= limit);
        if (tried.size() > 64) break;
    }
    return tried;
}

TEST(CeilingSearch, DoublesThenBisects) {
    CeilingSearch search(1, 32);
    EXPECT_EQ(tried_until_done(search, 7), (std::vector<int>{1, 2, 4, 8, 6, 7}));
    EXPECT_EQ(search.ceiling(), 7);
}

TEST(CeilingSearch, StopsAtTheMaximum) {
    CeilingSearch search(4, 10);
    EXPECT_EQ(tried_until_done(search, 100), (std::vector<int>{4, 8, 10}));
    EXPECT_EQ(search.ceiling(), 10);
}

TEST(CeilingSearch, FailingStartBisectsDownward) {
    CeilingSearch search(8, 32);
    EXPECT_EQ(tried_until_done(search, 3), (std::vector<int>{8, 4, 2, 3}));
    EXPECT_EQ(search.ceiling(), 3);
}

TEST(CeilingSearch, NothingKeepsUpGivesZero) {
    CeilingSearch search(1, 32);
    EXPECT_EQ(tried_until_done(search, 0), (std::vector<int>{1}));
    EXPECT_EQ(search.ceiling(), 0);
}

TEST(TrialFailure, NamesTheFirstBrokenCriterion) {
    const CeilingCriteria c;  // 300 ms final p95, 300 ms backlog
    EXPECT_STREQ(trial_failure({10, 0, 250, 40}, c), "");
    EXPECT_STREQ(trial_failure({10, 0, 300, 300}, c), "");  // bounds are inclusive
    EXPECT_STREQ(trial_failure({10, 0, 301, 40}, c), "final results too slow");
    EXPECT_STREQ(trial_failure({10, 0, 250, 900}, c), "fell behind real time");
    EXPECT_STREQ(trial_failure({0, 0, 0, 0}, c), "no utterance finished");
    EXPECT_STREQ(trial_failure({10, 1, 250, 40}, c), "decoder errors");
}

}  // namespace
}  // namespace confab::bench
