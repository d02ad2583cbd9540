#include "pipeline/evictions.hpp"

#include "protocol/server_events.hpp"
#include "util/log.hpp"

namespace confab::pipeline {

void announce_evictions(EventSink& sink, const std::vector<std::string>& evicted,
                        std::string_view session_id) {
    for (const auto& id : evicted) {
        log::info("conversation bound reached: oldest item evicted",
                  {{"session", session_id}, {"item", id}});
        sink.send_event(protocol::events::conversation_item_deleted(id));
    }
}

}  // namespace confab::pipeline
