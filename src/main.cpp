// confab: configuration → logging → server → run. Everything else lives in
// the confab_core library; this file only wires it together.
#include <cstdio>
#include <exception>

#include "config/config_loader.hpp"
#include "net/server.hpp"
#include "util/log.hpp"

int main(int argc, char** argv) {
    auto loaded = confab::load_config(argc, argv);
    std::fputs(loaded.output_text.c_str(), stdout);
    for (const auto& e : loaded.errors) std::fprintf(stderr, "confab: %s\n", e.c_str());
    if (loaded.action != confab::ConfigAction::run || !loaded.ok()) return loaded.exit_code;

    const confab::Config& config = loaded.config;
    confab::log::Level level = confab::log::Level::info;
    confab::log::parse_level(config.log.level, level);  // validated by the loader
    confab::log::configure(level, config.log.json);
    try {
        confab::net::Server server(config);
        return server.run();
    } catch (const std::exception& e) {
        confab::log::error("cannot start", {{"error", e.what()}});
        return 1;
    }
}
