// Which worker, if any, the current worktree belongs to. Hooks are shared by every worktree, so
// they act only where this says a worker lives and pass silently elsewhere.
#pragma once

#include "model/context.hpp"

#include <optional>
#include <string>

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

} // namespace porch::model
