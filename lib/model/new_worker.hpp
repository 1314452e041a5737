// A new worker before it exists: the request, its validation, and its `spawned` event. What
// spawn and pool acquire share.
#pragma once

#include "model/context.hpp"
#include "model/events.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace porch::model {

struct SpawnRequest {
    std::string id; // with or without "task-"
    std::string desc;
    std::string base;                // empty: the base branch
    std::vector<std::string> needs;  // worker ids this one depends on
    std::vector<std::string> scopes; // paths it may change; empty: anything
};

struct SpawnResult {
    std::string worker;   // task-<id>
    std::string branch;   // short name
    std::string worktree; // absolute path
    std::string base;     // what it was created from, as given
    std::string base_commit;
};

// The `git worktree lock` reason a worktree has while spawn makes it; a worktree still locked
// with it belongs to a spawn that was killed (see doctor).
inline constexpr const char* spawn_lock_reason = "porch spawn in progress";

// A validated request: what spawn and pool acquire share.
struct PreparedWorker {
    std::string id;
    std::string worker; // task-<id>
    std::string desc;
    std::string branch; // short name
    std::vector<std::string> needs;
    std::vector<std::string> scopes;
    std::string base_name;
    git::Oid base;
};

// Throws a fatal Error, changing nothing, for anything spawn would refuse (`verb` starts the
// message: "cannot spawn", "cannot acquire").
PreparedWorker prepare_worker(Context& ctx, const SpawnRequest& request, std::string_view verb);

// Checks and sets the needs (task-<id>, no duplicates, not itself) and the scopes (normalised)
// of `worker`, whose id and worker name are set; throws a fatal Error prefixed by `verb`.
void declare(PreparedWorker& worker, const std::vector<std::string>& needs,
             const std::vector<std::string>& scopes, std::string_view verb);

// The `spawned` event of a prepared worker; `slot` is the pool slot ("wt-3") or empty.
SpawnedEvent spawned_event(const Context& ctx, const PreparedWorker& worker,
                           const std::string& worktree_rel, const std::string& slot);

// Appends the `spawned` event; `slot` is the pool slot ("wt-3") or empty.
void record_spawn(Context& ctx, const PreparedWorker& worker, const std::string& worktree_rel,
                  const std::string& slot);

} // namespace porch::model
