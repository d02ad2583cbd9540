// Builds the remote speech engines from the configuration: one client per
// `[[stt.backends]]` / `[[tts.backends]]` entry (or the section's base_url),
// a router over them, and the embedded pool as the fallback when the
// configuration keeps it. Null when no remote backend is configured.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "pool/remote_stt.hpp"
#include "pool/remote_tts.hpp"

namespace confab::pool {

std::unique_ptr<RemoteStt> make_remote_stt(const SttConfig& config, SttService* embedded);
std::unique_ptr<RemoteTts> make_remote_tts(const TtsConfig& config, TtsService* embedded,
                                           std::vector<std::string> embedded_voices);
// "a,b , c" → {"a", "b", "c"}
std::vector<std::string> split_list(const std::string& text);

}  // namespace confab::pool
