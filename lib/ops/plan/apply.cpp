#include "ops/plan/apply.hpp"

#include "model/checks.hpp"
#include "model/naming.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <set>

namespace porch::plan {

ApplyResult preview(const model::Context& ctx, const Plan& plan, const CheckResult& checked,
                    std::optional<int> wave_number) {
    if (!checked.ok())
        throw Error(ErrorKind::fatal, "cannot apply the plan: it has errors",
                    "see them with: git porch plan check");
    if (wave_number && (*wave_number < 1 || *wave_number > static_cast<int>(checked.waves.size())))
        throw Error(ErrorKind::invalid,
                    "the plan has no wave " + std::to_string(*wave_number) + " (it has " +
                        std::to_string(checked.waves.size()) + ")",
                    "see the waves with: git porch plan check");

    // Teammates' workers (known from their events) count as spawned too: spawning the same id
    // here would make a second task-<id>.
    std::set<std::string> existing, done;
    for (const auto& w : model::collect_status(ctx).workers) {
        existing.insert(w.id);
        if (w.state == model::WorkerState::complete && model::holding_checks(w).empty())
            done.insert(w.id);
    }

    ApplyResult result;
    const Wave* wave = nullptr;
    if (wave_number)
        wave = &checked.waves[static_cast<std::size_t>(*wave_number - 1)];
    else
        for (const auto& w : checked.waves)
            if (std::any_of(w.ids.begin(), w.ids.end(),
                            [&](const std::string& id) { return !existing.count(id); })) {
                wave = &w;
                break;
            }
    if (!wave)
        return result;
    result.wave = wave->number;

    for (const auto& id : wave->ids) {
        if (existing.count(id)) {
            result.existing.push_back(id);
            continue;
        }
        // One task at a time in the sequential mode: the ones before it in the order first.
        std::vector<std::string> first = find(plan, id)->needs;
        if (!checked.parallel)
            first.assign(checked.order.begin(),
                         std::find(checked.order.begin(), checked.order.end(), id));
        Waiting waiting{id, {}};
        for (const auto& n : first)
            if (!done.count(n))
                waiting.needs.push_back(protocol::worker_name(n));
        if (waiting.needs.empty())
            result.ready.push_back(id);
        else
            result.waiting.push_back(std::move(waiting));
    }
    return result;
}

ApplyResult apply(model::Context& ctx, const Plan& plan, const CheckResult& checked,
                  const ApplyOptions& options) {
    ApplyResult result = preview(ctx, plan, checked, options.wave);
    for (const auto& id : result.ready) {
        const Task& task = *find(plan, id);
        model::SpawnRequest request;
        request.id = task.id;
        request.desc = task.desc;
        request.needs = task.needs;
        request.scopes = task.scope;
        Started s = options.launch(ctx, request);
        s.id = id;
        result.started.push_back(std::move(s));
    }
    return result;
}

std::vector<std::string> ready_now(const model::Context& ctx) {
    std::vector<std::string> out;
    try {
        auto plan = ctx.root ? load(*ctx.root) : std::nullopt;
        if (!plan)
            return out;
        const auto checked = check(*plan, ctx.config);
        if (!checked.ok())
            return out;
        for (const auto& id : preview(ctx, *plan, checked, std::nullopt).ready)
            out.push_back(protocol::worker_name(id));
    } catch (const Error&) {
    }
    return out;
}

} // namespace porch::plan
