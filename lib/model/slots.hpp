// A pool slot's claim: refs/porch/pool/wt-<n> pointing at the blob "porch worker task-<id>\n".
// Per clone (refs/porch/ is never fetched or pushed by default), so teammates' slots never
// collide with ours.
#pragma once

#include "model/context.hpp"
#include "model/naming.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::git {
class Repo;
}

namespace porch::pool {

constexpr std::string_view claim_prefix = "refs/porch/pool/";

inline git::RefName claim_ref(const std::string& slot) {
    return git::RefName(std::string(claim_prefix) + slot);
}

// The worker holding `slot` ("wt-3"), "?" when the claim is unreadable, nullopt when free.
std::optional<std::string> claimed_worker(const git::Repo& repo, const std::string& slot);

// The folder slots live in, relative to the main worktree: the worktree template's first
// folder ("worktrees" by default, and when the template has none).
inline std::string slot_folder(const protocol::Template& worktree_template) {
    std::string first = worktree_template.first_folder();
    return first.empty() ? "worktrees" : first;
}

// True for names such as "wt-3".
bool is_slot_name(std::string_view name);

enum class SlotState { idle, busy, broken };
std::string_view to_string(SlotState state);

struct Slot {
    int number = 0;
    std::string name;       // wt-<n>
    std::string path;       // absolute
    std::string admin_name; // git's name for it under .git/worktrees/
    SlotState state = SlotState::idle;
    std::optional<std::string> worker; // busy: the claim's worker
    std::string branch;                // what the slot has checked out; empty when detached
    std::string problem;               // broken: why
    std::int64_t last_commit_time = 0; // of the checked-out commit
};

// Slots known to git (worktrees named wt-<n> under the pool folder), in number order.
std::vector<Slot> list(const model::Context& ctx);

// The folder slots live in: the worktree template's first folder under the main worktree.
std::filesystem::path pool_dir(const model::Context& ctx);
// The short name of the branch a worktree has checked out; empty when detached.
std::string branch_of(const git::Worktree& wt);

} // namespace porch::pool
