// What a new worker's worktree gets from the main worktree besides its checkout: [worktree] copy
// (globs of files) and clone (folders), copied copy-on-write (reflink) where the filesystem can.
#pragma once

#include "model/context.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace porch::ops {

struct CopyItem {
    enum class Kind { file, folder, link };
    Kind kind = Kind::file;
    std::filesystem::path rel; // relative to the main worktree, as in the new one
    std::uintmax_t size = 0;
};

struct CopyPlan {
    std::vector<CopyItem> items; // folders before what they hold
    std::size_t files = 0;
    std::uintmax_t bytes = 0;
};

struct CopyOutcome {
    std::size_t files = 0; // files copied (those the new worktree already had are left)
    std::uintmax_t bytes = 0;
    bool reflink = false; // the first file was cloned copy-on-write, so all were tried that way
};

// What [worktree] copy and clone name in the main worktree now. Throws a fatal Error naming the
// entry when it, or a folder on its way, is a symbolic link leading outside the repository.
CopyPlan plan_copies(const model::Context& ctx);

// Copies `plan` from the main worktree into `worktree`, never over a file the worktree has;
// modes and modification times are kept (build caches compare them), symbolic links inside a
// cloned folder are copied as links, never followed. Says the total first and reports progress
// through ctx.notices.
CopyOutcome copy_into(const model::Context& ctx, const CopyPlan& plan,
                      const std::filesystem::path& worktree);

// "3 files, 120 MB": a plan's or outcome's size as the user reads it.
std::string copy_size_text(std::size_t files, std::uintmax_t bytes);

} // namespace porch::ops
