// Cleaning up after merged workers: removing the worktrees porch made for them, releasing their
// pool slots and, on request, deleting their branches. Only what is provably merged and clean
// goes; everything else is kept and reported with the reason.
#pragma once

#include "model/context.hpp"

#include <functional>
#include <string>
#include <vector>

namespace porch::ops {

struct CleanupOptions {
    std::string merged_into; // the integration branch; empty: the base branch
    bool branches = false;   // also delete the merged workers' branches
    bool dry_run = false;    // decide everything, change nothing
    std::string cwd;         // where the user stands: a worktree containing it is kept
    // Returns a merged worker's pool slot to the pool (pool release); the caller composes the
    // command families. Unset: such slots are kept, with the command to release them.
    std::function<void(model::Context&, const std::string& slot)> release_slot;
};

// One worker whose worktree was removed (or pool slot released), or would be with dry_run.
struct CleanupRemoved {
    std::string worker;   // task-<id>
    std::string branch;   // short name
    std::string worktree; // absolute path
    std::string slot;     // the pool slot ("wt-3") released instead of removed; empty otherwise
};

// One thing kept, and why.
struct CleanupRefusal {
    std::string worker;
    std::string branch;
    std::string worktree; // absolute path; empty when the refusal is about the branch
    std::string reason;   // a phrase: "1 uncommitted or untracked path", "not merged into main"
    std::string hint;     // what to type next; may be empty
};

struct CleanupReport {
    std::string merged_into;
    bool dry_run = false;
    std::vector<CleanupRemoved> removed;
    std::vector<CleanupRefusal> refused;
    std::vector<std::string> branches_deleted;     // short names
    std::vector<std::string> merged_branches_kept; // merged, deletable, but --branches not given
};

// Throws (changing nothing) when the integration branch does not exist or the repository is
// bare; per-worker problems are refusals in the report, never exceptions.
CleanupReport cleanup(model::Context& ctx, const CleanupOptions& options);

} // namespace porch::ops
