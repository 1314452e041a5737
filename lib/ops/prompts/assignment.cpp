#include "ops/prompts/assignment.hpp"

#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/store.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>

namespace porch::prompts {

namespace fs = std::filesystem;

std::string clean_text(std::string_view text) {
    std::string out;
    bool first = true;
    for (auto line : util::split_lines(text)) {
        if (!first)
            out += '\n';
        first = false;
        // Tabs stay (code in a plan is indented with them); other control characters go.
        std::size_t start = 0;
        for (auto tab = line.find('\t'); tab != std::string_view::npos;
             start = tab + 1, tab = line.find('\t', start))
            out += util::sanitize_for_terminal(line.substr(start, tab - start)) + "\t";
        out += util::sanitize_for_terminal(line.substr(start));
    }
    return util::trim_right(out);
}

namespace {

std::vector<std::string> clean_all(const std::vector<std::string>& items) {
    std::vector<std::string> out;
    for (const auto& item : items)
        if (auto c = util::trim(clean_text(item)); !c.empty())
            out.push_back(c);
    return out;
}

// Where the worker runs, and the remote its branch goes through: the local branch's upstream,
// else the remote its branch was fetched from, else the one teammates share through.
void place_worker(const model::Context& ctx, const model::StatusReport& report,
                  const model::WorkerStatus& w, Assignment& a) {
    const model::WorkerTip* pushed = model::remote_tip(w);
    const bool tip_pushed = pushed && pushed->display() == w.tip_source;
    const bool taken_elsewhere = !w.taken_over_by.empty() && w.taken_over_by != report.clone;
    a.elsewhere = !w.has_local_branch || tip_pushed || taken_elsewhere;
    a.taken_over_here = w.has_local_branch && !w.taken_over_by.empty() && !taken_elsewhere;
    if (!a.elsewhere && !a.taken_over_here)
        return;
    std::string remote;
    if (w.has_local_branch)
        remote = ctx.repo.config_string("branch." + w.branch + ".remote").value_or("");
    if (remote.empty() || remote == ".")
        remote = pushed ? pushed->remote : ctx.default_remote();
    a.remote = clean_text(remote);
}

} // namespace

std::string pick_command(const Assignment& a, const model::WorkerStatus& needed) {
    if (const model::WorkerTip* pushed = a.elsewhere ? model::remote_tip(needed) : nullptr)
        return clean_text("git fetch " + pushed->remote + " && git merge " + pushed->display());
    return clean_text("git merge " + model::merge_ref(needed));
}

Assignment load_assignment(const model::Context& ctx, const model::StatusReport& report,
                           const model::WorkerStatus& worker, const plan::Plan* plan) {
    Assignment a;
    a.worker = worker.worker;
    a.id = worker.id;
    a.desc = clean_text(worker.desc);
    a.branch = clean_text(worker.branch);
    a.state = worker.state;
    a.scope = clean_all(worker.scope);
    a.scope_enforced = !a.scope.empty();
    place_worker(ctx, report, worker, a);

    // The spawned event knows the base and, when the worktree is not checked out right now,
    // where it was put.
    std::string worktree_rel;
    for (const auto& e : store::read(ctx.repo, worker.worker))
        if (model::type_of(e) == model::EventType::spawned) {
            auto spawned = model::SpawnedEvent::decode(e);
            a.base_ref = clean_text(spawned.base_ref);
            worktree_rel = spawned.worktree;
        }
    // A worktree here is not where a worker that runs elsewhere works.
    if (a.elsewhere)
        a.worktree.clear();
    else if (worker.worktree)
        a.worktree = *worker.worktree;
    else if (!worktree_rel.empty() && ctx.root)
        a.worktree = (fs::path(*ctx.root) / worktree_rel).lexically_normal().string();
    a.worktree = clean_text(a.worktree);

    std::vector<std::string> needs = worker.declared_needs;
    if (const plan::Task* task = plan ? plan::find(*plan, worker.id) : nullptr) {
        a.planned = true;
        a.description = clean_text(task->description);
        a.checkpoints = clean_all(task->checkpoints);
        a.verify = clean_all(task->verify);
        if (a.scope.empty()) // spawned without --scope: the plan still says what is theirs
            a.scope = clean_all(task->scope);
        for (const auto& n : task->needs)
            needs.push_back(n);
    }
    for (const auto& n : needs) {
        auto id = protocol::normalize_id(n);
        if (!id)
            continue;
        std::string name = protocol::worker_name(*id);
        if (name == a.worker || std::any_of(a.needs.begin(), a.needs.end(),
                                            [&](const auto& d) { return d.worker == name; }))
            continue;
        Dependency d{name, {}, {}, {}};
        if (const auto* other = model::find_worker(report, name)) {
            d.desc = clean_text(other->desc);
            d.pick = pick_command(a, *other);
            d.state = other->state;
        } else if (const plan::Task* t = plan ? plan::find(*plan, *id) : nullptr) {
            d.desc = clean_text(t->desc);
        }
        a.needs.push_back(std::move(d));
    }
    return a;
}

} // namespace porch::prompts
