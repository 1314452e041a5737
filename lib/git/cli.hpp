// The one runner of the git program. porch reads and writes the repository in-process through
// libgit2 (git/repo.hpp); the git CLI does what must honour the user's own set-up (fetch and
// push with their credentials, checkouts, merges, `git status` with sparse checkouts and
// fsmonitor) and what libgit2 1.5 cannot do. Prompts are always off: nothing ever waits on a
// terminal.
#pragma once

#include "util/process.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::git {

// Runs `git <args>` with `options` (folder, input, extra environment).
process::Result run(const std::vector<std::string>& args, const process::Options& options = {});
// Runs `git <args>` in `dir`.
process::Result run_in(const std::string& dir, const std::vector<std::string>& args,
                       std::vector<std::string> env = {});
// Like run_in, but a failure throws a fatal porch::Error "<what>: <git's last error line>".
process::Result run_or_throw(const std::string& dir, const std::vector<std::string>& args,
                             const std::string& what);

// Uncommitted and untracked paths in the worktree at `dir`, as `git status` sees them (ignored
// files are not work); a rename counts once, by its new path. nullopt when git cannot look.
std::optional<std::vector<std::string>> dirty_paths(const std::string& dir);
// Whether the worktree at `dir` has uncommitted or untracked paths (false when git cannot look,
// e.g. its folder is gone).
bool worktree_dirty(const std::string& dir);
// dirty_paths for a step that must not go on without knowing: throws a fatal porch::Error when
// git cannot look.
std::vector<std::string> require_dirty_paths(const std::string& dir);
// What a worktree holds that no commit has: a worker's worktree as status shows it.
struct WorktreeReading {
    std::size_t changed = 0;        // tracked paths that differ from HEAD (staged or not)
    std::size_t untracked = 0;      // untracked paths; an untracked folder counts once
    std::vector<std::string> paths; // all of them, in git's order (a folder ends in '/')
};
// Reads each worktree of `dirs` as `git status` does (sparse checkouts, the untracked cache and
// fsmonitor honoured; ignored files and what the sparse checkout leaves out are not work), with
// up to `jobs` git processes at once; in `dirs`' order, nullopt where git cannot look.
std::vector<std::optional<WorktreeReading>> read_worktrees(const std::vector<std::string>& dirs,
                                                           std::size_t jobs);
// Uncommitted changes to tracked files only (untracked files do not count).
bool has_tracked_changes(const std::string& dir);
// dirty_paths, split: what differs in tracked files (staged or not) and what is untracked.
struct WorktreeChanges {
    std::vector<std::string> tracked;
    std::vector<std::string> untracked;
};
// Throws a fatal porch::Error when git cannot look.
WorktreeChanges require_worktree_changes(const std::string& dir);
// What a commit in the worktree at `dir` leaves out: paths whose worktree content differs from
// the index (in a hook, the one git commits: GIT_INDEX_FILE) and untracked paths; ignored files
// and those a sparse checkout leaves out are not changes. Never takes the index lock (a commit
// holds it). Throws a fatal porch::Error when git cannot look.
WorktreeChanges unstaged_changes(const std::string& dir);
// In a hook of `git commit -a` or `git commit <paths>`: the paths the commit's own index
// (GIT_INDEX_FILE) stages, when they differ from what the worktree's index at `own_index`
// stages (the commit takes other changes than `git commit` alone would); nullopt when the two
// agree or no hook's index is set.
std::optional<std::vector<std::string>> commit_only_paths(const std::string& dir,
                                                          const std::string& own_index);
// Paths that the index changes relative to HEAD in the worktree at `dir` (both sides of a
// rename), sorted; a hook's GIT_INDEX_FILE (the temporary index of `git commit -a`) reaches
// git with the environment. Throws a fatal porch::Error when git cannot look.
std::vector<std::string> staged_paths(const std::string& dir);
// The files git tracks in the worktree at `dir` (empty when git cannot look).
std::vector<std::string> tracked_files(const std::string& dir);
// Files with unresolved conflicts in the worktree at `dir`.
std::vector<std::string> conflicted_paths(const std::string& dir);
// Files that differ between two commits (`git diff --name-only from to`), run in `dir`; names
// exactly as stored (not quoted).
std::vector<std::string> changed_paths(const std::string& dir, const std::string& from,
                                       const std::string& to);
// Files one commit changed against its first parent (all of them for a root commit).
std::vector<std::string> commit_paths(const std::string& dir, const std::string& commit);

} // namespace porch::git
