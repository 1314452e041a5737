// git porch agent-hook <event>: called by an agent's own hooks (Claude Code's and Gemini CLI's
// hooks, Codex's notify, or any agent through the generic words). Whatever happens it exits 0
// and prints nothing on stdout (Claude reads some hooks' stdout): a warning on stderr at most.
// For Gemini it prints {} on stdout: Gemini reads a hook's stdout as JSON, and with stdout empty
// it would read stderr instead, as a message that also allows the tool call.
#include "command.hpp"
#include "model/states.hpp"
#include "ops/hooks/agent.hpp"
#include "render.hpp"

#include <cstdio>
#include <iostream>
#include <unistd.h>

namespace porch::cli {

namespace {

// Standard input up to hooks::max_agent_input bytes, and nullopt past that. The rest is read and
// dropped (up to a bound), so the agent writing it never meets a closed pipe.
std::optional<std::string> read_stdin() {
    std::string text;
    char buffer[65536];
    std::size_t total = 0;
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n <= 0)
            break;
        total += static_cast<std::size_t>(n);
        if (total <= hooks::max_agent_input)
            text.append(buffer, static_cast<std::size_t>(n));
        if (total > 64 * hooks::max_agent_input)
            break;
    }
    if (total > hooks::max_agent_input)
        return std::nullopt;
    return text;
}

class AgentHook : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("event", m_event,
                       "started, working, waiting or stopped; claude or gemini (Claude Code's or "
                       "Gemini CLI's hook input on stdin) or codex (Codex's notify argument)");
        app.add_option("input", m_input, "codex: the JSON argument Codex's notify passes");
        app.allow_extras();
    }

    int run(Env& env) override {
        record(env);
        if (m_event == "gemini")
            std::cout << "{}\n" << std::flush;
        return 0;
    }

private:
    void record(Env& env) {
        std::optional<hooks::AgentReport> report;
        if (m_event == "claude" || m_event == "gemini") {
            auto input = read_stdin();
            report = !input                ? std::nullopt
                     : m_event == "claude" ? hooks::parse_claude(*input)
                                           : hooks::parse_gemini(*input);
        } else if (m_event == "codex") {
            report = hooks::parse_codex(m_input);
        } else if (auto state = model::parse_agent_state(m_event)) {
            report = hooks::AgentReport{*state, {}, {}, {}};
        } else {
            std::cerr << "git porch: warning: agent-hook: unknown event " << display(m_event, 40)
                      << " (started, working, waiting, stopped, claude, gemini or codex)\n";
            return;
        }
        if (!report)
            return; // an event that says nothing of the session, or input that is not one
        auto outcome = hooks::agent_hook(env.cwd, *report);
        if (!outcome.message.empty())
            std::cerr << display_lines(outcome.message);
    }

    std::string m_event;
    std::string m_input;
};

} // namespace

std::unique_ptr<Command> make_agent_hook() {
    return std::make_unique<AgentHook>();
}

} // namespace porch::cli
