// git porch sync [<remote>]: fetch teammates' events, merge them by line union, push ours.
#include "command.hpp"
#include "ops/sync/sync.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

class Sync : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("remote", m_options.remote,
                       "The remote (default: porch.remote, the base branch's upstream, origin)");
        app.add_flag("--no-push", m_no_push, "Fetch and merge only");
        app.add_flag("--branches", m_options.branches, "Also push this clone's workers' branches");
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        m_options.push = !m_no_push;
        auto r = sync::sync(*env.ctx, m_options);
        if (m_json) {
            nlohmann::json j = {{"remote", r.remote},
                                {"changed", r.merged.changed},
                                {"added", r.merged.added},
                                {"skipped", r.merged.skipped},
                                {"pushed", r.pushed},
                                {"rounds", r.rounds},
                                {"branches_pushed", r.branches_pushed},
                                {"branch_failures", r.branch_failures}};
            std::cout << j.dump(2) << '\n';
        } else {
            std::cout << (r.merged.added == 0 ? "no new events from " + r.remote
                                              : util::plural(r.merged.added, "new event line") +
                                                    " from " + r.remote)
                      << (r.pushed && m_options.push ? "; " + r.remote + " has ours" : "") << '\n';
            for (const auto& b : r.branches_pushed)
                std::cout << "pushed " << b << '\n';
        }
        if (r.merged.skipped > 0)
            std::cerr << "warning: skipped " << r.merged.skipped
                      << " malformed, oversized or misplaced event line(s) or note(s) from "
                      << r.remote << "\n";
        for (const auto& f : r.branch_failures)
            std::cerr << "error: cannot push " << f << '\n';
        return r.branch_failures.empty() ? 0 : 1;
    }

private:
    sync::SyncOptions m_options;
    bool m_no_push = false;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_sync() {
    return std::make_unique<Sync>();
}

} // namespace porch::cli
