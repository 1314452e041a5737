// The plan: the team's task list, `[[task]]` tables in the committed .porch/plan.toml, from
// which workers are spawned in waves, kickoff prompts written and QA judged.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

constexpr std::string_view plan_path = ".porch/plan.toml";

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
};

struct Plan {
    std::vector<Task> tasks;
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

} // namespace porch::plan
