// git porch agent-hook: what an agent's own hook system (Claude Code's hooks, Codex's notify, or
// any agent through the generic form) says of its session, recorded as the worker's agent
// events. It runs on every tool call and its input is the agent's: it is bounded, validated and
// never executed, and it never fails the agent.
#pragma once

#include "model/states.hpp"
#include "ops/hooks/handlers.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace porch::hooks {

// Larger hook input is not read (Claude's PostToolUse carries the tool's whole output).
constexpr std::size_t max_agent_input = std::size_t{1} << 20;

// What one call of the hook says.
struct AgentReport {
    model::AgentState state = model::AgentState::working;
    std::string agent;   // claude, gemini, codex; empty for the generic form
    std::string session; // the agent's session id, when it is a plain token
    std::string hook;    // the agent's name of what happened, when it is a plain word
};

// Claude Code's hook input (a JSON object on stdin: hook_event_name, session_id, cwd...):
// SessionStart is started; UserPromptSubmit, PreToolUse, PostToolUse and the like are working;
// Notification and PermissionRequest are waiting; Stop and SessionEnd are stopped. nullopt for
// another event, or input that is not such an object.
std::optional<AgentReport> parse_claude(std::string_view input);
// Gemini CLI's hook input (the same fields as Claude's): SessionStart is started; BeforeAgent,
// BeforeModel, AfterModel, BeforeToolSelection, BeforeTool, AfterTool and PreCompress are
// working; Notification (a tool permission asked for) is waiting; AfterAgent and SessionEnd are
// stopped. nullopt for another event, or input that is not such an object.
std::optional<AgentReport> parse_gemini(std::string_view input);
// Codex's notify argument (a JSON object: type "agent-turn-complete", thread-id...): stopped.
std::optional<AgentReport> parse_codex(std::string_view input);

// Records the report as an agent event of the worker whose worktree `cwd` is in, unless it says
// nothing new (model::worth_recording). Outside a worker it does nothing; problems become a
// warning, never a failure.
Outcome agent_hook(const std::string& cwd, const AgentReport& report);

} // namespace porch::hooks
