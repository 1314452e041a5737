// Where one command family uses another: the library's families never include each other
// (ARCHITECTURE.md), so the CLI hands them these as functions.
#pragma once

#include "model/context.hpp"
#include "model/new_worker.hpp"
#include "ops/plan/apply.hpp"
#include "ops/pool/pool.hpp"
#include "ops/spawn/setup.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace porch::cli {

// pool acquire, readied as spawn readies a worktree: [worktree] copy and clone (planned, and
// refused, before the slot is taken).
pool::Acquired acquire_ready(model::Context& ctx, const model::SpawnRequest& request);

// [worktree] setup in a new worker's worktree (skipped with --no-setup), its outcome said on
// stderr: spawn, pool acquire and plan apply.
ops::SetupResult setup_new_worker(model::Context& ctx, const std::string& worker,
                                  const std::string& worktree, bool no_setup);
// A setup's outcome for --json: null when there is no setup.
nlohmann::json setup_json(const ops::SetupResult& r);

// plan apply: start a task's worker with spawn, or in a pool slot.
plan::Started launch_spawned(model::Context& ctx, const model::SpawnRequest& request);
plan::Started launch_in_pool(model::Context& ctx, const model::SpawnRequest& request);

// cleanup: give a merged worker's pool slot back to the pool.
void release_slot(model::Context& ctx, const std::string& slot);

// integrate --finish with auto_cleanup: remove merged workers' worktrees; returns the workers.
std::vector<std::string> cleanup_merged(model::Context& ctx, const std::string& merged_into);

} // namespace porch::cli
