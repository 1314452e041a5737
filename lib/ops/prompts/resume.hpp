// The continuation prompt for a worker whose session crashed, stalled or got unblocked, built
// from its recorded events: what it finished, what remains, what it was waiting for.
#pragma once

#include "model/agent.hpp"
#include "ops/prompts/assignment.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::prompts {

// What the worker stopped for: its BLOCKED reason, or an item it NEEDS from another worker.
struct Waiting {
    std::string kind;   // blocked, needs
    std::string reason; // blocked
    std::string worker; // needs: task-<id>
    std::string item;   // needs
    bool available = false;
    std::string how;  // needs, available: "is complete" or "has committed it"
    std::string pick; // needs, available: the command that picks it up
};

struct Progress {
    std::vector<std::string> completed; // [CHECKPOINT] subjects, oldest first
    std::vector<std::string> remaining; // plan checkpoints no checkpoint commit mentions
    std::vector<Waiting> waiting;
    std::string last_commit; // the newest recorded subject; empty without commits
    // What the previous session's agent last said through its hooks (git porch agent-hook).
    std::optional<model::AgentActivity> agent;
};

Progress load_progress(const model::Context& ctx, const model::StatusReport& report,
                       const model::WorkerStatus& worker, const Assignment& a);

// The whole prompt, newline-terminated.
std::string resume_prompt(const Assignment& a, const Progress& p);

} // namespace porch::prompts
