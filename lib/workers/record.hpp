// The `commit` event: what one commit on a worker branch says, as the store keeps it.
#pragma once

#include "git/repo.hpp"
#include "store/event.hpp"

#include <optional>
#include <unordered_map>
#include <string>

namespace porch::workers {

// Bounded so one commit cannot bloat a note (subjects from others are untrusted input).
constexpr std::size_t max_recorded_subject = 200;

// Commits on the branch that its base does not have, after `commit`. `known` maps commit ids
// (hex) to counts already recorded: when a recorded commit lies a few single-parent steps below
// `commit` (commits made with hooks off leave such gaps), its count plus the steps; otherwise
// counted in git from the worker's base (merges bring in other branches' commits).
std::size_t ahead_after(const git::Repo& repo, const git::Commit& commit,
                        const std::unordered_map<std::string, std::size_t>& known,
                        const std::optional<git::Oid>& base);

// `source` is "hook" (post-commit) or "reindex".
store::Event commit_event(const std::string& worker, const git::Commit& commit,
                          const std::string& source);

} // namespace porch::workers
