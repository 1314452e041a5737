#include "model/worktree_advice.hpp"

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

} // namespace porch::model
