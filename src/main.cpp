// confab: configuration → server → run. Everything else lives in confab_core.
#include <cstdio>
#include <exception>

#include "config/config.hpp"
#include "net/server.hpp"
#include "util/log.hpp"

int main(int argc, char** argv) {
    confab::Config config;
    (void)argc;
    (void)argv;
    try {
        confab::net::Server server(config);
        return server.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "confab: %s\n", e.what());
        return 1;
    }
}
