// Items the conversation evicted to stay within its bounds are deleted on
// the client too, and logged: every insertion reports them the same way.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/event_sink.hpp"

namespace confab::pipeline {

void announce_evictions(EventSink& sink, const std::vector<std::string>& evicted,
                        std::string_view session_id);

}  // namespace confab::pipeline
