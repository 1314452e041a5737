#include "workers/spawn.hpp"

#include "error.hpp"
#include "process/run.hpp"
#include "protocol/naming.hpp"
#include "store/store.hpp"
#include "workers/status.hpp"

#include <filesystem>

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

SpawnResult spawn(Context& ctx, const SpawnRequest& req) {
    std::string id = checked_id(req.id, "cannot spawn");
    if (auto err = protocol::validate_desc(req.desc))
        throw Error(ExitCode::fatal, "cannot spawn: " + *err);
    std::string worker = protocol::worker_name(id);
    std::vector<std::string> needs;
    for (const auto& n : req.needs) {
        std::string need = protocol::worker_name(checked_id(n, "bad --needs"));
        if (need == worker)
            throw Error(ExitCode::fatal, "cannot spawn: " + worker + " cannot need itself");
        if (std::find(needs.begin(), needs.end(), need) == needs.end())
            needs.push_back(need);
    }
    std::vector<std::string> scopes;
    for (const auto& s : req.scopes)
        scopes.push_back(normalise_scope(s));

    if (!ctx.root)
        throw Error(ExitCode::fatal, "cannot spawn in a bare repository: workers need worktrees",
                    "clone it and run git porch spawn in the clone");
    if (ctx.repo.has_no_commits())
        throw Error(ExitCode::fatal, "cannot spawn: the repository has no commits yet",
                    "make a first commit, e.g. git commit --allow-empty -m 'Initial commit'");

    std::string branch = ctx.branch_template.expand(id, req.desc);
    fs::path worktree = fs::path(*ctx.root) / ctx.worktree_template.expand(id, req.desc);

    for (const auto& existing : collect_status(ctx, worker).workers)
        throw Error(ExitCode::fatal,
                    "worker " + worker + " already exists on branch " + existing.branch,
                    "pick another id, or see it with: git porch status --worker " + worker);
    if (ctx.repo.ref_exists("refs/heads/" + branch))
        throw Error(ExitCode::fatal, "branch '" + branch + "' already exists");
    std::error_code ec;
    if (fs::exists(fs::symlink_status(worktree, ec)))
        throw Error(ExitCode::fatal, "'" + worktree.string() + "' already exists",
                    "move it away, or pick another id or description");

    std::string base_name = req.base.empty() ? ctx.base_branch() : req.base;
    auto base = ctx.repo.resolve_commit(base_name);
    if (!base)
        throw Error(ExitCode::fatal, "base " + protocol::quote(base_name) + " is not a commit here",
                    "give an existing branch or commit with --base");

    if (!ctx.repo.create_branch(branch, *base))
        throw Error(ExitCode::fatal, "branch '" + branch + "' already exists");
    // The git CLI checks the worktree out: libgit2 1.5 runs neither post-checkout hooks nor
    // long-running filter drivers such as git-lfs, which users' checkouts depend on.
    fs::create_directories(worktree.parent_path(), ec);
    process::Options in_root;
    in_root.cwd = *ctx.root;
    auto added = process::git({"worktree", "add", "--quiet", worktree.string(), branch}, in_root);
    if (!added.ok()) {
        ctx.repo.delete_ref_if("refs/heads/" + branch, *base);
        throw Error(ExitCode::fatal, "cannot create worktree " + worktree.string() + ": " +
                                         added.last_error_line());
    }

    store::Event event;
    event.type = "spawned";
    event.worker = worker;
    event.fields["desc"] = req.desc;
    event.fields["branch"] = branch;
    event.fields["worktree"] = ctx.worktree_template.expand(id, req.desc);
    event.fields["base"] = base->hex();
    event.fields["base_ref"] = base_name;
    event.lists["needs"] = needs;
    event.lists["scope"] = scopes;
    store::append(ctx.repo, event);

    return {worker, branch, worktree.string(), base_name, base->hex()};
}

} // namespace porch::workers
