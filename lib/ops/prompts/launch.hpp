// Launch scripts: one executable file per worker that cds into its worktree and starts the
// person's own agent with the kickoff prompt. The agent comes from git config - a preset named
// by porch.agent (claude, codex, gemini, aider) or any command in porch.agentCommand - never
// from a committed file, so no repository decides what runs on a teammate's machine.
#pragma once

#include "git/repo.hpp"
#include "ops/prompts/assignment.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace porch::prompts {

constexpr std::string_view agent_command_key = "porch.agentCommand";
constexpr std::string_view agent_key = "porch.agent";
constexpr std::string_view scripts_dir = ".porch/scripts"; // under the main worktree, excluded

// Where an agent's session reports come from (git porch agent-hook).
enum class SessionHooks {
    none,
    claude, // kickoff --script adds porch's hooks to the worktree's .claude/settings.local.json
    gemini, // ... to the worktree's .gemini/settings.json, when git does not track that file
    script, // no hooks of its own: the launch script records started and stopped around it
};

// How a launch script starts the agent. (Every member has an initializer: the presets in
// launch.cpp name only the members they set.)
struct Agent {
    std::string preset{};               // claude, codex, gemini, aider; empty: porch.agentCommand
    std::vector<std::string> command{}; // the words before the prompt
    // The option whose value is the prompt (aider takes its positional arguments for files to
    // edit); empty: the prompt is the last argument.
    std::string prompt_option{};
    std::vector<std::pair<std::string, std::string>> env{}; // exported for the agent
    // Standard input from /dev/null: agents that read piped input as more prompt would wait for
    // it when an orchestrator starts the script.
    bool no_stdin = false;
    std::vector<std::string> gives_up{}; // comment lines: what the unattended flags cost
    // Where the agent would stop for permission or cannot follow the protocol by itself:
    // printed by kickoff --script and by the script when it starts.
    std::vector<std::string> warnings{};
    // How the agent tells porch of its session (git porch agent-hook), beyond its command line
    // (codex's notify).
    SessionHooks hooks = SessionHooks::none;
};

// The presets' names, in the order the documentation lists them.
const std::vector<std::string>& preset_names();

// The preset of that name; nullopt for an unknown one.
std::optional<Agent> find_preset(std::string_view name);

// The agent the git config names. porch.agentCommand, when set, wins (split as split_command
// does, the prompt added as the last argument), and `overridden` gets the porch.agent preset it
// took the place of; else the porch.agent preset. Throws porch::Error (fatal) when neither is
// set, when porch.agent names no preset (even under porch.agentCommand: a typo never passes),
// and for an empty or badly quoted command.
Agent configured_agent(const git::Repo& repo, std::string* overridden = nullptr);

// Splits a command line into words the way the shell does for quotes ('...', "...", \), but
// expands nothing: a $ or a ` stays a literal character. Throws porch::Error for an unclosed
// quote or an empty command.
std::vector<std::string> split_command(std::string_view command);

// The script's text: bash, every value quoted, the prompt in a quoted here-document whose
// delimiter is no line of the prompt.
std::string launch_script(const Assignment& a, const Agent& agent, const std::string& prompt);

// Writes <main worktree>/.porch/scripts/worker-<id>-<desc>.sh (mode 0755, replacing an older
// one), adds .porch/scripts/ to .git/info/exclude, and returns the script's absolute path.
std::string write_launch_script(const model::Context& ctx, const Assignment& a, const Agent& agent,
                                const std::string& prompt);

// Claude Code's settings file that install_agent_hooks writes, in the worker's worktree.
constexpr std::string_view claude_settings = ".claude/settings.local.json";
// The command Claude Code's hooks run: the project folder's worker, whatever folder the session
// is in.
constexpr std::string_view claude_hook_command =
    "git -C \"${CLAUDE_PROJECT_DIR:-.}\" porch agent-hook claude";

// Gemini CLI's project settings file, and the command its hooks run.
constexpr std::string_view gemini_settings = ".gemini/settings.json";
constexpr std::string_view gemini_hook_command =
    "git -C \"${GEMINI_PROJECT_DIR:-.}\" porch agent-hook gemini";

// What install_agent_hooks did.
struct HookInstall {
    std::string path; // the settings file written; empty when none
    std::string note; // why not, when the agent supports hooks and they were not installed
};

// For an agent whose hooks can tell porch about its session (claude, gemini): adds `git porch
// agent-hook` to its settings in the worker's worktree, merged into the file there (never the
// person's own settings), and keeps that file out of every commit (.git/info/exclude). Throws
// porch::Error when the file there is not a JSON object; a file git tracks is left alone (note).
HookInstall install_agent_hooks(const model::Context& ctx, const Assignment& a, const Agent& agent);

} // namespace porch::prompts
