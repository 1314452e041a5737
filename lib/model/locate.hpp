// Which worker, if any, the current worktree belongs to. Hooks are shared by every worktree, so
// they act only where this says a worker lives and pass silently elsewhere.
#pragma once

#include "model/context.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::model {

struct Location {
    std::optional<std::string> branch_worker; // worker whose branch HEAD is on
    std::optional<std::string> owner;         // worker whose porch-made worktree this is
    std::optional<std::string> owner_branch;  // that worker's branch
    std::string head_branch;                  // short name; empty when detached

    bool is_worker() const { return branch_worker || owner; }
    // The worktree belongs to one worker while HEAD is elsewhere (the seeds' wrong-branch case).
    bool on_wrong_branch() const {
        return owner &&
               (!branch_worker || *branch_worker != *owner || head_branch != *owner_branch);
    }
};

Location locate(const Context& ctx);

// A worker's worktree, as the commit-msg hook names it to a commit made elsewhere.
struct WorkerPlace {
    std::string worker;             // task-<id>
    std::vector<std::string> scope; // empty: the whole tree
    std::string worktree;           // absolute path
    bool complete = false;
};

// Where a worker's commit of `paths` made outside its worktree belongs: the workers whose scopes
// cover every path (open ones before complete ones; `by_scope`), else every candidate, for the
// caller to list. Never `not_this` (the worker a NEEDS names) when there are others.
struct Places {
    std::vector<WorkerPlace> workers;
    bool by_scope = false;
};
Places places_for(const std::vector<std::string>& paths, std::vector<WorkerPlace> workers,
                  const std::string& not_this = {});

} // namespace porch::model
