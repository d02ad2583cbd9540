// What FakeLlmServer writes on the wire: OpenAI-style stream chunks, error
// bodies and plain responses, and the word tokens a reply is streamed in.
// Free functions, kept apart so the server file holds only the server.
#pragma once
#include <boost/beast/http/status.hpp>
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fakes/fake_llm_ledger.hpp"

namespace confab::test::fake_llm_wire {
namespace http = boost::beast::http;
namespace json = boost::json;

// Splits after each run of spaces so that the tokens join back to `text`.
inline std::vector<std::string> word_tokens(std::string_view text) {
    std::vector<std::string> tokens;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end != std::string_view::npos) end = text.find_first_not_of(' ', end);
        if (end == std::string_view::npos) end = text.size();
        tokens.emplace_back(text.substr(start, end - start));
        start = end;
    }
    return tokens;
}

inline std::string sse(std::string_view data) {
    return "data: " + std::string(data) + "\n\n";
}

// One chunk as OpenAI streams it: choices[0].delta plus finish_reason.
inline std::string chunk_event(const std::string& model, json::object delta,
                               const std::string& finish) {
    json::object choice{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", nullptr}};
    if (!finish.empty()) choice["finish_reason"] = finish;
    const json::object root{{"id", "chatcmpl-fake"},
                            {"object", "chat.completion.chunk"},
                            {"created", 0},
                            {"model", model},
                            {"choices", json::array{std::move(choice)}}};
    return sse(json::serialize(root));
}

// The `delta` objects that stream `calls` the way OpenAI, vLLM and Ollama
// do: a call's first delta carries its `index`, `id`, `type: "function"`,
// `function.name` and empty `arguments`; each later one only the `index` and
// one `function.arguments` fragment. Calls follow one another, or take turns
// fragment by fragment when `interleave` is set.
inline std::vector<json::object> tool_call_deltas(const std::vector<FakeToolCall>& calls,
                                                  bool interleave) {
    const auto delta = [](json::object call) {
        return json::object{{"tool_calls", json::array{std::move(call)}}};
    };
    const auto opening = [&](std::size_t index) {
        const FakeToolCall& call = calls[index];
        return delta({{"index", static_cast<std::int64_t>(index)},
                      {"id", call.id},
                      {"type", "function"},
                      {"function", json::object{{"name", call.name}, {"arguments", ""}}}});
    };
    const auto fragment = [&](std::size_t index, std::size_t part) {
        const std::string& text = calls[index].argument_fragments[part];
        return delta({{"index", static_cast<std::int64_t>(index)},
                      {"function", json::object{{"arguments", text}}}});
    };
    std::vector<json::object> deltas;
    if (!interleave) {
        for (std::size_t i = 0; i < calls.size(); ++i) {
            deltas.push_back(opening(i));
            for (std::size_t p = 0; p < calls[i].argument_fragments.size(); ++p)
                deltas.push_back(fragment(i, p));
        }
        return deltas;
    }
    for (std::size_t i = 0; i < calls.size(); ++i) deltas.push_back(opening(i));
    for (std::size_t p = 0;; ++p) {
        bool any = false;
        for (std::size_t i = 0; i < calls.size(); ++i) {
            if (p >= calls[i].argument_fragments.size()) continue;
            deltas.push_back(fragment(i, p));
            any = true;
        }
        if (!any) break;
    }
    return deltas;
}

inline std::string error_json(const std::string& message, const char* type) {
    return json::serialize(json::object{
        {"error", json::object{{"message", message}, {"type", type}, {"code", nullptr}}}});
}

inline std::string plain_response(int status, const std::string& body, bool keep_alive) {
    const auto reason = http::obsolete_reason(static_cast<http::status>(status));
    std::string head = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    head +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!keep_alive) head += "Connection: close\r\n";
    return head + "\r\n" + body;
}

// The `model` of a request body, echoed in chunks as OpenAI does.
inline std::string model_of(const json::value& body) {
    if (const json::object* object = body.if_object()) {
        if (const json::value* model = object->if_contains("model")) {
            if (const json::string* text = model->if_string()) return std::string(*text);
        }
    }
    return "fake-model";
}

}  // namespace confab::test::fake_llm_wire
