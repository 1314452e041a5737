// git porch init: idempotent set-up of the repository.
#include "command.hpp"
#include "ops/init/init.hpp"
#include "render.hpp"

#include <iostream>

namespace porch::cli {

namespace {

class Init : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_flag("-q,--quiet", m_quiet, "Print nothing on success");
    }

    int run(Env& env) override {
        auto result = ops::init_repository(*env.ctx, env.binary);
        for (const auto& note : result.notes)
            std::cerr << display_lines(note, "note: ");
        if (m_quiet)
            return 0;
        for (const auto& line : result.actions)
            std::cout << display(line) << '\n';
        if (result.actions.empty())
            std::cout << "porch is already set up here\n";
        std::cout
            << "next: git porch spawn <id> <description>, e.g. git porch spawn 1 api-endpoints\n";
        return 0;
    }

private:
    bool m_quiet = false;
};

} // namespace

std::unique_ptr<Command> make_init() {
    return std::make_unique<Init>();
}

} // namespace porch::cli
