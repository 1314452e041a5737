// The `commit` event: what one commit on a worker branch says, as the store keeps it.
#pragma once

#include "git/repo.hpp"
#include "model/context.hpp"
#include "model/event.hpp"

#include <optional>
#include <string>
#include <unordered_map>

namespace porch::model {

// Bounded so one commit cannot bloat a note (subjects from others are untrusted input).
constexpr std::size_t max_recorded_subject = 200;

// Commits on the branch that its base does not have, after `commit`. `known` maps commit ids
// (hex) to counts already recorded: when a recorded commit lies a few single-parent steps below
// `commit` (commits made with hooks off leave such gaps), its count plus the steps; otherwise
// counted in git from the worker's base (merges bring in other branches' commits).
std::size_t ahead_after(const git::Repo& repo, const git::Commit& commit,
                        const std::unordered_map<std::string, std::size_t>& known,
                        const std::optional<git::Oid>& base);

// `source` is "hook" (post-commit) or "reindex". `outside`: the paths the commit changed
// outside the worker's scope (model/bypass.hpp), of which it keeps a bounded few.
store::Event commit_event(const std::string& worker, const git::Commit& commit,
                          const std::string& source, std::optional<std::size_t> ahead = {},
                          const std::vector<std::string>& outside = {});

// `git porch reindex` and doctor: rebuild a worker's events from its branch history, for
// repositories that had worker branches before porch, or commits that bypassed the hooks.
// Idempotent.
struct ReindexResult {
    std::string worker;
    std::size_t commits_added = 0;
    bool spawned_added = false;
};

// Every worker branch, or only `only` (task-<id>).
std::vector<ReindexResult> reindex(model::Context& ctx, const std::string& only = {});

} // namespace porch::model
