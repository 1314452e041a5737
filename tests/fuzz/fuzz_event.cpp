// libFuzzer target: event lines, as they arrive from other clones. A line that parses must
// serialise and parse back to the same event; the raw scanner must agree on flat lines.
#include "model/event.hpp"
#include "model/store.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view line(reinterpret_cast<const char*>(data), size);
    porch::store::scan_fields(line);
    auto e = porch::store::from_line(line);
    if (!e)
        return 0;
    std::string again;
    try {
        again = porch::store::to_line(*e);
    } catch (...) {
        return 0; // a reused key or an oversized result is refused, not written
    }
    auto back = porch::store::from_line(again);
    if (!back || back->type != e->type || back->worker != e->worker || back->fields != e->fields ||
        back->lists != e->lists || back->lamport != e->lamport || back->id != e->id)
        __builtin_trap();
    return 0;
}
