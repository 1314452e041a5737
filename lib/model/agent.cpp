#include "model/agent.hpp"

#include "model/events.hpp"

#include <algorithm>

namespace porch::model {

std::optional<AgentActivity> agent_activity(const std::vector<store::Event>& events) {
    std::vector<const store::Event*> ordered;
    for (const auto& e : events)
        if (type_of(e) == EventType::agent)
            ordered.push_back(&e);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto* a, const auto* b) { return store::before(*a, *b); });
    std::optional<AgentActivity> out;
    for (const auto* e : ordered) {
        AgentEvent a = AgentEvent::decode(*e);
        if (!a.state)
            continue;
        const bool same = out && out->state == *a.state && out->session == a.session;
        if (!same)
            out = AgentActivity{*a.state, e->time, e->time, a.agent, a.session};
        out->last = std::max(out->last, e->time);
    }
    return out;
}

bool worth_recording(const std::optional<AgentActivity>& known, AgentState state,
                     const std::string& session, std::int64_t now) {
    if (!known || known->state != state || known->session != session)
        return true;
    return state == AgentState::working && now - known->last >= agent_refresh_seconds;
}

} // namespace porch::model
