// Authentication on the real binary (docs/security.md): each kind of bad
// credential refused with its own 401 before the upgrade and audited; client
// secrets minted over HTTP and used; a foreign Origin refused; a key's
// session limit refused with 429 while other keys go on; a key revoked by a
// SIGHUP'd keys file.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "auth/client_secret.hpp"
#include "auth/crypto.hpp"
#include "auth/user_file.hpp"
#include "support/http_get.hpp"
#include "support/server_process.hpp"
#include "support/ws_client.hpp"
#include "test_paths.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
namespace http = boost::beast::http;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kSigningKey = "an-integration-test-signing-key-of-40-bytes";

std::string key_entry(const std::string& id, const std::string& secret, const std::string& extra) {
    return "[[key]]\nid = \"" + id + "\"\nuser = \"user-" + id + "\"\nsha256 = \"" +
           auth::to_hex(auth::sha256(secret)) + "\"\n" + extra + "\n";
}

std::string keys_file_text(bool revoke_bob) {
    return key_entry("alice", "ck_alice", "max_sessions = 2\nmax_responses_per_minute = 1") +
           key_entry("bob", "ck_bob", revoke_bob ? "revoked = true" : "") +
           key_entry("old", "ck_old", "expires_at = 2020-01-01T00:00:00Z") +
           key_entry("gone", "ck_gone", "revoked = true") +
           key_entry("ops", "ck_ops", "scopes = [\"admin\"]");
}

class AuthTest : public ::testing::Test {
protected:
    AuthTest() {
        fs::create_directories(dir);
        std::ofstream(keys) << keys_file_text(false);
        std::ofstream(signing) << kSigningKey;
        // The login's users: the password hashed as the users file keeps it.
        std::ofstream(users) << "[[user]]\nname = \"carol\"\nkey = \"bob\"\npassword = \""
                             << auth::UserFile::hash_password("hunter2 but longer", 20'000)
                             << "\"\n";
        server = std::make_unique<ServerProcess>(std::vector<std::string>{
            "--auth-mode", "keys", "--auth-keys-file", keys.string(), "--auth-signing-key-file",
            signing.string(), "--auth-audit-log", audit.string(), "--auth-allowed-origins",
            "https://app.example", "--auth-users-file", users.string()});
    }
    ~AuthTest() override {
        server.reset();
        fs::remove_all(dir);
    }

    // The audit lines written so far (the writer is asynchronous: wait for `event`).
    std::vector<json::object> audit_lines(const std::string& event, const std::string& reason) {
        for (int attempt = 0; attempt < 100; ++attempt) {
            std::vector<json::object> lines;
            std::ifstream in(audit);
            bool found = false;
            for (std::string line; std::getline(in, line);) {
                auto obj = json::parse(line).as_object();
                if (obj.at("event") == event.c_str() &&
                    (reason.empty() || (obj.at("reason").is_string() &&
                                        obj.at("reason").as_string() == reason.c_str())))
                    found = true;
                lines.push_back(std::move(obj));
            }
            if (found) return lines;
            std::this_thread::sleep_for(20ms);
        }
        return {};
    }
    bool audited(const std::string& event, const std::string& reason) {
        return !audit_lines(event, reason).empty();
    }

    // Connects with `header: value`; returns the refusal's status (101 when accepted).
    int upgrade_status(WsClient& client) {
        client.connect();
        return static_cast<int>(client.handshake_response().result_int());
    }
    std::string refusal_code(const WsClient& client) {
        return std::string(
            json::parse(client.handshake_response().body()).at("error").at("code").as_string());
    }

    fs::path dir = fs::temp_directory_path() / ("confab_auth_" + std::to_string(getpid()));
    fs::path keys = dir / "keys.toml";
    fs::path signing = dir / "signing.key";
    fs::path audit = dir / "audit.log";
    fs::path users = dir / "users.toml";
    std::unique_ptr<ServerProcess> server;
};

TEST_F(AuthTest, EveryBadCredentialIsRefusedWithItsOwn401AndAudited) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "missing_credential"},
        {"Bearer ck_nobody", "invalid_credential"},
        {"Bearer ck_old", "expired_credential"},
        {"Bearer ck_gone", "revoked_credential"},
    };
    for (const auto& [header, code] : cases) {
        WsClient client(server->port());
        if (!header.empty()) client.add_header("Authorization", header);
        EXPECT_EQ(upgrade_status(client), 401) << code;
        EXPECT_EQ(refusal_code(client), code);
        EXPECT_EQ(client.handshake_response()[http::field::www_authenticate],
                  "Bearer realm=\"confab\"");
        EXPECT_TRUE(audited("authn_login_fail", code)) << code;
    }
    // A client secret past its expiry, signed with the server's own key.
    auth::ClientSecretClaims claims{"alice", "user-alice", 1000, 1010, "cs_test", {}};
    WsClient late(server->port());
    late.add_header("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key." +
                                                  auth::mint_client_secret(claims, kSigningKey));
    EXPECT_EQ(upgrade_status(late), 401);
    EXPECT_EQ(refusal_code(late), "expired_credential");

    const auto lines = audit_lines("authn_login_fail", "expired_credential");
    for (const auto& line : lines) {
        const auto text = json::serialize(line);
        EXPECT_EQ(text.find("ck_"), std::string::npos) << text;  // never a secret
        EXPECT_EQ(text.find("ek_"), std::string::npos) << text;
    }
    // The expired key's refusal says whose key it was.
    bool named = false;
    for (const auto& line : lines)
        if (line.at("reason") == "expired_credential" && line.at("key_id") == "old") named = true;
    EXPECT_TRUE(named);
}

TEST_F(AuthTest, AKeyOpensASessionAndTheSessionIsAudited) {
    WsClient client(server->port());
    client.add_header("Authorization", "Bearer ck_bob");
    ASSERT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(client.receive_type("session.created"));
    EXPECT_TRUE(audited("authn_login_success", "api_key from bearer"));
    const auto lines = audit_lines("session_created", "api_key");
    ASSERT_FALSE(lines.empty());
    client.close();
    const auto ended = audit_lines("session_expired", "");
    ASSERT_FALSE(ended.empty());
    EXPECT_EQ(ended.back().at("key_id"), "bob");
    EXPECT_EQ(ended.back().at("user"), "user-bob");
}

TEST_F(AuthTest, AClientSecretMintedOverHttpOpensASessionWithItsConfiguration) {
    const auto minted = http_post(server->port(), "/v1/realtime/client_secrets",
                                  R"({"expires_after":{"anchor":"created_at","seconds":600},
            "session":{"type":"realtime","instructions":"Answer in one word.",
                       "output_modalities":["text"]}})",
                                  {{"Authorization", "Bearer ck_bob"}});
    ASSERT_EQ(minted.status, 200) << minted.body;
    const auto body = json::parse(minted.body).as_object();
    const std::string secret(body.at("value").as_string());
    EXPECT_EQ(secret.rfind("ek_", 0), 0u);
    EXPECT_GT(body.at("expires_at").as_int64(), std::time(nullptr) + 590);
    EXPECT_EQ(body.at("session").at("instructions"), "Answer in one word.");
    EXPECT_TRUE(audited("authn_token_created", ""));

    WsClient browser(server->port());  // as a browser: the secret in the subprotocol
    browser.add_header("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key." + secret);
    browser.add_header("Origin", "https://app.example");
    ASSERT_TRUE(browser.connect()) << browser.error();
    const auto created = browser.receive_type("session.created");
    ASSERT_TRUE(created);
    EXPECT_EQ(created->at("session").at("instructions"), "Answer in one word.");
    EXPECT_EQ(created->at("session").at("output_modalities").as_array().size(), 1u);
    EXPECT_TRUE(audited("authn_login_success", "client_secret from subprotocol"));

    // A secret mints nothing, and a key without the scope mints nothing.
    EXPECT_EQ(http_post(server->port(), "/v1/realtime/client_secrets", "{}",
                        {{"Authorization", "Bearer " + secret}})
                  .status,
              403);
    EXPECT_EQ(http_post(server->port(), "/v1/realtime/client_secrets", "{}",
                        {{"Authorization", "Bearer ck_ops"}})
                  .status,
              403);
    const auto bad =
        http_post(server->port(), "/v1/realtime/client_secrets",
                  R"({"expires_after":{"seconds":5}})", {{"Authorization", "Bearer ck_bob"}});
    EXPECT_EQ(bad.status, 400);
    const auto bad_session =
        http_post(server->port(), "/v1/realtime/client_secrets",
                  R"({"session":{"voice":"no-such-voice"}})", {{"Authorization", "Bearer ck_bob"}});
    EXPECT_EQ(bad_session.status, 400) << bad_session.body;
    EXPECT_EQ(http_post(server->port(), "/v1/realtime/client_secrets", "{}").status, 401);
}

TEST_F(AuthTest, AForeignOriginIsRefusedWith403AndAudited) {
    WsClient page(server->port());
    page.add_header("Authorization", "Bearer ck_bob");
    page.add_header("Origin", "https://evil.example");
    page.add_header("User-Agent", "EvilBrowser/1.0");
    EXPECT_EQ(upgrade_status(page), 403);
    EXPECT_EQ(refusal_code(page), "origin_not_allowed");
    const auto lines = audit_lines("malicious_cors", "origin_not_allowed");
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back().at("origin"), "https://evil.example");
    EXPECT_EQ(lines.back().at("user_agent"), "EvilBrowser/1.0");
    EXPECT_EQ(lines.back().at("source_ip"), "127.0.0.1");
}

TEST_F(AuthTest, AKeyAtItsSessionLimitGets429WhileOtherKeysGoOn) {
    std::vector<std::unique_ptr<WsClient>> held;
    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<WsClient>(server->port()));
        held.back()->add_header("Authorization", "Bearer ck_alice");
        ASSERT_TRUE(held.back()->connect()) << held.back()->error();
        ASSERT_TRUE(held.back()->receive_type("session.created"));
    }
    WsClient third(server->port());
    third.add_header("Authorization", "Bearer ck_alice");
    EXPECT_EQ(upgrade_status(third), 429);
    EXPECT_EQ(refusal_code(third), "rate_limit_exceeded");
    EXPECT_EQ(third.handshake_response()[http::field::retry_after], "5");
    EXPECT_TRUE(audited("excess_rate_limit_exceeded", "sessions_per_key (2)"));

    WsClient other(server->port());
    other.add_header("Authorization", "Bearer ck_bob");
    ASSERT_TRUE(other.connect()) << other.error();
    EXPECT_TRUE(other.receive_type("session.created"));

    held.front()->close();
    // The slot frees when the session has ended on the server.
    bool admitted = false;
    for (int attempt = 0; attempt < 50 && !admitted; ++attempt) {
        WsClient again(server->port());
        again.add_header("Authorization", "Bearer ck_alice");
        admitted = upgrade_status(again) == 101;
        if (!admitted) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(admitted);
}

TEST_F(AuthTest, ASighupReloadRevokesAKeyAndLeavesTheOthers) {
    {
        WsClient before(server->port());
        before.add_header("Authorization", "Bearer ck_bob");
        ASSERT_EQ(upgrade_status(before), 101);
    }
    std::ofstream(keys) << keys_file_text(true);
    ASSERT_EQ(kill(server->pid(), SIGHUP), 0);
    ASSERT_TRUE(audited("authn_token_revoked", "keys file reload"));
    WsClient after(server->port());
    after.add_header("Authorization", "Bearer ck_bob");
    EXPECT_EQ(upgrade_status(after), 401);
    EXPECT_EQ(refusal_code(after), "revoked_credential");
    WsClient alice(server->port());
    alice.add_header("Authorization", "Bearer ck_alice");
    EXPECT_EQ(upgrade_status(alice), 101);
}

TEST_F(AuthTest, AdminEndpointsTakeAnAdminKeyAndAuditEachAccess) {
    EXPECT_EQ(http_get(server->port(), "/v1/admin/sessions").status, 401);
    EXPECT_EQ(
        http_get(server->port(), "/v1/admin/sessions", {{"Authorization", "Bearer ck_bob"}}).status,
        401);
    const auto ok =
        http_get(server->port(), "/v1/admin/sessions", {{"Authorization", "Bearer ck_ops"}});
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_TRUE(audited("authz_admin", "/v1/admin/sessions"));
    EXPECT_TRUE(audited("authz_fail", "/v1/admin/sessions"));
    EXPECT_EQ(http_get(server->port(), "/v1/auth").body, R"({"mode":"keys","login":true})");
}

TEST_F(AuthTest, TheLoginTradesAPasswordForAClientSecret) {
    const auto wrong = http_post(server->port(), "/v1/login",
                                 R"({"username":"carol","password":"hunter3 but longer"})");
    EXPECT_EQ(wrong.status, 401);
    EXPECT_NE(wrong.body.find("invalid_login"), std::string::npos);
    const auto nobody =
        http_post(server->port(), "/v1/login", R"({"username":"mallory","password":"x"})");
    EXPECT_EQ(nobody.status, 401);
    EXPECT_TRUE(audited("authn_login_fail", "wrong_username_or_password"));
    EXPECT_EQ(http_post(server->port(), "/v1/login", "not json").status, 400);

    const auto ok = http_post(server->port(), "/v1/login",
                              R"({"username":"carol","password":"hunter2 but longer"})");
    ASSERT_EQ(ok.status, 200) << ok.body;
    const std::string secret(json::parse(ok.body).at("value").as_string());
    EXPECT_TRUE(audited("authn_login_success", "login"));
    WsClient page(server->port());
    page.add_header("Sec-WebSocket-Protocol", "realtime, openai-insecure-api-key." + secret);
    ASSERT_TRUE(page.connect()) << page.error();
    EXPECT_TRUE(page.receive_type("session.created"));
}

TEST_F(AuthTest, AKeysResponsesPerMinuteHoldsInsideItsSessionsAndIsAudited) {
    WsClient client(server->port());
    client.add_header("Authorization", "Bearer ck_alice");
    ASSERT_TRUE(client.connect()) << client.error();
    ASSERT_TRUE(client.receive_type("session.created"));
    const json::object create{{"type", "response.create"},
                              {"response", {{"output_modalities", json::array{"text"}}}}};
    client.send(create);
    ASSERT_TRUE(client.receive_type("response.done", 10s));
    client.send(create);
    const auto refused = client.receive_type("error");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->at("error").at("code"), "rate_limit_exceeded");
    EXPECT_NE(std::string(refused->at("error").at("message").as_string())
                  .find("key_responses_per_minute (1) of API key alice"),
              std::string::npos);
    EXPECT_TRUE(audited("excess_rate_limit_exceeded", "key_responses_per_minute (1)"));
}

TEST(AuthStart, AnOpenServerOffLoopbackRefusesToStart) {
    // Validation runs before anything binds; the message says what to do.
    const std::string command = std::string(kConfabBinary) +
                                " --host 0.0.0.0 --port 0 --web-root " + kSourceDir + "/web 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string out;
    char buffer[512];
    while (fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    const int status = pclose(pipe);
    EXPECT_NE(WEXITSTATUS(status), 0);
    EXPECT_NE(out.find("auth.allow_unauthenticated"), std::string::npos) << out;
}

}  // namespace
}  // namespace confab::test

namespace confab::test {
namespace {

std::string run(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    std::string out;
    char buffer[512];
    while (pipe != nullptr && fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    if (pipe != nullptr) pclose(pipe);
    return out;
}

// The operator's tool makes a key and its entry; the server takes both as they come.
TEST(ConfabKeyTool, AKeyItMakesOpensASession) {
    const fs::path dir = fs::temp_directory_path() / ("confab_keytool_" + std::to_string(getpid()));
    fs::create_directories(dir);
    const std::string tool = std::string(kSourceDir) + "/scripts/confab-key";
    const std::string entry = run(tool + " new tool-key tool-user 2>" + (dir / "key").string());
    std::ifstream key_out(dir / "key");
    std::string key;
    for (std::string line; std::getline(key_out, line);)
        if (line.find("ck_") != std::string::npos) key = line.substr(line.find("ck_"));
    ASSERT_FALSE(key.empty()) << entry;
    std::ofstream(dir / "keys.toml") << entry;
    {
        ServerProcess server({"--auth-mode", "keys", "--auth-keys-file",
                              (dir / "keys.toml").string(), "--auth-audit-log", ""});
        WsClient client(server.port());
        client.add_header("Authorization", "Bearer " + key);
        ASSERT_TRUE(client.connect()) << client.error();
        EXPECT_TRUE(client.receive_type("session.created"));
        WsClient other(server.port());
        other.add_header("Authorization", "Bearer " + key + "x");
        EXPECT_FALSE(other.connect());
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace confab::test
