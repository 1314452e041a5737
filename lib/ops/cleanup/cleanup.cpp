#include "ops/cleanup/cleanup.hpp"

#include "git/cli.hpp"
#include "model/naming.hpp"
#include "model/slots.hpp"
#include "model/store.hpp"
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

std::optional<SpawnRecord> spawn_record(const git::Repo& repo, const std::string& worker) {
    std::optional<SpawnRecord> out;
    for (const auto& e : store::read(repo, worker))
        if (e.type == "spawned")
            out = SpawnRecord{e.field("worktree"), e.field("slot"),
                              git::Oid::from_hex(e.field("base"))};
    return out;
}

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

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

void record_cleaned(Context& ctx, const std::string& worker,
                    std::map<std::string, std::string> fields) {
    store::Event e;
    e.type = "cleaned";
    e.worker = worker;
    for (auto& [k, v] : fields)
        if (!v.empty())
            e.fields[k] = std::move(v);
    store::append(ctx.repo, std::move(e));
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
    if (!ctx.repo.delete_ref_if("refs/heads/" + branch, tip)) {
        error = "it moved while cleaning up";
        return false;
    }
    git::run_in(*ctx.root, {"config", "--remove-section", "branch." + branch}); // absent is fine
    return true;
}

} // namespace

CleanupReport cleanup(Context& ctx, const CleanupOptions& options) {
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "cannot clean up: a bare repository has no worktrees",
                    "run git porch cleanup in a clone with a working tree");
    CleanupReport report;
    report.dry_run = options.dry_run;
    report.merged_into = options.merged_into.empty() ? ctx.base_branch() : options.merged_into;
    if (report.merged_into.starts_with("refs/heads/"))
        report.merged_into = report.merged_into.substr(11);
    auto target = ctx.repo.ref_target("refs/heads/" + report.merged_into);
    if (!target)
        throw Error(ErrorKind::fatal,
                    "cannot clean up: no branch " + protocol::quote(report.merged_into),
                    "name an existing branch: git porch cleanup --merged-into <branch> (see git "
                    "branch --list)");

    const std::string root = canonical(*ctx.root);
    const std::string cwd = options.cwd.empty() ? std::string() : canonical(options.cwd);
    const auto worktrees = ctx.repo.worktrees();
    const auto slots = pool::list(ctx);
    const std::string into = " into " + report.merged_into;

    for (const auto& wb : worker_branches(ctx)) {
        if (wb.branch == report.merged_into)
            continue; // the integration branch itself
        const std::string head = "refs/heads/" + wb.branch;
        std::vector<const git::Worktree*> checked_out;
        for (const auto& wt : worktrees)
            if (wt.head && *wt.head == head)
                checked_out.push_back(&wt);
        auto spawned = spawn_record(ctx.repo, wb.worker);
        auto refuse = [&](std::string path, std::string reason, std::string hint = {}) {
            report.refused.push_back(
                {wb.worker, wb.branch, std::move(path), std::move(reason), std::move(hint)});
        };

        // "Merged" means the integration branch has the worker's tip and the worker made at
        // least one commit: a fresh worker's tip is its base, trivially contained.
        bool merged = ctx.repo.is_ancestor(wb.tip, *target);
        bool no_work = spawned && spawned->base ? wb.tip == *spawned->base : wb.tip == *target;
        if (!merged || no_work) {
            // Only workers with something to clean are worth a line.
            if (checked_out.empty() && !options.branches)
                continue;
            std::string where = checked_out.size() == 1 ? checked_out.front()->path : std::string();
            if (!merged)
                refuse(where,
                       "not merged" + into + " (" +
                           plural(ctx.repo.count_ahead(wb.tip, *target), "commit") + " ahead)",
                       "once it is done, merge it into " + report.merged_into +
                           ": git merge --no-ff " + wb.branch);
            else
                refuse(where, "no commits of its own yet (nothing was merged)");
            continue;
        }

        bool all_gone = true; // no worktree keeps the branch checked out any more
        for (const auto* wt : checked_out) {
            const std::string path = canonical(wt->path);
            if (wt->is_main) {
                refuse(wt->path, "checked out in the main worktree",
                       "switch the main worktree to another branch: git switch " +
                           report.merged_into);
                all_gone = false;
                continue;
            }
            const pool::Slot* slot = nullptr;
            for (const auto& s : slots)
                if (canonical(s.path) == path)
                    slot = &s;
            if (slot && (slot->state != pool::SlotState::busy || !slot->worker ||
                         *slot->worker != wb.worker)) {
                refuse(wt->path,
                       "pool slot " + slot->name + " is " +
                           std::string(pool::to_string(slot->state)) +
                           (slot->problem.empty() ? "" : ": " + slot->problem),
                       "repair the pool with: git porch pool health --fix");
                all_gone = false;
                continue;
            }
            bool recorded = spawned && !spawned->worktree.empty() &&
                            canonical((fs::path(*ctx.root) / spawned->worktree).string()) == path;
            bool templated =
                canonical((fs::path(*ctx.root) / ctx.worktree_template.expand(wb.id, wb.desc))
                              .string()) == path;
            if (!slot && !recorded && !templated) {
                refuse(wt->path,
                       "not a worktree porch created (neither spawned there nor at " +
                           ctx.worktree_template.expand(wb.id, wb.desc) + ")",
                       "remove it yourself if it is no longer needed: git worktree remove " +
                           wt->path);
                all_gone = false;
                continue;
            }
            if (wt->missing) {
                refuse(wt->path, "its folder is missing",
                       slot ? "repair the pool with: git porch pool health --fix"
                            : "see it with: git worktree prune --dry-run --verbose");
                all_gone = false;
                continue;
            }
            if (!slot && wt->locked) {
                refuse(wt->path, "the worktree is locked",
                       "unlock it first: git worktree unlock " + wt->path);
                all_gone = false;
                continue;
            }
            if (!cwd.empty() && inside(cwd, path)) {
                refuse(wt->path, "you are inside it",
                       "run it from elsewhere: cd " + *ctx.root + " && git porch cleanup");
                all_gone = false;
                continue;
            }
            auto dirty = git::dirty_paths(wt->path);
            if (!dirty || !dirty->empty()) {
                refuse(wt->path,
                       dirty ? plural(dirty->size(), "uncommitted or untracked path")
                             : "git cannot read its status",
                       "commit or remove the work in " + wt->path +
                           ", then run git porch cleanup again");
                all_gone = false;
                continue;
            }
            if (!options.dry_run) {
                try {
                    if (slot && !options.release_slot) {
                        throw Error(ErrorKind::fatal,
                                    "pool slot " + slot->name +
                                        " is not released here: git porch pool release " +
                                        slot->name);
                    } else if (slot) {
                        options.release_slot(ctx, slot->name);
                    } else {
                        auto r = git::run_in(*ctx.root, {"worktree", "remove", wt->path});
                        if (!r.ok())
                            throw Error(ErrorKind::fatal, r.last_error_line());
                    }
                } catch (const Error& e) {
                    refuse(wt->path,
                           std::string(slot ? "cannot release: " : "cannot remove: ") + e.what());
                    all_gone = false;
                    continue;
                }
            }
            report.removed.push_back(
                {wb.worker, wb.branch, wt->path, slot ? slot->name : std::string()});
        }

        bool branch_deleted = false;
        if (all_gone && options.branches) {
            std::string error;
            if (options.dry_run || delete_branch(ctx, wb.branch, wb.tip, error)) {
                report.branches_deleted.push_back(wb.branch);
                branch_deleted = true;
            } else {
                refuse({}, "cannot delete the branch: " + error);
            }
        } else if (all_gone) {
            report.merged_branches_kept.push_back(wb.branch);
        }

        if (options.dry_run)
            continue;
        bool removed_any = !report.removed.empty() && report.removed.back().worker == wb.worker;
        if (removed_any || branch_deleted) {
            std::map<std::string, std::string> fields{
                {"branch", wb.branch},
                {"merged_into", report.merged_into},
                {"tip", wb.tip.hex()},
                {"branch_deleted", branch_deleted ? "true" : "false"}};
            if (removed_any) {
                const auto& r = report.removed.back();
                fields["worktree"] =
                    fs::path(canonical(r.worktree)).lexically_relative(root).generic_string();
                fields["slot"] = r.slot;
            }
            record_cleaned(ctx, wb.worker, std::move(fields));
        }
    }
    return report;
}

} // namespace porch::ops
