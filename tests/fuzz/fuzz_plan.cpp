// libFuzzer target: the committed plan, .porch/plan.toml. A plan that parses must survive
// to_toml and parse back to the same tasks.
#include "model/plan.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    porch::plan::Plan plan;
    try {
        plan = porch::plan::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                  "fuzz.toml");
    } catch (const porch::Error&) {
        return 0;
    }
    auto again = porch::plan::parse(porch::plan::to_toml(plan), "again.toml");
    if (again.tasks.size() != plan.tasks.size())
        __builtin_trap();
    for (std::size_t i = 0; i < plan.tasks.size(); ++i)
        if (again.tasks[i].id != plan.tasks[i].id || again.tasks[i].scope != plan.tasks[i].scope ||
            again.tasks[i].description != plan.tasks[i].description)
            __builtin_trap();
    return 0;
}
