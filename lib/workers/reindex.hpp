// `git porch reindex`: rebuild a worker's events from its branch history, for repositories
// that had worker branches before porch, or commits that bypassed the hooks. Idempotent.
#pragma once

#include "workers/context.hpp"

#include <string>
#include <vector>

namespace porch::workers {

struct ReindexResult {
    std::string worker;
    std::size_t commits_added = 0;
    bool spawned_added = false;
};

// Every worker branch, or only `only` (task-<id>).
std::vector<ReindexResult> reindex(Context& ctx, const std::string& only = {});

} // namespace porch::workers
