// git porch plan merge|move|split|sequential|parallel: the answers to the manifest's "Proceed?"
// as edits of the plan, so that nobody edits the TOML by hand. Tasks are named "7" or "task-7",
// items by their number in the manifest. Each throws porch::Error for a task or item the plan
// does not have, and leaves the plan's other tasks as they are.
#pragma once

#include "model/plan.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

struct Edit {
    Plan plan;                        // the plan after the edit
    std::vector<std::string> changes; // what changed, a line each
};

// `from`'s items, scope, needs and other lists go to `into`, and `from` is removed; a task that
// needed `from` needs `into` instead.
Edit merge_tasks(Plan plan, std::string_view into, std::string_view from);
// The item goes to task `to`; a task left without items is removed (its dependants need `to`).
// Both tasks' scope, size and needs follow from their items again.
Edit move_item(Plan plan, std::string_view item, std::string_view to);
// The items leave `task` for a new task with the next free id.
Edit split_task(Plan plan, std::string_view task, const std::vector<std::string>& items);
// mode = "sequential", or back to automatic (plan check decides).
Edit set_mode(Plan plan, PlanMode mode);

} // namespace porch::plan
