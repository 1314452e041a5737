#include "ops/spawn/checkout.hpp"

#include "git/cli.hpp"
#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/new_worker.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "ops/spawn/worktree.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

namespace porch::ops {

using namespace model;

namespace {

std::string refusal(const std::string& text) {
    return "cannot check out " + text;
}

// The worker as the view sees it; refuses what cannot be taken over.
const WorkerStatus& checkable(const StatusReport& report, const std::string& worker) {
    const std::string again = "git porch checkout --fetch " + worker;
    const WorkerStatus* w = find_worker(report, worker);
    if (!w)
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": no branch of it here or on a fetched remote"),
                    "fetch teammates' branches and events first: " + again);
    if (w->tips.empty())
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": its branch " + w->branch +
                            " is on no fetched remote (known from its events alone)"),
                    "once it is pushed, fetch it: " + again);
    if (w->has_local_branch && w->worktree) {
        if (w->worktree_missing)
            throw Error(
                ErrorKind::fatal,
                refusal(worker + ": the folder of its worktree " + *w->worktree + " is gone"),
                "forget that worktree, then check it out again: git worktree prune && "
                "git porch checkout " +
                    worker);
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": it is checked out here already, in " + *w->worktree),
                    "cd " + util::shell_quote(*w->worktree));
    }
    if (w->diverged) {
        std::vector<std::string> tips;
        for (const auto& t : w->tips)
            tips.push_back(t.display() + " at " + t.commit.hex().substr(0, 7));
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": it has diverged: " + util::join(tips, ", ") +
                            " each have commits the other lacks"),
                    "reconcile them first (git porch status --worker " + worker +
                        " says how), then: git porch checkout " + worker);
    }
    return *w;
}

// A branch without a recorded spawn gets one here, with the merge base as its base: without
// it the worker would have no base, no scope and no needs. Validated before anything changes.
PreparedWorker adoption(const Context& ctx, const WorkerStatus& w, const CheckoutOptions& o,
                        const WorkerTip* upstream) {
    const std::string worker = w.worker;
    // Its spawn may only be in the remote's events, not fetched yet: adopting it then would
    // record a spawn without its scope, and ours would count over the real one from then on.
    if (upstream && !o.fetched &&
        !ctx.repo.ref_exists(git::RefName(store::tracking_ref(upstream->remote, store::notes_ref))))
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": no spawn of it is recorded, and porch's events from " +
                            upstream->remote + " were never fetched here"),
                    "fetch them with the branches: git porch checkout --fetch " + worker);
    PreparedWorker p;
    p.id = w.id;
    p.worker = worker;
    p.desc = w.desc;
    p.branch = w.branch;
    declare(p, o.needs, o.scopes, refusal(worker));
    p.base_name = ctx.base_branch();
    auto base = ctx.repo.resolve_commit(git::branch_ref(p.base_name));
    auto merge_base = base ? ctx.repo.merge_base(*w.tip, *base) : std::nullopt;
    if (!merge_base)
        throw Error(ErrorKind::fatal,
                    refusal(worker + ": " + w.branch + " shares no history with the base branch " +
                            p.base_name),
                    "see its history with: git log --oneline " + w.tip_source);
    p.base = *merge_base;
    return p;
}

// Points the new or existing local branch at the tip; returns how to undo it.
struct BranchStep {
    bool created = false;
    std::optional<git::Oid> moved_from; // fast-forwarded from this commit
};

BranchStep place_branch(Context& ctx, const WorkerStatus& w) {
    const git::BranchName branch(w.branch);
    BranchStep step;
    if (!w.has_local_branch) {
        if (!ctx.repo.create_branch(branch, *w.tip))
            throw Error(ErrorKind::fatal,
                        refusal(w.worker + ": branch '" + w.branch + "' was created meanwhile"),
                        "try again: git porch checkout " + w.worker);
        step.created = true;
        return step;
    }
    const git::Oid local = w.tips.front().commit;
    if (local == *w.tip)
        return step;
    // Not diverged: the tip contains the local branch, so this is a fast-forward.
    if (ctx.repo.update_ref_cas(git::branch_ref(w.branch), *w.tip, local,
                                "porch: checkout fast-forward") != git::CasResult::updated)
        throw Error(ErrorKind::fatal,
                    refusal(w.worker + ": branch '" + w.branch + "' moved meanwhile"),
                    "try again: git porch checkout " + w.worker);
    step.moved_from = local;
    return step;
}

void undo_branch(Context& ctx, const WorkerStatus& w, const BranchStep& step) {
    if (step.created) {
        ctx.repo.delete_ref_if(git::branch_ref(w.branch), *w.tip);
        // Its upstream goes with it, as with git branch -d.
        git::run_in(ctx.cli_dir(), {"config", "--remove-section", "branch." + w.branch});
    } else if (step.moved_from)
        ctx.repo.update_ref_cas(git::branch_ref(w.branch), *step.moved_from, *w.tip,
                                "porch: checkout undone");
}

// The branch's upstream, as `git switch --track` would set it; an upstream the user configured
// for an existing branch stays.
void track(const Context& ctx, const WorkerStatus& w, const WorkerTip& upstream) {
    if (ctx.repo.config_string("branch." + w.branch + ".remote"))
        return;
    git::run_or_throw(ctx.cli_dir(),
                      {"branch", "--quiet", "--set-upstream-to=" + upstream.display(), w.branch},
                      refusal(w.worker + ": cannot track " + upstream.display()));
}

// The taken-over event, after a spawned event when the worker is adopted: one write.
void record(Context& ctx, const WorkerStatus& w, const WorktreePlace& place,
            const WorkerTip* upstream, const std::optional<PreparedWorker>& adopted) {
    std::vector<store::Event> events;
    if (adopted) {
        SpawnedEvent spawned = spawned_event(ctx, *adopted, place.rel, {});
        spawned.source = "checkout";
        events.push_back(spawned.encode(w.worker));
    }
    TakenOverEvent taken;
    taken.branch = w.branch;
    taken.tip = w.tip->hex();
    taken.remote = upstream ? upstream->remote : std::string();
    taken.clone_name = store::clone_name(ctx.repo);
    taken.spawn = w.spawn_id;
    taken.adopted = adopted.has_value();
    events.push_back(taken.encode(w.worker));
    store::append(ctx.repo, std::move(events));
}

} // namespace

CheckoutResult checkout(Context& ctx, const CheckoutOptions& o) {
    auto id = protocol::normalize_id(o.worker);
    if (!id)
        throw Error(ErrorKind::invalid,
                    "checkout takes task-<id>, not " + protocol::quote(o.worker));
    const std::string worker = protocol::worker_name(*id);
    const StatusReport report = collect_status(ctx, worker);
    const WorkerStatus& w = checkable(report, worker);
    // The local branch follows the remote-tracking branch the tip came from.
    const WorkerTip* upstream = remote_tip(w);
    std::optional<PreparedWorker> adopted;
    if (!w.recorded)
        adopted = adoption(ctx, w, o, upstream);
    else if (!o.needs.empty() || !o.scopes.empty())
        throw Error(ErrorKind::invalid,
                    "--needs and --scope are for a branch no spawn was recorded for; " + worker +
                        " was spawned with its own",
                    "git porch checkout " + worker);
    WorktreePlace place = worktree_place(ctx, w.id, w.desc, refusal(worker),
                                         "move it away, then: git porch checkout " + worker);

    BranchStep step = place_branch(ctx, w);
    try {
        if (upstream)
            track(ctx, w, *upstream);
        add_worker_worktree(ctx, place, w.branch);
    } catch (...) {
        undo_branch(ctx, w, step);
        throw;
    }
    try {
        record(ctx, w, place, upstream, adopted);
    } catch (...) {
        // Without its event no one would know who works on it here: undo the checkout.
        remove_worker_worktree(ctx, place);
        undo_branch(ctx, w, step);
        throw;
    }

    CheckoutResult r;
    r.worker = worker;
    r.branch = w.branch;
    r.worktree = place.path.string();
    r.upstream = upstream ? upstream->display() : std::string();
    r.remote = upstream ? upstream->remote : std::string();
    r.tip = w.tip->hex();
    r.adopted = adopted.has_value();
    r.base = adopted ? adopted->base.hex() : std::string();
    r.created_branch = step.created;
    r.fast_forwarded = step.moved_from.has_value();
    return r;
}

} // namespace porch::ops
