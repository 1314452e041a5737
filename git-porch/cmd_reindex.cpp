// git porch reindex [<worker>]: record commits the notes do not know yet.
#include "command.hpp"
#include "model/naming.hpp"
#include "model/record.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>

namespace porch::cli {

namespace {

class Reindex : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "Only this worker (task-<id>)");
    }

    int run(Env& env) override {
        const std::string only = worker_arg(m_worker, "reindex");
        auto results = model::reindex(*env.ctx, only);
        std::size_t total = 0;
        for (const auto& r : results) {
            total += r.commits_added + (r.spawned_added ? 1 : 0);
            if (r.commits_added || r.spawned_added)
                std::cout << r.worker << ": recorded " << util::plural(r.commits_added, "commit")
                          << (r.spawned_added ? " and its spawn" : "") << '\n';
        }
        if (total == 0)
            std::cout << "nothing to record: the notes know every commit of "
                      << (only.empty() ? "every worker" : only) << '\n';
        return 0;
    }

private:
    std::string m_worker;
};

} // namespace

std::unique_ptr<Command> make_reindex() {
    return std::make_unique<Reindex>();
}

} // namespace porch::cli
