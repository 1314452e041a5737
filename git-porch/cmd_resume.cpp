// git porch resume task-<id> [--json]: the continuation prompt for a worker whose session
// crashed, stalled or got unblocked, from its recorded events.
#include "command.hpp"
#include "model/plan.hpp"
#include "model/worker.hpp"
#include "ops/prompts/resume.hpp"
#include "util/error.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

class Resume : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "The worker (task-<id>)")->required();
        app.add_flag("--json", m_json, "Print JSON (schema in git-porch(1))");
    }

    int run(Env& env) override {
        auto& ctx = *env.ctx;
        std::string worker = worker_arg(m_worker, "resume");
        // Every worker: whether what it needs is available depends on the others' commits.
        auto report = model::collect_status(ctx);
        const model::WorkerStatus* w = nullptr;
        for (const auto& candidate : report.workers)
            if (candidate.worker == worker)
                w = &candidate;
        if (!w)
            throw model::no_worker(ctx, worker, "nothing to resume",
                                   "list workers with: git porch status");
        auto plan = ctx.root ? plan::load(*ctx.root) : std::nullopt;
        auto a = prompts::load_assignment(ctx, report, *w, plan ? &*plan : nullptr);
        auto p = prompts::load_progress(ctx, report, *w, a);
        if (w->state == model::WorkerState::complete && !a.rejection)
            throw Error(ErrorKind::refused,
                        worker + " is complete and not rejected: nothing to resume",
                        "see its work with: git porch log " + worker);
        if (a.worktree.empty() && !a.elsewhere)
            fail(worker + " has no worktree here", "git porch doctor");
        std::string prompt = prompts::resume_prompt(a, p);
        if (!m_json) {
            std::cout << prompt;
            return 0;
        }
        json waiting = json::array();
        for (const auto& item : p.waiting) {
            json j{{"kind", item.kind}};
            if (item.kind == "blocked") {
                j["reason"] = item.reason;
            } else {
                j["worker"] = item.worker;
                j["item"] = item.item;
                j["available"] = item.available;
                j["pick"] = item.pick.empty() ? json(nullptr) : json(item.pick);
            }
            waiting.push_back(j);
        }
        json out{{"worker", a.worker},
                 {"branch", a.branch},
                 {"worktree", a.worktree.empty() ? json(nullptr) : json(a.worktree)},
                 {"remote", a.remote.empty() ? json(nullptr) : json(a.remote)},
                 {"state", a.state},
                 {"completed", p.completed},
                 {"remaining", p.remaining},
                 {"waiting", waiting},
                 {"rejection", a.rejection ? json(*a.rejection) : json(nullptr)},
                 {"attempt", a.attempt},
                 {"prompt", prompt}};
        std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
        return 0;
    }

private:
    std::string m_worker;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_resume() {
    return std::make_unique<Resume>();
}

} // namespace porch::cli
