#include "util/ids.hpp"

#include <random>

namespace confab {

std::string make_id(std::string_view prefix, std::size_t random_chars) {
    static constexpr char kChars[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // One generator per thread: no lock, and ids from different threads
    // cannot collide through a shared state race.
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<int> pick(0, sizeof(kChars) - 2);
    std::string id(prefix);
    id += '_';
    for (std::size_t i = 0; i < random_chars; ++i) id += kChars[pick(rng)];
    return id;
}

}  // namespace confab
