// A temporary repository made with the real git program, for tests of the code that reads and
// writes repositories (model, ops). Deterministic: git runs with an identity, config and clock
// of the test's own, never the machine's, and every commit is one minute after the previous one.
#pragma once

#include "model/context.hpp"
#include "util/process.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace porch::test {

namespace fs = std::filesystem;

// (path, content) pairs, paths relative to the worktree a commit is made in.
using Files = std::vector<std::pair<std::string, std::string>>;

// The first commit's time: 2025-01-01T00:00:00Z.
constexpr std::int64_t first_commit_time = 1735689600;

class RepoFixture {
public:
    // `git init` in a new temporary folder; no commit yet.
    RepoFixture();
    ~RepoFixture(); // removes the folder
    RepoFixture(const RepoFixture&) = delete;
    RepoFixture& operator=(const RepoFixture&) = delete;

    // The main worktree (absolute, symbolic links resolved).
    const fs::path& path() const { return m_path; }

    // Runs `git <args>` in `dir` (the main worktree when empty), at the fixture's clock, for a
    // step that is expected to fail; `input` goes to its stdin.
    process::Result try_git(const std::vector<std::string>& args, const fs::path& dir = {},
                            const std::string& input = {}) const;
    // Runs `git <args>` in `dir` (the main worktree when empty); REQUIREs success; returns stdout.
    std::string git(const std::vector<std::string>& args, const fs::path& dir = {}) const;
    // The same, trimmed to one line: `git rev-parse HEAD` and the like.
    std::string git_line(const std::vector<std::string>& args, const fs::path& dir = {}) const;
    // Writes `files` under `dir`, stages them and commits with `message` (an empty commit when
    // there are no files). Returns the new commit's id.
    std::string commit(const std::string& message, const Files& files = {},
                       const fs::path& dir = {});
    void branch(const std::string& name, const std::string& start = "HEAD");
    void checkout(const std::string& name, const fs::path& dir = {});
    // Merges `rev` into the branch checked out in `dir` with a merge commit (--no-ff).
    std::string merge(const std::string& rev, const fs::path& dir = {});
    std::string revert(const std::string& commit, const fs::path& dir = {});
    // Rebases the branch checked out in `dir` onto `onto`; returns the new tip.
    std::string rebase(const std::string& onto, const fs::path& dir = {});

    // A worker as `git porch spawn <id> <desc> --needs ... --scope ...` makes it, from the base
    // branch: its branch, its worktree and its spawned event. Returns the worktree. porch's
    // hooks are not installed, so commits made there are not recorded.
    fs::path spawn(const std::string& id, const std::string& desc,
                   const std::vector<std::string>& needs = {},
                   const std::vector<std::string>& scopes = {});

    // The time the next commit gets (commit, merge, revert and rebase move it on a minute).
    std::int64_t now() const { return m_now; }
    // The porch view of the repository, opened from `dir` (the main worktree when empty).
    model::Context context(const fs::path& dir = {}) const;

private:
    fs::path m_path;
    std::int64_t m_now = first_commit_time;
};

} // namespace porch::test
