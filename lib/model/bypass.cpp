#include "model/bypass.hpp"

#include "model/scope.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace porch::model {

std::vector<std::string> paths_outside(const git::Repo& repo, const git::Commit& commit,
                                       const std::vector<std::string>& scope) {
    if (scope.empty() || commit.parent_count > 1)
        return {};
    std::vector<std::string> out;
    for (auto& path : repo.diff_paths(commit.first_parent, commit.id))
        if (!protocol::in_scope(path, scope))
            out.push_back(std::move(path));
    return out;
}

bool on_branch(const git::Repo& repo, const std::string& commit, const git::Oid& tip,
               const std::optional<git::Oid>& since) {
    auto id = git::Oid::from_hex(commit);
    if (!id || !repo.resolve_commit(commit) || !repo.is_ancestor(*id, tip))
        return false;
    return !since || !repo.is_ancestor(*id, *since);
}

void find_outside_scope(const git::Repo& repo, const std::vector<git::Oid>& suspects,
                        const git::Oid& tip, const std::optional<git::Oid>& since,
                        WorkerStatus& w) {
    if (!since)
        return; // nothing to compare the tip with, nor to take files back from
    std::vector<std::string> paths;
    for (const auto& id : suspects) {
        auto outside = paths_outside(repo, repo.commit(id), w.scope);
        if (outside.empty())
            continue;
        w.outside_commits.push_back(id.hex());
        paths.insert(paths.end(), outside.begin(), outside.end());
    }
    if (paths.empty())
        return;
    std::sort(paths.begin(), paths.end());
    paths.erase(std::unique(paths.begin(), paths.end()), paths.end());
    // Files already taken back (or changed back by a later commit) are settled.
    w.outside_scope = repo.diff_paths(since, tip, paths);
    std::sort(w.outside_scope.begin(), w.outside_scope.end());
    w.outside_base = since;
    if (w.outside_scope.empty())
        w.outside_commits.clear();
}

std::set<std::string> gone_commits(const git::Repo& repo, const std::set<std::string>& commits) {
    constexpr std::size_t max_walk = 200000;
    std::vector<git::Oid> tips;
    for (const char* prefix : {"refs/heads/", "refs/remotes/"})
        for (const auto& ref : repo.refs(prefix))
            tips.push_back(ref.target);
    std::set<std::string> present;
    for (const auto& c : commits)
        if (git::Oid::from_hex(c) && repo.resolve_commit(c)) // ids only: never a revision
            present.insert(c);
    auto reached = repo.reachable(tips, present, max_walk);
    if (!reached)
        return {};
    std::set<std::string> out;
    for (const auto& c : commits)
        if (!reached->count(c))
            out.insert(c);
    return out;
}

std::optional<Advice> outside_scope_advice(const WorkerStatus& w) {
    if (w.outside_scope.empty() || !w.outside_base)
        return std::nullopt;
    const std::string files = util::first_few(w.outside_scope, 5);
    std::string commits;
    for (const auto& c : w.outside_commits)
        commits += (commits.empty() ? "" : ", ") + c.substr(0, 7);
    Advice a;
    a.message = w.worker + ": " + util::plural(w.outside_scope.size(), "file") +
                " outside its scope (" + util::join(w.scope, ", ") + ") changed by " +
                (w.outside_commits.size() == 1 ? "commit " : "commits ") + commits +
                ", which skipped porch's hooks: " + files;
    // The files go back to the worker's base; the commit that does it changes files outside the
    // scope too, so the hook would refuse it.
    const std::string git = git_in(w.worktree);
    std::string restore =
        "restore --source=" + w.outside_base->short_hex(12) + " --staged --worktree --";
    for (const auto& p : w.outside_scope)
        restore += " " + util::shell_quote(p);
    a.action = "take them back: " + (w.worktree ? "" : "git switch " + w.branch + " && ") + git +
               restore + " && " + git +
               "commit --no-verify -m \"[CHECKPOINT] Take back changes outside the scope\"";
    return a;
}

} // namespace porch::model
