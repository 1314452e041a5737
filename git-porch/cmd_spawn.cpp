// git porch spawn <id> <desc>: create a worker's branch and worktree.
#include "command.hpp"
#include "compose.hpp"
#include "ops/spawn/spawn.hpp"
#include "render.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

class Spawn : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("id", m_req.id,
                       "Worker id: 1 to 32 lowercase letters and digits (task- optional)")
            ->required();
        app.add_option("desc", m_req.desc, "Description: a lowercase slug such as api-endpoints")
            ->required();
        app.add_option("--base", m_req.base,
                       "Branch or commit to start from (default: the base branch)");
        app.add_option("--needs", m_req.needs, "A worker this one depends on (repeatable)")
            ->type_name("task-<id>")
            ->allow_extra_args(false);
        app.add_option("--scope", m_req.scopes, "A path this worker may change (repeatable)")
            ->type_name("PATH")
            ->allow_extra_args(false);
        app.add_flag("--no-setup", m_no_setup, "Do not run [worktree] setup in the new worktree");
        app.add_flag("--json", m_json, "Print the result as JSON");
    }

    int run(Env& env) override {
        auto result = ops::spawn(*env.ctx, m_req);
        auto setup = setup_new_worker(*env.ctx, result.worker, result.worktree, m_no_setup);
        if (m_json) {
            nlohmann::json j{{"worker", result.worker},           {"branch", result.branch},
                             {"worktree", result.worktree},       {"base", result.base},
                             {"base_commit", result.base_commit}, {"setup", setup_json(setup)}};
            std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
            return 0;
        }
        std::cout << "spawned " << paint(result.worker, Tone::bold, env.color) << " on branch "
                  << display(result.branch) << " from " << display(result.base) << "\n"
                  << "worktree: " << display(result.worktree) << "\n"
                  << "next: cd " << display(result.worktree)
                  << " and commit with [CHECKPOINT], [BLOCKED:<reason>], "
                     "[NEEDS:task-<id>/<item>] or [COMPLETE]\n";
        return 0;
    }

private:
    model::SpawnRequest m_req;
    bool m_json = false;
    bool m_no_setup = false;
};

} // namespace

std::unique_ptr<Command> make_spawn() {
    return std::make_unique<Spawn>();
}

} // namespace porch::cli
