#include "model/remote_advice.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cstdint>

namespace porch::model {

namespace {

// A numeric id no worker in the report has: what a duplicate can be renamed to.
std::string free_id(const StatusReport& report) {
    std::uint64_t top = 0;
    for (const auto& w : report.workers)
        if (auto n = util::parse_count(w.id))
            top = std::max(top, *n);
    return std::to_string(top + 1);
}

} // namespace

std::string git_in(const std::optional<std::string>& worktree) {
    return worktree ? "git -C " + util::shell_quote(*worktree) + " " : "git ";
}

std::string fast_forward_action(const std::optional<std::string>& worktree,
                                const std::string& branch, const std::string& remote_branch) {
    return worktree ? "fast-forward it: " + git_in(worktree) + "merge --ff-only " + remote_branch
                    : "fast-forward it: git branch -f " + branch + " " + remote_branch;
}

std::string reconcile_action(const std::optional<std::string>& worktree, const std::string& branch,
                             const WorkerTip& remote) {
    const std::string in = git_in(worktree);
    return "reconcile them: " + in + "merge " + remote.display() + " (on " + branch + "), then " +
           in + "push " + remote.remote + " " + branch;
}

std::optional<Advice> diverged_advice(const WorkerStatus& w) {
    if (!w.diverged)
        return std::nullopt;
    std::vector<std::string> tips;
    const WorkerTip* remote = nullptr;
    for (const auto& t : w.tips) {
        tips.push_back(t.display() + " at " + t.commit.hex().substr(0, 7));
        if (!t.remote.empty() && !remote)
            remote = &t;
    }
    std::string action = remote && w.has_local_branch
                             ? reconcile_action(w.worktree, w.branch, *remote)
                             : "merge one into the other, then push it";
    return Advice{w.worker + " has diverged: " + util::join(tips, ", ") +
                      " each have commits the other lacks",
                  std::move(action)};
}

std::optional<Advice> behind_remote_advice(const WorkerStatus& w) {
    if (w.diverged || w.local_behind == 0 || w.local_ahead > 0 || !w.has_local_branch)
        return std::nullopt;
    const WorkerTip& local = w.tips.front();
    std::string remote;
    for (const auto& t : w.tips)
        if (!t.remote.empty() && t.branch == local.branch && remote.empty())
            remote = t.display();
    return Advice{w.worker + ": " + local.branch + " is " + util::plural(w.local_behind, "commit") +
                      " behind " + remote,
                  fast_forward_action(w.worktree, local.branch, remote)};
}

std::vector<Advice> duplicate_advice(const Context& ctx, const StatusReport& report,
                                     const WorkerStatus& w) {
    std::vector<Advice> out;
    const std::string ours = w.clone_name.empty() ? std::string() : " by " + w.clone_name;
    for (const auto& d : w.duplicates) {
        auto parts = ctx.branch_template.match(d.branch);
        std::string rename =
            parts ? "in " + d.who + "'s clone: git branch -m " + d.branch + " " +
                        ctx.branch_template.expand(free_id(report), parts->desc) +
                        " && git porch reindex"
                  : "give one of them another id (git branch -m), then git porch reindex";
        out.push_back({w.worker + " was spawned twice: on " + w.branch + ours + ", and on " +
                           d.branch + " by " + d.who,
                       std::move(rename)});
    }
    return out;
}

} // namespace porch::model
