#include "ops/cleanup/cleanup.hpp"

#include "git/cli.hpp"
#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/setup.hpp"
#include "model/slots.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <filesystem>
#include <map>
#include <optional>

namespace porch::ops {

using namespace model;

namespace fs = std::filesystem;

namespace {

// What the worker's latest `spawned` event says about where porch put it.
struct SpawnRecord {
    std::string worktree; // relative to the main worktree
    std::string slot;
    std::optional<git::Oid> base;
};

// Paths compared as the file system sees them: git, libgit2 and the config may spell one folder
// differently (a symlinked /tmp, a trailing slash).
std::string canonical(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(fs::path(path), ec);
    if (ec)
        p = fs::path(path).lexically_normal();
    std::string s = p.generic_string();
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s;
}

bool inside(const std::string& path, const std::string& dir) {
    return path == dir || path.starts_with(dir + "/");
}

// Deletes a branch whose tip was checked to be merged. `git branch -d` first: it keeps git's
// own safety net and removes the branch's config section. It judges "merged" against the main
// worktree's HEAD, though, so for another integration branch fall back to a compare-and-swap
// delete of the very tip we checked.
bool delete_branch(Context& ctx, const std::string& branch, const git::Oid& tip,
                   std::string& error) {
    process::Options opts;
    opts.cwd = *ctx.root;
    opts.env = {"LC_ALL=C"}; // its refusal is recognised by its words
    auto r = git::run({"branch", "-d", "--quiet", branch}, opts);
    if (r.ok())
        return true;
    if (r.err.find("not fully merged") == std::string::npos) {
        error = r.last_error_line();
        return false;
    }
    if (!ctx.repo.delete_ref_if(git::branch_ref(branch), tip)) {
        error = "it moved while cleaning up";
        return false;
    }
    git::run_in(*ctx.root, {"config", "--remove-section", "branch." + branch}); // absent is fine
    return true;
}

// What one run decides against, fixed before any worker is looked at, and what it found.
struct Run {
    Context& ctx;
    const CleanupOptions& options;
    git::Oid target;  // the integration branch's tip
    std::string root; // the main worktree, canonical
    std::string cwd;  // where the user stands, canonical; empty when not given
    std::vector<git::Worktree> worktrees;
    std::vector<pool::Slot> slots;
    CleanupReport report;
};

// Why something stays: a phrase, and what to type next (may be empty).
struct Keep {
    std::string reason;
    std::string hint;
};

void refuse(Run& run, const WorkerBranch& wb, std::string path, Keep keep) {
    run.report.refused.push_back(
        {wb.worker, wb.branch, std::move(path), std::move(keep.reason), std::move(keep.hint)});
}

std::string integration_branch(const Context& ctx, const CleanupOptions& options) {
    std::string name = options.merged_into.empty() ? ctx.base_branch() : options.merged_into;
    auto branch = git::RefName(name).branch(); // a full ref name given for the branch
    return branch ? branch->str() : name;
}

Run start(Context& ctx, const CleanupOptions& options) {
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "cannot clean up: a bare repository has no worktrees",
                    "run git porch cleanup in a clone with a working tree");
    CleanupReport report;
    report.dry_run = options.dry_run;
    report.merged_into = integration_branch(ctx, options);
    auto target = ctx.repo.ref_target(git::branch_ref(report.merged_into));
    if (!target)
        throw Error(ErrorKind::fatal,
                    "cannot clean up: no branch " + protocol::quote(report.merged_into),
                    "name an existing branch: git porch cleanup --merged-into <branch> (see git "
                    "branch --list)");
    return Run{ctx,
               options,
               *target,
               canonical(*ctx.root),
               options.cwd.empty() ? std::string() : canonical(options.cwd),
               ctx.repo.worktrees(),
               pool::list(ctx),
               std::move(report)};
}

std::vector<const git::Worktree*> checked_out(const Run& run, const std::string& branch) {
    std::vector<const git::Worktree*> out;
    for (const auto& wt : run.worktrees)
        if (wt.head && *wt.head == git::branch_ref(branch))
            out.push_back(&wt);
    return out;
}

enum class Merge { unmerged, no_work, merged };

// "Merged" means the integration branch has the worker's tip and the worker made at least one
// commit: a fresh worker's tip is its base, trivially contained.
Merge merge_state(const Run& run, const WorkerBranch& wb,
                  const std::optional<SpawnRecord>& spawned) {
    if (!run.ctx.repo.is_ancestor(wb.tip, run.target))
        return Merge::unmerged;
    bool no_work = spawned && spawned->base ? wb.tip == *spawned->base : wb.tip == run.target;
    return no_work ? Merge::no_work : Merge::merged;
}

void refuse_unmerged(Run& run, const WorkerBranch& wb,
                     const std::vector<const git::Worktree*>& worktrees, Merge state) {
    // Only workers with something to clean are worth a line.
    if (worktrees.empty() && !run.options.branches)
        return;
    std::string where = worktrees.size() == 1 ? worktrees.front()->path : std::string();
    const std::string& into = run.report.merged_into;
    if (state == Merge::unmerged)
        refuse(run, wb, where,
               {"not merged into " + into + " (" +
                    util::plural(run.ctx.repo.count_ahead(wb.tip, run.target), "commit") +
                    " ahead)",
                "once it is done, merge it into " + into + ": git merge --no-ff " + wb.branch});
    else
        refuse(run, wb, where, {"no commits of its own yet (nothing was merged)", {}});
}

const pool::Slot* slot_at(const Run& run, const std::string& path) {
    const pool::Slot* slot = nullptr;
    for (const auto& s : run.slots)
        if (canonical(s.path) == path)
            slot = &s;
    return slot;
}

// Whether porch may take the worktree away from this worker at all: not the main worktree, not
// a pool slot in another state or of another worker, and made by porch for it.
std::optional<Keep> not_ours_to_remove(const Run& run, const WorkerBranch& wb,
                                       const std::optional<SpawnRecord>& spawned,
                                       const git::Worktree& wt, const std::string& path,
                                       const pool::Slot* slot) {
    if (wt.is_main)
        return Keep{"checked out in the main worktree",
                    "switch the main worktree to another branch: git switch " +
                        run.report.merged_into};
    if (slot &&
        (slot->state != pool::SlotState::busy || !slot->worker || *slot->worker != wb.worker))
        return Keep{"pool slot " + slot->name + " is " + std::string(pool::to_string(slot->state)) +
                        (slot->problem.empty() ? "" : ": " + slot->problem),
                    "repair the pool with: git porch pool health --fix"};
    const fs::path root(*run.ctx.root);
    const std::string planned = run.ctx.worktree_template.expand(wb.id, wb.desc);
    bool recorded = spawned && !spawned->worktree.empty() &&
                    canonical((root / spawned->worktree).string()) == path;
    bool templated = canonical((root / planned).string()) == path;
    if (!slot && !recorded && !templated)
        return Keep{"not a worktree porch created (neither spawned there nor at " + planned + ")",
                    "remove it yourself if it is no longer needed: git worktree remove " + wt.path};
    return std::nullopt;
}

// Whether the worktree can go now: its folder is there, unlocked, the user is not in it and it
// holds no work.
std::optional<Keep> not_removable_now(const Run& run, const git::Worktree& wt,
                                      const std::string& path, const pool::Slot* slot) {
    if (wt.missing)
        return Keep{"its folder is missing",
                    slot ? "repair the pool with: git porch pool health --fix"
                         : "see it with: git worktree prune --dry-run --verbose"};
    if (!slot && wt.locked)
        return Keep{"the worktree is locked", "unlock it first: git worktree unlock " + wt.path};
    if (!run.cwd.empty() && inside(run.cwd, path))
        return Keep{"you are inside it",
                    "run it from elsewhere: cd " + *run.ctx.root + " && git porch cleanup"};
    auto dirty = git::dirty_paths(wt.path);
    if (!dirty || !dirty->empty())
        return Keep{dirty ? util::plural(dirty->size(), "uncommitted or untracked path")
                          : "git cannot read its status",
                    "commit or remove the work in " + wt.path +
                        ", then run git porch cleanup again"};
    return std::nullopt;
}

// Releases the pool slot or removes the worktree; why it stays when that fails.
std::optional<Keep> remove_or_release(const Run& run, const git::Worktree& wt,
                                      const pool::Slot* slot) {
    try {
        if (slot && !run.options.release_slot) {
            throw Error(ErrorKind::fatal, "pool slot " + slot->name +
                                              " is not released here: git porch pool release " +
                                              slot->name);
        } else if (slot) {
            run.options.release_slot(run.ctx, slot->name);
        } else {
            auto r = git::run_in(*run.ctx.root, {"worktree", "remove", wt.path});
            if (!r.ok())
                throw Error(ErrorKind::fatal, r.last_error_line());
        }
    } catch (const Error& e) {
        return Keep{std::string(slot ? "cannot release: " : "cannot remove: ") + e.what(), {}};
    }
    return std::nullopt;
}

// One worktree that has the merged worker's branch checked out: removed (or its slot released),
// or kept with the reason. True when it is gone (or would be, with dry_run).
bool clean_worktree(Run& run, const WorkerBranch& wb, const std::optional<SpawnRecord>& spawned,
                    const git::Worktree& wt) {
    const std::string path = canonical(wt.path);
    const pool::Slot* slot = slot_at(run, path);
    auto keep = not_ours_to_remove(run, wb, spawned, wt, path, slot);
    if (!keep)
        keep = not_removable_now(run, wt, path, slot);
    if (!keep && !run.options.dry_run)
        keep = remove_or_release(run, wt, slot);
    if (!keep && !run.options.dry_run) {
        std::error_code ec; // its [worktree] setup's log goes with the worktree; absent is fine
        fs::remove(setup_log(run.ctx, wb.worker), ec);
    }
    if (keep) {
        refuse(run, wb, wt.path, std::move(*keep));
        return false;
    }
    run.report.removed.push_back(
        {wb.worker, wb.branch, wt.path, slot ? slot->name : std::string()});
    return true;
}

// The merged branch of a worker no worktree holds any more: deleted with --branches, else listed
// as kept. True when deleted (or would be, with dry_run).
bool settle_branch(Run& run, const WorkerBranch& wb) {
    if (!run.options.branches) {
        run.report.merged_branches_kept.push_back(wb.branch);
        return false;
    }
    std::string error;
    if (run.options.dry_run || delete_branch(run.ctx, wb.branch, wb.tip, error)) {
        run.report.branches_deleted.push_back(wb.branch);
        return true;
    }
    refuse(run, wb, {}, {"cannot delete the branch: " + error, {}});
    return false;
}

// A `cleaned` event for a worker that lost its worktree or its branch in this run.
void record_cleaned(Run& run, const WorkerBranch& wb, bool branch_deleted) {
    const auto& removed = run.report.removed;
    bool removed_any = !removed.empty() && removed.back().worker == wb.worker;
    if (!removed_any && !branch_deleted)
        return;
    CleanedEvent e{wb.branch, run.report.merged_into, wb.tip.hex(), branch_deleted, {}, {}};
    if (removed_any) {
        e.worktree = fs::path(canonical(removed.back().worktree))
                         .lexically_relative(run.root)
                         .generic_string();
        e.slot = removed.back().slot;
    }
    store::append(run.ctx.repo, e.encode(wb.worker));
}

void clean_worker(Run& run, const WorkerStatus& view) {
    if (!view.has_local_branch)
        return; // its branch is on a remote only: nothing of it here to clean
    const WorkerTip& local = view.tips.front();
    const WorkerBranch wb{view.worker, view.id, view.desc, local.branch, local.commit};
    if (wb.branch == run.report.merged_into)
        return; // the integration branch itself
    const auto worktrees = checked_out(run, wb.branch);
    std::optional<SpawnRecord> spawned;
    if (view.recorded)
        spawned = SpawnRecord{view.spawn_worktree, view.slot, view.spawn_base};
    const Merge state = merge_state(run, wb, spawned);
    if (state != Merge::merged) {
        refuse_unmerged(run, wb, worktrees, state);
        return;
    }
    // Commits pushed from elsewhere and not merged: the local branch is all that points at the
    // worker here, so it stays.
    for (const auto& t : view.tips)
        if (!t.remote.empty() && !run.ctx.repo.is_ancestor(t.commit, run.target)) {
            refuse(run, wb, worktrees.size() == 1 ? worktrees.front()->path : std::string(),
                   {t.display() + " has commits not merged into " + run.report.merged_into,
                    "merge them first: git merge --no-ff " + t.display()});
            return;
        }
    bool all_gone = true; // no worktree keeps the branch checked out any more
    for (const auto* wt : worktrees)
        if (!clean_worktree(run, wb, spawned, *wt))
            all_gone = false;
    bool branch_deleted = all_gone && settle_branch(run, wb);
    if (!run.options.dry_run)
        record_cleaned(run, wb, branch_deleted);
}

} // namespace

CleanupReport cleanup(Context& ctx, const CleanupOptions& options) {
    Run run = start(ctx, options);
    const ViewBase vb = view_base(ctx);
    for (const auto& sources : find_workers(ctx))
        if (!sources.tips.empty()) // a teammate's worker has nothing here to clean
            if (auto view = view_worker(ctx, vb, sources); view && view->tip)
                clean_worker(run, *view);
    return std::move(run.report);
}

} // namespace porch::ops
