#include "ops/doctor/doctor.hpp"

#include "git/cli.hpp"
#include "git/locks.hpp"
#include "model/bypass.hpp"
#include "model/events.hpp"
#include "model/hook_files.hpp"
#include "model/message.hpp"
#include "model/new_worker.hpp"
#include "model/record.hpp"
#include "model/remote_advice.hpp"
#include "model/scope.hpp"
#include "model/setup.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "model/worktree_advice.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace porch::ops {

using namespace model;

namespace fs = std::filesystem;

namespace {

struct WorkerInfo {
    WorkerBranch wb;
    std::optional<git::Oid> spawn_base;
    std::vector<std::string> scope;
    std::optional<git::Worktree> worktree;         // has its branch checked out, folder present
    std::optional<git::Worktree> missing_worktree; // had its branch checked out, folder gone
    bool parked = false;   // its worktree was given back on purpose (pool release, cleanup)
    bool pooled = false;   // spawned into a pool slot: `pool health` looks after its checkout
    bool recorded = false; // has a spawned event: a spawn that was killed has none
    std::string spawn_worktree = {}; // the folder spawn gave it, relative to the main worktree
};

// A protocol commit on the base branch that no worker branch has.
struct Stray {
    git::Commit commit;
    std::vector<std::string> owners;    // workers whose scope covers every path it changes
    std::vector<std::string> pushed_to; // remote-tracking refs that have it
};

// Runs git with porch's hooks off: the steps doctor takes are repairs, not a worker's commits,
// and the moved commits are recorded once, by reindex, afterwards.
process::Result git_no_hooks(const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", "core.hooksPath=/dev/null"});
    return git::run_in(dir, std::move(args));
}

// The workers with a branch here, as the worker view sees them: a teammate's worker known from
// its events, or from a remote branch alone, has nothing here to repair.
std::vector<WorkerInfo> load_workers(const Context& ctx, const StatusReport& report,
                                     const std::vector<git::Worktree>& wts) {
    std::vector<WorkerInfo> out;
    for (const auto& view : report.workers) {
        if (!view.has_local_branch)
            continue;
        const WorkerTip& local = view.tips.front();
        WorkerInfo info{{view.worker, view.id, view.desc, local.branch, local.commit},
                        std::nullopt,
                        view.scope,
                        std::nullopt,
                        std::nullopt};
        info.parked = view.parked;
        info.pooled = !view.slot.empty();
        info.recorded = view.recorded;
        info.spawn_worktree = view.spawn_worktree;
        // A base this clone does not have cannot bound anything.
        if (view.spawn_base && ctx.repo.resolve_commit(view.spawn_base->hex()))
            info.spawn_base = view.spawn_base;
        const git::RefName ref = local.ref();
        for (const auto& wt : wts)
            if (wt.head && *wt.head == ref) {
                if (wt.missing)
                    info.missing_worktree = wt;
                else
                    info.worktree = wt;
            }
        out.push_back(std::move(info));
    }
    return out;
}

// Protocol commits on the base's first-parent line, newest first, down to the oldest worker's
// spawn base or the bound. Merges pass (they are how work lands), and so do commits a worker
// branch has or a worker recorded (a fast-forwarded or merged worker, its branch deleted since).
std::vector<Stray> find_strays(const Context& ctx, const git::Oid& tip,
                               const std::vector<WorkerInfo>& workers, const Owners& owners,
                               std::size_t max_scan) {
    std::vector<Stray> out;
    if (workers.empty())
        return out;
    std::optional<git::Oid> oldest;
    std::int64_t oldest_time = 0;
    for (const auto& w : workers)
        if (w.spawn_base) {
            auto t = ctx.repo.commit(*w.spawn_base).time;
            if (!oldest || t < oldest_time) {
                oldest = w.spawn_base;
                oldest_time = t;
            }
        }
    const auto remotes = ctx.repo.refs("refs/remotes/");
    std::optional<git::Oid> cur = tip;
    for (std::size_t i = 0; cur && i < max_scan; ++i) {
        if (oldest && *cur == *oldest)
            break;
        git::Commit c = ctx.repo.commit(*cur);
        cur = c.first_parent;
        if (c.parent_count > 1 ||
            protocol::classify_subject(c.subject()).kind != protocol::Kind::protocol)
            continue;
        if (std::any_of(
                workers.begin(), workers.end(),
                [&](const WorkerInfo& w) { return ctx.repo.is_ancestor(c.id, w.wb.tip); }) ||
            owners.any_worker_has(c))
            continue;
        Stray s{c, {}, {}};
        auto paths = git::commit_paths(ctx.cli_dir(), c.id.hex());
        for (const auto& w : workers)
            if (!paths.empty() && !w.scope.empty() &&
                std::all_of(paths.begin(), paths.end(),
                            [&](const std::string& p) { return protocol::in_scope(p, w.scope); }))
                s.owners.push_back(w.wb.worker);
        for (const auto& r : remotes)
            if (auto name = r.name.remote_branch();
                name && !name->ends_with("/HEAD") && ctx.repo.is_ancestor(c.id, r.target))
                s.pushed_to.push_back(*name);
        out.push_back(std::move(s));
    }
    return out;
}

const WorkerInfo* find_worker(const std::vector<WorkerInfo>& workers, const std::string& worker) {
    for (const auto& w : workers)
        if (w.wb.worker == worker)
            return &w;
    return nullptr;
}

std::string pick_command(const WorkerInfo* w, const std::string& id) {
    if (w && w->worktree)
        return "git -C " + w->worktree->path + " cherry-pick " + id;
    if (w)
        return "git switch " + w->wb.branch + " && git cherry-pick " + id;
    return "git cherry-pick " + id + " in the right worker's worktree";
}

std::string describe(const Stray& s, const std::string& base) {
    return "commit " + s.commit.id.short_hex() + " on '" + base +
           "' carries a worker's status tag: " + s.commit.subject();
}

// The advice for a stray doctor does not move itself.
std::string manual_action(const Stray& s, const std::vector<WorkerInfo>& workers,
                          const std::string& base, const std::string& why) {
    const std::string id = s.commit.id.short_hex();
    const WorkerInfo* w = s.owners.size() == 1 ? find_worker(workers, s.owners.front()) : nullptr;
    std::string text = why + "; ";
    if (!s.pushed_to.empty())
        return text + "copy it: " + pick_command(w, id) + ", then undo it on " + base +
               " without rewriting pushed history: git revert " + id;
    return text + "copy it: " + pick_command(w, id) + ", then drop it from " + base +
           ": git rebase --onto " + id + "^ " + id + " " + base;
}

// Moving the strays at the top of the base onto their workers' branches: what doctor knows
// about the base and those strays, and, once it has tried, what happened.
struct StrayMove {
    std::string base;                     // the base branch's short name
    git::RefName base_ref{""};            // refs/heads/<base>
    git::Oid tip;                         // the base's tip
    std::optional<git::Worktree> base_wt; // where the base is checked out
    std::vector<const Stray*> run;        // the strays that can leave by a reset, newest first
    git::Oid new_base;                    // the base's tip without them
    std::string blocked;                  // why the run cannot be moved, when it cannot
    std::set<std::string> moved_ids;      // the strays moved (hex)
    std::map<std::string, std::string> new_ids; // old id (hex) -> id on the worker's branch
};

// Only the strays at the top of the base can leave it by a reset without taking other commits
// along: the run from the tip down to the first one that is pushed, ambiguous, or not a stray
// at all.
void find_run(StrayMove& m, const std::vector<Stray>& strays) {
    m.new_base = m.tip;
    for (const auto& s : strays) {
        if (s.commit.id != m.new_base || s.owners.size() != 1 || !s.pushed_to.empty() ||
            !s.commit.first_parent)
            break;
        m.run.push_back(&s);
        m.new_base = *s.commit.first_parent;
    }
}

std::optional<git::Worktree> checked_out_at(const std::vector<git::Worktree>& wts,
                                            const git::RefName& ref) {
    std::optional<git::Worktree> out;
    for (const auto& wt : wts)
        if (wt.head && *wt.head == ref)
            out = wt;
    return out;
}

// "has uncommitted changes to a, b and 1 more: put them aside, move, and take them back: <the
// stash, doctor --fix and the stash pop>" (tracked files only: untracked ones do not stop a move).
std::string uncommitted_changes(const std::string& dir) {
    std::vector<std::string> files;
    try {
        files = git::require_worktree_changes(dir).tracked;
    } catch (const Error&) {
    }
    const std::string git = model::git_in(dir);
    return "has uncommitted changes" + (files.empty() ? "" : " to " + util::first_few(files, 3)) +
           ": put them aside, move, and take them back: " + git + "stash push && git porch " +
           "doctor --fix && " + git + "stash pop";
}

// Why the run cannot be moved now: a checkout the move would change is missing or has changes.
std::string why_blocked(const StrayMove& m, const std::vector<WorkerInfo>& workers) {
    if (m.base_wt && m.base_wt->missing)
        return m.base + " is checked out in a worktree whose folder is missing (" +
               m.base_wt->path + ")";
    if (m.base_wt && git::has_tracked_changes(m.base_wt->path))
        return m.base + " is checked out in " + m.base_wt->path + ", which " +
               uncommitted_changes(m.base_wt->path);
    for (const auto* s : m.run) {
        const WorkerInfo* w = find_worker(workers, s->owners.front());
        if (w->missing_worktree && !w->worktree)
            return w->wb.worker + "'s worktree folder is missing (" + w->missing_worktree->path +
                   ")";
        if (w->worktree && git::has_tracked_changes(w->worktree->path))
            return w->wb.worker + "'s worktree " + w->worktree->path + " " +
                   uncommitted_changes(w->worktree->path);
    }
    return {};
}

// The ids the picks got in `dir`, for the report: the picks are the last commits, in order.
void note_new_ids(const std::string& dir, const std::vector<const Stray*>& picks,
                  std::map<std::string, std::string>& new_ids) {
    auto log =
        git::run_in(dir, {"rev-list", "--reverse", "-n", std::to_string(picks.size()), "HEAD"});
    auto lines = util::split_lines(log.out);
    for (std::size_t i = 0; i < picks.size() && i < lines.size(); ++i)
        new_ids[picks[i]->commit.id.hex()] = std::string(lines[i]).substr(0, 7);
}

// Cherry-picks one worker's strays (oldest first) onto its branch in a temporary detached
// worktree, which is removed again. The new tip; when there is none, m.blocked says why.
std::optional<git::Oid> pick_onto_branch(const Context& ctx, const WorkerInfo& w,
                                         const std::vector<const Stray*>& picks, StrayMove& m) {
    fs::path tmp = fs::temp_directory_path() / ("porch-doctor-" + util::random_hex(6));
    auto add = git_no_hooks(
        ctx.cli_dir(), {"worktree", "add", "--detach", "--quiet", tmp.string(), w.wb.tip.hex()});
    if (!add.ok()) {
        m.blocked = "cannot make a temporary worktree: " + add.last_error_line();
        return std::nullopt;
    }
    std::vector<std::string> args{"cherry-pick", "--allow-empty"};
    for (const auto* s : picks)
        args.push_back(s->commit.id.hex());
    std::optional<git::Oid> new_tip;
    auto pick = git_no_hooks(tmp.string(), args);
    if (pick.ok()) {
        auto head = git::run_in(tmp.string(), {"rev-parse", "HEAD"});
        new_tip = git::Oid::from_hex(util::trim(head.out));
        if (!new_tip)
            m.blocked = "cannot read the cherry-picked commits";
        note_new_ids(tmp.string(), picks, m.new_ids);
    } else {
        git::run_in(tmp.string(), {"cherry-pick", "--abort"});
        m.blocked =
            "cherry-picking onto " + w.wb.branch + " conflicts (" + pick.last_error_line() + ")";
    }
    git::run_in(ctx.cli_dir(), {"worktree", "remove", "--force", tmp.string()});
    return new_tip;
}

// Step 1: every worker's strays picked onto its branch, worker by worker, until one fails: no
// ref and no one's checkout changes until every pick has succeeded.
std::map<std::string, git::Oid> pick_all(const Context& ctx, StrayMove& m,
                                         const std::vector<WorkerInfo>& workers) {
    // Per worker, its strays oldest first.
    std::map<std::string, std::vector<const Stray*>> by_worker;
    for (auto it = m.run.rbegin(); it != m.run.rend(); ++it)
        by_worker[(*it)->owners.front()].push_back(*it);
    std::map<std::string, git::Oid> new_tips;
    for (const auto& [worker, picks] : by_worker) {
        auto new_tip = pick_onto_branch(ctx, *find_worker(workers, worker), picks, m);
        if (!m.blocked.empty())
            break;
        new_tips[worker] = *new_tip;
    }
    return new_tips;
}

// Moves the worker's branch to its new tip: fast-forwards its worktree when it has one (checked
// clean before), else compare-and-swaps the ref. Why it could not, or empty.
std::string move_branch(Context& ctx, const WorkerInfo& w, const git::Oid& new_tip,
                        const std::string& base) {
    if (w.worktree) {
        auto ff = git_no_hooks(w.worktree->path, {"merge", "--ff-only", "--quiet", new_tip.hex()});
        return ff.ok() ? std::string()
                       : "cannot fast-forward " + w.worktree->path + ": " + ff.last_error_line();
    }
    bool moved = ctx.repo.update_ref_cas(git::branch_ref(w.wb.branch), new_tip, w.wb.tip,
                                         "porch doctor: commits moved from " + base) ==
                 git::CasResult::updated;
    return moved ? std::string() : w.wb.branch + " moved while doctor ran";
}

// Step 2: the workers' branches moved, until the first that cannot be; the workers moved.
std::vector<std::string> move_branches(Context& ctx, StrayMove& m,
                                       const std::map<std::string, git::Oid>& new_tips,
                                       const std::vector<WorkerInfo>& workers) {
    std::vector<std::string> moved;
    for (const auto& [worker, new_tip] : new_tips) {
        m.blocked = move_branch(ctx, *find_worker(workers, worker), new_tip, m.base);
        if (!m.blocked.empty())
            break;
        moved.push_back(worker);
    }
    return moved;
}

// Step 3: drops the strays from the base, only if nobody committed on it meanwhile (CAS). A
// checked-out base then gets its index and files moved the way `reset --keep` would: after the
// ref, so a concurrent commit makes the CAS fail instead of being dropped. True when done.
bool drop_from_base(Context& ctx, StrayMove& m) {
    auto cas = ctx.repo.update_ref_cas(m.base_ref, m.new_base, m.tip,
                                       "porch doctor: moved worker commits to their branches");
    if (cas != git::CasResult::updated) {
        m.blocked = m.base + " moved while doctor ran";
        return false;
    }
    if (!m.base_wt)
        return true;
    auto rt =
        git_no_hooks(m.base_wt->path, {"read-tree", "-m", "-u", m.tip.hex(), m.new_base.hex()});
    if (rt.ok())
        return true;
    ctx.repo.update_ref_cas(m.base_ref, m.tip, m.new_base, "porch doctor: undo");
    m.blocked = "cannot update " + m.base_wt->path + ": " + rt.last_error_line();
    return false;
}

// doctor --fix: the run moved onto its workers' branches and dropped from the base.
void move_run(Context& ctx, StrayMove& m, const std::vector<WorkerInfo>& workers) {
    auto new_tips = pick_all(ctx, m, workers);
    std::vector<std::string> moved_workers;
    if (m.blocked.empty())
        moved_workers = move_branches(ctx, m, new_tips, workers);
    const bool base_reset = m.blocked.empty() && drop_from_base(ctx, m);
    for (const auto& worker : moved_workers) {
        try {
            reindex(ctx, worker);
        } catch (const Error&) {
            // The commits are on the branch; status reads them from git until reindexed.
        }
    }
    if (base_reset)
        for (const auto* s : m.run)
            m.moved_ids.insert(s->commit.id.hex());
    else if (!moved_workers.empty())
        m.blocked += "; the commits are now on both " + m.base +
                     " and the worker's branch: drop them from " + m.base + " with: git -C " +
                     (m.base_wt ? m.base_wt->path : ctx.cli_dir()) + " reset --keep " +
                     m.new_base.short_hex();
}

// What to do about a stray that was not moved: by hand when doctor cannot, else doctor --fix.
std::string stray_advice(const Stray& s, const StrayMove& m,
                         const std::vector<WorkerInfo>& workers) {
    const std::string& base = m.base;
    if (s.owners.empty())
        return manual_action(s, workers, base, "no worker's scope covers every path it changes");
    if (s.owners.size() > 1)
        return manual_action(s, workers, base,
                             "ambiguous: the scopes of " + util::join(s.owners, ", ") +
                                 " all cover it");
    const std::string& owner = s.owners.front();
    if (!s.pushed_to.empty())
        return manual_action(s, workers, base,
                             "it is " + owner + "'s, but already pushed (" +
                                 util::join(s.pushed_to, ", ") + "), so " + base +
                                 " is not rewritten");
    if (std::find(m.run.begin(), m.run.end(), &s) == m.run.end())
        return manual_action(s, workers, base,
                             "it is " + owner + "'s, but newer commits on " + base + " are not");
    if (!m.blocked.empty())
        return manual_action(s, workers, base, "it is " + owner + "'s, but " + m.blocked);
    return "it is " + owner + "'s: git porch doctor --fix moves it onto " +
           find_worker(workers, owner)->wb.branch + " and resets " + base + " to " +
           m.new_base.short_hex();
}

DoctorFinding stray_finding(const Stray& s, const StrayMove& m,
                            const std::vector<WorkerInfo>& workers) {
    const std::string id = s.commit.id.hex();
    if (!m.moved_ids.count(id))
        return {FindingKind::wrong_branch_commit, describe(s, m.base), stray_advice(s, m, workers),
                false};
    auto new_id = m.new_ids.find(id);
    return {FindingKind::wrong_branch_commit, describe(s, m.base),
            "moved onto " + find_worker(workers, s.owners.front())->wb.branch + " as " +
                (new_id == m.new_ids.end() ? std::string() : new_id->second) + "; " + m.base +
                " reset to " + m.new_base.short_hex(),
            true};
}

void check_wrong_branch(Context& ctx, const DoctorOptions& opt, const StatusReport& report,
                        const std::vector<WorkerInfo>& workers,
                        const std::vector<git::Worktree>& wts, std::vector<DoctorFinding>& out) {
    StrayMove m;
    m.base = ctx.base_branch();
    m.base_ref = git::branch_ref(m.base);
    auto tip = ctx.repo.resolve_commit(m.base_ref);
    if (!tip)
        return;
    auto strays = find_strays(ctx, *tip, workers, report_owners(ctx, report), opt.max_scan);
    if (strays.empty())
        return;
    m.tip = *tip;
    find_run(m, strays);
    m.base_wt = checked_out_at(wts, m.base_ref);
    if (!m.run.empty())
        m.blocked = why_blocked(m, workers);
    if (opt.fix && !m.run.empty() && m.blocked.empty())
        move_run(ctx, m, workers);
    for (const auto& s : strays)
        out.push_back(stray_finding(s, m, workers));
}

// The worker's own worktree, present, with something else checked out (a detached HEAD,
// another branch): its folder exists, so the fix is a switch, as status says, not a new one.
std::optional<Advice> wrong_checkout(const Context& ctx, const WorkerInfo& w,
                                     const std::vector<git::Worktree>& wts,
                                     const std::string& template_path) {
    std::string spawned;
    if (!w.spawn_worktree.empty() && ctx.root)
        spawned = (fs::path(*ctx.root) / w.spawn_worktree).lexically_normal().string();
    for (const auto& wt : wts) {
        if (wt.is_main || wt.missing || (wt.path != template_path && wt.path != spawned))
            continue;
        std::string shown = wt.path;
        if (ctx.root)
            shown = fs::path(wt.path).lexically_relative(*ctx.root).generic_string();
        if (auto advice = wrong_checkout_advice(w.wb.worker, shown, wt, w.wb.branch))
            return advice;
    }
    return std::nullopt;
}

// A worker spawned here whose branch no worktree has checked out, unless porch gave the
// worktree back on purpose or the base already has its work.
void check_workers_without_worktree(const Context& ctx, const std::vector<WorkerInfo>& workers,
                                    const std::vector<git::Worktree>& wts,
                                    std::vector<DoctorFinding>& out) {
    auto base_tip = ctx.repo.resolve_commit(git::branch_ref(ctx.base_branch()));
    for (const auto& w : workers) {
        // A pool worker whose release was killed before its event: the slot is no longer its.
        if (w.worktree || ((w.parked || w.pooled) && !w.missing_worktree) || !w.recorded)
            continue;
        // A finished worker whose work the base already has needs no worktree any more.
        if (base_tip && w.spawn_base && w.wb.tip != *w.spawn_base &&
            ctx.repo.is_ancestor(w.wb.tip, *base_tip))
            continue;
        std::string path =
            ctx.root
                ? (fs::path(*ctx.root) / ctx.worktree_template.expand(w.wb.id, w.wb.desc)).string()
                : ctx.worktree_template.expand(w.wb.id, w.wb.desc);
        if (auto advice = wrong_checkout(ctx, w, wts, path))
            out.push_back({FindingKind::branch_without_worktree, std::move(advice->message),
                           std::move(advice->action), false});
        else if (w.missing_worktree)
            out.push_back(
                {FindingKind::branch_without_worktree,
                 w.wb.worker + ": the worktree folder of " + w.wb.branch +
                     " was deleted: " + w.missing_worktree->path,
                 "forget the folder: git worktree prune; then make it again: git worktree add " +
                     path + " " + w.wb.branch +
                     " (git porch spawn makes only new workers), or, if its work "
                     "is not needed, delete the branch: git branch -D " +
                     w.wb.branch,
                 false});
        else
            out.push_back({FindingKind::branch_without_worktree,
                           w.wb.worker + ": no worktree has " + w.wb.branch + " checked out",
                           "make one: git worktree add " + path + " " + w.wb.branch +
                               " (or, if its work is not needed: git branch -D " + w.wb.branch +
                               ")",
                           false});
    }
}

// A worktree where the worktree template puts workers, whose branch is gone.
void check_worktrees_without_branch(const Context& ctx, const std::vector<git::Worktree>& wts,
                                    std::vector<DoctorFinding>& out) {
    for (const auto& wt : wts) {
        if (wt.is_main)
            continue;
        auto rel = fs::path(wt.path).lexically_relative(*ctx.root).generic_string();
        auto parts = ctx.worktree_template.match(rel);
        if (!parts)
            continue;
        std::string expected = ctx.branch_template.expand(parts->id, parts->desc);
        bool on_branch = wt.head && ctx.repo.ref_exists(*wt.head);
        if (ctx.repo.ref_exists(git::branch_ref(expected)) || on_branch)
            continue;
        if (wt.missing)
            out.push_back({FindingKind::worktree_without_branch,
                           "worktree " + rel + " is registered, but its folder and its branch " +
                               expected + " are gone",
                           "forget it: git worktree prune", false});
        else
            out.push_back(
                {FindingKind::worktree_without_branch,
                 "worktree " + rel + " has no branch (" + expected + " does not exist)",
                 "keep its work on a branch: git -C " + wt.path + " switch -c " + expected +
                     "; or, if nothing in it is needed: git worktree remove --force " + wt.path,
                 false});
    }
}

// Folders that look like a worker's worktree but that git does not know.
void check_unknown_worktree_folders(const Context& ctx, const std::vector<git::Worktree>& wts,
                                    std::vector<DoctorFinding>& out) {
    std::string folder = ctx.worktree_template.first_folder();
    if (folder.empty())
        return;
    std::error_code ec;
    fs::path dir = fs::path(*ctx.root) / folder;
    if (!fs::is_directory(dir, ec))
        return;
    std::set<std::string> known;
    for (const auto& wt : wts)
        known.insert(wt.path);
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        std::string rel = folder + "/" + entry.path().filename().string();
        if (!entry.is_directory(ec) || known.count(entry.path().string()) ||
            !ctx.worktree_template.match(rel))
            continue;
        out.push_back(
            {FindingKind::worktree_without_branch,
             "folder " + rel + " looks like a worker's worktree, but git does not know it",
             "look inside, then remove it: rm -rf " + entry.path().string(), false});
    }
}

void check_branches_and_worktrees(const Context& ctx, const std::vector<WorkerInfo>& workers,
                                  const std::vector<git::Worktree>& wts,
                                  std::vector<DoctorFinding>& out) {
    check_workers_without_worktree(ctx, workers, wts, out);
    if (!ctx.root)
        return;
    check_worktrees_without_branch(ctx, wts, out);
    check_unknown_worktree_folders(ctx, wts, out);
}

void check_hooks(const Context& ctx, const DoctorOptions& opt, std::vector<DoctorFinding>& out) {
    if (!ctx.root)
        return; // a bare repository runs no commit hooks
    auto report = hooks::status(*ctx.root, opt.binary);
    std::vector<std::string> missing, foreign;
    for (const auto& h : report.hooks) {
        if (h.state == hooks::State::absent || h.shim_outdated)
            missing.push_back(h.name);
        else if (h.state == hooks::State::foreign)
            foreign.push_back(h.name);
    }
    auto hooks_path = ctx.repo.config_string("core.hooksPath");
    const fs::path own = fs::path(ctx.repo.common_dir()) / "hooks";
    std::error_code ec;
    const bool shadowed = hooks_path && !fs::equivalent(own, report.dir, ec);
    const bool husky = std::any_of(report.notes.begin(), report.notes.end(),
                                   [](const auto& n) { return n.starts_with("husky"); });
    const std::string husky_action =
        "add porch's lines to husky's hooks: see git porch hooks status";
    if (!missing.empty()) {
        std::string names = util::join(missing, ", ");
        DoctorFinding f{shadowed ? FindingKind::hooks_shadowed : FindingKind::hooks_missing,
                        shadowed ? "core.hooksPath (" + *hooks_path + ") points git at " +
                                       report.dir + ", which lacks porch's hooks: " + names
                                 : "porch's hooks are missing or outdated in " + report.dir + ": " +
                                       names,
                        "", false};
        if (husky) {
            // husky rewrites its folder: porch's lines belong in husky's own hooks.
            f.action = husky_action;
        } else if (shadowed) {
            // core.hooksPath may be a folder shared by every repository of the user (a global
            // setting): writing there is the user's call, not a repair.
            f.action = "install porch's hooks there: git porch hooks install; or let git read " +
                       own.string() + " again: git config --unset core.hooksPath";
        } else if (opt.fix) {
            try {
                auto r = hooks::install(*ctx.root, opt.binary);
                f.fixed = true;
                f.action = "installed them in " + r.dir;
            } catch (const Error& e) {
                f.action = std::string("cannot install them: ") + e.what() +
                           (e.hint().empty() ? "" : " (" + e.hint() + ")");
            }
        } else {
            f.action = "install them: git porch hooks install";
        }
        out.push_back(std::move(f));
    }
    if (!foreign.empty())
        out.push_back(
            {FindingKind::hooks_foreign,
             "hooks in " + report.dir +
                 " are not porch's, so its checks do not run: " + util::join(foreign, ", "),
             husky ? husky_action
                   : "let porch chain them: git porch hooks install (see git porch hooks status)",
             false});
}

// Notes whose annotated blob the notes tree does not hold: `git notes prune` would delete them
// (the blob is not in the repository), or `git gc` once nothing else reaches it.
void check_anchors(Context& ctx, const DoctorOptions& opt, std::vector<DoctorFinding>& out) {
    const std::size_t missing = store::unanchored(ctx.repo, false);
    if (missing == 0)
        return;
    DoctorFinding f{FindingKind::notes_unanchored,
                    util::plural(missing, "porch note") + (missing == 1 ? " hangs" : " hang") +
                        " on objects the notes ref does not keep: git notes prune or "
                        "git gc would delete them",
                    "keep them: git porch doctor --fix", false};
    if (opt.fix) {
        store::unanchored(ctx.repo, true);
        f.fixed = true;
        f.action = "added their objects to the notes refs";
    }
    out.push_back(std::move(f));
}

void check_config(const Context& ctx, const DoctorOptions& opt, std::vector<DoctorFinding>& out) {
    const std::string dir = ctx.cli_dir();
    for (const auto& want : wanted_settings(dir)) {
        auto r = git::run_in(dir, {"config", "--get-all", want.key});
        bool present = false;
        for (auto line : util::split_lines(r.out))
            if (!want.multi || util::trim(line) == want.value)
                present = true;
        if (present)
            continue;
        DoctorFinding f{FindingKind::config_missing,
                        want.multi ? want.key + " does not include " + want.value
                                   : want.key + " is not set",
                        "", false};
        if (opt.fix) {
            try {
                ensure_config(dir, want.key, want.value, want.multi);
                f.fixed = true;
                f.action = "set " + want.key + " = " + want.value;
            } catch (const Error& e) {
                f.action = e.what();
            }
        } else {
            f.action = std::string("set it: git config ") + (want.multi ? "--add " : "") +
                       want.key + " " + want.value;
        }
        out.push_back(std::move(f));
    }
}

std::string read_text(const fs::path& file) {
    return util::trim(util::read_file(file.string()).value_or(""));
}

// A worktree still locked with the reason git (`initializing`) or spawn gives it while making
// it, longer than a lock may live, belongs to a command that was killed: its checkout may be
// half done, and its HEAD may even name no commit, which makes `git rev-list --all`, `git gc` and
// friends fail. Nobody was told its path yet, so the repair removes it, folder and entry; the
// branch is then looked at as an unfinished spawn.
void check_half_made_worktrees(const Context& ctx, const DoctorOptions& opt,
                               std::vector<DoctorFinding>& out) {
    const fs::path admin_root = fs::path(ctx.repo.common_dir()) / "worktrees";
    const auto now = fs::file_time_type::clock::now();
    std::error_code ec;
    if (!fs::is_directory(admin_root, ec))
        return;
    for (const auto& entry : fs::directory_iterator(admin_root, ec)) {
        const fs::path admin = entry.path();
        std::string reason = read_text(admin / "locked");
        if (reason != "initializing" && reason != spawn_lock_reason)
            continue;
        auto age = now - fs::last_write_time(admin / "locked", ec);
        if (ec || age < opt.stale_lock_age)
            continue;
        fs::path folder = fs::path(read_text(admin / "gitdir")).parent_path();
        DoctorFinding f{FindingKind::half_made_worktree,
                        "worktree " + folder.string() +
                            " was never finished (the command making it was killed)",
                        "", false};
        if (!opt.fix) {
            f.action = "git porch doctor --fix removes it (its checkout never finished)";
        } else {
            auto removed = git::run_in(
                ctx.cli_dir(), {"worktree", "remove", "--force", "--force", folder.string()});
            // With a HEAD that names no commit, git cannot remove it either. A worktree's .git
            // is a file: a folder there would be a repository of its own, never removed.
            std::error_code probe;
            if (!removed.ok() && fs::is_regular_file(fs::symlink_status(folder / ".git", probe)))
                fs::remove_all(folder, ec);
            if (!removed.ok() && !ec)
                fs::remove_all(admin, ec);
            f.fixed = removed.ok() || !ec;
            f.action = f.fixed ? "removed it" : "could not remove it: " + ec.message();
        }
        out.push_back(std::move(f));
    }
}

// What a killed `spawn` leaves: the worker's branch, perhaps its worktree, but no spawned event
// (spawn records last, and undoes everything when recording fails). Without that event the
// worker's scope and needs are lost, so the repair undoes the spawn when nothing was done in it
// yet: no commit of its own (every commit is on the base or another branch) and a clean
// worktree. Otherwise `reindex` records it.
void check_unfinished_spawns(Context& ctx, const DoctorOptions& opt,
                             const std::vector<WorkerInfo>& workers,
                             std::vector<DoctorFinding>& out) {
    std::vector<git::Oid> others;
    if (auto base = ctx.repo.resolve_commit(git::branch_ref(ctx.base_branch())))
        others.push_back(*base);
    for (const auto& w : workers)
        if (w.recorded)
            others.push_back(w.wb.tip);
    for (const auto& w : workers) {
        // A locked worktree is a pool slot (`pool health` looks after those) or one still being
        // made; a young branch may belong to a spawn that is running now.
        if (w.recorded || w.missing_worktree || (w.worktree && w.worktree->locked))
            continue;
        if (auto age = ctx.repo.loose_ref_age(git::branch_ref(w.wb.branch));
            age && *age < opt.stale_lock_age)
            continue;
        bool own_work = std::none_of(others.begin(), others.end(), [&](const git::Oid& o) {
            return ctx.repo.is_ancestor(w.wb.tip, o);
        });
        bool dirty = w.worktree && git::worktree_dirty(w.worktree->path);
        std::string spawn_again = "git porch spawn " + w.wb.id + " " + w.wb.desc;
        DoctorFinding f{
            FindingKind::unfinished_spawn,
            w.wb.worker + ": " + w.wb.branch +
                " has no spawned event: a spawn that was killed, or a branch made outside porch",
            "", false};
        if (own_work || dirty) {
            f.action = "it has work: record it with git porch reindex (its scope and needs "
                       "were not recorded)";
        } else if (!opt.fix) {
            f.action =
                "git porch doctor --fix undoes it (nothing was done in it); then: " + spawn_again;
        } else {
            bool removed = true;
            if (w.worktree)
                removed = git::run_in(ctx.cli_dir(), {"worktree", "remove", w.worktree->path}).ok();
            if (removed && ctx.repo.delete_ref_if(git::branch_ref(w.wb.branch), w.wb.tip)) {
                f.fixed = true;
                f.action = std::string("removed ") + (w.worktree ? "its worktree and " : "") +
                           "its branch (no work in them); spawn it again: " + spawn_again;
            } else {
                f.action = "could not undo it (it changed meanwhile): run git porch doctor again";
            }
        }
        out.push_back(std::move(f));
    }
}

void check_locks(const Context& ctx, const DoctorOptions& opt, std::vector<DoctorFinding>& out) {
    for (const auto& lock : stale_locks(ctx.repo, opt.stale_lock_age)) {
        auto minutes = std::chrono::duration_cast<std::chrono::minutes>(lock.age).count();
        DoctorFinding f{FindingKind::stale_lock,
                        "lock file " + lock.path.string() + " is " + std::to_string(minutes) +
                            " minutes old: a killed git process left it, and git refuses to work "
                            "while it is there",
                        "", false};
        std::error_code ec;
        if (opt.fix && fs::remove(lock.path, ec)) {
            f.fixed = true;
            f.action = "removed it";
        } else {
            f.action = "remove it once no git process is running: rm '" + lock.path.string() + "'";
        }
        out.push_back(std::move(f));
    }
}

// Where this clone and the remote disagree about a worker: its branch is behind what was
// pushed, or the two diverged (worded as status words its alerts); a worker branch on a remote
// that no event records (pushed by a worker without porch, or whose clone never synced),
// which this clone can take over; and an id spawned twice.
void check_remote_workers(const Context& ctx, const StatusReport& report,
                          std::vector<DoctorFinding>& out) {
    auto base_tip = ctx.repo.resolve_commit(git::branch_ref(report.base_branch));
    // A finished worker whose work the base already has needs nobody to take it over.
    auto merged = [&](const WorkerStatus& w) {
        return base_tip && w.tip && ctx.repo.is_ancestor(*w.tip, *base_tip);
    };
    for (const auto& w : report.workers) {
        if (auto a = diverged_advice(w))
            out.push_back({FindingKind::diverged, a->message, a->action, false});
        else if (auto b = behind_remote_advice(w))
            out.push_back({FindingKind::behind_remote, b->message, b->action, false});
        if (!w.has_local_branch && !w.tips.empty() && !w.recorded && !merged(w))
            out.push_back({FindingKind::remote_branch_without_events,
                           w.worker + ": " + w.tip_source +
                               " has no events: a worker without porch pushed it, or its clone "
                               "never ran git porch sync",
                           "take it over here: git porch checkout " + w.worker +
                               "; or see its commits: git log " + w.tip_source,
                           false});
        if (auto a = outside_scope_advice(w))
            out.push_back({FindingKind::out_of_scope, a->message, a->action, false});
        for (auto& d : duplicate_advice(ctx, report, w))
            out.push_back(
                {FindingKind::duplicate_id, std::move(d.message), std::move(d.action), false});
    }
}

// The [worktree] setup log of a worker that has no worktree here any more (removed by hand,
// given back to the pool, cleaned by an older porch): nothing reads it again. A young one may
// belong to a spawn making its worktree right now.
void check_setup_logs(const Context& ctx, const DoctorOptions& opt, const StatusReport& report,
                      std::vector<DoctorFinding>& out) {
    const auto now = fs::file_time_type::clock::now();
    for (const auto& [worker, log] : setup_logs(ctx)) {
        const WorkerStatus* w = model::find_worker(report, worker);
        std::error_code ec;
        auto age = now - fs::last_write_time(log, ec);
        if ((w && w->worktree) || ec || age < opt.stale_lock_age)
            continue;
        DoctorFinding f{FindingKind::stale_setup_log,
                        worker +
                            " has no worktree here, but the log of its [worktree] setup is "
                            "left in " +
                            log.string(),
                        "", false};
        if (opt.fix && fs::remove(log, ec)) {
            f.fixed = true;
            f.action = "removed it";
        } else {
            f.action = opt.fix ? "could not remove it: " + ec.message()
                               : "git porch doctor --fix removes it (or: rm " +
                                     util::shell_word(log.string()) + ")";
        }
        out.push_back(std::move(f));
    }
}

} // namespace

std::vector<DoctorFinding> doctor(Context& ctx, const DoctorOptions& options) {
    std::vector<DoctorFinding> out;
    // Locks first: a stale one would make every repair below fail.
    check_locks(ctx, options, out);
    check_config(ctx, options, out);
    check_anchors(ctx, options, out);
    check_hooks(ctx, options, out);
    check_half_made_worktrees(ctx, options, out);
    const auto wts = ctx.repo.worktrees();
    const StatusReport report = collect_status(ctx);
    const auto workers = load_workers(ctx, report, wts);
    check_unfinished_spawns(ctx, options, workers, out);
    check_branches_and_worktrees(ctx, workers, wts, out);
    check_wrong_branch(ctx, options, report, workers, wts, out);
    check_remote_workers(ctx, report, out);
    check_setup_logs(ctx, options, report, out);
    return out;
}

} // namespace porch::ops
