#include "compose.hpp"

#include "model/worker.hpp"
#include "ops/cleanup/cleanup.hpp"
#include "ops/pool/pool.hpp"
#include "ops/spawn/spawn.hpp"

#include <algorithm>

namespace porch::cli {

plan::Started launch_spawned(model::Context& ctx, const model::SpawnRequest& request) {
    auto r = ops::spawn(ctx, request);
    return {request.id, r.worker, r.branch, r.worktree, {}};
}

plan::Started launch_in_pool(model::Context& ctx, const model::SpawnRequest& request) {
    auto a = pool::acquire(ctx, request);
    return {request.id, a.worker.worker, a.worker.branch, a.slot.path, a.slot.name};
}

void release_slot(model::Context& ctx, const std::string& slot) {
    pool::release(ctx, slot, false);
}

std::vector<std::string> cleanup_merged(model::Context& ctx, const std::string& merged_into) {
    ops::CleanupOptions options;
    options.merged_into = merged_into;
    options.cwd = *ctx.root;
    options.release_slot = release_slot;
    std::vector<std::string> cleaned;
    for (const auto& r : ops::cleanup(ctx, options).removed)
        cleaned.push_back(r.worker);
    std::sort(cleaned.begin(), cleaned.end(), model::worker_name_less);
    return cleaned;
}

} // namespace porch::cli
