#include "model/remote_advice.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cstdint>

namespace porch::model {

namespace {

// `git -C <worktree> ` where the branch is checked out, else `git `.
std::string git_in(const WorkerStatus& w) {
    return w.worktree ? "git -C " + util::shell_quote(*w.worktree) + " " : "git ";
}

// A numeric id no worker in the report has: what a duplicate can be renamed to.
std::string free_id(const StatusReport& report) {
    std::uint64_t top = 0;
    for (const auto& w : report.workers)
        if (auto n = util::parse_count(w.id))
            top = std::max(top, *n);
    return std::to_string(top + 1);
}

} // namespace

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
    const std::string in = git_in(w);
    std::string action = remote && w.has_local_branch
                             ? "reconcile them: " + in + "merge " + remote->display() + " (on " +
                                   w.branch + "), then " + in + "push " + remote->remote + " " +
                                   w.branch
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
                  w.worktree ? "fast-forward it: " + git_in(w) + "merge --ff-only " + remote
                             : "fast-forward it: git branch -f " + local.branch + " " + remote};
}

std::vector<Advice> duplicate_advice(const Context& ctx, const StatusReport& report,
                                     const WorkerStatus& w) {
    std::vector<Advice> out;
    for (const auto& d : w.duplicates) {
        auto parts = ctx.branch_template.match(d.branch);
        std::string rename =
            parts ? "in " + d.who + "'s clone: git branch -m " + d.branch + " " +
                        ctx.branch_template.expand(free_id(report), parts->desc) +
                        " && git porch reindex"
                  : "give one of them another id (git branch -m), then git porch reindex";
        out.push_back({w.worker + " was spawned twice: on " + w.branch + " and, by " + d.who +
                           ", on " + d.branch,
                       std::move(rename)});
    }
    return out;
}

} // namespace porch::model
