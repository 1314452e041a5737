#include "ops/status/worktrees.hpp"

namespace porch::ops {

namespace {

bool on_this_machine(const model::WorkerStatus& w) {
    return w.local && !w.remote_only && w.worktree && !w.worktree_missing;
}

// The report's local workers, with the commits each lacks of the base; their worktrees not read.
WorktreeStates behind_counts(const model::Context& ctx, const model::StatusReport& report) {
    const auto base = ctx.repo.resolve_commit(git::branch_ref(report.base_branch));
    WorktreeStates out;
    for (const auto& w : report.workers)
        if (on_this_machine(w))
            out[w.worker].behind = base && w.tip ? ctx.repo.count_ahead(*base, *w.tip) : 0;
    return out;
}

// Fills in the worktrees of `out`'s workers: from `read` (by folder), the others read now.
void add_readings(const model::StatusReport& report, WorktreeStates& out,
                  std::map<std::string, std::optional<git::WorktreeReading>> read) {
    std::vector<std::string> missed;
    for (const auto& w : report.workers)
        if (out.contains(w.worker) && !read.contains(*w.worktree))
            missed.push_back(*w.worktree);
    auto late = git::read_worktrees(missed, worktree_jobs);
    for (std::size_t i = 0; i < missed.size(); ++i)
        read[missed[i]] = std::move(late[i]);
    for (const auto& w : report.workers)
        if (auto it = out.find(w.worker); it != out.end())
            it->second.files = std::move(read[*w.worktree]);
}

} // namespace

WorktreeStates read_worktree_states(const model::Context& ctx, const model::StatusReport& report) {
    auto out = behind_counts(ctx, report);
    add_readings(report, out, {});
    return out;
}

WorktreeReads::WorktreeReads(const model::Context& ctx, const std::string& only) {
    // The worktree each worker's local branch is checked out in, as the worker view finds it.
    std::map<git::RefName, std::string> checked_out;
    for (const auto& wt : ctx.repo.worktrees())
        if (wt.head && !wt.missing)
            checked_out.emplace(*wt.head, wt.path);
    for (const auto& sources : model::find_workers(ctx, only)) {
        if (sources.tips.empty() || !sources.tips.front().remote.empty())
            continue;
        if (auto it = checked_out.find(sources.tips.front().ref()); it != checked_out.end())
            m_dirs.push_back(it->second);
    }
    // Only git processes run in the background: the repository handle stays on this thread.
    m_readings = std::async(std::launch::async, git::read_worktrees, m_dirs, worktree_jobs);
}

WorktreeStates WorktreeReads::finish(const model::Context& ctx, const model::StatusReport& report) {
    auto out = behind_counts(ctx, report); // while git still reads
    auto readings = m_readings.get();
    std::map<std::string, std::optional<git::WorktreeReading>> read;
    for (std::size_t i = 0; i < m_dirs.size(); ++i)
        read.emplace(m_dirs[i], std::move(readings[i]));
    add_readings(report, out, std::move(read));
    return out;
}

} // namespace porch::ops
