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

std::vector<plan::PlanItem> clean_items(std::vector<plan::PlanItem> items) {
    for (auto& item : items) {
        item.text = clean_text(item.text);
        item.source = clean_text(item.source);
    }
    return items;
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

// The first line of a plan description that says something: a roster line, not the whole task.
std::string first_line(const std::string& text) {
    for (auto line : util::split_lines(text))
        if (auto t = util::trim(line); !t.empty())
            return t;
    return {};
}

// The other workers, spawned ones in status order, then the plan's tasks not spawned yet.
std::vector<Teammate> load_team(const model::StatusReport& report, const std::string& self,
                                const plan::Plan* plan) {
    std::vector<Teammate> team;
    auto from_plan = [&](Teammate& t, const plan::Task* task) {
        if (!task)
            return;
        t.summary = first_line(clean_text(task->description));
        t.produces = clean_all(task->produces);
        if (t.scope.empty())
            t.scope = clean_all(task->scope);
    };
    for (const auto& w : report.workers) {
        if (w.worker == self)
            continue;
        Teammate t{
            w.worker, clean_text(w.desc), w.state, clean_text(w.branch), clean_all(w.scope), {},
            {}};
        from_plan(t, plan ? plan::find(*plan, w.id) : nullptr);
        team.push_back(std::move(t));
    }
    if (plan)
        for (const auto& task : plan->tasks) {
            std::string name = protocol::worker_name(task.id);
            if (name == self || model::find_worker(report, name))
                continue;
            Teammate t{name, clean_text(task.desc), std::nullopt, {}, {}, {}, {}};
            from_plan(t, &task);
            team.push_back(std::move(t));
        }
    return team;
}

// The newest QA verdict (of any check), when it is a rejection, and the retries counted.
void load_attempts(const model::Context& ctx, const model::WorkerStatus& worker,
                   const std::vector<store::Event>& events, Assignment& a) {
    std::optional<model::QaEvent> verdict;
    for (const auto& e : events)
        if (auto type = model::type_of(e);
            type == model::EventType::qa || type == model::EventType::qa_check)
            verdict = model::QaEvent::decode(e);
    if (verdict && verdict->verdict == model::QaVerdict::rejected)
        a.rejection = clean_text(verdict->reason);
    a.attempt = worker.attempts;
    a.attempts_allowed = ctx.config.retry_on_failure;
}

} // namespace

std::string pick_command(const Assignment& a, const model::WorkerStatus& needed) {
    constexpr std::string_view merge = "git merge --no-ff --no-edit ";
    if (const model::WorkerTip* pushed = a.elsewhere ? model::remote_tip(needed) : nullptr)
        return clean_text("git fetch " + util::shell_word(pushed->remote) + " && " +
                          std::string(merge) + util::shell_word(pushed->display()));
    return clean_text(std::string(merge) + util::shell_word(model::merge_ref(needed)));
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
    const auto events = store::read(ctx.repo, worker.worker);
    load_attempts(ctx, worker, events, a);
    for (const auto& e : events)
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
        a.produces = clean_all(task->produces);
        a.items = clean_items(task->items);
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
        Dependency d{name, {}, {}, {}, false, {}};
        const plan::Task* planned = plan ? plan::find(*plan, *id) : nullptr;
        if (const auto* other = model::find_worker(report, name)) {
            d.desc = clean_text(other->desc);
            d.pick = pick_command(a, *other);
            d.state = other->state;
            // Only a complete worker's whole tip counts: an item-less need_met would take any
            // commit of an unfinished one.
            d.merged =
                other->state == model::WorkerState::complete &&
                model::need_met(ctx.repo, worker, {name, {}}, other) == model::NeedMet::merged;
        } else if (planned) {
            d.desc = clean_text(planned->desc);
        }
        if (planned)
            d.produces = clean_all(planned->produces);
        a.needs.push_back(std::move(d));
    }
    a.team = load_team(report, a.worker, plan);
    return a;
}

} // namespace porch::prompts
