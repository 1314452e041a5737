#include "util/random.hpp"

#include <random>

namespace porch::util {

namespace {
std::mt19937_64& engine() {
    // Seeded from the OS per thread: concurrent processes must not share a sequence.
    thread_local std::mt19937_64 gen{std::random_device{}()};
    return gen;
}
} // namespace

std::string random_hex(std::size_t bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    std::uniform_int_distribution<int> dist(0, 255);
    for (std::size_t i = 0; i < bytes; ++i) {
        int b = dist(engine());
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0xf]);
    }
    return out;
}

int random_int(int low, int high) {
    std::uniform_int_distribution<int> dist(low, high);
    return dist(engine());
}

} // namespace porch::util
