#include "ops/status/worktrees.hpp"

namespace porch::ops {

namespace {

bool on_this_machine(const model::WorkerStatus& w) {
    return w.local && !w.remote_only && w.worktree && !w.worktree_missing;
}

} // namespace

WorktreeStates read_worktree_states(const model::Context& ctx, const model::StatusReport& report) {
    std::vector<const model::WorkerStatus*> workers;
    std::vector<std::string> dirs;
    for (const auto& w : report.workers)
        if (on_this_machine(w)) {
            workers.push_back(&w);
            dirs.push_back(*w.worktree);
        }
    auto readings = git::read_worktrees(dirs, worktree_jobs);
    const auto base = ctx.repo.resolve_commit(git::branch_ref(report.base_branch));
    WorktreeStates out;
    for (std::size_t i = 0; i < workers.size(); ++i) {
        const auto& w = *workers[i];
        WorktreeState state{std::move(readings[i]), 0};
        if (base && w.tip)
            state.behind = ctx.repo.count_ahead(*base, *w.tip);
        out.emplace(w.worker, std::move(state));
    }
    return out;
}

} // namespace porch::ops
