#include "ops/hooks/agent.hpp"

#include "git/repo.hpp"
#include "model/agent.hpp"
#include "model/context.hpp"
#include "model/events.hpp"
#include "model/locate.hpp"
#include "model/store.hpp"
#include "util/text.hpp"

#include <array>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

namespace porch::hooks {

namespace {

using model::AgentState;

constexpr std::size_t max_depth = 32;
constexpr std::size_t max_token = 128;

// Reads the top-level string fields of a JSON object and nothing else: no tree is built, and
// nesting deeper than max_depth stops the parse.
class TopLevelStrings : public nlohmann::json_sax<nlohmann::json> {
public:
    std::map<std::string, std::string> fields;
    bool object = false;

    bool null() override { return scalar(); }
    bool boolean(bool) override { return scalar(); }
    bool number_integer(number_integer_t) override { return scalar(); }
    bool number_unsigned(number_unsigned_t) override { return scalar(); }
    bool number_float(number_float_t, const string_t&) override { return scalar(); }
    bool binary(binary_t&) override { return scalar(); }
    bool string(string_t& value) override {
        if (m_depth == 1)
            fields[m_key] = value;
        return true;
    }
    bool start_object(std::size_t) override {
        object = object || m_depth == 0;
        return ++m_depth <= max_depth;
    }
    bool end_object() override { return --m_depth, true; }
    bool start_array(std::size_t) override { return m_depth > 0 && ++m_depth <= max_depth; }
    bool end_array() override { return --m_depth, true; }
    bool key(string_t& name) override {
        m_key = name;
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
        return false;
    }

private:
    bool scalar() { return m_depth > 0; }
    std::size_t m_depth = 0;
    std::string m_key;
};

std::optional<std::map<std::string, std::string>> top_level_strings(std::string_view input) {
    if (input.size() > max_agent_input)
        return std::nullopt;
    TopLevelStrings sax;
    if (!nlohmann::json::sax_parse(input, &sax, nlohmann::json::input_format_t::json, true) ||
        !sax.object)
        return std::nullopt;
    return std::move(sax.fields);
}

// Only plain tokens go into an event: an id or a name of the agent's, nothing to display.
std::string token(const std::map<std::string, std::string>& fields, const std::string& key) {
    auto it = fields.find(key);
    if (it == fields.end() || it->second.empty() || it->second.size() > max_token)
        return {};
    for (char c : it->second)
        if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') && !(c >= '0' && c <= '9') &&
            c != '-' && c != '_' && c != '.' && c != ':')
            return {};
    return it->second;
}

constexpr std::array<std::pair<std::string_view, AgentState>, 15> claude_events = {{
    {"SessionStart", AgentState::started},
    {"UserPromptSubmit", AgentState::working},
    {"PreToolUse", AgentState::working},
    {"PostToolUse", AgentState::working},
    {"PostToolUseFailure", AgentState::working},
    {"SubagentStart", AgentState::working},
    {"SubagentStop", AgentState::working},
    {"PreCompact", AgentState::working},
    {"PostCompact", AgentState::working},
    {"Notification", AgentState::waiting},
    {"PermissionRequest", AgentState::waiting},
    {"Elicitation", AgentState::waiting},
    {"Stop", AgentState::stopped},
    {"StopFailure", AgentState::stopped},
    {"SessionEnd", AgentState::stopped},
}};

constexpr std::array<std::pair<std::string_view, AgentState>, 11> gemini_events = {{
    {"SessionStart", AgentState::started},
    {"BeforeAgent", AgentState::working},
    {"BeforeModel", AgentState::working},
    {"AfterModel", AgentState::working},
    {"BeforeToolSelection", AgentState::working},
    {"BeforeTool", AgentState::working},
    {"AfterTool", AgentState::working},
    {"PreCompress", AgentState::working},
    {"Notification", AgentState::waiting},
    {"AfterAgent", AgentState::stopped},
    {"SessionEnd", AgentState::stopped},
}};

// Claude's and Gemini's hooks send the same fields: the event's name and the session's id.
template <std::size_t N>
std::optional<AgentReport>
parse_hook_input(std::string_view input, const std::string& agent,
                 const std::array<std::pair<std::string_view, AgentState>, N>& events) {
    auto fields = top_level_strings(input);
    if (!fields)
        return std::nullopt;
    const std::string name = token(*fields, "hook_event_name");
    for (const auto& [event, state] : events)
        if (event == name)
            return AgentReport{state, agent, token(*fields, "session_id"), name};
    return std::nullopt;
}

} // namespace

std::optional<AgentReport> parse_claude(std::string_view input) {
    return parse_hook_input(input, "claude", claude_events);
}

std::optional<AgentReport> parse_gemini(std::string_view input) {
    return parse_hook_input(input, "gemini", gemini_events);
}

std::optional<AgentReport> parse_codex(std::string_view input) {
    auto fields = top_level_strings(input);
    if (!fields || token(*fields, "type") != "agent-turn-complete")
        return std::nullopt;
    return AgentReport{AgentState::stopped, "codex", token(*fields, "thread-id"),
                       "agent-turn-complete"};
}

Outcome agent_hook(const std::string& cwd, const AgentReport& report) {
    try {
        git::Repo::discover(cwd);
    } catch (const std::exception&) {
        return {}; // not in a repository: no worker's agent
    }
    try {
        auto ctx = model::open_context(cwd);
        auto where = model::locate(ctx);
        // The worktree's own worker first: an agent that switched branches is still its agent.
        auto worker = where.owner ? where.owner : where.branch_worker;
        if (!worker)
            return {};
        auto known =
            model::agent_activity(store::read_matching(ctx.repo, *worker, "\"type\":\"agent\""));
        if (!model::worth_recording(known, report.state, report.session, std::time(nullptr)))
            return {};
        store::append(
            ctx.repo,
            model::AgentEvent{report.state, report.agent, report.session, report.hook}.encode(
                *worker));
        return {};
    } catch (const std::exception& e) {
        return {0,
                "git porch: warning: agent-hook: " + util::sanitize_for_terminal(e.what()) + "\n"};
    }
}

} // namespace porch::hooks
