#include "model/locate.hpp"

#include "model/scope.hpp"
#include "model/slots.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace porch::model {

Location locate(const Context& ctx) {
    Location loc;
    std::optional<git::RefName> head = ctx.repo.head_ref();
    if (!head) {
        // A rebase detaches HEAD; git keeps the branch it will update in head-name, and
        // post-commit must still know whose picks these are.
        for (const char* dir : {"rebase-merge", "rebase-apply"}) {
            std::ifstream in(std::filesystem::path(ctx.repo.git_dir()) / dir / "head-name");
            std::string name;
            if (in && std::getline(in, name) && git::RefName(name).branch()) {
                head = git::RefName(name);
                break;
            }
        }
    }
    if (auto branch = head ? head->branch() : std::nullopt) {
        loc.head_branch = branch->str();
        if (auto parts = ctx.branch_template.match(loc.head_branch))
            loc.branch_worker = protocol::worker_name(parts->id);
    }
    auto here = ctx.repo.workdir();
    if (here && ctx.root) {
        auto rel = std::filesystem::path(*here).lexically_relative(*ctx.root).generic_string();
        if (auto parts = ctx.worktree_template.match(rel)) {
            loc.owner = protocol::worker_name(parts->id);
            loc.owner_branch = ctx.branch_template.expand(parts->id, parts->desc);
        } else if (auto name = std::filesystem::path(rel).filename().string();
                   pool::is_slot_name(name) && std::filesystem::path(rel).parent_path() ==
                                                   pool::slot_folder(ctx.worktree_template)) {
            // A pool slot belongs to the worker that claimed it.
            if (auto worker = pool::claimed_worker(ctx.repo, name); worker && *worker != "?") {
                for (const auto& wb : worker_branches(ctx, *worker)) {
                    loc.owner = wb.worker;
                    loc.owner_branch = wb.branch;
                }
            }
        }
    }
    return loc;
}

Places places_for(const std::vector<std::string>& paths, std::vector<WorkerPlace> workers,
                  const std::string& not_this) {
    if (workers.size() > 1)
        std::erase_if(workers, [&](const WorkerPlace& w) { return w.worker == not_this; });
    auto covering = [&](bool open_only) {
        std::vector<WorkerPlace> out;
        for (const auto& w : workers)
            if (!paths.empty() && !w.scope.empty() && !(open_only && w.complete) &&
                std::all_of(paths.begin(), paths.end(),
                            [&](const std::string& p) { return protocol::in_scope(p, w.scope); }))
                out.push_back(w);
        return out;
    };
    for (bool open_only : {true, false})
        if (auto found = covering(open_only); !found.empty())
            return {std::move(found), true};
    return {std::move(workers), false};
}

} // namespace porch::model
