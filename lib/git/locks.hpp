// Lock files that killed git or porch processes leave behind: while one exists, git refuses to
// change what it guards, and nothing but its age tells a dead holder from a live one.
#pragma once

#include "git/repo.hpp"

#include <chrono>
#include <filesystem>
#include <vector>

namespace porch::git {

struct StaleLock {
    std::filesystem::path path;
    std::chrono::seconds age;
};

// The lock files of the repository's git folder (its own, under refs/ and under worktrees/) that
// were last written at least `min_age` ago, in path order.
std::vector<StaleLock> stale_locks(const git::Repo& repo, std::chrono::seconds min_age);

} // namespace porch::git
