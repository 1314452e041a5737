// The plan: the team's task list, `[[task]]` tables in the committed .porch/plan.toml, from
// which workers are spawned in waves, kickoff prompts written and QA judged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

constexpr std::string_view plan_path = ".porch/plan.toml";

// One work item of a task, as plan import read it from a document: `[[task.item]]` tables.
struct PlanItem {
    int number = 0;                 // the item's number in the manifest, unique in the plan
    std::string text;               // what to do; may hold "- detail" lines
    std::string source;             // file:line; empty when not known
    std::vector<std::string> scope; // the paths it names
    std::string size;               // S, M, L or XL; empty when unknown
    std::vector<int> needs;         // numbers of items that must be done first
    std::string priority;           // e.g. P0, high; empty when unknown
};

constexpr int max_item_number = 100000;

struct Task {
    std::string id;                       // as in task-<id>: 1 to 32 lowercase letters and digits
    std::string desc;                     // the slug used in branch and worktree names
    std::string description;              // what to do, in prose
    std::vector<std::string> scope;       // paths or globs this worker owns
    std::vector<std::string> needs;       // ids of tasks that must be complete first
    std::string size;                     // S, M, L or XL; empty when unknown
    std::string priority;                 // e.g. P0, high; empty when unknown
    std::vector<std::string> checkpoints; // the checkpoint commits expected, in order
    std::vector<std::string> verify;      // commands that check the work
    // What others may ask it for, as the <item> of [NEEDS:task-<id>/<item>]: kickoff prompts list
    // it, so a worker that needs something knows whom to ask.
    std::vector<std::string> produces;
    // The work items the task was made from (plan import): the kickoff prompt lists them as a
    // checklist, and plan merge, move and split edit them. Empty for a hand-written task.
    std::vector<PlanItem> items;
};

// `mode = "sequential"` makes plan check and apply run one task at a time whatever the plan.
enum class PlanMode { automatic, sequential };

struct Plan {
    std::vector<Task> tasks;
    PlanMode mode = PlanMode::automatic;
};

// Parses plan text. Throws porch::Error whose message starts with "<source>:<line>:<column>: "
// for syntax errors, unknown keys, wrong types and invalid ids or descriptions.
Plan parse(std::string_view toml_text, std::string_view source_name);
// Reads <root>/.porch/plan.toml; nullopt when there is none.
std::optional<Plan> load(const std::string& root);
// The task with this id ("7" or "task-7"), or nullptr.
const Task* find(const Plan& plan, std::string_view id);
// The plan as TOML that parse() reads back to the same plan.
std::string to_toml(const Plan& plan);
// Writes <root>/.porch/plan.toml through a temporary file, so that a reader never sees half a
// plan.
void save(const std::string& root, const Plan& plan);

} // namespace porch::plan
