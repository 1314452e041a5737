// git porch setup <worker> | --trust: run [worktree] setup again in a worker's worktree, or trust
// the setup commands .porch.toml has now.
#include "command.hpp"
#include "compose.hpp"
#include "ops/spawn/setup.hpp"
#include "render.hpp"
#include "util/error.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

class Setup : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "The worker whose worktree to set up")
            ->type_name("task-<id>");
        app.add_flag("--trust", m_trust,
                     "Trust the [worktree] setup commands .porch.toml has now (git config "
                     "porch.trustedSetup)");
        app.add_flag("--json", m_json, "Print the result as JSON");
    }

    int run(Env& env) override {
        if (m_trust == !m_worker.empty())
            throw Error(ErrorKind::invalid, "setup takes a worker or --trust (one of them)",
                        "git porch setup --trust");
        if (m_trust)
            return trust(env);
        auto r = ops::rerun_setup(*env.ctx, m_worker);
        if (m_json) {
            std::cout << nlohmann::json{{"version", 1}, {"setup", setup_json(r)}}.dump(2) << '\n';
            return r.outcome == ops::SetupOutcome::failed ? 1 : 0;
        }
        if (r.outcome == ops::SetupOutcome::failed) {
            std::cout << "setup " << (r.timed_out ? "ran out of time" : "failed") << " at "
                      << display(protocol::quote(r.command)) << "; the output is in "
                      << display(r.log) << '\n';
            return 1;
        }
        std::cout << "setup done (" << r.commands << (r.commands == 1 ? " command" : " commands")
                  << "); the output is in " << display(r.log) << '\n';
        return 0;
    }

private:
    int trust(Env& env) {
        const auto fingerprint = ops::trust_setup(*env.ctx);
        const auto& commands = env.ctx->config.worktree_setup;
        if (m_json) {
            std::cout << nlohmann::json{{"version", 1},
                                        {"trusted", fingerprint},
                                        {"commands", commands}}
                             .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
            return 0;
        }
        std::cout << "trusted these [worktree] setup commands (porch.trustedSetup = " << fingerprint
                  << "):\n";
        for (const auto& c : commands)
            std::cout << "  " << display(c) << '\n';
        std::cout << "they run in each new worker's worktree until .porch.toml changes them\n";
        return 0;
    }

    std::string m_worker;
    bool m_trust = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_setup() {
    return std::make_unique<Setup>();
}

} // namespace porch::cli
