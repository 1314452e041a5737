#include "model/new_worker.hpp"

#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/scope.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace porch::model {

namespace {

std::string checked_id(std::string_view raw, std::string_view what) {
    std::string_view id = raw.starts_with("task-") ? raw.substr(5) : raw;
    if (auto err = protocol::validate_id(id))
        throw Error(ErrorKind::fatal, std::string(what) + ": " + *err);
    return std::string(id);
}

} // namespace

namespace {

// An id is taken while any clone can see the worker: a branch here or on a remote, or a
// teammate's spawn that was not cleaned up (a worker of ours whose branch was deleted here
// may be spawned again).
void refuse_known_id(const Context& ctx, const std::string& worker, const std::string& prefix) {
    const std::string hint = "pick another id, or see it with: git porch status --worker " + worker;
    for (const auto& sources : find_workers(ctx, worker)) {
        if (!sources.tips.empty())
            throw Error(ErrorKind::fatal,
                        prefix + "worker " + worker + " already exists on branch " +
                            sources.tips.front().display(),
                        hint);
        ViewBase vb;
        vb.clone = ctx.repo.config_string("porch.cloneId").value_or("");
        vb.notes = store::note_sources(ctx.repo);
        if (auto seen = view_worker(ctx, vb, sources))
            throw Error(ErrorKind::fatal,
                        prefix + "worker " + worker + " was already spawned by " +
                            (seen->clone_name.empty() ? "another clone" : seen->clone_name) +
                            " (known from its events)",
                        hint);
    }
}

} // namespace

PreparedWorker prepare_worker(Context& ctx, const SpawnRequest& req, std::string_view verb) {
    const std::string prefix = std::string(verb) + ": ";
    PreparedWorker p;
    p.id = checked_id(req.id, verb);
    if (auto err = protocol::validate_desc(req.desc))
        throw Error(ErrorKind::fatal, prefix + *err);
    p.desc = req.desc;
    p.worker = protocol::worker_name(p.id);
    declare(p, req.needs, req.scopes, verb);

    if (!ctx.root)
        throw Error(ErrorKind::fatal, prefix + "a bare repository has no worktrees for workers",
                    "clone it and run git porch in the clone");
    if (ctx.repo.has_no_commits())
        throw Error(ErrorKind::fatal, prefix + "the repository has no commits yet",
                    "make a first commit, e.g. git commit --allow-empty -m 'Initial commit'");
    p.branch = ctx.branch_template.expand(p.id, p.desc);
    refuse_known_id(ctx, p.worker, prefix);
    if (ctx.repo.ref_exists(git::branch_ref(p.branch)))
        throw Error(ErrorKind::fatal, prefix + "branch '" + p.branch + "' already exists");
    p.base_name = req.base.empty() ? ctx.base_branch() : req.base;
    auto base = ctx.repo.resolve_commit(p.base_name);
    if (!base)
        throw Error(ErrorKind::fatal,
                    prefix + "base " + protocol::quote(p.base_name) + " is not a commit here",
                    "give an existing branch or commit with --base");
    p.base = *base;
    return p;
}

void declare(PreparedWorker& p, const std::vector<std::string>& needs,
             const std::vector<std::string>& scopes, std::string_view verb) {
    const std::string prefix = std::string(verb) + ": ";
    for (const auto& n : needs) {
        std::string need = protocol::worker_name(checked_id(n, "bad --needs"));
        if (need == p.worker)
            throw Error(ErrorKind::fatal, prefix + p.worker + " cannot need itself");
        if (std::find(p.needs.begin(), p.needs.end(), need) == p.needs.end())
            p.needs.push_back(need);
    }
    for (const auto& s : scopes)
        p.scopes.push_back(protocol::normalise_scope(s));
}

SpawnedEvent spawned_event(const Context& ctx, const PreparedWorker& p,
                           const std::string& worktree_rel, const std::string& slot) {
    SpawnedEvent event;
    event.desc = p.desc;
    event.branch = p.branch;
    event.worktree = worktree_rel;
    event.base = p.base.hex();
    event.base_ref = p.base_name;
    event.clone_name = store::clone_name(ctx.repo);
    event.slot = slot;
    event.needs = p.needs;
    event.scope = p.scopes;
    return event;
}

void record_spawn(Context& ctx, const PreparedWorker& p, const std::string& worktree_rel,
                  const std::string& slot) {
    store::append(ctx.repo, spawned_event(ctx, p, worktree_rel, slot).encode(p.worker));
}

} // namespace porch::model
