// git porch checkout task-<id>: take over a worker whose branch this clone has from a remote,
// in a worktree of its own (as `git switch --track` or `gh pr checkout` would).
#include "command.hpp"
#include "compose.hpp"
#include "ops/spawn/checkout.hpp"
#include "ops/sync/sync.hpp"
#include "render.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

json to_json(const ops::CheckoutResult& r) {
    auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
    return json{{"worker", r.worker},
                {"branch", r.branch},
                {"worktree", r.worktree},
                {"upstream", or_null(r.upstream)},
                {"tip", r.tip},
                {"adopted", r.adopted},
                {"base", or_null(r.base)},
                {"created_branch", r.created_branch},
                {"fast_forwarded", r.fast_forwarded}};
}

class Checkout : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_options.worker, "The worker (task-<id>)")->required();
        app.add_flag("--fetch", m_fetch,
                     "First fetch every remote's branches and porch's notes (git fetch)");
        app.add_option("--needs", m_options.needs,
                       "Adopting a branch no spawn was recorded for: a worker it depends on "
                       "(repeatable)")
            ->type_name("task-<id>")
            ->allow_extra_args(false);
        app.add_option("--scope", m_options.scopes,
                       "Adopting a branch no spawn was recorded for: a path it may change "
                       "(repeatable)")
            ->type_name("PATH")
            ->allow_extra_args(false);
        app.add_flag("--no-setup", m_no_setup, "Do not run [worktree] setup in the new worktree");
        app.add_flag("--json", m_json, "Print the result as JSON (schema in git-porch(1))");
    }

    int run(Env& env) override {
        auto& ctx = *env.ctx;
        if (m_fetch) {
            sync::fetch_all(ctx);
            m_options.fetched = true;
        }
        auto r = ops::checkout(ctx, m_options);
        auto setup = setup_new_worker(ctx, r.worker, r.worktree, m_no_setup);
        if (m_json) {
            auto j = to_json(r);
            j["setup"] = setup_json(setup);
            std::cout << j.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
            return 0;
        }
        std::cout << "checked out " << paint(r.worker, Tone::bold, env.color) << " on branch "
                  << display(r.branch) << " at " << r.tip.substr(0, 7);
        if (!r.upstream.empty())
            std::cout << ", tracking " << display(r.upstream);
        if (r.fast_forwarded)
            std::cout << " (fast-forwarded)";
        std::cout << "\n";
        if (r.adopted)
            std::cout << "adopted it: no spawn was recorded, so this clone recorded one from "
                      << r.base.substr(0, 7) << " (its merge base with the base branch)\n";
        std::cout << "worktree: " << display(r.worktree) << "\n"
                  << "next: cd " << display(util::shell_quote(r.worktree));
        if (!r.remote.empty())
            std::cout << ", and push after every protocol commit: git push " << display(r.remote)
                      << " " << display(r.branch);
        std::cout << "\n";
        return 0;
    }

private:
    ops::CheckoutOptions m_options;
    bool m_fetch = false;
    bool m_json = false;
    bool m_no_setup = false;
};

} // namespace

std::unique_ptr<Command> make_checkout() {
    return std::make_unique<Checkout>();
}

} // namespace porch::cli
