#include "util/random.hpp"

#include <cerrno>
#include <random>
#include <sys/random.h>

namespace porch::util {

namespace {

// `size` bytes from the kernel's generator. An event id is 16 such bytes: ids drawn from a
// generator seeded with one 32-bit word would collide after some 10^5 processes, and a
// collision makes the union of two notes drop an event. std::random_device would also probe
// the CPU (cpuid) on every start, which costs a virtual machine a trap per hook.
void fill_random(unsigned char* out, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t got = ::getrandom(out + done, size - done, 0);
        if (got > 0) {
            done += static_cast<std::size_t>(got);
            continue;
        }
        if (got < 0 && errno == EINTR)
            continue;
        std::random_device device; // no getrandom(2): the OS's device, a word at a time
        for (; done < size; ++done)
            out[done] = static_cast<unsigned char>(device());
    }
}

std::mt19937_64& engine() {
    // Seeded from the OS per thread: concurrent processes must not share a sequence.
    thread_local std::mt19937_64 gen = [] {
        unsigned char seed[8];
        fill_random(seed, sizeof seed);
        std::uint64_t value = 0;
        for (unsigned char b : seed)
            value = value << 8 | b;
        return std::mt19937_64(value);
    }();
    return gen;
}

} // namespace

std::string random_hex(std::size_t bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string raw(bytes, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), bytes);
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char b : raw) {
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
