// Lock files that killed git or porch processes leave behind: while one exists, git refuses to
// change what it guards, and nothing but its age tells a dead holder from a live one.
#pragma once

#include "git/repo.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace porch::git {

struct StaleLock {
    std::filesystem::path path;
    std::chrono::seconds age;
};

// The lock files of the repository's git folder (its own, under refs/ and under worktrees/) that
// were last written at least `min_age` ago, in path order.
std::vector<StaleLock> stale_locks(const git::Repo& repo, std::chrono::seconds min_age);

// One lock file as found on disk. A live holder renames its lock away within milliseconds, so
// the same stamp seen for seconds means a holder that died or hangs.
struct LockStamp {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const LockStamp&) const = default;
};

// Where git and libgit2 lock `ref`, a ref shared by all worktrees.
std::filesystem::path ref_lock_path(const git::Repo& repo, const RefName& ref);

// The lock file of `ref` as it is now, if there is one.
std::optional<LockStamp> ref_lock_stamp(const git::Repo& repo, const RefName& ref);

} // namespace porch::git
