// Builders for the response.* server events and Confab's namespaced
// confab.response.timings extension.
#pragma once
#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <vector>

#include "audio/audio_format.hpp"
#include "protocol/conversation_item.hpp"
#include "protocol/protocol_error.hpp"

namespace confab::protocol::events {

// The response object as the Realtime API shows it.
struct ResponseInfo {
    std::string id;
    std::string status = "in_progress";  // in_progress|completed|cancelled|failed|incomplete
    std::optional<boost::json::object> status_details;
    std::vector<ConversationItem> output;
    std::vector<std::string> output_modalities{"audio"};
    std::string voice;
    audio::AudioFormat output_format = audio::AudioFormat::pcm16_24k;  // of its audio deltas
    std::optional<int> max_output_tokens;
    boost::json::object metadata;
    bool out_of_band = false;
};

boost::json::object response_json(const ResponseInfo& r);
boost::json::object response_created(const ResponseInfo& r);
boost::json::object response_done(const ResponseInfo& r);

// Identifies the place of a content part: response, item, indexes.
struct PartRef {
    std::string response_id;
    std::string item_id;
    int output_index = 0;
    int content_index = 0;
};

boost::json::object output_item_added(const std::string& response_id, int output_index,
                                      const ConversationItem& item);
boost::json::object output_item_done(const std::string& response_id, int output_index,
                                     const ConversationItem& item);
boost::json::object content_part_added(const PartRef& ref, const ContentPart& part);
boost::json::object content_part_done(const PartRef& ref, const ContentPart& part);
boost::json::object output_audio_delta(const PartRef& ref, std::string base64_audio);
boost::json::object output_audio_done(const PartRef& ref);
boost::json::object output_audio_transcript_delta(const PartRef& ref, const std::string& delta);
boost::json::object output_audio_transcript_done(const PartRef& ref, const std::string& transcript);
boost::json::object output_text_delta(const PartRef& ref, const std::string& delta);
boost::json::object output_text_done(const PartRef& ref, const std::string& text);

// A function call's arguments as the model writes them (`item` is the
// function_call item; `.done` carries its name and whole arguments).
boost::json::object function_call_arguments_delta(const std::string& response_id, int output_index,
                                                  const ConversationItem& item,
                                                  const std::string& delta);
boost::json::object function_call_arguments_done(const std::string& response_id, int output_index,
                                                 const ConversationItem& item);

// Confab extension, after response.done: when each stage of the response
// happened (`timings` is the pipeline's ResponseTimings as JSON).
boost::json::object response_timings(const std::string& response_id, const std::string& status,
                                     boost::json::object timings);

boost::json::object status_details(const std::string& type, const std::string& reason,
                                   const std::optional<ProtocolError>& error = std::nullopt);

}  // namespace confab::protocol::events
