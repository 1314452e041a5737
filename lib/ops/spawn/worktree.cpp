#include "ops/spawn/worktree.hpp"

#include "git/cli.hpp"
#include "model/hook_files.hpp"
#include "model/new_worker.hpp"
#include "model/setup.hpp"
#include "ops/spawn/prepare.hpp"
#include "util/error.hpp"

#include <fstream>

namespace porch::ops {

namespace fs = std::filesystem;

namespace {

// `git worktree unlock` without its process: the lock is the file `locked` in the worktree's
// administrative folder, which the worktree's `.git` file names.
void unlock_worktree(const fs::path& worktree) {
    std::ifstream in(worktree / ".git");
    std::string line;
    std::getline(in, line);
    constexpr std::string_view prefix = "gitdir: ";
    if (line.rfind(prefix, 0) != 0)
        throw Error(ErrorKind::fatal, "cannot read " + (worktree / ".git").string());
    fs::path admin = line.substr(prefix.size());
    if (admin.is_relative()) // worktree.useRelativePaths (git 2.48)
        admin = worktree / admin;
    // Left locked, doctor would take the worktree for one whose spawn was killed.
    std::error_code ec;
    if (!fs::remove(admin / "locked", ec) || ec)
        throw Error(ErrorKind::fatal, "cannot unlock worktree " + worktree.string() + ": " +
                                          (ec ? ec.message() : "no lock at " + admin.string()));
}

} // namespace

WorktreePlace worktree_place(const model::Context& ctx, const std::string& id,
                             const std::string& desc, std::string_view verb,
                             const std::string& hint) {
    const std::string prefix = std::string(verb) + ": ";
    if (!ctx.root)
        throw Error(ErrorKind::fatal, prefix + "a bare repository has no worktrees for workers",
                    "clone it and run git porch in the clone");
    WorktreePlace place;
    place.rel = ctx.worktree_template.expand(id, desc);
    place.path = fs::path(*ctx.root) / place.rel;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(place.path, ec)))
        throw Error(ErrorKind::fatal, prefix + "'" + place.path.string() + "' already exists",
                    hint);

    // naming.worktree is checked to stay inside, but a folder on its way may be a symbolic link.
    fs::path root = fs::weakly_canonical(*ctx.root, ec);
    fs::path parent = fs::weakly_canonical(place.path.parent_path(), ec);
    auto rel = parent.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..")
        throw Error(ErrorKind::fatal,
                    prefix + "the worktree folder " + place.path.parent_path().string() +
                        " leads outside the repository, to " + parent.string(),
                    "a symbolic link on the way? point naming.worktree in .porch.toml at a "
                    "folder inside " +
                        root.string());
    return place;
}

void add_worker_worktree(model::Context& ctx, const WorktreePlace& place,
                         const std::string& branch) {
    // The git CLI checks the worktree out: libgit2 1.5 runs neither post-checkout hooks nor
    // long-running filter drivers such as git-lfs, which users' checkouts depend on.
    const CopyPlan copies = plan_copies(ctx); // refused before anything is made
    std::error_code ec;
    fs::create_directories(place.path.parent_path(), ec);
    auto added = git::run_in(*ctx.root, {"worktree", "add", "--quiet", "--lock", "--reason",
                                         model::spawn_lock_reason, place.path.string(), branch});
    if (!added.ok())
        throw Error(ErrorKind::fatal, "cannot create worktree " + place.path.string() + ": " +
                                          added.last_error_line());
    try {
        model::ensure_excluded(ctx); // so it never shows up in the main checkout's status
        hooks::provide_hooks_folder(*ctx.root, place.path.string());
        copy_into(ctx, copies, place.path); // still locked: a killed copy is doctor's to find
        unlock_worktree(place.path);
    } catch (...) {
        remove_worker_worktree(ctx, place);
        throw;
    }
}

void remove_worker_worktree(const model::Context& ctx, const WorktreePlace& place) {
    git::run_in(*ctx.root, {"worktree", "remove", "--force", "--force", place.path.string()});
}

} // namespace porch::ops
