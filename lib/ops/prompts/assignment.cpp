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

} // namespace

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

    // The spawned event knows the base and, when the worktree is not checked out right now,
    // where it was put.
    std::string worktree_rel;
    for (const auto& e : store::read(ctx.repo, worker.worker))
        if (model::type_of(e) == model::EventType::spawned) {
            auto spawned = model::SpawnedEvent::decode(e);
            a.base_ref = clean_text(spawned.base_ref);
            worktree_rel = spawned.worktree;
        }
    if (worker.worktree)
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
            d.branch = clean_text(other->branch);
            d.state = other->state;
        } else if (const plan::Task* t = plan ? plan::find(*plan, *id) : nullptr) {
            d.desc = clean_text(t->desc);
        }
        a.needs.push_back(std::move(d));
    }
    return a;
}

} // namespace porch::prompts
