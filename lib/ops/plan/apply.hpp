// git porch plan apply: spawns the next wave of the plan, only the tasks whose needs are
// complete, recording each task's scope and needs so that the hooks enforce them.
#pragma once

#include "model/context.hpp"
#include "model/new_worker.hpp"
#include "model/plan.hpp"
#include "ops/plan/check.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace porch::plan {

struct Started {
    std::string id;
    std::string worker; // task-<id>
    std::string branch;
    std::string worktree; // absolute path
    std::string slot;     // wt-<n> with --pool; empty otherwise
};

// Starts one task's worker (spawn, or pool acquire with --pool). Given by the caller, which
// composes the command families: plan does not reach into spawn or pool itself.
using Launcher = std::function<Started(model::Context&, const model::SpawnRequest&)>;

struct ApplyOptions {
    std::optional<int> wave; // only this wave; nullopt: the first wave with unspawned tasks
    Launcher launch;
};

struct Waiting {
    std::string id;
    std::vector<std::string> needs; // task-<id> of the needs not complete yet
};

struct ApplyResult {
    int wave = 0; // the wave applied; 0 when every task is spawned
    std::vector<Started> started;
    std::vector<std::string> ready;    // ids of the wave's tasks to start (preview) or started
    std::vector<std::string> existing; // ids of the wave's tasks spawned before
    std::vector<Waiting> waiting;      // the wave's tasks whose needs are not done
};

// What apply would do now, starting nothing (`started` stays empty). A need is done when its
// worker is complete and no check holds it (model::holding_checks: every check .porch.toml
// requires of it approved, none rejected or blocked). In the sequential mode each wave is
// one task, which also waits for every task before it in the order to be done. Throws a fatal
// Error when the plan has errors (see check), an invalid one when the wave does not exist.
ApplyResult preview(const model::Context& ctx, const Plan& plan, const CheckResult& checked,
                    std::optional<int> wave);

// The tasks (task-<id>) that apply would start now in the repository's plan; none without a
// plan or with errors in it (plan check reports those): a hint, never a refusal.
std::vector<std::string> ready_now(const model::Context& ctx);

// preview, then starts the ready tasks. A task whose spawn fails stops the run: the tasks
// started before it stay started.
ApplyResult apply(model::Context& ctx, const Plan& plan, const CheckResult& checked,
                  const ApplyOptions& options);

} // namespace porch::plan
