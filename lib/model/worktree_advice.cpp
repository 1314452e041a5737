#include "model/worktree_advice.hpp"

#include "util/text.hpp"

namespace porch::model {

std::optional<Advice> wrong_checkout_advice(const std::string& worker, const std::string& shown,
                                            const git::Worktree& wt, const std::string& branch) {
    const git::RefName ref = git::branch_ref(branch);
    if (wt.head == ref || wt.busy_branch == ref)
        return std::nullopt;
    auto head = wt.branch();
    return Advice{"worktree " + shown + " belongs to " + worker + " but has " +
                      (head ? "'" + head->str() + "'" : std::string("a detached HEAD")) +
                      " checked out",
                  "switch it back: " + git_in(wt.path) + "switch " + branch};
}

Advice dirty_worktree_advice(const std::string& worker, const std::string& worktree,
                             const std::vector<std::string>& paths, std::size_t in_scope) {
    const std::string git = git_in(worktree);
    const std::string left_out =
        in_scope == 0
            ? ""
            : " (" + std::to_string(in_scope) + " in its scope, which integrate would leave out)";
    return {worker + " is complete but its worktree has " +
                util::plural(paths.size(), "uncommitted or untracked file") + left_out + ": " +
                util::first_few(paths, 3),
            "commit them: " + git + "add -A && " + git +
                "commit -m '[COMPLETE] Add the files left out', or put them aside: " + git +
                "stash push -u"};
}

Advice behind_base_advice(const std::string& worker, const std::string& worktree,
                          const std::string& base, std::size_t behind) {
    const std::string git = git_in(worktree);
    return {worker + " is " + util::plural(behind, "commit") + " behind " + base,
            "catch it up: " + git + "merge " + base + " (or, before it is pushed: " + git +
                "rebase " + base + ")"};
}

} // namespace porch::model
