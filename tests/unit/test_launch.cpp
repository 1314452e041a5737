// Launch scripts: agent command splitting and the here-document delimiter.
#include "ops/prompts/launch.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using porch::prompts::launch_script;
using porch::prompts::split_command;
using Strings = std::vector<std::string>;

TEST_CASE("split_command splits like the shell and expands nothing", "[launch]") {
    CHECK(split_command("claude --dangerously-skip-permissions") ==
          Strings{"claude", "--dangerously-skip-permissions"});
    CHECK(split_command("  a\t b  ") == Strings{"a", "b"});
    CHECK(split_command("'/opt/my agent/run' x") == Strings{"/opt/my agent/run", "x"});
    CHECK(split_command("\"a \\\"b\\\" \\$c \\d\"") == Strings{"a \"b\" $c \\d"});
    CHECK(split_command("a\\ b c") == Strings{"a b", "c"});
    CHECK(split_command("$(touch x) `y` $HOME") == Strings{"$(touch", "x)", "`y`", "$HOME"});
    CHECK(split_command("a''b \"\"") == Strings{"ab", ""});
    CHECK_THROWS_AS(split_command("'open"), porch::Error);
    CHECK_THROWS_AS(split_command("\"open"), porch::Error);
    CHECK_THROWS_AS(split_command("   "), porch::Error);
}

TEST_CASE("launch_script quotes every value and picks a free delimiter", "[launch]") {
    porch::prompts::Assignment a;
    a.worker = "task-1";
    a.id = "1";
    a.desc = "api";
    a.worktree = "/tmp/it's here";
    std::string prompt = "line $(x)\nPORCH_PROMPT_END\nPORCH_PROMPT_END_1\nlast\n";
    porch::prompts::Agent agent;
    agent.command = {"agent", "--flag=a b"};
    std::string script = launch_script(a, agent, prompt);
    CHECK_THAT(script, Catch::Matchers::Contains("cd -- '/tmp/it'\\''s here'\n"));
    CHECK_THAT(script, Catch::Matchers::Contains("<<'PORCH_PROMPT_END_2'"));
    CHECK_THAT(script, Catch::Matchers::Contains("\nlast\nPORCH_PROMPT_END_2\n"));
    CHECK_THAT(script, Catch::Matchers::Contains("exec 'agent' '--flag=a b' \"$prompt\"\n"));
}

TEST_CASE("agent presets pass the prompt as each agent takes it", "[launch]") {
    using porch::prompts::find_preset;
    CHECK(porch::prompts::preset_names() == Strings{"claude", "codex", "gemini", "aider"});
    for (const auto& name : porch::prompts::preset_names()) {
        auto agent = find_preset(name);
        REQUIRE(agent);
        CHECK(agent->preset == name);
        CHECK(agent->command.front() == name);
        CHECK_FALSE(agent->gives_up.empty());
        CHECK_FALSE(agent->warnings.empty());
    }
    CHECK_FALSE(find_preset("Claude"));
    CHECK_FALSE(find_preset(""));

    porch::prompts::Assignment a;
    a.worker = "task-1";
    a.worktree = "/w";
    auto script = [&](const char* name) { return launch_script(a, *find_preset(name), "p\n"); };
    // The seeds' template: the prompt is claude's first message, not -p.
    CHECK_THAT(
        script("claude"),
        Catch::Matchers::Contains("exec 'claude' '--dangerously-skip-permissions' \"$prompt\"\n"));
    CHECK_THAT(script("codex"),
               Catch::Matchers::Contains("exec 'codex' 'exec' '-c' 'notify=[\"git\",\"porch\","
                                         "\"agent-hook\",\"codex\"]' '--dangerously-bypass-"
                                         "approvals-and-sandbox' \"$prompt\" </dev/null\n"));
    CHECK_THAT(script("gemini"), Catch::Matchers::Contains("export GEMINI_CLI_TRUST_WORKSPACE="
                                                           "'true'\nexec 'gemini' '--approval-"
                                                           "mode' 'yolo' '--prompt' \"$prompt\" "
                                                           "</dev/null\n"));
    // aider reads positional arguments as files, and would commit without a protocol tag. It
    // has no session hooks: the script records its start and its end, and keeps its status.
    CHECK_THAT(script("aider"),
               Catch::Matchers::Contains("git porch agent-hook started || true\nstatus=0\n"
                                         "'aider' '--yes-always' '--no-auto-commits' "
                                         "'--no-gitignore' '--message' \"$prompt\" || "
                                         "status=$?\ngit porch agent-hook stopped || true\n"
                                         "exit \"$status\"\n"));
    CHECK_THAT(script("aider"), !Catch::Matchers::Contains("\nexec "));
    CHECK_THAT(script("aider"), Catch::Matchers::Contains(
                                    "# The agent is the preset aider (git config porch.agent)"));
    CHECK_THAT(script("aider"), Catch::Matchers::Contains(">&2\n"));
}

TEST_CASE("launch_script notes a rejection and the attempt in comments", "[launch]") {
    porch::prompts::Assignment a;
    a.worker = "task-1";
    a.worktree = "/w";
    a.rejection = "no tests\nfor $(orders)";
    a.attempt = 2;
    a.attempts_allowed = 3;
    std::string script = launch_script(a, *porch::prompts::find_preset("claude"), "p");
    CHECK_THAT(script, Catch::Matchers::Contains(
                           "# QA rejected the previous attempt: no tests\n# for $(orders)\n"));
    CHECK_THAT(script, Catch::Matchers::Contains("# Attempt 2 of 3 (git porch retry).\n"));
}
