#include "ops/plan/apply.hpp"

#include "model/naming.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <set>

namespace porch::plan {

ApplyResult apply(model::Context& ctx, const Plan& plan, const CheckResult& checked,
                  const ApplyOptions& options) {
    if (!checked.ok())
        throw Error(ErrorKind::fatal, "cannot apply the plan: it has errors",
                    "see them with: git porch plan check");
    if (options.wave &&
        (*options.wave < 1 || *options.wave > static_cast<int>(checked.waves.size())))
        throw Error(ErrorKind::invalid,
                    "the plan has no wave " + std::to_string(*options.wave) + " (it has " +
                        std::to_string(checked.waves.size()) + ")",
                    "see the waves with: git porch plan check");

    // Teammates' workers (known from their events) count as spawned too: spawning the same id
    // here would make a second task-<id>.
    std::set<std::string> existing, complete;
    for (const auto& w : model::collect_status(ctx).workers) {
        existing.insert(w.id);
        if (w.state == model::WorkerState::complete)
            complete.insert(w.id);
    }

    ApplyResult result;
    const Wave* wave = nullptr;
    if (options.wave)
        wave = &checked.waves[static_cast<std::size_t>(*options.wave - 1)];
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
        const Task& task = *find(plan, id);
        Waiting waiting{id, {}};
        for (const auto& n : task.needs)
            if (!complete.count(n))
                waiting.needs.push_back(protocol::worker_name(n));
        if (!waiting.needs.empty()) {
            result.waiting.push_back(std::move(waiting));
            continue;
        }
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

} // namespace porch::plan
