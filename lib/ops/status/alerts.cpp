#include "ops/status/alerts.hpp"

#include "git/cli.hpp"
#include "model/bypass.hpp"
#include "model/checks.hpp"
#include "model/graph.hpp"
#include "model/message.hpp"
#include "model/remote_advice.hpp"
#include "model/scope.hpp"
#include "model/worktree_advice.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>

namespace porch::ops {

using namespace model;

namespace {

// How far back the base and integration branches are searched for stray protocol commits.
constexpr std::size_t max_first_parent_scan = 500;

// Non-merge commits on `branch`'s first-parent line, newest first, down to `stop` or the bound,
// whose subject carries a status tag and that no worker has: a worker committed on the wrong
// branch. A worker's own commits get there by a fast-forward merge, and belong there.
void scan_for_protocol_commits(const git::Repo& repo, const Owners& owners,
                               const std::string& branch, const std::optional<git::Oid>& stop,
                               std::vector<Alert>& out) {
    auto cur = repo.resolve_commit(git::branch_ref(branch));
    for (std::size_t i = 0; cur && i < max_first_parent_scan; ++i) {
        if (stop && *cur == *stop)
            return;
        git::Commit c = repo.commit(*cur);
        if (c.parent_count <= 1) {
            auto msg = protocol::classify_subject(c.subject());
            if (msg.kind == protocol::Kind::protocol && !owners.any_worker_has(c))
                out.push_back({AlertKind::wrong_branch_commit, "",
                               "commit " + c.id.short_hex() + " on '" + branch +
                                   "' carries a worker's status tag: " + c.subject(),
                               "move it to its worker's branch: git cherry-pick " +
                                   c.id.short_hex() +
                                   " in that worker's worktree, then drop it from " + branch});
        }
        cur = c.first_parent;
    }
}

// Whether a worker that is not complete has someone working on it. An agent that waits for a
// person is not stalled: it needs that person. One that stopped before [COMPLETE] (and before
// a [BLOCKED] or [NEEDS], which say why themselves) needs a new turn. Else a worker with no
// commit for `stall` is stalled, unless its agent showed signs of life within that time.
void liveness_alerts(const WorkerStatus& w, const std::string& where, std::int64_t now,
                     std::int64_t stall, std::vector<Alert>& out) {
    if (w.state == WorkerState::complete)
        return;
    const auto& agent = w.agent;
    if (agent && agent->state == AgentState::waiting) {
        out.push_back(
            {AlertKind::waiting_for_input, w.worker,
             w.worker + "'s agent has waited for input for " + util::format_age(now - agent->since),
             "answer it in its session, in " + where});
        return;
    }
    if (agent && agent->state == AgentState::stopped &&
        (w.state == WorkerState::fresh || w.state == WorkerState::checkpoint)) {
        out.push_back({AlertKind::agent_stopped, w.worker,
                       w.worker + "'s agent stopped " + util::format_age(now - agent->since) +
                           " ago without [COMPLETE]",
                       "continue its session in " + where +
                           ", or start a new one with: git porch resume " + w.worker});
        return;
    }
    if (now - w.last_commit.time <= stall || (agent && now - agent->last <= stall))
        return;
    out.push_back({AlertKind::stalled, w.worker,
                   w.worker + " has not committed for " +
                       util::format_age(now - w.last_commit.time) +
                       (agent ? ", and its agent's last sign of life was " +
                                    util::format_age(now - agent->last) + " ago"
                              : std::string()) +
                       " (stall_after: " + util::format_age(stall) + ")",
                   "check that its session is alive; see what it did: git porch log " + w.worker});
}

} // namespace

std::vector<std::vector<std::string>> dependency_cycles(const StatusReport& report) {
    // Complete workers block nothing any more: they are left out, and needs on them (or on
    // unknown workers) with them.
    Graph graph;
    for (const auto& w : report.workers) {
        if (w.state == WorkerState::complete)
            continue;
        graph.add(w.worker);
        for (const auto& n : w.needs)
            graph.add_need(w.worker, n.worker);
        for (const auto& d : w.declared_needs)
            graph.add_need(w.worker, d);
    }
    return graph.cycles();
}

namespace {

Alert setup_alert(const WorkerStatus& w) {
    const SetupFailure& f = *w.setup_failure;
    return {AlertKind::setup_failed, w.worker,
            w.worker + ": its worktree's setup " +
                (f.timed_out ? "ran out of time" : "failed (exit " + std::to_string(f.exit) + ")") +
                " at " + protocol::quote(f.command) + "; the output is in " + f.log,
            "fix it, then run it again: git porch setup " + w.worker};
}

// A NEEDS: unmet, met and waiting to be picked up, or picked up already.
void need_alert(const Context& ctx, const StatusReport& report, const WorkerStatus& w,
                const Need& n, std::vector<Alert>& out) {
    const WorkerStatus* needed = find_worker(report, n.worker);
    const std::string where = w.worktree ? *w.worktree : w.branch;
    const std::string wanted = w.worker + " needs " + n.item + " from " + n.worker;
    switch (need_met(ctx.repo, w, n, needed)) {
    case NeedMet::unmet: {
        if (needed) {
            out.push_back({AlertKind::needs, w.worker,
                           wanted + " (" + to_string(needed->state) + ")",
                           "wait for " + n.worker + ", or raise its priority"});
            return;
        }
        const std::string planned = planned_note(ctx, n.worker);
        out.push_back({AlertKind::needs, w.worker,
                       wanted + " (" + (planned.empty() ? "no such worker" : planned) + ")",
                       planned.empty()
                           ? "spawn it: git porch spawn " + n.worker.substr(5) +
                                 " <description>, or tell " + w.worker + " to do without"
                           : "start it: git porch plan apply"});
        return;
    }
    case NeedMet::merged:
        out.push_back({AlertKind::needs_satisfied, w.worker, wanted + ", which it has merged",
                       "tell the worker in " + where + " to go on; its prompt: git porch resume " +
                           w.worker});
        return;
    case NeedMet::complete:
    case NeedMet::committed:
        break;
    }
    // --no-ff: a fast-forward would make the needed worker's commits look like the waiting one's.
    const std::string merge = "merge --no-ff --no-edit " + merge_ref(*needed);
    std::string pick = w.worktree ? "git -C " + *w.worktree + " " + merge
                                  : "git " + merge + " (on " + w.branch + ")";
    out.push_back(
        {AlertKind::needs_satisfied, w.worker,
         wanted + ", which " +
             (needed->state == WorkerState::complete ? "is complete" : "has committed it"),
         "pick it up: " + pick});
}

// The worker's remote-tracking branches, against its newest tip: several places hold its
// commits and none holds them all (diverged), or the local branch lags behind what was pushed.
void remote_alerts(const WorkerStatus& w, std::vector<Alert>& out) {
    if (auto a = diverged_advice(w))
        out.push_back({AlertKind::diverged, w.worker, std::move(a->message), std::move(a->action)});
    else if (auto b = behind_remote_advice(w))
        out.push_back(
            {AlertKind::behind_remote, w.worker, std::move(b->message), std::move(b->action)});
}

// The same id spawned in two clones for two branches: two workers that status cannot tell
// apart.
void duplicate_alerts(const Context& ctx, const StatusReport& report, const WorkerStatus& w,
                      std::vector<Alert>& out) {
    for (auto& a : duplicate_advice(ctx, report, w))
        out.push_back(
            {AlertKind::duplicate_id, w.worker, std::move(a.message), std::move(a.action)});
}

// QA's checks on the worker's tip: a failure (rejected again with no attempts left) is one
// alert; otherwise each rejected, blocked, or required and pending check is one.
void check_alerts(const WorkerStatus& w, std::vector<Alert>& out) {
    if (w.failure) {
        out.push_back({AlertKind::failed, w.worker, w.worker + " failed: " + failure_summary(w),
                       failure_action(w)});
        return;
    }
    for (const auto& c : w.checks) {
        const std::string label = check_label(c.check);
        if (c.verdict == QaVerdict::rejected)
            out.push_back({AlertKind::qa_rejected, w.worker,
                           w.worker + " was rejected by " + label + ": " + c.reason,
                           "send it back to work with the reason: git porch resume " + w.worker});
        else if (c.verdict == QaVerdict::blocked)
            out.push_back({AlertKind::qa_blocked, w.worker,
                           w.worker + ": " + label + " could not judge it (blocked): " + c.reason,
                           "investigate the environment issue, then judge it again: " +
                               judge_commands(w.worker, c.check)});
        else if (c.verdict == QaVerdict::pending && c.required)
            out.push_back({AlertKind::qa_pending, w.worker,
                           w.worker + " is complete and waits for " + label +
                               (c.check == config::default_check ? "" : " (" + c.required_by + ")"),
                           judge_commands(w.worker, c.check)});
    }
}

// A path of `git status` in the scope; an untracked folder ("src/") also when the scope is
// below it.
bool touches_scope(const std::string& path, const std::vector<std::string>& scope) {
    if (protocol::in_scope(path, scope))
        return true;
    return path.ends_with('/') && std::any_of(scope.begin(), scope.end(),
                                              [&](const auto& s) { return s.starts_with(path); });
}

// A complete worker's uncommitted files, which its branch (and so integrate) does not have; a
// worker far behind the base.
void worktree_alerts(const Context& ctx, const StatusReport& report, const WorkerStatus& w,
                     const WorktreeState& state, std::vector<Alert>& out) {
    const std::string& dir = *w.worktree;
    if (w.state == WorkerState::complete && state.files && !state.files->paths.empty()) {
        const auto& paths = state.files->paths;
        auto in_scope = std::count_if(paths.begin(), paths.end(),
                                      [&](const auto& p) { return touches_scope(p, w.scope); });
        auto a = dirty_worktree_advice(w.worker, dir, paths, static_cast<std::size_t>(in_scope));
        out.push_back({AlertKind::worktree_dirty, w.worker, std::move(a.message),
                       std::move(a.action), paths});
    }
    const auto threshold = static_cast<std::size_t>(ctx.config.behind_alert);
    if (threshold > 0 && state.behind >= threshold) {
        auto a = behind_base_advice(w.worker, dir, report.base_branch, state.behind);
        out.push_back(
            {AlertKind::behind_base, w.worker, std::move(a.message), std::move(a.action)});
    }
}

} // namespace

std::vector<Alert> collect_alerts(const Context& ctx, const StatusReport& report,
                                  std::int64_t now) {
    return collect_alerts(ctx, report, now, read_worktree_states(ctx, report));
}

std::vector<Alert> collect_alerts(const Context& ctx, const StatusReport& report, std::int64_t now,
                                  const WorktreeStates& worktrees) {
    std::vector<Alert> out;
    const std::int64_t stall = ctx.config.stall_after_seconds;
    for (const auto& w : report.workers) {
        const std::string where = w.worktree ? *w.worktree : w.branch;
        if (w.state == WorkerState::blocked)
            out.push_back({AlertKind::blocked, w.worker, w.worker + " is blocked: " + w.reason,
                           "resolve '" + w.reason + "', then tell the worker in " + where +
                               " to continue from its last checkpoint"});
        for (const auto& n : w.needs)
            need_alert(ctx, report, w, n, out);
        if (w.unsure)
            out.push_back(
                {AlertKind::unsure_owner, w.worker,
                 w.worker + ": porch cannot tell whose " + w.unsure->subject + " (" +
                     w.unsure->id.substr(0, 7) +
                     ") is: another worker's branch has it too, and no hook recorded "
                     "it; its state is not taken",
                 "if it is " + w.worker + "'s, record it: git porch reindex " + w.worker});
        liveness_alerts(w, where, now, stall, out);
        if (w.unvalidated > 0)
            out.push_back({AlertKind::bypassed_hooks, w.worker,
                           w.worker + ": " + std::to_string(w.unvalidated) +
                               (w.unvalidated == 1 ? " commit bypassed" : " commits bypassed") +
                               " the protocol hooks",
                           "see them with: git porch log " + w.worker});
        if (auto a = outside_scope_advice(w))
            out.push_back(
                {AlertKind::out_of_scope, w.worker, a->message, a->action, w.outside_scope});
        // Commits read from a remote-tracking branch were made elsewhere: recording them is
        // that clone's business (or no one's, for a worker without porch). That holds too once
        // the local branch was fast-forwarded to them: it has nothing the remote lacks.
        const bool all_pushed = w.local_ahead == 0 && w.tips.size() > 1;
        if (w.unrecorded > 0 && w.has_local_branch && !w.diverged && w.local_behind == 0 &&
            !all_pushed)
            out.push_back({AlertKind::unrecorded, w.worker,
                           w.worker + ": " + std::to_string(w.unrecorded) +
                               (w.unrecorded == 1 ? " commit was" : " commits were") +
                               " made without porch's hooks",
                           "record them with: git porch reindex " + w.worker +
                               "; install hooks with: git porch hooks install"});
        check_alerts(w, out);
        for (const auto& i : w.integrations) {
            if (i.state == IntegrationState::merged)
                continue;
            const std::string branch = integration_branch(ctx, i.feature);
            out.push_back({AlertKind::integration_stopped, w.worker,
                           "integrating " + i.feature + " stopped at " + w.worker +
                               (i.state == IntegrationState::conflict
                                    ? ": its merge conflicted"
                                    : ": the verify command failed after its merge"),
                           "resolve in porch's worktree of " + branch +
                               ", then: git porch integrate " + i.feature +
                               " --continue (or --abort)"});
        }
        if (w.worktree && w.worktree_missing)
            out.push_back({AlertKind::worktree_missing, w.worker,
                           w.worker + ": its worktree folder is missing: " + *w.worktree,
                           "restore it, or remove the stale entry: git worktree remove --force " +
                               *w.worktree});
        else if (auto found = worktrees.find(w.worker); found != worktrees.end())
            worktree_alerts(ctx, report, w, found->second, out);
        remote_alerts(w, out);
        duplicate_alerts(ctx, report, w, out);
        if (w.setup_failure)
            out.push_back(setup_alert(w));
    }

    // Worktrees porch made for one worker that now have something else checked out.
    if (ctx.root) {
        for (const auto& wt : ctx.repo.worktrees()) {
            if (wt.is_main || wt.missing)
                continue;
            auto rel =
                std::filesystem::path(wt.path).lexically_relative(*ctx.root).generic_string();
            auto parts = ctx.worktree_template.match(rel);
            if (!parts)
                continue;
            const std::string worker = protocol::worker_name(parts->id);
            if (!find_worker(report, worker))
                continue;
            auto advice = model::wrong_checkout_advice(
                worker, rel, wt, ctx.branch_template.expand(parts->id, parts->desc));
            if (advice)
                out.push_back({AlertKind::worktree_wrong_branch, worker, std::move(advice->message),
                               std::move(advice->action)});
        }
    }

    for (const auto& cycle : dependency_cycles(report)) {
        std::string names;
        for (const auto& w : cycle)
            names += w + " -> ";
        names += cycle.front();
        out.push_back(
            {AlertKind::deadlock, "", "dependency cycle: " + names,
             "break it: have one worker stub the interface the other needs, or merge the two "
             "tasks"});
    }

    // Protocol commits that landed on the base or on an integration branch.
    std::optional<git::Oid> oldest_base;
    std::int64_t oldest_time = 0;
    for (const auto& w : report.workers)
        if (w.spawn_base) {
            auto t = ctx.repo.commit(*w.spawn_base).time;
            if (!oldest_base || t < oldest_time) {
                oldest_base = w.spawn_base;
                oldest_time = t;
            }
        }
    if (!report.workers.empty()) {
        const Owners owners = report_owners(ctx, report);
        scan_for_protocol_commits(ctx.repo, owners, report.base_branch, oldest_base, out);
        std::string integration = ctx.config.integration_template;
        std::string prefix = integration.substr(0, integration.find("{feature}"));
        auto base_tip = ctx.repo.resolve_commit(git::branch_ref(report.base_branch));
        for (const auto& ref : ctx.repo.refs(git::branch_ref(prefix).str()))
            scan_for_protocol_commits(ctx.repo, owners, ref.name.branch().value().str(), base_tip,
                                      out);
    }
    return out;
}

} // namespace porch::ops
