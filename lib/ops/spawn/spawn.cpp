#include "ops/spawn/spawn.hpp"

#include "git/cli.hpp"
#include "model/naming.hpp"
#include "model/setup.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <fstream>

namespace porch::ops {

using namespace model;

namespace fs = std::filesystem;

namespace {} // namespace

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

SpawnResult spawn(Context& ctx, const SpawnRequest& req) {
    PreparedWorker p = prepare_worker(ctx, req, "cannot spawn");
    std::string worktree_rel = ctx.worktree_template.expand(p.id, p.desc);
    fs::path worktree = fs::path(*ctx.root) / worktree_rel;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(worktree, ec)))
        throw Error(ErrorKind::fatal, "cannot spawn: '" + worktree.string() + "' already exists",
                    "move it away, or pick another id or description");

    // naming.worktree is checked to stay inside, but a folder on its way may be a symbolic link.
    fs::path root = fs::weakly_canonical(*ctx.root, ec);
    fs::path parent = fs::weakly_canonical(worktree.parent_path(), ec);
    auto rel = parent.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..")
        throw Error(ErrorKind::fatal,
                    "cannot spawn: the worktree folder " + worktree.parent_path().string() +
                        " leads outside the repository, to " + parent.string(),
                    "a symbolic link on the way? point naming.worktree in .porch.toml at a "
                    "folder inside " +
                        root.string());
    if (!ctx.repo.create_branch(git::BranchName(p.branch), p.base))
        throw Error(ErrorKind::fatal, "cannot spawn: branch '" + p.branch + "' already exists");
    // The git CLI checks the worktree out: libgit2 1.5 runs neither post-checkout hooks nor
    // long-running filter drivers such as git-lfs, which users' checkouts depend on.
    fs::create_directories(worktree.parent_path(), ec);
    process::Options in_root;
    in_root.cwd = *ctx.root;
    auto added = git::run({"worktree", "add", "--quiet", "--lock", "--reason", spawn_lock_reason,
                           worktree.string(), p.branch},
                          in_root);
    if (!added.ok()) {
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        throw Error(ErrorKind::fatal,
                    "cannot create worktree " + worktree.string() + ": " + added.last_error_line());
    }
    ensure_excluded(ctx); // so the new worktree never shows up in the main checkout's status
    try {
        unlock_worktree(worktree);
        record_spawn(ctx, p, worktree_rel, {});
    } catch (...) {
        // A worker without its spawned event would lose its scope and needs: undo the spawn.
        git::run({"worktree", "remove", "--force", "--force", worktree.string()}, in_root);
        ctx.repo.delete_ref_if(git::branch_ref(p.branch), p.base);
        throw;
    }
    return {p.worker, p.branch, worktree.string(), p.base_name, p.base.hex()};
}

} // namespace porch::ops
