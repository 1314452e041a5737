// A worker's worktree as spawn makes it: where it goes (naming.worktree), and checking a branch
// out there. What spawn and checkout share.
#pragma once

#include "model/context.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace porch::ops {

struct WorktreePlace {
    std::string rel;            // relative to the main worktree, as the spawned event records it
    std::filesystem::path path; // absolute
};

// Where the worker's worktree goes. Throws a fatal Error (`verb` starts it: "cannot spawn") when
// that path exists (`hint` says what to do then) or a folder on its way leads outside the
// repository.
WorktreePlace worktree_place(const model::Context& ctx, const std::string& id,
                             const std::string& desc, std::string_view verb,
                             const std::string& hint);

// Checks `branch` out in a new worktree at `place` with the git CLI (locked while it is made, so
// doctor knows a killed one), copies [worktree] copy and clone into it (prepare.hpp; an entry
// leading outside the repository is refused before anything is made), and keeps the worktree
// folder out of the main checkout's status.
// Throws a fatal Error, leaving no worktree behind; the branch is the caller's to undo.
void add_worker_worktree(model::Context& ctx, const WorktreePlace& place,
                         const std::string& branch);

// Removes a worktree add_worker_worktree made, when a later step fails.
void remove_worker_worktree(const model::Context& ctx, const WorktreePlace& place);

} // namespace porch::ops
