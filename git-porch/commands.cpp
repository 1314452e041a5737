#include "command.hpp"
#include "model/naming.hpp"
#include "util/error.hpp"

#include <array>

namespace porch::cli {

std::string worker_arg(const std::string& arg, std::string_view what) {
    if (arg.empty())
        return {};
    auto id = protocol::normalize_id(arg);
    if (!id)
        throw Error(ErrorKind::invalid,
                    std::string(what) + " takes task-<id>, not " + protocol::quote(arg));
    return protocol::worker_name(*id);
}

std::span<const CommandInfo> commands() {
    static const std::array table{
        CommandInfo{"init", "Set up porch in this repository (idempotent)", true, make_init},
        CommandInfo{"plan", "Import, check, edit and apply the task plan in .porch/plan.toml", true,
                    make_plan},
        CommandInfo{"spawn", "Create a worker: its branch and its worktree", true, make_spawn},
        CommandInfo{"setup", "Run a worker's [worktree] setup again, or trust the setup commands",
                    true, make_setup},
        CommandInfo{"checkout", "Take over a worker whose branch is on a remote", true,
                    make_checkout},
        CommandInfo{"kickoff", "Print a worker's kickoff prompt or write its launch script", true,
                    make_kickoff},
        CommandInfo{"resume", "Print the continuation prompt for a stopped worker", true,
                    make_resume},
        CommandInfo{"status", "Show every worker's state", true, make_status},
        CommandInfo{"graph", "Show the dependency graph (text or Graphviz DOT)", true, make_graph},
        CommandInfo{"pool", "Manage a pool of reusable worktree slots", true, make_pool},
        CommandInfo{"qa", "Record QA's verdict on a complete worker", true, make_qa},
        CommandInfo{"retry", "Count one more attempt at a failed worker's task", true, make_retry},
        CommandInfo{"integrate", "Merge complete workers in dependency order", true,
                    make_integrate},
        CommandInfo{"cleanup", "Remove merged workers' worktrees (and branches)", true,
                    make_cleanup},
        CommandInfo{"checkpoint", "Write or read the orchestrator's session checkpoint", true,
                    make_checkpoint},
        CommandInfo{"handoff", "Tell the next session where to pick up", true, make_handoff},
        CommandInfo{"sync", "Share events with teammates through a remote", true, make_sync},
        CommandInfo{"log", "Show the event timeline of one worker or all", true, make_log},
        CommandInfo{"reindex", "Rebuild workers' events from their branch history", true,
                    make_reindex},
        CommandInfo{"doctor", "Find and repair what failed workers left behind", true, make_doctor},
        CommandInfo{"hooks", "Install, remove or inspect porch's git hooks", true, make_hooks},
        CommandInfo{"hook", "Run one hook (called by the installed shims)", false, make_hook},
        CommandInfo{"check-message", "Check a commit message against the protocol", false,
                    make_check_message},
        CommandInfo{"agent-hook", "Record an agent session's state (called by the agent's hooks)",
                    false, make_agent_hook},
    };
    return table;
}

} // namespace porch::cli
