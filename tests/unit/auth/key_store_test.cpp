#include "auth/key_store.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "auth/crypto.hpp"

namespace confab::auth {
namespace {

std::string entry(const std::string& id, const std::string& secret, bool revoked = false) {
    return "[[key]]\nid = \"" + id + "\"\nuser = \"u\"\nsha256 = \"" + to_hex(sha256(secret)) +
           "\"\nrevoked = " + (revoked ? "true" : "false") + "\n";
}

class KeyStoreTest : public ::testing::Test {
protected:
    void write(const std::string& text) { std::ofstream(path) << text; }
    std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("confab_keys_" + std::to_string(getpid()));
    ~KeyStoreTest() override { std::filesystem::remove(path); }
};

TEST_F(KeyStoreTest, ReloadSwapsTheKeysAndSaysWhatChanged) {
    write(entry("a", "ck_a") + entry("b", "ck_b"));
    KeyStore store;
    auto first = store.reload(path);
    ASSERT_TRUE(first.errors.empty());
    EXPECT_EQ(first.added, (std::vector<std::string>{"a", "b"}));
    const auto now = std::chrono::system_clock::now();
    EXPECT_EQ(store.lookup("ck_a", now).status, KeyStore::Status::ok);

    write(entry("a", "ck_a", true) + entry("c", "ck_c"));
    auto second = store.reload(path);
    ASSERT_TRUE(second.errors.empty());
    EXPECT_EQ(second.added, std::vector<std::string>{"c"});
    EXPECT_EQ(second.removed, std::vector<std::string>{"b"});
    EXPECT_EQ(second.revoked, std::vector<std::string>{"a"});
    EXPECT_EQ(store.lookup("ck_a", now).status, KeyStore::Status::revoked);
    EXPECT_EQ(store.lookup("ck_b", now).status, KeyStore::Status::invalid);
    EXPECT_EQ(store.lookup("ck_c", now).status, KeyStore::Status::ok);
    EXPECT_EQ(store.find("c", now).key->id, "c");
}

TEST_F(KeyStoreTest, ABadFileLeavesTheKeysInForce) {
    write(entry("a", "ck_a"));
    KeyStore store;
    ASSERT_TRUE(store.reload(path).errors.empty());
    write("[[key]]\nid = \"a\"\n");  // no user, no hash
    const auto bad = store.reload(path);
    EXPECT_FALSE(bad.errors.empty());
    EXPECT_EQ(store.lookup("ck_a", std::chrono::system_clock::now()).status, KeyStore::Status::ok);
    std::filesystem::remove(path);
    EXPECT_FALSE(store.reload(path).errors.empty());
    EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace confab::auth
