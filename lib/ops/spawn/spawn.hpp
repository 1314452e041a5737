// Creating a worker: its branch, its worktree, and the `spawned` event.
#pragma once

#include "model/new_worker.hpp"

#include <string>
#include <vector>

namespace porch::ops {

using model::SpawnRequest;
using model::SpawnResult;

// Validates everything before changing anything; on a failure after the branch exists, the
// branch is removed again so a refused spawn leaves the repository as it was.
SpawnResult spawn(model::Context& ctx, const SpawnRequest& request);

} // namespace porch::ops
