// git porch integrate: merges complete workers into an integration branch in dependency order,
// in a worktree porch manages, stopping at a conflict or a failed verify command so the user can
// resolve and continue, or abort back to where the run started.
//
// The run's start is kept in git itself: refs/porch/integrate/<feature> points at the
// integration branch's tip when the run began (refs/porch/integrate-new/<feature> too when the
// run created the branch), so --continue and --abort work from any shell, after any crash.
#pragma once

#include "model/context.hpp"
#include "model/states.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace porch::ops {

struct IntegrateOptions {
    std::string feature;
    std::optional<std::string> base; // a revision; default: the configured base branch
    std::vector<std::string> only;   // task-<id>; empty: every worker
    bool include_incomplete = false;
    bool dry_run = false;
};

struct IntegrateSkip {
    std::string worker;
    std::string reason;
    model::SkipKind kind = model::SkipKind::incomplete;
    std::vector<std::string> checks; // qa-*: the checks that hold it (rejected, blocked, waiting)
};

struct IntegrateStep {
    std::string worker;
    std::string branch;             // where the tip came from, as git names it: origin/work/...
    std::string outcome;            // merged, would-merge, conflict-predicted, already-merged
    std::string commit;             // the worker's tip that was (or would be) merged
    std::vector<std::string> files; // conflict-predicted: the files
};

// One branch of a diverged worker, local or remote-tracking.
struct IntegrateTip {
    std::string branch; // as git names it: work/task-2-web, origin/work/task-2-web
    std::string commit;
};

// A worker whose branches each have commits the others lack: which one to merge is the user's
// call, so the run stops before merging anything.
struct IntegrateDiverged {
    std::string worker;
    std::vector<IntegrateTip> tips;
    std::string message; // names every tip
    std::string action;  // the commands that reconcile them
};

struct IntegrateConflict {
    std::string worker;
    // Each conflicting file with the workers whose changes meet in it.
    std::vector<std::pair<std::string, std::vector<std::string>>> files;
};

struct IntegrateResult {
    std::string feature;
    std::string branch;             // short name, e.g. integration/login
    std::string worktree;           // absolute path
    std::vector<std::string> order; // the workers to merge, in merge order
    std::vector<IntegrateSkip> skipped;
    std::vector<IntegrateStep> steps;
    std::optional<IntegrateConflict> conflict; // the run stopped at it
    std::optional<std::string> verify_failure; // the run stopped: the command's output tail
    std::string verify_worker;                 // whose merge it failed after
    std::vector<IntegrateDiverged> diverged;   // the run stopped, merging nothing (more)
    bool in_progress = false; // a stop left the run to --continue (refs/porch/integrate/...)
    bool finished = false;    // --finish merged into the base
    std::string base;         // --finish: the base branch
    std::vector<std::string> cleaned; // --finish with auto_cleanup: worktrees removed
    bool worktree_removed = false;    // --finish removed porch's own worktree
};

// Dependency order over `needs` (worker -> workers it needs, restricted to the keys): a worker
// comes after everything it needs, ties in worker-id order. Throws porch::Error naming a cycle.
std::vector<std::string>
dependency_order(const std::map<std::string, std::vector<std::string>>& needs);

IntegrateResult integrate(model::Context& ctx, const IntegrateOptions& options);
IntegrateResult integrate_continue(model::Context& ctx, const IntegrateOptions& options);
IntegrateResult integrate_abort(model::Context& ctx, const std::string& feature);
// Removes the worktrees of workers merged into `merged_into` (git porch cleanup) and returns
// their names; the caller composes the command families.
using CleanupMerged =
    std::function<std::vector<std::string>(model::Context&, const std::string& merged_into)>;
// With parallelization.auto_cleanup, `cleanup_merged` runs once the base has the integration.
IntegrateResult integrate_finish(model::Context& ctx, const std::string& feature,
                                 const CleanupMerged& cleanup_merged = {});

} // namespace porch::ops
