// libFuzzer target: the committed plan, .porch/plan.toml. A plan that parses must survive
// to_toml and parse back to the same tasks, items and mode.
#include "model/plan.hpp"
#include "util/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

bool same_item(const porch::plan::PlanItem& a, const porch::plan::PlanItem& b) {
    return a.number == b.number && a.text == b.text && a.source == b.source && a.scope == b.scope &&
           a.size == b.size && a.needs == b.needs && a.priority == b.priority;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    porch::plan::Plan plan;
    try {
        plan = porch::plan::parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                  "fuzz.toml");
    } catch (const porch::Error&) {
        return 0;
    }
    auto again = porch::plan::parse(porch::plan::to_toml(plan), "again.toml");
    if (again.tasks.size() != plan.tasks.size() || again.mode != plan.mode)
        __builtin_trap();
    for (std::size_t i = 0; i < plan.tasks.size(); ++i) {
        const auto &a = again.tasks[i], &p = plan.tasks[i];
        if (a.id != p.id || a.scope != p.scope || a.description != p.description ||
            a.items.size() != p.items.size())
            __builtin_trap();
        for (std::size_t k = 0; k < p.items.size(); ++k)
            if (!same_item(a.items[k], p.items[k]))
                __builtin_trap();
    }
    return 0;
}
