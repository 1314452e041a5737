// An agent's session through its own hooks: the hook input read (Claude Code's, Gemini's,
// Codex's), what the worker's agent events say now, when another event is worth recording, and
// compaction.
#include "model/agent.hpp"
#include "model/events.hpp"
#include "model/store.hpp"
#include "ops/hooks/agent.hpp"
#include "repo_fixture.hpp"

#include <catch2/catch.hpp>

using namespace porch;
using model::AgentState;

namespace {

store::Event agent_event(AgentState state, std::int64_t time, std::uint64_t lamport,
                         const std::string& session = "s1") {
    store::Event e = model::AgentEvent{state, "claude", session, "X"}.encode("task-1");
    e.time = time;
    e.lamport = lamport;
    e.id = std::to_string(lamport);
    return e;
}

} // namespace

TEST_CASE("Claude Code's hook input: each event's state, its session, nothing else", "[agent]") {
    auto r = hooks::parse_claude(R"({"session_id":"abc-123","transcript_path":"/t.jsonl",
        "cwd":"/w","hook_event_name":"SessionStart","source":"startup"})");
    REQUIRE(r);
    CHECK(r->state == AgentState::started);
    CHECK(r->agent == "claude");
    CHECK(r->session == "abc-123");
    CHECK(r->hook == "SessionStart");
    for (const char* working : {"UserPromptSubmit", "PreToolUse", "PostToolUse"})
        CHECK(hooks::parse_claude(std::string(R"({"hook_event_name":")") + working +
                                  R"(","tool_input":{"command":"ls","deep":[1,{"a":"Stop"}]}})")
                  ->state == AgentState::working);
    CHECK(hooks::parse_claude(R"({"hook_event_name":"Notification","message":"waiting"})")->state ==
          AgentState::waiting);
    CHECK(hooks::parse_claude(R"({"hook_event_name":"Stop","stop_hook_active":false})")->state ==
          AgentState::stopped);
    // A nested hook_event_name is tool input, not the event.
    CHECK_FALSE(hooks::parse_claude(R"({"tool_input":{"hook_event_name":"Stop"}})"));
    CHECK_FALSE(hooks::parse_claude(R"({"hook_event_name":"SomethingNew"})"));
    CHECK_FALSE(hooks::parse_claude(R"({"hook_event_name":"Stop")"));
    CHECK_FALSE(hooks::parse_claude(R"(["Stop"])"));
    CHECK_FALSE(hooks::parse_claude(""));
    CHECK_FALSE(hooks::parse_claude("not json"));
    // A session id that is no plain token is dropped, the event kept.
    auto odd = hooks::parse_claude(R"({"hook_event_name":"Stop","session_id":"a\u001b[31mb"})");
    REQUIRE(odd);
    CHECK(odd->session.empty());
    CHECK(hooks::parse_claude(R"({"hook_event_name":"Stop","session_id":")" +
                              std::string(200, 'a') + "\"}")
              ->session.empty());
}

TEST_CASE("hook input is bounded: deep nesting and huge input are not read", "[agent]") {
    std::string deep = R"({"hook_event_name":"Stop","x":)" + std::string(100000, '[') +
                       std::string(100000, ']') + "}";
    CHECK_FALSE(hooks::parse_claude(deep));
    std::string huge =
        R"({"hook_event_name":"Stop","x":")" + std::string(hooks::max_agent_input, 'a') + "\"}";
    CHECK_FALSE(hooks::parse_claude(huge));
    std::string big =
        R"({"hook_event_name":"PostToolUse","x":")" + std::string(500000, 'a') + "\"}";
    CHECK(hooks::parse_claude(big));
}

TEST_CASE("Gemini CLI's hook input: its own event names, Claude's fields", "[agent]") {
    auto r = hooks::parse_gemini(R"({"session_id":"g-7","transcript_path":"/t.json","cwd":"/w",
        "hook_event_name":"SessionStart","timestamp":"2026-01-01T00:00:00Z","source":"startup"})");
    REQUIRE(r);
    CHECK(r->state == AgentState::started);
    CHECK(r->agent == "gemini");
    CHECK(r->session == "g-7");
    CHECK(r->hook == "SessionStart");
    for (const char* working : {"BeforeAgent", "BeforeTool", "AfterTool", "AfterModel"})
        CHECK(hooks::parse_gemini(std::string(R"({"hook_event_name":")") + working +
                                  R"(","tool_response":{"llmContent":"AfterAgent"}})")
                  ->state == AgentState::working);
    CHECK(hooks::parse_gemini(R"({"hook_event_name":"Notification",
        "notification_type":"ToolPermission","message":"m","details":{}})")
              ->state == AgentState::waiting);
    CHECK(hooks::parse_gemini(R"({"hook_event_name":"AfterAgent","prompt_response":"x"})")->state ==
          AgentState::stopped);
    CHECK(hooks::parse_gemini(R"({"hook_event_name":"SessionEnd","reason":"exit"})")->state ==
          AgentState::stopped);
    // Claude's names are not Gemini's, and the other way round.
    CHECK_FALSE(hooks::parse_gemini(R"({"hook_event_name":"Stop"})"));
    CHECK_FALSE(hooks::parse_claude(R"({"hook_event_name":"AfterAgent"})"));
    CHECK_FALSE(hooks::parse_gemini(R"({"details":{"hook_event_name":"AfterAgent"}})"));
    CHECK_FALSE(hooks::parse_gemini("[]"));
}

TEST_CASE("Codex's notify argument: a finished turn is a stopped session", "[agent]") {
    auto r = hooks::parse_codex(R"({"type":"agent-turn-complete","thread-id":"t-1",
        "turn-id":"12","cwd":"/w","input-messages":["do it"],"last-assistant-message":"done"})");
    REQUIRE(r);
    CHECK(r->state == AgentState::stopped);
    CHECK(r->agent == "codex");
    CHECK(r->session == "t-1");
    CHECK_FALSE(hooks::parse_codex(R"({"type":"something-else"})"));
    CHECK_FALSE(hooks::parse_codex("{"));
}

TEST_CASE("agent_activity: the newest state, since it began, and the newest sign of life",
          "[agent]") {
    CHECK_FALSE(model::agent_activity({}));
    std::vector<store::Event> events = {
        agent_event(AgentState::working, 200, 3), agent_event(AgentState::started, 100, 1),
        agent_event(AgentState::working, 150, 2), agent_event(AgentState::working, 260, 4)};
    auto a = model::agent_activity(events);
    REQUIRE(a);
    CHECK(a->state == AgentState::working);
    CHECK(a->since == 150);
    CHECK(a->last == 260);
    events.push_back(agent_event(AgentState::waiting, 300, 5));
    a = model::agent_activity(events);
    CHECK(a->state == AgentState::waiting);
    CHECK(a->since == 300);
    // Another session's start begins a new run.
    events.push_back(agent_event(AgentState::waiting, 400, 6, "s2"));
    CHECK(model::agent_activity(events)->since == 400);
    // An unreadable state is passed over.
    store::Event odd = agent_event(AgentState::stopped, 500, 7);
    odd.fields["state"] = "dancing";
    events.push_back(odd);
    CHECK(model::agent_activity(events)->state == AgentState::waiting);
}

TEST_CASE("worth_recording: a new state or session, or a working session a while later",
          "[agent]") {
    CHECK(model::worth_recording(std::nullopt, AgentState::working, "s", 0));
    model::AgentActivity known{AgentState::working, 100, 100, "claude", "s"};
    CHECK_FALSE(model::worth_recording(known, AgentState::working, "s", 101));
    CHECK_FALSE(
        model::worth_recording(known, AgentState::working, "s", 99 + model::agent_refresh_seconds));
    CHECK(model::worth_recording(known, AgentState::working, "s",
                                 100 + model::agent_refresh_seconds));
    CHECK(model::worth_recording(known, AgentState::waiting, "s", 101));
    CHECK(model::worth_recording(known, AgentState::working, "other", 101));
    known.state = AgentState::waiting;
    CHECK_FALSE(model::worth_recording(known, AgentState::waiting, "s", 100000));
}

TEST_CASE("compaction keeps the newest agent events and the start of the newest state",
          "[agent][store]") {
    porch::test::RepoFixture repo;
    repo.commit("Initial commit");
    auto ctx = repo.context();
    store::append(ctx.repo,
                  model::AgentEvent{AgentState::started, "claude", "s", ""}.encode("task-1"));
    for (int i = 0; i < static_cast<int>(store::compact_threshold); ++i) {
        store::Event e = model::AgentEvent{AgentState::working, "claude", "s", ""}.encode("task-1");
        e.time = 1000 + i;
        store::append(ctx.repo, std::move(e));
    }
    auto live = store::read(ctx.repo, "task-1");
    CHECK(live.size() <= store::compact_keep_agent + 1);
    auto a = model::agent_activity(live);
    REQUIRE(a);
    CHECK(a->since == 1000); // the first working event stayed
    CHECK(a->last == 1000 + static_cast<int>(store::compact_threshold) - 1);
    CHECK(store::read_all(ctx.repo, "task-1").size() == store::compact_threshold + 1);
}
