// What a worker's agent session is doing, from the agent events its own hooks recorded (git
// porch agent-hook): status shows it, the stalled alert asks it, resume says when it stopped.
#pragma once

#include "model/event.hpp"
#include "model/states.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace porch::model {

// A busy agent calls its hook on every tool call: a "working" event already recorded is
// recorded again only this long after it, to show the session is still alive.
constexpr std::int64_t agent_refresh_seconds = 60;

struct AgentActivity {
    AgentState state = AgentState::started;
    std::int64_t since = 0; // when it entered that state
    std::int64_t last = 0;  // its newest event: the newest sign of life
    std::string agent;      // claude, codex; empty for the generic form
    std::string session;
};

// The newest state of a worker's agent events (in any order; others are passed over); nullopt
// when there are none.
std::optional<AgentActivity> agent_activity(const std::vector<store::Event>& events);

// Whether a hook's report of `state` (in `session`, at `now`) says something `known` does not:
// another state, another session, or a session still working `agent_refresh_seconds` later.
bool worth_recording(const std::optional<AgentActivity>& known, AgentState state,
                     const std::string& session, std::int64_t now);

} // namespace porch::model
