#include "ops/spawn/spawn.hpp"

#include "ops/spawn/worktree.hpp"
#include "util/error.hpp"

namespace porch::ops {

using namespace model;

SpawnResult spawn(Context& ctx, const SpawnRequest& req) {
    PreparedWorker p = prepare_worker(ctx, req, "cannot spawn");
    WorktreePlace place = worktree_place(ctx, p.id, p.desc, "cannot spawn",
                                         "move it away, or pick another id or description");
    if (!ctx.repo.create_branch(git::BranchName(p.branch), p.base))
        throw Error(ErrorKind::fatal, "cannot spawn: branch '" + p.branch + "' already exists");
    try {
        add_worker_worktree(ctx, place, p.branch);
    } catch (...) {
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        throw;
    }
    try {
        record_spawn(ctx, p, place.rel, {});
    } catch (...) {
        // A worker without its spawned event would lose its scope and needs: undo the spawn.
        remove_worker_worktree(ctx, place);
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        throw;
    }
    return {p.worker, p.branch, place.path.string(), p.base_name, p.base.hex()};
}

} // namespace porch::ops
