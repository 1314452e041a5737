// git porch kickoff (task-<id> | --all) [--script] [--json]: the kickoff prompt of a worker, or
// an executable launch script that starts the person's agent command with it.
#include "command.hpp"
#include "model/plan.hpp"
#include "model/worker.hpp"
#include "ops/prompts/kickoff.hpp"
#include "ops/prompts/launch.hpp"
#include "render.hpp"
#include "util/error.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

json team_json(const prompts::Assignment& a) {
    json out = json::array();
    for (const auto& t : a.team)
        out.push_back({{"worker", t.worker},
                       {"desc", t.desc},
                       {"state", t.state ? json(*t.state) : json(nullptr)},
                       {"branch", t.branch.empty() ? json(nullptr) : json(t.branch)},
                       {"scope", t.scope},
                       {"produces", t.produces}});
    return out;
}

json items_json(const prompts::Assignment& a) {
    json out = json::array();
    for (const auto& item : a.items)
        out.push_back({{"number", item.number}, {"text", item.text}, {"source", item.source}});
    return out;
}

json to_json(const prompts::Assignment& a, const std::string& prompt, const std::string& script) {
    json needs = json::array();
    for (const auto& d : a.needs)
        needs.push_back(d.worker);
    return json{{"worker", a.worker},
                {"desc", a.desc},
                {"branch", a.branch},
                {"worktree", a.worktree.empty() ? json(nullptr) : json(a.worktree)},
                {"remote", a.remote.empty() ? json(nullptr) : json(a.remote)},
                {"state", a.state},
                {"scope", a.scope},
                {"needs", needs},
                {"planned", a.planned},
                {"checkpoints", a.checkpoints},
                {"produces", a.produces},
                {"items", items_json(a)},
                {"others", team_json(a)},
                {"rejection", a.rejection ? json(*a.rejection) : json(nullptr)},
                {"attempt", a.attempt},
                {"prompt", prompt},
                {"script", script.empty() ? json(nullptr) : json(script)}};
}

class Kickoff : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "The worker (task-<id>)");
        app.add_flag("--all", m_all, "Every worker of this clone that is not complete");
        app.add_flag("--script", m_script,
                     "Write an executable launch script per worker (uses git config porch.agent "
                     "or porch.agentCommand) and print its path");
        app.add_flag("--json", m_json, "Print JSON (schema in git-porch(1))");
    }

    int run(Env& env) override {
        if (m_all == !m_worker.empty())
            fail_invalid(m_all ? "kickoff takes task-<id> or --all, not both"
                               : "kickoff needs task-<id> or --all",
                         "git porch kickoff task-<id> [--script] [--json]");
        auto& ctx = *env.ctx;
        // Read before anything is written: without it --script does nothing at all.
        prompts::Agent agent;
        std::string overridden;
        if (m_script)
            agent = prompts::configured_agent(ctx.repo, &overridden);

        std::string only = m_all ? std::string() : worker_arg(m_worker, "kickoff");
        // Every worker, not only this one: its dependencies' states and branches go in the prompt.
        auto report = model::collect_status(ctx);
        auto plan = ctx.root ? plan::load(*ctx.root) : std::nullopt;
        const plan::Plan* plan_ptr = plan ? &*plan : nullptr;

        std::vector<const model::WorkerStatus*> chosen;
        for (const auto& w : report.workers) {
            if (!m_all) {
                if (w.worker == only)
                    chosen.push_back(&w);
            } else if (w.state != model::WorkerState::complete && w.local && !w.remote_only) {
                chosen.push_back(&w);
            }
        }
        if (!m_all && chosen.empty())
            throw model::no_worker(ctx, only, "spawn it first",
                                   "git porch spawn " + only.substr(5) + " <description>");

        json out = json::array();
        bool first = true;
        for (const auto* w : chosen) {
            auto a = prompts::load_assignment(ctx, report, *w, plan_ptr);
            if (a.worktree.empty() && !a.elsewhere)
                fail(w->worker + " has no worktree here", "git porch doctor");
            if (m_script && a.elsewhere)
                fail("--script: " + w->worker + " runs on another machine, not in a worktree here",
                     "print its prompt instead: git porch kickoff " + w->worker);
            std::string prompt = prompts::kickoff_prompt(a);
            std::string script;
            if (m_script) {
                script = prompts::write_launch_script(ctx, a, agent, prompt);
                auto hooks = prompts::install_agent_hooks(ctx, a, agent);
                if (!hooks.note.empty())
                    std::cerr << "warning: " << display(hooks.note) << '\n';
            }
            if (m_json) {
                out.push_back(to_json(a, prompt, script));
            } else if (m_script) {
                std::cout << display(script) << '\n';
            } else {
                // Several prompts: a rule between them, as in a document of prompts.
                if (!first)
                    std::cout << "\n---\n\n";
                std::cout << prompt;
            }
            first = false;
        }
        if (m_script && !chosen.empty())
            warn_about(agent, overridden);
        if (m_json) {
            json result = m_all ? out : out.at(0);
            std::cout << result.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
        } else if (chosen.empty()) {
            std::cerr << "every worker is complete: nothing to kick off\n";
        }
        return 0;
    }

private:
    // On standard error, after the paths: where the agent would stop or cannot follow the
    // protocol, and which setting won when both are set.
    static void warn_about(const prompts::Agent& agent, const std::string& overridden) {
        if (!overridden.empty())
            std::cerr << "note: " << prompts::agent_command_key << " wins over "
                      << prompts::agent_key << " (" << overridden
                      << "); to use the preset: git config --unset " << prompts::agent_command_key
                      << '\n';
        for (const auto& w : agent.warnings)
            std::cerr << "warning: " << w << '\n';
    }

    std::string m_worker;
    bool m_all = false;
    bool m_script = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_kickoff() {
    return std::make_unique<Kickoff>();
}

} // namespace porch::cli
