// What porch does inside git's hooks. Each handler decides quickly whether the worktree is a
// worker's and passes silently (exit 0, no output) when it is not. They never prompt.
#pragma once

#include "model/message.hpp"

#include <string>

namespace porch::git {
class Repo;
}

namespace porch::hooks {

struct Outcome {
    int exit_code = 0;
    std::string message; // for stderr; may be empty
};

// commit-msg <file>: enforce the protocol.
Outcome commit_msg(const std::string& cwd, const std::string& message_file);
// pre-commit: refuse wrong-branch and out-of-scope commits.
Outcome pre_commit(const std::string& cwd);
// post-commit (and post-merge): record the new commit as an event. Never fails the commit:
// problems become a warning.
Outcome post_commit(const std::string& cwd, bool after_merge);

// How git cleans up the message for this process (commit.cleanup, the comment prefix, whether
// an editor runs): `git -c core.commentChar=...` (GIT_CONFIG_PARAMETERS, which libgit2
// ignores) wins over the config files.
protocol::CommentStyle comment_style(const git::Repo& repo);

} // namespace porch::hooks
