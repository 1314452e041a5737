// libFuzzer target: the commit-message parser, with each comment style.
#include "model/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const char* prefix : {"#", ";", "auto", ""}) {
        porch::protocol::CommentStyle style;
        style.prefix = prefix;
        auto msg = porch::protocol::parse_message(text, style);
        // A parsed protocol message names what it found; it never invents text.
        if (msg.subject.size() > text.size())
            __builtin_trap();
    }
    porch::protocol::classify_subject(text);
    return 0;
}
