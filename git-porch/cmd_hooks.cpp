// git porch hooks install|uninstall|status, and the plumbing `git porch hook <name>`.
#include "command.hpp"
#include "model/hook_files.hpp"
#include "ops/hooks/handlers.hpp"
#include "render.hpp"
#include "util/error.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

class Hooks : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("action", m_action, "install, uninstall or status (default)")
            ->check(CLI::IsMember({"install", "uninstall", "status"}));
        app.add_flag("--json", m_json, "Print the result as JSON");
    }

    int run(Env& env) override {
        const std::string root = env.ctx->repo.workdir().value_or(env.cwd);
        hooks::Report report = m_action == "install"     ? hooks::install(root, env.binary)
                               : m_action == "uninstall" ? hooks::uninstall(root)
                                                         : hooks::status(root, env.binary);
        for (const auto& note : report.notes)
            std::cerr << display_lines(note, "note: ");
        if (m_json) {
            nlohmann::json hooks = nlohmann::json::array();
            for (const auto& h : report.hooks)
                hooks.push_back({{"name", h.name},
                                 {"path", h.path},
                                 {"state", h.state == hooks::State::absent    ? "absent"
                                           : h.state == hooks::State::ours    ? "installed"
                                           : h.state == hooks::State::chained ? "chained"
                                           : h.state == hooks::State::managed ? "managed"
                                                                              : "foreign"},
                                 {"via", h.via},
                                 {"runs_twice", h.runs_twice},
                                 {"outdated", h.shim_outdated}});
            std::cout << nlohmann::json{{"dir", report.dir},
                                        {"hooks", hooks},
                                        {"actions", report.actions}}
                             .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
            return 0;
        }
        for (const auto& a : report.actions)
            std::cout << display(a) << '\n';
        if (m_action == "status" || m_action.empty()) {
            std::cout << "hooks folder: " << display(report.dir) << '\n';
            bool missing = false;
            for (const auto& h : report.hooks) {
                std::cout << "  " << pad(h.name, 12) << ' '
                          << (h.state == hooks::State::managed ? "run by " + display(h.via)
                                                               : hooks::to_string(h.state))
                          << (h.shim_outdated ? " (outdated: run git porch hooks install)" : "")
                          << (h.runs_twice && h.state != hooks::State::managed
                                  ? " (your hook runs porch too)"
                                  : "")
                          << '\n';
                missing =
                    missing || h.state == hooks::State::absent || h.state == hooks::State::foreign;
            }
            if (missing)
                std::cout << "next: git porch hooks install\n";
        } else if (report.actions.empty()) {
            std::cout << "nothing to do\n";
        }
        return 0;
    }

private:
    std::string m_action = "status";
    bool m_json = false;
};

class Hook : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("name", m_name, "The hook git is running")
            ->required()
            ->check(CLI::IsMember({"commit-msg", "pre-commit", "post-commit", "post-merge"}));
        app.add_option("args", m_args, "The hook's arguments, as git passed them");
        app.allow_extras();
    }

    int run(Env& env) override { return run_hook(m_name, m_args, env.cwd); }

private:
    std::string m_name;
    std::vector<std::string> m_args;
};

} // namespace

int run_hook(std::string_view name, const std::vector<std::string>& args, const std::string& cwd) {
    hooks::Outcome outcome;
    try {
        if (name == "commit-msg") {
            if (args.empty())
                throw Error(ErrorKind::invalid, "commit-msg needs the message file");
            outcome = hooks::commit_msg(cwd, args.front());
        } else if (name == "pre-commit") {
            outcome = hooks::pre_commit(cwd);
        } else if (name == "post-commit" || name == "post-merge") {
            outcome = hooks::post_commit(cwd, name == "post-merge");
        } else {
            throw Error(ErrorKind::invalid, "'" + std::string(name) + "' is not a hook porch runs",
                        "see 'git porch hook -h'");
        }
    } catch (const Error& e) {
        // A broken .porch.toml or repository must not silently pass a worker's commit, but
        // it must say exactly why; post-commit never fails.
        if (name == "post-commit" || name == "post-merge") {
            std::cerr << "git porch: warning: " << display(e.what()) << '\n';
            return 0;
        }
        throw;
    }
    if (!outcome.message.empty())
        std::cerr << display_lines(outcome.message);
    return outcome.exit_code;
}

std::unique_ptr<Command> make_hooks() {
    return std::make_unique<Hooks>();
}
std::unique_ptr<Command> make_hook() {
    return std::make_unique<Hook>();
}

} // namespace porch::cli
