// The command table: every `git porch <name>` with its summary, whether it needs a repository,
// and how to make it. Commands are thin: parse options, call the library, render.
#pragma once

#include "json_words.hpp"
#include "model/context.hpp"

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace porch::cli {

// git's exit codes, which only the CLI picks (the library says which kind of error it was).
inline constexpr int exit_refused = 1; // understood, and the answer is no
inline constexpr int exit_fatal = 128;
inline constexpr int exit_usage = 129;

struct Env {
    std::string cwd;
    std::optional<model::Context> ctx; // opened before run() when the command needs it
    bool color = false;                // colour on stdout
    std::string binary;                // absolute path of this git-porch
};

class Command {
public:
    virtual ~Command() = default;
    virtual void setup(CLI::App& app) = 0;
    // Returns the exit code; throws porch::Error for failures.
    virtual int run(Env& env) = 0;
};

struct CommandInfo {
    std::string_view name;
    std::string_view summary;
    bool needs_repo;
    std::unique_ptr<Command> (*make)();
};

std::span<const CommandInfo> commands();

// A worker named on the command line ("7" or "task-7") as task-<id>; empty stays empty. A bad
// name is a usage error that says which option (`what`) took it.
std::string worker_arg(const std::string& arg, std::string_view what);

std::unique_ptr<Command> make_agent_hook();
std::unique_ptr<Command> make_check_message();
std::unique_ptr<Command> make_checkout();
std::unique_ptr<Command> make_cleanup();
std::unique_ptr<Command> make_doctor();
std::unique_ptr<Command> make_hook();
// `git porch hook <name> <args>`, which the hooks run on every commit: main calls it without
// building the command line parser.
int run_hook(std::string_view name, const std::vector<std::string>& args, const std::string& cwd);
std::unique_ptr<Command> make_hooks();
std::unique_ptr<Command> make_log();
std::unique_ptr<Command> make_graph();
std::unique_ptr<Command> make_pool();
std::unique_ptr<Command> make_reindex();
std::unique_ptr<Command> make_init();
std::unique_ptr<Command> make_plan();
std::unique_ptr<Command> make_kickoff();
std::unique_ptr<Command> make_resume();
std::unique_ptr<Command> make_integrate();
std::unique_ptr<Command> make_spawn();
std::unique_ptr<Command> make_setup();
std::unique_ptr<Command> make_status();
std::unique_ptr<Command> make_qa();
std::unique_ptr<Command> make_retry();
std::unique_ptr<Command> make_checkpoint();
std::unique_ptr<Command> make_handoff();
std::unique_ptr<Command> make_sync();

} // namespace porch::cli
