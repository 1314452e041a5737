// Launch scripts: one executable file per worker that cds into its worktree and starts the
// person's own agent command with the kickoff prompt. The agent command comes from git config
// (porch.agentCommand), never from a committed file, so no repository decides what runs on a
// teammate's machine.
#pragma once

#include "ops/prompts/assignment.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace porch::prompts {

constexpr std::string_view agent_command_key = "porch.agentCommand";
constexpr std::string_view scripts_dir = ".porch/scripts"; // under the main worktree, excluded

// Splits a command line into words the way the shell does for quotes ('...', "...", \), but
// expands nothing: a $ or a ` stays a literal character. Throws porch::Error for an unclosed
// quote or an empty command.
std::vector<std::string> split_command(std::string_view command);

// The script's text: bash, every value quoted, the prompt in a quoted here-document whose
// delimiter is no line of the prompt.
std::string launch_script(const Assignment& a, const std::vector<std::string>& agent,
                          const std::string& prompt);

// Writes <main worktree>/.porch/scripts/worker-<id>-<desc>.sh (mode 0755, replacing an older
// one), adds .porch/scripts/ to .git/info/exclude, and returns the script's absolute path.
std::string write_launch_script(const model::Context& ctx, const Assignment& a,
                                const std::vector<std::string>& agent, const std::string& prompt);

} // namespace porch::prompts
