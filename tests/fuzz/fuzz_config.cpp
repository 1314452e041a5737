// libFuzzer target: .porch.toml, a file anyone on the team can commit.
#include "model/config.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        porch::config::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                             "fuzz.toml");
    } catch (const porch::Error&) {
        // refused with a message: the expected outcome for most inputs
    }
    return 0;
}
