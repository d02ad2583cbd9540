// /v1/admin/sessions against the real binary: refused without the right
// bearer token, absent without a configured token, and never a word of what
// was said — even to the admin.
#include <gtest/gtest.h>

#include "fakes/fake_llm_server.hpp"
#include "support/http_get.hpp"
#include "support/realtime_helpers.hpp"
#include "support/server_process.hpp"

namespace confab::test {
namespace {
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kToken = "admin-s3cret-token";
const std::string kSecretWords = "purple elephants";     // said by the user; must never appear
const std::string kSecretReply = "tangerine submarine";  // said by the model; must never appear

json::object user_text(const std::string& text) {
    json::object item{{"type", "message"}, {"role", "user"}};
    item["content"] = json::array{json::object{{"type", "input_text"}, {"text", text}}};
    return {{"type", "conversation.item.create"}, {"item", std::move(item)}};
}

HttpReply admin_get(unsigned short port, const std::string& authorization) {
    if (authorization.empty()) return http_get(port, "/v1/admin/sessions");
    return http_get(port, "/v1/admin/sessions", {{"Authorization", authorization}});
}

TEST(AdminSessions, RefusesMissingOrWrongTokensAndNeverShowsTranscripts) {
    FakeLlmServer llm;
    FakeLlmScript script;
    script.reply = "Here is a " + kSecretReply + ".";
    llm.set_default_script(script);
    ServerProcess server(with_fast_upload(
        {"--llm-base-url", llm.url(), "--llm-model", "test-model", "--admin-token", kToken}));
    WsClient client(server.port());
    ASSERT_TRUE(client.connect() && client.receive_type("session.created"));
    client.send(user_text("I like " + kSecretWords));
    client.send({{"type", "response.create"}});
    ASSERT_TRUE(client.receive_type("response.done", 20s)) << client.error();

    // Built one by one: string concatenations inside a braced list trip g++ 12's false
    // -Warray-bounds.
    const std::string token(kToken);
    std::vector<std::string> wrong;
    wrong.push_back("");
    wrong.push_back("Bearer wrong");
    wrong.push_back("Bearer " + token + "x");
    wrong.push_back(token);
    wrong.push_back("Basic " + token);
    wrong.push_back("Bearer ");
    for (const std::string& auth : wrong) {
        const auto reply = admin_get(server.port(), auth);
        EXPECT_EQ(reply.status, 401) << "authorization '" << auth << "'";
        EXPECT_EQ(reply.body.find("sess_"), std::string::npos);
        EXPECT_EQ(reply.body.find(kSecretWords), std::string::npos);
    }

    const auto reply = admin_get(server.port(), std::string("Bearer ") + kToken);
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.content_type, "application/json");
    EXPECT_EQ(reply.body.find(kSecretWords), std::string::npos);
    EXPECT_EQ(reply.body.find(kSecretReply), std::string::npos);
    const auto body = json::parse(reply.body).as_object();
    ASSERT_EQ(body.at("count").to_number<std::uint64_t>(), 1u);
    const auto& s = body.at("sessions").as_array().at(0).as_object();
    EXPECT_TRUE(s.at("id").as_string().starts_with("sess_"));
    EXPECT_EQ(s.at("model").as_string(), "test-model");
    EXPECT_EQ(s.at("state").as_string(), "idle");
    EXPECT_EQ(s.at("responses").to_number<std::uint64_t>(), 1u);
    EXPECT_GE(s.at("age_s").as_double(), 0.0);
    EXPECT_GT(s.at("memory_bytes").to_number<std::uint64_t>(), 0u);
    EXPECT_TRUE(s.at("last_latency_ms").at("llm_first_token").is_double());
    EXPECT_TRUE(s.at("last_latency_ms").at("barge_in_stop").is_null());
    for (const char* key : {"turns", "audio_in_s", "audio_out_s", "barge_ins"})
        EXPECT_TRUE(s.contains(key)) << key;

    client.close();
}

TEST(AdminSessions, AbsentWithoutAConfiguredToken) {
    ServerProcess server({});
    EXPECT_EQ(admin_get(server.port(), "").status, 404);
    EXPECT_EQ(admin_get(server.port(), "Bearer ").status, 404);
    EXPECT_EQ(admin_get(server.port(), "Bearer anything").status, 404);
}

}  // namespace
}  // namespace confab::test
