// Taking over a worker in this clone (git porch checkout): a local branch at the worker's tip,
// tracking the remote-tracking branch it came from, checked out in a worktree where spawn would
// have put it, so the hooks there enforce the scope and needs its spawn recorded. A branch no
// spawn was recorded for (pushed by someone without porch) is adopted: this clone records its
// spawn, with the merge base as its base.
#pragma once

#include "model/context.hpp"

#include <string>
#include <vector>

namespace porch::ops {

struct CheckoutOptions {
    std::string worker;              // task-<id> or <id>
    std::vector<std::string> needs;  // adopting: the workers it depends on
    std::vector<std::string> scopes; // adopting: the paths it may change
    bool fetched = false;            // every remote was fetched just now (checkout --fetch)
};

struct CheckoutResult {
    std::string worker; // task-<id>
    std::string branch; // short name
    std::string worktree;
    std::string upstream;        // <remote>/<branch>; empty when the branch is on no remote
    std::string remote;          // the upstream's remote; empty likewise
    std::string tip;             // the commit checked out (hex)
    bool adopted = false;        // no spawn was recorded: this clone recorded one
    std::string base;            // adopted: the merge base recorded as its base (hex)
    bool created_branch = false; // false: the local branch existed and got its worktree
    bool fast_forwarded = false; // that local branch was behind and was moved to the tip
};

// Throws a fatal Error, changing nothing, when the worker is unknown here, is checked out here
// already, has diverged, or its worktree's path exists; an invalid one for --needs or --scope on
// a worker whose spawn declared its own.
CheckoutResult checkout(model::Context& ctx, const CheckoutOptions& options);

} // namespace porch::ops
