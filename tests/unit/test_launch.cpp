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
    std::string script = launch_script(a, {"agent", "--flag=a b"}, prompt);
    CHECK_THAT(script, Catch::Matchers::Contains("cd -- '/tmp/it'\\''s here'\n"));
    CHECK_THAT(script, Catch::Matchers::Contains("<<'PORCH_PROMPT_END_2'"));
    CHECK_THAT(script, Catch::Matchers::Contains("\nlast\nPORCH_PROMPT_END_2\n"));
    CHECK_THAT(script, Catch::Matchers::Contains("exec 'agent' '--flag=a b' \"$prompt\"\n"));
}
