#include "compose.hpp"

#include "model/worker.hpp"
#include "ops/cleanup/cleanup.hpp"
#include "ops/pool/pool.hpp"
#include "ops/spawn/prepare.hpp"
#include "ops/spawn/spawn.hpp"
#include "render.hpp"

#include <algorithm>
#include <iostream>

namespace porch::cli {

pool::Acquired acquire_ready(model::Context& ctx, const model::SpawnRequest& request) {
    const auto copies = ops::plan_copies(ctx);
    auto a = pool::acquire(ctx, request);
    ops::copy_into(ctx, copies, a.slot.path);
    return a;
}

namespace {

const char* outcome_word(ops::SetupOutcome outcome) {
    switch (outcome) {
    case ops::SetupOutcome::skipped:
        return "skipped";
    case ops::SetupOutcome::untrusted:
        return "untrusted";
    case ops::SetupOutcome::done:
        return "done";
    case ops::SetupOutcome::failed:
        return "failed";
    case ops::SetupOutcome::none:
        break;
    }
    return "none";
}

void say_setup(const ops::SetupResult& r, const std::string& worker) {
    if (r.outcome == ops::SetupOutcome::untrusted)
        std::cerr << "setup: not run: the [worktree] setup in .porch.toml is not trusted here "
                     "(new, or changed since); read it, then: "
                  << ops::trust_command() << " && " << ops::rerun_command(worker) << '\n';
    else if (r.outcome == ops::SetupOutcome::failed)
        std::cerr << "setup: " << (r.timed_out ? "ran out of time" : "failed")
                  << (r.timed_out ? "" : " (exit " + std::to_string(r.exit) + ")") << " at "
                  << display(protocol::quote(r.command)) << "; the output is in " << display(r.log)
                  << "\nsetup: the worker is spawned; fix it, then: " << ops::rerun_command(worker)
                  << '\n';
    else if (r.outcome == ops::SetupOutcome::done)
        std::cerr << "setup: done (" << r.commands << (r.commands == 1 ? " command" : " commands")
                  << "; log: " << display(r.log) << ")\n";
}

} // namespace

ops::SetupResult setup_new_worker(model::Context& ctx, const std::string& worker,
                                  const std::string& worktree, bool no_setup) {
    auto r = ops::run_setup(ctx, worker, worktree, no_setup);
    say_setup(r, worker);
    return r;
}

nlohmann::json setup_json(const ops::SetupResult& r) {
    if (r.outcome == ops::SetupOutcome::none)
        return nullptr;
    nlohmann::json j{{"outcome", outcome_word(r.outcome)}};
    if (!r.log.empty())
        j["log"] = r.log;
    if (r.outcome == ops::SetupOutcome::failed) {
        j["command"] = r.command;
        j["exit"] = r.exit;
        j["timed_out"] = r.timed_out;
    }
    if (r.outcome == ops::SetupOutcome::untrusted)
        j["trust"] = ops::trust_command();
    j["rerun"] = r.rerun;
    return j;
}

plan::Started launch_spawned(model::Context& ctx, const model::SpawnRequest& request) {
    auto r = ops::spawn(ctx, request);
    return {request.id, r.worker, r.branch, r.worktree, {}};
}

plan::Started launch_in_pool(model::Context& ctx, const model::SpawnRequest& request) {
    auto a = acquire_ready(ctx, request);
    return {request.id, a.worker.worker, a.worker.branch, a.slot.path, a.slot.name};
}

void release_slot(model::Context& ctx, const std::string& slot) {
    pool::release(ctx, slot, false);
}

std::vector<std::string> cleanup_merged(model::Context& ctx, const std::string& merged_into) {
    ops::CleanupOptions options;
    options.merged_into = merged_into;
    options.cwd = *ctx.root;
    options.release_slot = release_slot;
    std::vector<std::string> cleaned;
    for (const auto& r : ops::cleanup(ctx, options).removed)
        cleaned.push_back(r.worker);
    std::sort(cleaned.begin(), cleaned.end(), model::worker_name_less);
    return cleaned;
}

} // namespace porch::cli
