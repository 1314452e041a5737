// What each local worker's worktree holds that its branch does not (uncommitted and untracked
// paths), and what its branch lacks of the base (commits behind): status's worktree columns and
// the alerts on them.
#pragma once

#include "git/cli.hpp"
#include "model/worker.hpp"

#include <cstddef>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace porch::ops {

struct WorktreeState {
    // nullopt when git could not look (a worktree being removed, a broken index).
    std::optional<git::WorktreeReading> files;
    std::size_t behind = 0; // commits on the base branch and not on the worker's tip
};

// By worker id, for the workers whose worktree is on this machine.
using WorktreeStates = std::map<std::string, WorktreeState>;

// git status in up to this many worktrees at once.
constexpr std::size_t worktree_jobs = 8;

// Reads every local worker's worktree of `report`, several at once.
WorktreeStates read_worktree_states(const model::Context& ctx, const model::StatusReport& report);

// Reading the worktrees is most of status's time, in git processes that leave the cores partly
// idle: started before the report is collected (for the workers `only` names, or all), they
// overlap with it. finish() reads any the start missed. Waits for the reads when destroyed.
class WorktreeReads {
public:
    WorktreeReads(const model::Context& ctx, const std::string& only);
    WorktreeStates finish(const model::Context& ctx, const model::StatusReport& report);

private:
    std::vector<std::string> m_dirs;
    std::future<std::vector<std::optional<git::WorktreeReading>>> m_readings;
};

} // namespace porch::ops
