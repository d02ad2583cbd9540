#include "util/audit_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace confab {
namespace {

namespace fs = std::filesystem;

class AuditLogTest : public ::testing::Test {
protected:
    std::vector<boost::json::object> lines(const fs::path& file) {
        std::ifstream in(file);
        std::vector<boost::json::object> out;
        for (std::string line; std::getline(in, line);)
            out.push_back(boost::json::parse(line).as_object());
        return out;
    }
    fs::path path = fs::temp_directory_path() / ("confab_audit_" + std::to_string(getpid()));
    ~AuditLogTest() override {
        fs::remove(path);
        fs::remove(path.string() + ".1");
    }
};

AuditEntry failure(std::string address) {
    AuditEntry e;
    e.event = "authn_login_fail";
    e.level = "WARN";
    e.source_address = std::move(address);
    e.reason = "invalid_credential";
    return e;
}

TEST_F(AuditLogTest, WritesOneJsonLinePerEventWithEveryField) {
    {
        AuditLog log(path.string());
        AuditEntry e;
        e.event = "session_created";
        e.key_id = "alice-laptop";
        e.user = "alice";
        e.source_address = "10.0.0.7";
        e.origin = "https://app.example";
        e.user_agent = std::string(1000, 'u');
        e.session_id = "sess_1";
        e.reason = "api_key";
        log.record(e);
        log.flush();
        EXPECT_EQ(log.written(), 1u);
    }
    const auto got = lines(path);
    ASSERT_EQ(got.size(), 1u);
    const auto& line = got[0];
    EXPECT_EQ(line.at("event"), "session_created");
    EXPECT_EQ(line.at("appid"), "confab");
    EXPECT_EQ(line.at("level"), "INFO");
    EXPECT_EQ(line.at("key_id"), "alice-laptop");
    EXPECT_EQ(line.at("user"), "alice");
    EXPECT_EQ(line.at("source_ip"), "10.0.0.7");
    EXPECT_EQ(line.at("origin"), "https://app.example");
    EXPECT_EQ(line.at("session"), "sess_1");
    EXPECT_EQ(line.at("reason"), "api_key");
    EXPECT_EQ(line.at("user_agent").as_string().size(), 256u);  // cut: a line stays a line
    EXPECT_EQ(line.at("time").as_string().back(), 'Z');
    EXPECT_FALSE(line.contains("count"));
}

TEST_F(AuditLogTest, AFloodOfTheSameFailureBecomesOneLineWithItsCount) {
    {
        AuditLog log(path.string());
        for (int i = 0; i < 500; ++i) log.record(failure("10.0.0.9"));
        log.record(failure("10.0.0.10"));  // another address: its own line
    }                                      // the destructor writes what the window still holds
    const auto got = lines(path);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].at("source_ip"), "10.0.0.9");
    EXPECT_FALSE(got[0].contains("count"));
    EXPECT_EQ(got[1].at("source_ip"), "10.0.0.10");
    EXPECT_EQ(got[2].at("source_ip"), "10.0.0.9");
    EXPECT_EQ(got[2].at("count").to_number<std::uint64_t>(), 499u);
    EXPECT_EQ(got[2].at("coalesced"), true);
}

TEST_F(AuditLogTest, SuccessesAreNeverCoalesced) {
    {
        AuditLog log(path.string());
        AuditEntry e;
        e.event = "authn_login_success";
        for (int i = 0; i < 5; ++i) log.record(e);
    }
    EXPECT_EQ(lines(path).size(), 5u);
}

TEST_F(AuditLogTest, AFullQueueDropsAndCountsInsteadOfBlocking) {
    AuditLog log(path.string(), 2);
    AuditEntry e;
    e.event = "session_created";
    // The writer may drain between records, so at most all are written; the
    // bound is what matters: never more queued than allowed.
    for (int i = 0; i < 10'000; ++i) log.record(e);
    log.flush();
    EXPECT_EQ(log.written() + log.dropped(), 10'000u);
    EXPECT_GT(log.dropped(), 0u);
}

TEST_F(AuditLogTest, ReopenFollowsARotatedFile) {
    AuditLog log(path.string());
    AuditEntry e;
    e.event = "sys_startup";
    log.record(e);
    log.flush();
    fs::rename(path, path.string() + ".1");
    log.reopen();
    e.event = "sys_shutdown";
    log.record(e);
    log.flush();
    ASSERT_EQ(lines(path.string() + ".1").size(), 1u);
    const auto after = lines(path);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_EQ(after[0].at("event"), "sys_shutdown");
}

TEST(AuditLogOpen, AnUnwritablePathIsAClearError) {
    try {
        AuditLog log("/nonexistent-dir/audit.log");
        FAIL() << "expected an error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/audit.log"), std::string::npos);
    }
}

}  // namespace
}  // namespace confab
