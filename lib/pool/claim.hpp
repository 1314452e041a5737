// A pool slot's claim: refs/porch/pool/wt-<n> pointing at the blob "porch worker task-<id>\n".
// Per clone (refs/porch/ is never fetched or pushed by default), so teammates' slots never
// collide with ours.
#pragma once

#include "protocol/naming.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace porch::git {
class Repo;
}

namespace porch::pool {

constexpr std::string_view claim_prefix = "refs/porch/pool/";

inline std::string claim_ref(const std::string& slot) { return std::string(claim_prefix) + slot; }

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

} // namespace porch::pool
