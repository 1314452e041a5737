// `git porch doctor`: finds what the failure modes of parallel workers leave behind (protocol
// commits on the base branch, branches without worktrees and worktrees without branches,
// missing or shadowed hooks, missing notes config, stale lock files), and where this clone and
// the remote disagree (a branch behind or diverged from what was pushed, a pushed worker branch
// nobody recorded, an id spawned twice), and, with `fix`, repairs what can be repaired without
// losing or rewriting anything anyone else may have.
#pragma once

#include "model/context.hpp"
#include "model/states.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace porch::ops {

struct DoctorFinding {
    model::FindingKind kind = model::FindingKind::wrong_branch_commit;
    std::string message; // one line; may contain others' text: sanitise before printing
    std::string action;  // what --fix did, or what to type next
    bool fixed = false;
};

struct DoctorOptions {
    bool fix = false;
    std::string binary; // absolute path of git-porch, for the hook shims
    // A lock file older than this has no live writer: git holds its locks for milliseconds.
    std::chrono::seconds stale_lock_age{600};
    // How many commits of the base branch's first-parent line are searched for protocol commits.
    std::size_t max_scan = 1000;
};

std::vector<DoctorFinding> doctor(model::Context& ctx, const DoctorOptions& options);

} // namespace porch::ops
