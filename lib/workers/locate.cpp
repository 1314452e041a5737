#include "workers/locate.hpp"

#include "pool/claim.hpp"

#include <filesystem>

namespace porch::workers {

Location locate(const Context& ctx) {
    Location loc;
    if (auto head = ctx.repo.head_ref(); head && head->starts_with("refs/heads/")) {
        loc.head_branch = head->substr(11);
        if (auto parts = ctx.branch_template.match(loc.head_branch))
            loc.branch_worker = protocol::worker_name(parts->id);
    }
    auto here = ctx.repo.workdir();
    if (here && ctx.root) {
        auto rel = std::filesystem::path(*here).lexically_relative(*ctx.root).generic_string();
        if (auto parts = ctx.worktree_template.match(rel)) {
            loc.owner = protocol::worker_name(parts->id);
            loc.owner_branch = ctx.branch_template.expand(parts->id, parts->desc);
        } else if (auto name = std::filesystem::path(rel).filename().string();
                   pool::is_slot_name(name)) {
            // A pool slot belongs to the worker that claimed it.
            if (auto worker = pool::claimed_worker(ctx.repo, name); worker && *worker != "?") {
                for (const auto& wb : worker_branches(ctx, *worker)) {
                    loc.owner = wb.worker;
                    loc.owner_branch = wb.branch;
                }
            }
        }
    }
    return loc;
}

} // namespace porch::workers
