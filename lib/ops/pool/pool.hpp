// The worktree pool: pre-made, reusable worktree slots (`worktrees/wt-<n>`), handed to workers
// and taken back. A slot belongs to a worker while the ref refs/porch/pool/wt-<n> exists; that
// ref is created only if absent (a compare-and-swap in git), so concurrent acquires never share
// a slot, and a process killed half-way leaves a state `health` recognises.
#pragma once

#include "model/new_worker.hpp"
#include "model/slots.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace porch::pool {

constexpr std::string_view rescue_prefix = "refs/porch/rescued/";
constexpr std::string_view lock_reason = "porch pool slot";
constexpr int default_size = 8;

// Creates slots up to `size` (never destroys one). Returns what it did.
std::vector<std::string> init(model::Context& ctx, int size);

struct Acquired {
    Slot slot;
    model::SpawnResult worker;
};

// Takes a free slot for a new worker: creates its branch from the base and checks it out in the
// slot. Throws, changing nothing, when no slot is free or the request is invalid.
Acquired acquire(model::Context& ctx, const model::SpawnRequest& request);

struct Released {
    Slot slot;
    std::string worker;
    std::optional<std::string> rescued_ref; // with force: where uncommitted work was saved
};

// Returns a slot (named wt-<n> or by its worker) to idle, detached at the base and clean. A
// slot with uncommitted or untracked work is refused unless `force`, which saves that work on a
// commit under refs/porch/rescued/ first.
Released release(model::Context& ctx, const std::string& slot_or_worker, bool force);

struct Finding {
    std::string slot;    // may be empty for pool-wide findings
    std::string problem; // what is wrong
    std::string action;  // what --fix did, or what a person should do
    bool fixed = false;
};

// Checks the pool against git's worktrees and the claims; with `fix`, repairs what is safe.
std::vector<Finding> health(model::Context& ctx, bool fix);

// Removes idle slots and their folders; never a slot with work in it. Returns what it did.
std::vector<std::string> cleanup(model::Context& ctx);

struct MergeResult {
    std::vector<std::string> merged;     // workers merged, in order
    std::optional<std::string> conflict; // the worker whose merge conflicted
    std::vector<std::string> conflict_files;
    std::string worktree; // where the merge (or its conflict) is
};

// Merges the busy slots' branches into `target` (default: the base branch) in slot order with
// --no-ff, stopping at the first conflict.
MergeResult merge(model::Context& ctx, const std::string& target);

} // namespace porch::pool
