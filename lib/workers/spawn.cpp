#include "workers/spawn.hpp"

#include "error.hpp"
#include "process/run.hpp"
#include "protocol/naming.hpp"
#include "store/store.hpp"
#include "workers/init.hpp"

#include <filesystem>
#include <fstream>

namespace porch::workers {

namespace fs = std::filesystem;

namespace {

std::string checked_id(std::string_view raw, std::string_view what) {
    std::string_view id = raw.starts_with("task-") ? raw.substr(5) : raw;
    if (auto err = protocol::validate_id(id))
        throw Error(ExitCode::fatal, std::string(what) + ": " + *err);
    return std::string(id);
}

} // namespace

std::string normalise_scope(std::string_view path) {
    std::string text(path);
    bool bad = text.empty() || fs::path(text).is_absolute();
    for (unsigned char c : text)
        bad = bad || c < 0x20 || c == 0x7f;
    fs::path norm = fs::path(text).lexically_normal();
    for (const auto& part : norm)
        bad = bad || part == "..";
    if (bad)
        throw Error(ExitCode::fatal,
                    "scope " + protocol::quote(path) +
                        " must be a relative path inside the repository, e.g. src/api/");
    std::string out = norm.generic_string();
    if (out == "." || out == "./")
        return ".";
    return out;
}

PreparedWorker prepare_worker(Context& ctx, const SpawnRequest& req, std::string_view verb) {
    const std::string prefix = std::string(verb) + ": ";
    PreparedWorker p;
    p.id = checked_id(req.id, verb);
    if (auto err = protocol::validate_desc(req.desc))
        throw Error(ExitCode::fatal, prefix + *err);
    p.desc = req.desc;
    p.worker = protocol::worker_name(p.id);
    for (const auto& n : req.needs) {
        std::string need = protocol::worker_name(checked_id(n, "bad --needs"));
        if (need == p.worker)
            throw Error(ExitCode::fatal, prefix + p.worker + " cannot need itself");
        if (std::find(p.needs.begin(), p.needs.end(), need) == p.needs.end())
            p.needs.push_back(need);
    }
    for (const auto& s : req.scopes)
        p.scopes.push_back(normalise_scope(s));

    if (!ctx.root)
        throw Error(ExitCode::fatal, prefix + "a bare repository has no worktrees for workers",
                    "clone it and run git porch in the clone");
    if (ctx.repo.has_no_commits())
        throw Error(ExitCode::fatal, prefix + "the repository has no commits yet",
                    "make a first commit, e.g. git commit --allow-empty -m 'Initial commit'");
    p.branch = ctx.branch_template.expand(p.id, p.desc);
    for (const auto& existing : worker_branches(ctx, p.worker))
        throw Error(ExitCode::fatal,
                    prefix + "worker " + p.worker + " already exists on branch " + existing.branch,
                    "pick another id, or see it with: git porch status --worker " + p.worker);
    if (ctx.repo.ref_exists("refs/heads/" + p.branch))
        throw Error(ExitCode::fatal, prefix + "branch '" + p.branch + "' already exists");
    p.base_name = req.base.empty() ? ctx.base_branch() : req.base;
    auto base = ctx.repo.resolve_commit(p.base_name);
    if (!base)
        throw Error(ExitCode::fatal,
                    prefix + "base " + protocol::quote(p.base_name) + " is not a commit here",
                    "give an existing branch or commit with --base");
    p.base = *base;
    return p;
}

void record_spawn(Context& ctx, const PreparedWorker& p, const std::string& worktree_rel,
                  const std::string& slot) {
    store::Event event;
    event.type = "spawned";
    event.worker = p.worker;
    event.fields["desc"] = p.desc;
    event.fields["branch"] = p.branch;
    event.fields["worktree"] = worktree_rel;
    event.fields["base"] = p.base.hex();
    event.fields["base_ref"] = p.base_name;
    event.fields["clone_name"] = store::clone_name(ctx.repo);
    if (!slot.empty())
        event.fields["slot"] = slot;
    event.lists["needs"] = p.needs;
    event.lists["scope"] = p.scopes;
    store::append(ctx.repo, event);
}

namespace {

// `git worktree unlock` without its process: the lock is the file `locked` in the worktree's
// administrative folder, which the worktree's `.git` file names.
void unlock_worktree(const fs::path& worktree) {
    std::ifstream in(worktree / ".git");
    std::string line;
    std::getline(in, line);
    constexpr std::string_view prefix = "gitdir: ";
    if (line.rfind(prefix, 0) != 0)
        throw Error(ExitCode::fatal, "cannot read " + (worktree / ".git").string());
    fs::path admin = line.substr(prefix.size());
    if (admin.is_relative()) // worktree.useRelativePaths (git 2.48)
        admin = worktree / admin;
    // Left locked, doctor would take the worktree for one whose spawn was killed.
    std::error_code ec;
    if (!fs::remove(admin / "locked", ec) || ec)
        throw Error(ExitCode::fatal, "cannot unlock worktree " + worktree.string() + ": " +
                                         (ec ? ec.message() : "no lock at " + admin.string()));
}

} // namespace

SpawnResult spawn(Context& ctx, const SpawnRequest& req) {
    PreparedWorker p = prepare_worker(ctx, req, "cannot spawn");
    std::string worktree_rel = ctx.worktree_template.expand(p.id, p.desc);
    fs::path worktree = fs::path(*ctx.root) / worktree_rel;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(worktree, ec)))
        throw Error(ExitCode::fatal, "cannot spawn: '" + worktree.string() + "' already exists",
                    "move it away, or pick another id or description");

    // naming.worktree is checked to stay inside, but a folder on its way may be a symbolic link.
    fs::path root = fs::weakly_canonical(*ctx.root, ec);
    fs::path parent = fs::weakly_canonical(worktree.parent_path(), ec);
    auto rel = parent.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..")
        throw Error(ExitCode::fatal,
                    "cannot spawn: the worktree folder " + worktree.parent_path().string() +
                        " leads outside the repository, to " + parent.string(),
                    "a symbolic link on the way? point naming.worktree in .porch.toml at a "
                    "folder inside " +
                        root.string());
    if (!ctx.repo.create_branch(p.branch, p.base))
        throw Error(ExitCode::fatal, "cannot spawn: branch '" + p.branch + "' already exists");
    // The git CLI checks the worktree out: libgit2 1.5 runs neither post-checkout hooks nor
    // long-running filter drivers such as git-lfs, which users' checkouts depend on.
    fs::create_directories(worktree.parent_path(), ec);
    process::Options in_root;
    in_root.cwd = *ctx.root;
    auto added = process::git({"worktree", "add", "--quiet", "--lock", "--reason",
                               spawn_lock_reason, worktree.string(), p.branch},
                              in_root);
    if (!added.ok()) {
        ctx.repo.delete_ref_if("refs/heads/" + p.branch, p.base);
        throw Error(ExitCode::fatal,
                    "cannot create worktree " + worktree.string() + ": " + added.last_error_line());
    }
    ensure_excluded(ctx); // so the new worktree never shows up in the main checkout's status
    try {
        unlock_worktree(worktree);
        record_spawn(ctx, p, worktree_rel, {});
    } catch (...) {
        // A worker without its spawned event would lose its scope and needs: undo the spawn.
        process::git({"worktree", "remove", "--force", "--force", worktree.string()}, in_root);
        ctx.repo.delete_ref_if("refs/heads/" + p.branch, p.base);
        throw;
    }
    return {p.worker, p.branch, worktree.string(), p.base_name, p.base.hex()};
}

} // namespace porch::workers
