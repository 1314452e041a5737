#include "ops/integrate/integrate.hpp"

#include "git/cli.hpp"
#include "model/checks.hpp"
#include "model/events.hpp"
#include "model/graph.hpp"
#include "model/naming.hpp"
#include "model/remote_advice.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace porch::ops {

using namespace model;

namespace fs = std::filesystem;

namespace {

// Orders task-<id> names as worker_id_less orders ids: task-2 before task-10.
git::RefName start_ref(const std::string& feature) {
    return git::RefName("refs/porch/integrate/" + feature);
}
git::RefName created_ref(const std::string& feature) {
    return git::RefName("refs/porch/integrate-new/" + feature);
}

std::string worktree_path(const Context& ctx, const std::string& feature) {
    std::string folder = ctx.worktree_template.first_folder();
    std::string name = feature;
    std::replace(name.begin(), name.end(), '/', '-');
    return (fs::path(*ctx.root) / (folder.empty() ? "worktrees" : folder) / ("integration-" + name))
        .string();
}

bool merge_in_progress(const std::string& worktree) {
    return git::run_in(worktree, {"rev-parse", "-q", "--verify", "MERGE_HEAD"}).ok();
}

void record(Context& ctx, const std::string& worker, const IntegrationEvent& event) {
    store::append(ctx.repo, event.encode(worker));
}

// Whether `into` has every branch of the worker, local and pushed: a worker counts as merged
// only when its newest commits are in, wherever they were made. One known from its events
// alone has no commits here to be in.
bool all_tips_in(const Context& ctx, const WorkerStatus& w, const git::Oid& into) {
    return w.tip && std::all_of(w.tips.begin(), w.tips.end(), [&](const WorkerTip& t) {
               return ctx.repo.is_ancestor(t.commit, into);
           });
}

// Files the worker's newest tip changed since it left its base.
std::set<std::string> changed_files(const Context& ctx, const WorkerStatus& w,
                                    const git::Oid& base) {
    std::optional<git::Oid> from = w.spawn_base;
    if (!w.tip)
        return {};
    if (!from)
        from = ctx.repo.merge_base(*w.tip, base);
    if (!from)
        return {};
    auto r = git::run_in(*ctx.root, {"diff", "--name-only", from->hex(), w.tip->hex()});
    auto files = util::non_empty_lines(r.out);
    return {files.begin(), files.end()};
}

struct Plan {
    std::vector<std::string> order;
    std::vector<IntegrateSkip> skipped;
    std::vector<IntegrateStep> already;
    std::vector<IntegrateDiverged> diverged; // the run must stop before merging
    std::map<std::string, WorkerStatus> by_worker;
};

IntegrateDiverged diverged_entry(const WorkerStatus& w) {
    IntegrateDiverged d{w.worker, {}, {}, {}};
    for (const auto& t : w.tips)
        d.tips.push_back({t.display(), t.commit.hex()});
    if (auto advice = diverged_advice(w)) {
        d.message = std::move(advice->message);
        d.action = std::move(advice->action);
    }
    return d;
}

// The checks that hold a worker back, worst first: rejected, blocked, then waiting for a verdict
// ("QA (qa.required)", "e2e (qa.paths: it changed web/app.tsx)").
std::optional<IntegrateSkip> held_by_checks(const WorkerStatus& w) {
    auto holding = holding_checks(w);
    if (holding.empty())
        return std::nullopt;
    for (QaVerdict worst : {QaVerdict::rejected, QaVerdict::blocked})
        for (const CheckStatus* c : holding)
            if (c->verdict == worst)
                return IntegrateSkip{
                    w.worker,
                    worst == QaVerdict::rejected
                        ? "rejected by " + check_label(c->check) + ": " + c->reason
                        : check_label(c->check) + " could not judge it (blocked): " + c->reason +
                              "; it waits for a verdict",
                    worst == QaVerdict::rejected ? SkipKind::qa_rejected : SkipKind::qa_blocked,
                    {c->check}};
    IntegrateSkip skip{w.worker, {}, SkipKind::qa_waiting, {}};
    std::vector<std::string> named;
    for (const CheckStatus* c : holding) {
        skip.checks.push_back(c->check);
        named.push_back(check_label(c->check) + " (" + c->required_by + ")");
    }
    skip.reason = "not approved by " + util::join(named, ", ");
    return skip;
}

// Why a worker that is not merged yet is not merged now; nullopt when it is to be merged.
std::optional<IntegrateSkip> why_skipped(const IntegrateOptions& options, const WorkerStatus& w) {
    if (w.state != model::WorkerState::complete && !options.include_incomplete)
        return IntegrateSkip{w.worker,
                             "state " + std::string(to_string(w.state)) + ", not complete",
                             SkipKind::incomplete,
                             {}};
    if (!w.tip)
        return IntegrateSkip{w.worker,
                             "its branch is not here, only its events: fetch it (git fetch --all)",
                             SkipKind::no_branch,
                             {}};
    if (w.failure)
        return IntegrateSkip{
            w.worker, "failed: " + failure_summary(w), SkipKind::failed, {w.failure->check}};
    return held_by_checks(w);
}

// Sorts the workers --only selects into already merged, skipped (with the reason), diverged
// and to merge; returns those to merge.
std::set<std::string> sort_workers(const Context& ctx, const IntegrateOptions& options,
                                   const git::Oid& tip, Plan& plan) {
    std::set<std::string> candidates;
    for (const auto& [name, w] : plan.by_worker) {
        if (!options.only.empty() &&
            std::find(options.only.begin(), options.only.end(), name) == options.only.end())
            continue;
        if (all_tips_in(ctx, w, tip)) {
            plan.already.push_back({name, w.tip_source, "already-merged", w.tip->hex(), {}});
        } else if (w.diverged) {
            // Whatever its state says (read from one side only), the other side may hold the
            // work: merging either would leave commits out.
            plan.diverged.push_back(diverged_entry(w));
            plan.skipped.push_back(
                {name, "diverged: " + plan.diverged.back().message, SkipKind::diverged, {}});
        } else if (auto why = why_skipped(options, w)) {
            plan.skipped.push_back(std::move(*why));
        } else {
            candidates.insert(name);
        }
    }
    return candidates;
}

Plan make_plan(const Context& ctx, const IntegrateOptions& options, const git::Oid& tip) {
    Plan plan;
    auto report = collect_status(ctx);
    for (auto& w : report.workers)
        plan.by_worker.emplace(w.worker, w);
    for (const auto& o : options.only)
        if (!plan.by_worker.count(o))
            throw no_worker(ctx, o, "", "see the workers with: git porch status",
                            ErrorKind::invalid);
    std::set<std::string> candidates = sort_workers(ctx, options, tip, plan);
    // Workers already in the integration branch count as merged whether or not --only named them.
    std::set<std::string> merged;
    for (const auto& [name, w] : plan.by_worker)
        if (all_tips_in(ctx, w, tip))
            merged.insert(name);
    auto deps_of = [&](const WorkerStatus& w) {
        // Every worker it needed at any time: a met NEEDS is no longer its state, but its work
        // builds on what it got.
        std::set<std::string> deps(w.declared_needs.begin(), w.declared_needs.end());
        deps.insert(w.past_needs.begin(), w.past_needs.end());
        for (const auto& n : w.needs)
            deps.insert(n.worker);
        deps.erase(w.worker);
        return deps;
    };
    // A worker whose need will not be merged waits too, and so on down the chain.
    for (bool changed = true; changed;) {
        changed = false;
        for (auto it = candidates.begin(); it != candidates.end();) {
            std::string missing;
            for (const auto& d : deps_of(plan.by_worker.at(*it)))
                if (!candidates.count(d) && !merged.count(d)) {
                    missing = d;
                    break;
                }
            if (!missing.empty()) {
                plan.skipped.push_back(
                    {*it, "needs " + missing + ", which is not merged", SkipKind::needs, {}});
                it = candidates.erase(it);
                changed = true;
            } else {
                ++it;
            }
        }
    }
    std::map<std::string, std::vector<std::string>> needs;
    for (const auto& c : candidates) {
        auto& list = needs[c];
        for (const auto& d : deps_of(plan.by_worker.at(c)))
            if (candidates.count(d))
                list.push_back(d);
    }
    plan.order = dependency_order(needs);
    std::sort(plan.skipped.begin(), plan.skipped.end(),
              [](const auto& a, const auto& b) { return worker_name_less(a.worker, b.worker); });
    return plan;
}

// "Merge task-1: api", and where the commits came from when it was not the local branch:
// "Merge task-9: cloud (origin/work/task-9-cloud)".
std::string merge_message(const WorkerStatus& w) {
    return "Merge " + w.worker + ": " + (w.desc.empty() ? w.branch : w.desc) +
           (w.tip_source == w.branch ? "" : " (" + w.tip_source + ")");
}

// Who changed each conflicting file: the worker being merged, and the workers already in the
// integration branch whose own changes touch it.
IntegrateConflict describe_conflict(const Context& ctx, const Plan& plan, const std::string& worker,
                                    const std::vector<std::string>& files, const git::Oid& base,
                                    const git::Oid& integration_tip) {
    IntegrateConflict c;
    c.worker = worker;
    std::map<std::string, std::set<std::string>> changed_by;
    for (const auto& [name, w] : plan.by_worker) {
        if (name == worker)
            continue;
        if (!w.tip || !ctx.repo.is_ancestor(*w.tip, integration_tip))
            continue;
        for (const auto& f : changed_files(ctx, w, base))
            changed_by[f].insert(name);
    }
    for (const auto& f : files) {
        std::vector<std::string> who{worker};
        for (const auto& other : changed_by[f])
            who.push_back(other);
        std::sort(who.begin() + 1, who.end(), worker_name_less);
        c.files.emplace_back(f, who);
    }
    return c;
}

// Runs the configured verify command in the worktree; the tail of its output when it fails.
std::optional<std::string> verify(const Context& ctx, const std::string& worktree) {
    if (ctx.config.integrate_verify.empty())
        return std::nullopt;
    process::Options opts;
    opts.cwd = worktree;
    auto r = process::run({"sh", "-c", ctx.config.integrate_verify}, opts);
    if (r.ok())
        return std::nullopt;
    auto lines = util::non_empty_lines(r.out + r.err);
    std::string tail;
    for (std::size_t i = lines.size() > 10 ? lines.size() - 10 : 0; i < lines.size(); ++i)
        tail += util::sanitize_for_terminal(lines[i]) + "\n";
    return "'" + ctx.config.integrate_verify + "' exited with status " +
           std::to_string(r.exit_code) + (tail.empty() ? "" : ":\n" + tail);
}

// Merges the planned workers one by one; stops at a conflict or a failed verify, and before
// merging anything when a worker has diverged (it may have diverged since the run started).
void run_merges(Context& ctx, const IntegrateOptions& options, IntegrateResult& result,
                const git::Oid& base) {
    auto tip = ctx.repo.resolve_commit(git::branch_ref(result.branch));
    Plan plan = make_plan(ctx, options, *tip);
    result.order = plan.order;
    result.skipped = plan.skipped;
    result.diverged = plan.diverged;
    if (!plan.diverged.empty())
        return;
    for (const auto& w : plan.order) {
        const WorkerStatus& ws = plan.by_worker.at(w);
        // The commit the plan checked (state, QA, needs), not the branch's name: a fetch in
        // between could move the name on to commits nobody checked. The message names the
        // branch it came from.
        const std::string wtip = ws.tip->hex();
        auto r = git::run_in(result.worktree,
                             {"merge", "--no-ff", "--no-edit", "-m", merge_message(ws), wtip});
        if (!r.ok()) {
            auto files = git::conflicted_paths(result.worktree);
            if (files.empty())
                throw Error(ErrorKind::fatal, "merging " + w + " failed: " + r.last_error_line(),
                            "fix it in " + result.worktree + ", then run: git porch integrate " +
                                result.feature + " --continue");
            result.conflict =
                describe_conflict(ctx, plan, w, files, base,
                                  *ctx.repo.resolve_commit(git::branch_ref(result.branch)));
            record(ctx, w, {EventType::integrate_conflict, result.feature, wtip, {}, files});
            return;
        }
        auto merge = ctx.repo.resolve_commit(git::branch_ref(result.branch));
        record(ctx, w, {EventType::integrated, result.feature, wtip, merge->hex(), {}});
        result.steps.push_back({w, ws.tip_source, "merged", wtip, {}});
        if (auto failure = verify(ctx, result.worktree)) {
            record(ctx, w, {EventType::integrate_verify_failed, result.feature, {}, {}, {}});
            result.verify_failure = failure;
            result.verify_worker = w;
            return;
        }
    }
}

// Whether the run stopped where the user must act: the start mark stays for --continue.
bool stopped(const IntegrateResult& result) {
    return result.conflict || result.verify_failure || !result.diverged.empty();
}

// The in-memory rehearsal: `git merge-tree --write-tree` on the simulated tip, chained with
// commit-tree so each merge sees the previous ones. Writes only unreachable objects.
void dry_run(Context& ctx, const IntegrateOptions& options, IntegrateResult& result,
             const git::Oid& start) {
    Plan plan = make_plan(ctx, options, start);
    result.order = plan.order;
    result.skipped = plan.skipped;
    result.diverged = plan.diverged;
    if (!plan.diverged.empty())
        return;
    std::string sim = start.hex();
    for (const auto& w : plan.order) {
        const WorkerStatus& ws = plan.by_worker.at(w);
        const auto& wtip = ws.tip;
        auto r =
            git::run_in(*ctx.root, {"merge-tree", "--write-tree", "--name-only", sim, wtip->hex()});
        if (r.exit_code == 1) {
            auto lines = util::non_empty_lines(r.out);
            std::vector<std::string> files;
            // The tree id, then the conflicted files, then a blank line and messages.
            for (auto line : util::split_lines(r.out)) {
                if (line.empty())
                    break;
                files.emplace_back(line);
            }
            if (!files.empty())
                files.erase(files.begin());
            result.steps.push_back({w, ws.tip_source, "conflict-predicted", wtip->hex(), files});
            continue;
        }
        if (!r.ok())
            throw Error(ErrorKind::fatal,
                        "cannot rehearse the merge of " + w + ": " + r.last_error_line());
        std::string tree = util::non_empty_lines(r.out).front();
        auto c = git::run_or_throw(
            *ctx.root, {"commit-tree", tree, "-p", sim, "-p", wtip->hex(), "-m", merge_message(ws)},
            "cannot rehearse the merge of " + w);
        sim = util::non_empty_lines(c.out).front();
        result.steps.push_back({w, ws.tip_source, "would-merge", wtip->hex(), {}});
    }
}

void require_root(const Context& ctx) {
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "cannot integrate in a bare repository",
                    "clone it and run git porch integrate in the clone");
}

IntegrateResult base_result(const Context& ctx, const std::string& feature) {
    IntegrateResult result;
    result.feature = feature;
    result.branch = integration_branch(ctx, feature);
    result.worktree = worktree_path(ctx, feature);
    return result;
}

// The worktree porch keeps for the integration branch: made when missing.
void ensure_worktree(const Context& ctx, const IntegrateResult& result) {
    for (const auto& wt : ctx.repo.worktrees()) {
        if (wt.head == git::branch_ref(result.branch)) {
            if (wt.path != result.worktree)
                throw Error(ErrorKind::fatal,
                            result.branch + " is checked out in " + wt.path +
                                "; porch merges only in its own worktree",
                            "switch that worktree to another branch, then run the command again");
            if (wt.missing)
                git::run_or_throw(*ctx.root, {"worktree", "prune"},
                                  "cannot prune the missing worktree");
            else
                return;
        }
    }
    if (fs::exists(result.worktree))
        throw Error(ErrorKind::fatal,
                    result.worktree + " exists and is not the worktree of " + result.branch,
                    "move it away, then run the command again");
    git::run_or_throw(*ctx.root, {"worktree", "add", "-q", result.worktree, result.branch},
                      "cannot make the integration worktree " + result.worktree);
}

} // namespace

std::vector<std::string>
dependency_order(const std::map<std::string, std::vector<std::string>>& needs) {
    Graph graph;
    for (const auto& [w, deps] : needs) {
        graph.add(w);
        for (const auto& d : deps)
            if (d != w) // a worker needing itself waits for nothing
                graph.add_need(w, d);
    }
    auto cycle = graph.first_cycle();
    if (!cycle)
        return graph.order();
    std::string names;
    for (const auto& w : *cycle)
        names += w + " -> ";
    throw Error(ErrorKind::fatal, "dependency cycle: " + names + cycle->front(),
                "break the cycle (see git porch graph), or leave a worker out with --only");
}

IntegrateResult integrate(Context& ctx, const IntegrateOptions& options) {
    require_root(ctx);
    IntegrateResult result = base_result(ctx, options.feature);
    const git::RefName branch_ref = git::branch_ref(result.branch);
    if (ctx.repo.ref_target(start_ref(options.feature)))
        throw Error(ErrorKind::fatal, "an integration of " + options.feature + " is in progress",
                    "finish it with: git porch integrate " + options.feature +
                        " --continue (or --abort)");
    std::string base_rev = options.base.value_or(ctx.base_branch());
    auto base = ctx.repo.resolve_commit(base_rev);
    if (!base)
        throw Error(ErrorKind::fatal, "no such base: " + protocol::quote(base_rev),
                    "name a branch or commit with --base");
    auto tip = ctx.repo.ref_target(branch_ref);
    // Refuses a cycle or an unknown worker before anything is created. A diverged worker stops
    // the run here too, before anything is merged: merging the others first would leave a
    // half-made integration to --continue or --abort, and whoever needs the diverged worker
    // could not follow anyway. Reconciled, the same command goes on.
    Plan plan = make_plan(ctx, options, tip ? *tip : *base);
    if (!plan.diverged.empty()) {
        result.order = plan.order;
        result.skipped = plan.skipped;
        result.diverged = plan.diverged;
        return result;
    }
    if (options.dry_run) {
        dry_run(ctx, options, result, tip ? *tip : *base);
        return result;
    }
    if (!tip) {
        // The mark first: killed in between, the branch is never taken for one the user had.
        ctx.repo.update_ref_cas(created_ref(options.feature), *base, std::nullopt,
                                "porch: integrate");
        if (ctx.repo.update_ref_cas(branch_ref, *base, std::nullopt,
                                    "porch: integrate " + options.feature) !=
            git::CasResult::updated)
            throw Error(ErrorKind::fatal,
                        "cannot create " + result.branch + ": it changed meanwhile",
                        "run the command again");
        tip = base;
    }
    if (ctx.repo.update_ref_cas(start_ref(options.feature), *tip, std::nullopt,
                                "porch: integrate " + options.feature) != git::CasResult::updated)
        throw Error(ErrorKind::fatal,
                    "another integration of " + options.feature + " just started");
    try {
        ensure_worktree(ctx, result);
        if (git::worktree_dirty(result.worktree))
            throw Error(ErrorKind::fatal,
                        "the integration worktree " + result.worktree + " has uncommitted changes",
                        "commit or remove them, then run the command again");
    } catch (...) {
        // Nothing of this run may stay behind: the start mark, and the branch if it made it.
        ctx.repo.delete_ref_if(start_ref(options.feature), *tip);
        if (auto created = ctx.repo.ref_target(created_ref(options.feature))) {
            ctx.repo.delete_ref_if(branch_ref, *created);
            ctx.repo.delete_ref_if(created_ref(options.feature), *created);
        }
        throw;
    }
    run_merges(ctx, options, result, *base);
    result.in_progress = stopped(result);
    if (!result.in_progress) {
        ctx.repo.delete_ref_if(start_ref(options.feature), *tip);
        if (auto created = ctx.repo.ref_target(created_ref(options.feature)))
            ctx.repo.delete_ref_if(created_ref(options.feature), *created);
    }
    return result;
}

namespace {

// The worker whose commit the stopped merge was merging (MERGE_HEAD), and the branch it came
// from as git names it: the one whose conflict event names the commit, else the one with a
// branch (local or pushed) at it.
std::optional<std::pair<std::string, std::string>>
merging_worker(const Context& ctx, const std::string& feature, const git::Oid& theirs) {
    auto report = collect_status(ctx);
    auto source = [&](const WorkerStatus& w) {
        for (const auto& t : w.tips)
            if (t.commit == theirs)
                return t.display();
        return w.tip_source.empty() ? w.branch : w.tip_source;
    };
    for (const auto& w : report.workers)
        for (const auto& i : w.integrations)
            if (i.feature == feature && i.commit == theirs.hex())
                return std::pair{w.worker, source(w)};
    for (const auto& w : report.workers)
        for (const auto& t : w.tips)
            if (t.commit == theirs)
                return std::pair{w.worker, t.display()};
    return std::nullopt;
}

} // namespace

IntegrateResult integrate_continue(Context& ctx, const IntegrateOptions& options) {
    require_root(ctx);
    IntegrateResult result = base_result(ctx, options.feature);
    auto start = ctx.repo.ref_target(start_ref(options.feature));
    if (!start)
        throw Error(ErrorKind::fatal, "no integration of " + options.feature + " to continue",
                    "start one with: git porch integrate " + options.feature);
    auto base = ctx.repo.resolve_commit(options.base.value_or(ctx.base_branch()));
    if (!base)
        throw Error(ErrorKind::fatal, "no such base", "name a branch or commit with --base");
    if (merge_in_progress(result.worktree)) {
        if (auto files = git::conflicted_paths(result.worktree); !files.empty()) {
            std::string list;
            for (const auto& f : files)
                list += " " + util::sanitize_for_terminal(f);
            throw Error(ErrorKind::refused, "still unmerged in " + result.worktree + ":" + list,
                        "resolve them, 'git -C " + result.worktree +
                            " add' them, then run: git porch integrate " + options.feature +
                            " --continue");
        }
        auto theirs = ctx.repo.resolve_commit(
            util::trim(git::run_in(result.worktree, {"rev-parse", "MERGE_HEAD"}).out));
        process::Options opts;
        opts.cwd = result.worktree;
        auto r = git::run({"commit", "-q", "--no-edit"}, opts);
        if (!r.ok())
            throw Error(ErrorKind::fatal, "cannot commit the merge: " + r.last_error_line());
        auto merge = ctx.repo.resolve_commit(git::branch_ref(result.branch));
        if (auto who = theirs ? merging_worker(ctx, options.feature, *theirs) : std::nullopt) {
            const auto& [worker, source] = *who;
            record(ctx, worker,
                   {EventType::integrated, options.feature, theirs->hex(), merge->hex(), {}});
            result.steps.push_back({worker, source, "merged", theirs->hex(), {}});
            if (auto failure = verify(ctx, result.worktree)) {
                record(ctx, worker,
                       {EventType::integrate_verify_failed, options.feature, {}, {}, {}});
                result.verify_failure = failure;
                result.verify_worker = worker;
                result.in_progress = true;
                return result;
            }
        }
    } else if (git::worktree_dirty(result.worktree)) {
        throw Error(
            ErrorKind::fatal,
            "the integration worktree " + result.worktree + " has uncommitted changes",
            "commit them there (a fix after a failed verify), then run: git porch integrate " +
                options.feature + " --continue");
    }
    IntegrateResult rest = result;
    run_merges(ctx, options, rest, *base);
    rest.steps.insert(rest.steps.begin(), result.steps.begin(), result.steps.end());
    rest.in_progress = stopped(rest);
    if (!rest.in_progress) {
        ctx.repo.delete_ref_if(start_ref(options.feature), *start);
        if (auto created = ctx.repo.ref_target(created_ref(options.feature)))
            ctx.repo.delete_ref_if(created_ref(options.feature), *created);
    }
    return rest;
}

IntegrateResult integrate_abort(Context& ctx, const std::string& feature) {
    require_root(ctx);
    IntegrateResult result = base_result(ctx, feature);
    auto start = ctx.repo.ref_target(start_ref(feature));
    if (!start)
        throw Error(ErrorKind::fatal, "no integration of " + feature + " to abort");
    // A run killed while making its worktree may have left none (or doctor removed the half
    // made one): then only the branch is put back.
    const bool has_worktree = fs::exists(fs::path(result.worktree) / ".git");
    if (has_worktree && merge_in_progress(result.worktree))
        git::run_or_throw(result.worktree, {"merge", "--abort"}, "cannot abort the merge");
    auto created = ctx.repo.ref_target(created_ref(feature));
    // Events of this run that no longer hold: its stop, and merges the branch no longer has.
    auto restored = created ? std::nullopt : std::optional<git::Oid>(*start);
    for (const auto& w : collect_status(ctx).workers)
        for (const auto& i : w.integrations) {
            if (i.feature != feature)
                continue;
            auto merge = git::Oid::from_hex(i.merge);
            bool kept = i.state == model::IntegrationState::merged && merge && restored &&
                        ctx.repo.is_ancestor(*merge, *restored);
            if (!kept)
                record(ctx, w.worker, {EventType::integrate_aborted, feature, {}, {}, {}});
        }
    const git::RefName branch_ref = git::branch_ref(result.branch);
    if (created) {
        // The run made the branch and its worktree: take both away.
        if (has_worktree)
            git::run_or_throw(*ctx.root, {"worktree", "remove", "--force", result.worktree},
                              "cannot remove " + result.worktree);
        else // its entry only: a bare `git worktree prune` would drop others' unmounted ones
            for (const auto& wt : ctx.repo.worktrees())
                if (wt.path == result.worktree && wt.missing && !wt.name.empty())
                    fs::remove_all(fs::path(ctx.repo.common_dir()) / "worktrees" / wt.name);
        if (auto tip = ctx.repo.ref_target(branch_ref))
            ctx.repo.delete_ref_if(branch_ref, *tip);
        ctx.repo.delete_ref_if(created_ref(feature), *created);
    } else if (has_worktree) {
        git::run_or_throw(result.worktree, {"reset", "-q", "--hard", start->hex()},
                          "cannot reset " + result.worktree);
    } else if (auto tip = ctx.repo.ref_target(branch_ref); tip && *tip != *start) {
        if (ctx.repo.update_ref_cas(branch_ref, *start, tip, "porch: integrate --abort") !=
            git::CasResult::updated)
            throw Error(ErrorKind::fatal, result.branch + " moved during the abort",
                        "run the command again");
    }
    ctx.repo.delete_ref_if(start_ref(feature), *start);
    return result;
}

namespace {

// parallelization.auto_cleanup: the seed removes merged workers' worktrees after integration.
void auto_cleanup(Context& ctx, const CleanupMerged& cleanup_merged, IntegrateResult& result) {
    if (!ctx.config.auto_cleanup || !cleanup_merged)
        return;
    result.cleaned = cleanup_merged(ctx, result.base);
    std::sort(result.cleaned.begin(), result.cleaned.end(), worker_name_less);
}

// Once the base has the integration, porch's own worktree has served its purpose; the branch
// stays (a later run adds to it, in a worktree made again). A worktree with changes is kept.
void remove_own_worktree(const Context& ctx, IntegrateResult& result) {
    for (const auto& wt : ctx.repo.worktrees())
        if (wt.path == result.worktree && wt.head == git::branch_ref(result.branch) &&
            !wt.missing && !git::worktree_dirty(wt.path))
            result.worktree_removed = git::run_in(*ctx.root, {"worktree", "remove", wt.path}).ok();
}

// Every worker merged must have all of its branches, local and pushed, in the integration
// branch: later commits, made here or pushed from elsewhere, would be left out. Lists them as
// " task-2 (origin/work/task-2-web)".
std::string moved_since_merged(const Context& ctx, const std::string& feature,
                               const git::Oid& integration_tip) {
    std::string moved;
    for (const auto& w : collect_status(ctx).workers) {
        bool merged = std::any_of(w.integrations.begin(), w.integrations.end(), [&](const auto& i) {
            return i.feature == feature && i.state == IntegrationState::merged;
        });
        if (!merged)
            continue;
        for (const auto& t : w.tips)
            if (!ctx.repo.is_ancestor(t.commit, integration_tip)) {
                moved += " " + w.worker + " (" + t.display() + ")";
                break;
            }
    }
    return moved;
}

// Whether writing `written` would overwrite `untracked`: the same path, or one inside the
// other (a file where the merge needs a folder, or the other way round).
bool overwrites(const std::string& written, const std::string& untracked) {
    auto inside = [](const std::string& a, const std::string& b) {
        return a.size() > b.size() && a.starts_with(b) && a[b.size()] == '/';
    };
    return written == untracked || inside(written, untracked) || inside(untracked, written);
}

// The base's checkout, where --finish merges, must take the merge as git would: untracked files
// stop it only where the merge writes (git's own rule; an uncommitted .porch.toml is common),
// but changes to tracked files always do, so that a conflicted merge never mixes with them.
void refuse_unready_checkout(const Context& ctx, const std::string& dir,
                             const IntegrateResult& result, const git::Oid& base_tip,
                             const git::Oid& integration_tip) {
    auto changes = git::require_worktree_changes(dir);
    if (!changes.tracked.empty())
        throw Error(ErrorKind::fatal,
                    result.base + " is checked out in " + dir +
                        " with uncommitted changes to: " + util::first_few(changes.tracked, 10),
                    "commit or stash them there, then run the command again");
    if (changes.untracked.empty())
        return;
    // What the merge writes: what the integration changed since the two parted.
    auto from = ctx.repo.merge_base(base_tip, integration_tip).value_or(base_tip);
    auto written = git::changed_paths(dir, from.hex(), integration_tip.hex());
    std::vector<std::string> blocking;
    for (const auto& u : changes.untracked)
        if (std::any_of(written.begin(), written.end(),
                        [&](const std::string& w) { return overwrites(w, u); }))
            blocking.push_back(u);
    if (!blocking.empty())
        throw Error(ErrorKind::fatal,
                    "merging " + result.branch + " into " + result.base + " in " + dir +
                        " would overwrite untracked files: " + util::first_few(blocking, 10),
                    "move them away (or commit them) there, then run the command again");
}

} // namespace

IntegrateResult integrate_finish(Context& ctx, const std::string& feature,
                                 const CleanupMerged& cleanup_merged) {
    require_root(ctx);
    IntegrateResult result = base_result(ctx, feature);
    if (ctx.repo.ref_target(start_ref(feature)))
        throw Error(ErrorKind::fatal, "the integration of " + feature + " is stopped",
                    "run: git porch integrate " + feature + " --continue (or --abort) first");
    auto tip = ctx.repo.ref_target(git::branch_ref(result.branch));
    if (!tip)
        throw Error(ErrorKind::fatal, "no branch " + result.branch,
                    "integrate first: git porch integrate " + feature);
    std::string moved = moved_since_merged(ctx, feature, *tip);
    if (!moved.empty())
        throw Error(ErrorKind::refused, "workers moved since they were merged:" + moved,
                    "merge their new commits: git porch integrate " + feature);
    result.base = ctx.base_branch();
    const git::RefName base_ref = git::branch_ref(result.base);
    auto base_tip = ctx.repo.ref_target(base_ref);
    if (!base_tip)
        throw Error(ErrorKind::fatal, "no base branch " + result.base);
    const std::string message = "Merge " + result.branch;
    for (const auto& wt : ctx.repo.worktrees()) {
        if (wt.head != base_ref || wt.missing)
            continue;
        refuse_unready_checkout(ctx, wt.path, result, *base_tip, *tip);
        git::run_or_throw(wt.path,
                          {"merge", "-q", "--no-ff", "--no-edit", "-m", message, result.branch},
                          "cannot merge " + result.branch + " into " + result.base);
        result.finished = true;
        remove_own_worktree(ctx, result);
        auto_cleanup(ctx, cleanup_merged, result);
        return result;
    }
    // The base is checked out nowhere: merge in a scratch worktree, publish with a CAS.
    std::string scratch = worktree_path(ctx, feature) + ".finish";
    git::run_or_throw(*ctx.root, {"worktree", "add", "-q", "--detach", scratch, base_tip->hex()},
                      "cannot make a scratch worktree");
    auto r =
        git::run_in(scratch, {"merge", "-q", "--no-ff", "--no-edit", "-m", message, result.branch});
    auto merged =
        ctx.repo.resolve_commit(util::trim(git::run_in(scratch, {"rev-parse", "HEAD"}).out));
    git::run_in(*ctx.root, {"worktree", "remove", "--force", scratch});
    if (!r.ok() || !merged)
        throw Error(ErrorKind::fatal, "cannot merge " + result.branch + " into " + result.base +
                                          ": " + r.last_error_line());
    if (ctx.repo.update_ref_cas(base_ref, *merged, base_tip, message) != git::CasResult::updated)
        throw Error(ErrorKind::fatal, result.base + " moved during the merge",
                    "run the command again");
    result.finished = true;
    remove_own_worktree(ctx, result);
    auto_cleanup(ctx, cleanup_merged, result);
    return result;
}

} // namespace porch::ops
