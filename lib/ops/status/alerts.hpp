// What an orchestrator must act on, derived from a status report: each alert says what is wrong
// and what to do about it.
#pragma once

#include "model/worker.hpp"
#include "ops/status/worktrees.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace porch::ops {

struct Alert {
    Alert(model::AlertKind k, std::string w, std::string m, std::string a,
          std::vector<std::string> p = {})
        : kind(k), worker(std::move(w)), message(std::move(m)), action(std::move(a)),
          paths(std::move(p)) {}

    model::AlertKind kind = model::AlertKind::blocked;
    std::string worker;  // empty for alerts about no single worker (deadlocks, base commits)
    std::string message; // one line; may contain others' text: sanitise before printing
    std::string action;  // what to do or type next
    // The files it is about (worktree-dirty: every uncommitted or untracked path, an untracked
    // folder once; out-of-scope: the files changed outside the scope); empty for the other kinds.
    std::vector<std::string> paths;
};

// Cycles in the dependency graph (NEEDS commits and needs declared at spawn, on workers not yet
// complete); each cycle lists its workers once, starting from the smallest id.
std::vector<std::vector<std::string>> dependency_cycles(const model::StatusReport& report);

// `worktrees`: what read_worktree_states read (a worker left out gets no worktree alerts); the
// first form reads them itself.
std::vector<Alert> collect_alerts(const model::Context& ctx, const model::StatusReport& report,
                                  std::int64_t now);
std::vector<Alert> collect_alerts(const model::Context& ctx, const model::StatusReport& report,
                                  std::int64_t now, const WorktreeStates& worktrees);

} // namespace porch::ops
