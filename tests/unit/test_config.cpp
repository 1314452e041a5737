// .porch.toml: config::parse, config::load, config::default_file_text, is_valid_branch_name.
#include "model/config.hpp"
#include "util/error.hpp"
#include "util/regex.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace std::string_literals;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using porch::config::Config;
using porch::config::is_valid_branch_name;
using porch::config::parse;

namespace {

void check_defaults(const Config& c) {
    CHECK_FALSE(c.base_branch);
    CHECK(c.stall_after_seconds == 2 * 3600);
    CHECK(c.worktree_template == "worktrees/task-{id}-{desc}");
    CHECK(c.branch_template == "work/task-{id}-{desc}");
    CHECK(c.integration_template == "integration/{feature}");
}

// Parses `text` expecting an error; returns its message.
std::string error_of(const std::string& text, const std::string& source = "cfg.toml") {
    INFO("toml: " << text);
    try {
        parse(text, source);
    } catch (const porch::Error& e) {
        CHECK(e.kind() == porch::ErrorKind::fatal);
        CHECK_THAT(e.hint(), Contains(".porch.toml")); // says what to fix
        std::string what = e.what();
        CHECK(what.find('\n') == std::string::npos);
        return what;
    }
    FAIL("parsed without error");
    return {};
}

std::int64_t stall(const std::string& value) {
    return parse("stall_after = " + value + "\n", "cfg.toml").stall_after_seconds;
}

} // namespace

TEST_CASE("an empty file gives the defaults", "[config]") {
    check_defaults(parse("", "cfg.toml"));
    check_defaults(parse("# only a comment\n\n", "cfg.toml"));
    check_defaults(parse("[naming]\n", "cfg.toml"));
}

TEST_CASE("every key is read", "[config]") {
    Config c = parse(R"(
base_branch = "develop"
stall_after = "90m"

[naming]
worktree = "wt/{id}-{desc}"
branch = "porch/{id}/{desc}"
integration = "int/{feature}"
)",
                     "cfg.toml");
    REQUIRE(c.base_branch);
    CHECK(*c.base_branch == "develop");
    CHECK(c.stall_after_seconds == 90 * 60);
    CHECK(c.worktree_template == "wt/{id}-{desc}");
    CHECK(c.branch_template == "porch/{id}/{desc}");
    CHECK(c.integration_template == "int/{feature}");

    SECTION("dotted keys and inline tables work the same") {
        Config d = parse("naming.branch = \"b/{id}\"\n", "cfg.toml");
        CHECK(d.branch_template == "b/{id}");
        Config i = parse("naming = { worktree = \"w/{id}\" }\n", "cfg.toml");
        CHECK(i.worktree_template == "w/{id}");
        CHECK(i.branch_template == "work/task-{id}-{desc}");
    }
}

TEST_CASE("TOML syntax errors carry source, line and column", "[config]") {
    const porch::util::Regex located(R"(cfg\.toml:[0-9]+:[0-9]+: .+)");
    for (const char* text : {"base_branch = \n", "base_branch = \"main\n", "[naming\n",
                             "x = 1\nx = 2\n", "= 3\n", "base_branch = 'a' 'b'\n"}) {
        std::string e = error_of(text);
        CHECK(located.match(e));
    }
    CHECK_THAT(error_of("\n\nbase_branch = \"main\n"), StartsWith("cfg.toml:3:"));
    CHECK_THAT(error_of("stall_after = \"2h\"\n[naming\n"), StartsWith("cfg.toml:2:"));
    CHECK_THAT(error_of("base_branch = \n", "my/.porch.toml"), StartsWith("my/.porch.toml:1:"));
}

TEST_CASE("unknown keys are named at their position", "[config]") {
    CHECK(error_of("colour = \"red\"\n") == "cfg.toml:1:1: unknown key 'colour'");
    CHECK(error_of("base_branch = \"main\"\n\n  colour = \"red\"\n") ==
          "cfg.toml:3:3: unknown key 'colour'");
    CHECK(error_of("[naming]\nbranch = \"work/{id}\"\n  tree = \"x\"\n") ==
          "cfg.toml:3:3: unknown key 'naming.tree'");
    CHECK_THAT(error_of("\n[extras]\nx = 1\n"), StartsWith("cfg.toml:2:"));
    CHECK_THAT(error_of("\n[extras]\nx = 1\n"), Contains("unknown key 'extras'"));
    // Key names are quoted as written, even odd ones.
    CHECK_THAT(error_of("\"base branch\" = \"main\"\n"), Contains("unknown key 'base branch'"));
}

TEST_CASE("wrong value types are reported at the value", "[config]") {
    CHECK(error_of("base_branch = 3\n") ==
          "cfg.toml:1:15: 'base_branch' must be a string, not an integer");
    CHECK(error_of("base_branch = [\"main\"]\n") ==
          "cfg.toml:1:15: 'base_branch' must be a string, not an array");
    CHECK_THAT(error_of("stall_after = true\n"),
               StartsWith("cfg.toml:1:15: 'stall_after' must be a duration"));
    CHECK_THAT(error_of("stall_after = true\n"), Contains("not a boolean"));
    CHECK_THAT(error_of("stall_after = 1.5\n"), Contains("not a number"));
    CHECK_THAT(error_of("stall_after = 1979-05-27\n"), Contains("not a date or time"));
    CHECK_THAT(error_of("stall_after = { h = 2 }\n"), Contains("not a table"));
    CHECK(error_of("naming = 1\n") == "cfg.toml:1:10: 'naming' must be a table");
    CHECK(error_of("[naming]\nbranch = 5\n") ==
          "cfg.toml:2:10: 'naming.branch' must be a string, not an integer");
    CHECK_THAT(error_of("[naming]\nworktree = false\n"),
               Contains("'naming.worktree' must be a string"));
    CHECK_THAT(error_of("[naming]\nintegration = []\n"),
               Contains("'naming.integration' must be a string"));
}

TEST_CASE("base_branch must be a valid branch name", "[config]") {
    for (const char* v : {"\"\"", "\"bad name\"", "\"-x\"", "\"HEAD\"", "\"a..b\"", "\"x.lock\""})
        CHECK_THAT(error_of("base_branch = "s + v + "\n"), Contains("not a valid branch name"));
    CHECK(*parse("base_branch = \"release/2.x\"\n", "cfg.toml").base_branch == "release/2.x");
}

TEST_CASE("stall_after durations", "[config]") {
    CHECK(stall("\"90m\"") == 5400);
    CHECK(stall("\"1h30m\"") == 5400);
    CHECK(stall("\"2h\"") == 7200);
    CHECK(stall("\"1d\"") == 86400);
    CHECK(stall("\"1w\"") == 7 * 86400);
    CHECK(stall("\"45s\"") == 45);
    CHECK(stall("600") == 600);
    CHECK(stall("1") == 1);
    for (const char* bad : {"\"0\"", "0", "-5", "\"abc\"", "\"\"", "\"0s\"", "\"90\"", "\"2H\"",
                            "\"1.5h\"", "\" 2h\"", "\"2h \"", "\"-1h\"", "\"h\""}) {
        std::string e = error_of("stall_after = "s + bad + "\n");
        CHECK_THAT(e, StartsWith("cfg.toml:1:15: "));
        CHECK_THAT(e, Contains("positive duration"));
    }
}

TEST_CASE("the worktree template stays inside the repository", "[config]") {
    for (const char* v : {"/tmp/task-{id}", "../task-{id}", "wt/../../task-{id}", "wt/{id}/..",
                          "/{id}", "./../{id}"}) {
        std::string e = error_of("[naming]\nworktree = \""s + v + "\"\n");
        CHECK_THAT(e, StartsWith("cfg.toml:2:12: "));
        CHECK_THAT(e, Contains("relative path inside the repository"));
    }
    CHECK(parse("[naming]\nworktree = \"wt/{id}..{desc}\"\n", "cfg.toml").worktree_template ==
          "wt/{id}..{desc}");
    CHECK(parse("[naming]\nworktree = \".worktrees/{id}\"\n", "cfg.toml").worktree_template ==
          ".worktrees/{id}");
    std::string missing = error_of("[naming]\nworktree = \"wt/{desc}\"\n");
    CHECK_THAT(missing, StartsWith("cfg.toml:2:12: "));
    CHECK_THAT(missing, Contains("naming.worktree template"));
}

TEST_CASE("the branch template must make valid branch names", "[config]") {
    for (const char* v : {"work/task {id}", "work//{id}", "work/{id}.lock", "-{id}", "work/{id}~",
                          "work/{id}/", "work/.{id}", "work/{id}:x", "work/{id}..x",
                          // valid for the sample values, invalid for other valid ids or descs
                          "work/{id}.{desc}", "work/x.{id}"}) {
        std::string e = error_of("[naming]\nbranch = \""s + v + "\"\n");
        CHECK_THAT(e, StartsWith("cfg.toml:2:10: "));
        CHECK_THAT(e, Contains("does not make a valid branch name"));
    }
    std::string missing = error_of("[naming]\nbranch = \"work/{desc}\"\n");
    CHECK_THAT(missing, StartsWith("cfg.toml:2:10: "));
    CHECK_THAT(missing, Contains("must contain {id}"));
    CHECK_THAT(error_of("[naming]\nbranch = \"work/{id}-{x}\"\n"), Contains("unknown placeholder"));
    CHECK_THAT(error_of("[naming]\nbranch = \"work/{id}{desc}\"\n"), StartsWith("cfg.toml:2:10: "));

    SECTION("the position is kept whatever the source is called") {
        CHECK_THAT(error_of("[naming]\nbranch = \"work/{desc}\"\n", "naming"),
                   StartsWith("naming:2:10: "));
        CHECK_THAT(error_of("[naming]\nbranch = \"work/{desc}\"\n", "n"), StartsWith("n:2:10: "));
    }
}

TEST_CASE("the integration template", "[config]") {
    CHECK(parse("[naming]\nintegration = \"int/{feature}\"\n", "cfg.toml").integration_template ==
          "int/{feature}");
    CHECK(parse("[naming]\nintegration = \"{feature}-int\"\n", "cfg.toml").integration_template ==
          "{feature}-int");
    for (const char* v : {"int", "{feature}/{id}", "{x}{feature}", "int/{feature}/{feature}", ""}) {
        std::string e = error_of("[naming]\nintegration = \""s + v + "\"\n");
        CHECK_THAT(e, StartsWith("cfg.toml:2:15: "));
        CHECK_THAT(e, Contains("must contain {feature}"));
    }
    for (const char* v : {"int {feature}", "int//{feature}", "{feature}.lock", "int/x.{feature}"}) {
        std::string e = error_of("[naming]\nintegration = \""s + v + "\"\n");
        CHECK_THAT(e, Contains("does not make a valid branch name"));
    }
}

TEST_CASE("is_valid_branch_name follows git check-ref-format --branch", "[config]") {
    // Checked against git 2.39's `git check-ref-format --branch`.
    const std::vector<std::string> valid = {
        "main",    "master", "feature/x", "work/task-1-sample",
        "a.b",     "a/b/c",  "a./b",      "lock",
        "x.lockx", "a-",     "a@b",       "@a",
        "head",    "a/HEAD", "a{b",       "a}b",
        "!a",      "a/-b",   "\xc3\xa9",
    };
    const std::vector<std::string> invalid = {
        "",
        "a..b",
        ".a",
        "a/.b",
        "a.",
        "a.lock",
        "a.lock/b",
        "b/a.lock",
        ".lock",
        "a/",
        "/a",
        "a//b",
        "a b",
        "a~b",
        "a^b",
        "a:b",
        "a?b",
        "a*b",
        "a[b",
        "a\\b",
        "a@{b",
        "HEAD",
        "-a",
        "a\tb",
        "a\x7f"
        "b",
        "a\nb",
        "a\0b"s,
        // git accepts a branch called "@", but "@" means HEAD in revisions: porch refuses it.
        "@",
    };
    for (const auto& n : valid) {
        INFO(n);
        CHECK(is_valid_branch_name(n));
    }
    for (const auto& n : invalid) {
        INFO(n);
        CHECK_FALSE(is_valid_branch_name(n));
    }
}

TEST_CASE("default_file_text is the defaults, commented or not", "[config]") {
    const std::string text(porch::config::default_file_text());
    check_defaults(parse(text, "default"));

    // Uncomment every "# key = value" line.
    const porch::util::Regex key_line(R"(# ([a-z_]+) = (.*))");
    std::string uncommented;
    std::vector<std::string> keys;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        std::string line = text.substr(start, end == std::string::npos ? end : end - start);
        if (auto g = key_line.match(line)) {
            keys.push_back((*g)[1]);
            line = line.substr(2);
        }
        uncommented += line + "\n";
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    INFO(uncommented);
    CHECK(keys == std::vector<std::string>{"base_branch", "stall_after", "worktree", "branch",
                                           "integration", "behind_alert", "verify", "copy", "clone",
                                           "setup", "setup_timeout", "enabled", "min_tasks",
                                           "max_agents", "auto_cleanup", "retry_on_failure",
                                           "required", "checks", "complete_with_uncommitted"});
    Config c = parse(uncommented, "uncommented");
    CHECK(c.stall_after_seconds == Config{}.stall_after_seconds);
    CHECK(c.behind_alert == Config{}.behind_alert);
    CHECK(c.worktree_template == Config{}.worktree_template);
    CHECK(c.branch_template == Config{}.branch_template);
    CHECK(c.integration_template == Config{}.integration_template);
    CHECK(c.integrate_verify == "make test"); // the example; the default is none
    // The [worktree] examples; the defaults are none.
    CHECK(c.worktree_copy == std::vector<std::string>{".env", "config/*.local"});
    CHECK(c.worktree_clone == std::vector<std::string>{"node_modules", ".venv"});
    CHECK(c.worktree_setup == std::vector<std::string>{"npm ci"});
    CHECK(c.setup_timeout_seconds == Config{}.setup_timeout_seconds);
    CHECK(c.parallel_enabled == Config{}.parallel_enabled);
    CHECK(c.min_tasks == Config{}.min_tasks);
    CHECK(c.max_agents == Config{}.max_agents);
    CHECK(c.auto_cleanup == Config{}.auto_cleanup);
    CHECK(c.retry_on_failure == Config{}.retry_on_failure);
    CHECK(c.qa_required == Config{}.qa_required);
    CHECK(c.qa_checks == std::vector<std::string>{"qa", "e2e"}); // the example; the default is none
    // The [qa.paths] example (its key has a digit, so the loop above left it commented).
    const std::string example = "# e2e = [\"web/**\", \"ui/**\"]";
    REQUIRE(uncommented.find(example) != std::string::npos);
    std::string with_paths = uncommented;
    with_paths.replace(with_paths.find(example), 2, "");
    CHECK(parse(with_paths, "uncommented").qa_check_paths.at("e2e") ==
          std::vector<std::string>{"web/**", "ui/**"});
    // base_branch's default is detection ("main, else master, else ..."); the file shows its first
    // choice.
    REQUIRE(c.base_branch);
    CHECK(*c.base_branch == "main");
    CHECK_THAT(text, Contains("Default: main, else master"));
}

TEST_CASE("load reads a file and defaults when it is missing", "[config]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("porch-unit-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path file = dir / ".porch.toml";

    check_defaults(porch::config::load((dir / "missing.toml").string()));

    std::ofstream(file) << "stall_after = \"3h\"\n";
    CHECK(porch::config::load(file.string()).stall_after_seconds == 3 * 3600);

    std::ofstream(file) << "\nbogus = 1\n";
    try {
        porch::config::load(file.string());
        FAIL("loaded");
    } catch (const porch::Error& e) {
        CHECK(std::string(e.what()) == ".porch.toml:2:1: unknown key 'bogus'");
    }
    fs::remove_all(dir);
}

TEST_CASE("[integrate] verify is a string; other keys are unknown", "[config]") {
    CHECK(parse("[integrate]\nverify = \"make test\"\n", "cfg.toml").integrate_verify ==
          "make test");
    CHECK(parse("", "cfg.toml").integrate_verify.empty());
    CHECK(error_of("[integrate]\nverfy = \"x\"\n") ==
          "cfg.toml:2:1: unknown key 'integrate.verfy'");
    CHECK_THAT(error_of("[integrate]\nverify = 3\n"), Contains("cfg.toml:2:10: "));
    CHECK_THAT(error_of("integrate = 1\n"), Contains("'integrate' must be a table"));
}

TEST_CASE("[protocol] complete_with_uncommitted is refuse or warn", "[config]") {
    using porch::config::LeftOut;
    CHECK(parse("", "cfg.toml").complete_with_uncommitted == LeftOut::refuse);
    CHECK(parse("[protocol]\ncomplete_with_uncommitted = \"warn\"\n", "cfg.toml")
              .complete_with_uncommitted == LeftOut::warn);
    CHECK(parse("[protocol]\ncomplete_with_uncommitted = \"refuse\"\n", "cfg.toml")
              .complete_with_uncommitted == LeftOut::refuse);
    CHECK(error_of("[protocol]\ncomplete_with_uncommitted = \"maybe\"\n") ==
          "cfg.toml:2:29: 'protocol.complete_with_uncommitted' must be \"refuse\" or \"warn\", "
          "not 'maybe'");
    CHECK_THAT(error_of("[protocol]\ncomplete_with_uncommitted = true\n"),
               Contains("must be a string, not a boolean"));
    CHECK_THAT(error_of("[protocol]\nstrict = true\n"), Contains("unknown key 'protocol.strict'"));
    CHECK_THAT(error_of("protocol = 1\n"), Contains("'protocol' must be a table"));
}

TEST_CASE("[parallelization] and [qa] settings, typed and bounded", "[config]") {
    Config c = parse("[parallelization]\nenabled = false\nmin_tasks = 2\nmax_agents = 8\n"
                     "auto_cleanup = true\nretry_on_failure = 0\n[qa]\nrequired = true\n",
                     "cfg.toml");
    CHECK(!c.parallel_enabled);
    CHECK(c.min_tasks == 2);
    CHECK(c.max_agents == 8);
    CHECK(c.auto_cleanup);
    CHECK(c.retry_on_failure == 0);
    CHECK(c.qa_required);
    CHECK(error_of("[parallelization]\nmax_agents = 0\n") ==
          "cfg.toml:2:14: 'parallelization.max_agents' must be from 1 to 1000, not 0");
    CHECK_THAT(error_of("[parallelization]\nenabled = \"yes\"\n"),
               Contains("'parallelization.enabled' must be a boolean, not a string"));
    CHECK_THAT(error_of("[qa]\nrequire = true\n"), Contains("unknown key 'qa.require'"));
}

TEST_CASE("[qa] checks and [qa.paths]: named checks, some only for some paths", "[config][qa]") {
    Config none = parse("", "cfg.toml");
    CHECK(none.qa_checks.empty());
    CHECK(none.qa_check_paths.empty());
    CHECK(porch::config::required_checks(none).empty());
    CHECK(porch::config::known_checks(none) == std::vector<std::string>{"qa"});

    Config c =
        parse("[qa]\nchecks = [\"qa\", \"e2e\"]\n[qa.paths]\ne2e = [\"web/**\", \"./ui/\"]\n",
              "cfg.toml");
    CHECK(c.qa_checks == std::vector<std::string>{"qa", "e2e"});
    REQUIRE(c.qa_check_paths.count("e2e"));
    CHECK(c.qa_check_paths.at("e2e") == std::vector<std::string>{"web/**", "ui/"});
    CHECK(porch::config::required_checks(c) == std::vector<std::string>{"qa", "e2e"});

    // required = true is "qa" in checks, first; said twice it is still one check.
    Config r = parse("[qa]\nchecks = [\"e2e\"]\nrequired = true\n", "cfg.toml");
    CHECK(porch::config::required_checks(r) == std::vector<std::string>{"qa", "e2e"});
    Config both = parse("[qa]\nrequired = true\nchecks = [\"e2e\", \"qa\"]\n", "cfg.toml");
    CHECK(porch::config::required_checks(both) == std::vector<std::string>{"e2e", "qa"});
    // Only e2e: QA's own verdict can still be given, but is not required.
    Config e2e = parse("[qa]\nchecks = [\"e2e\"]\n", "cfg.toml");
    CHECK(porch::config::required_checks(e2e) == std::vector<std::string>{"e2e"});
    CHECK(porch::config::known_checks(e2e) == std::vector<std::string>{"qa", "e2e"});

    CHECK(error_of("[qa]\nchecks = \"e2e\"\n") ==
          "cfg.toml:2:10: 'qa.checks' must be an array of check names, not a string");
    CHECK(error_of("[qa]\nchecks = [1]\n") ==
          "cfg.toml:2:11: 'qa.checks' must be an array of check names: an integer is not one");
    CHECK(error_of("[qa]\nchecks = [\"E2E\"]\n") ==
          "cfg.toml:2:11: 'qa.checks': 'E2E' is not a check name (a lowercase letter, then "
          "lowercase letters, digits and '-')");
    CHECK_THAT(error_of("[qa]\nchecks = [\"\"]\n"), Contains("is not a check name"));
    CHECK_THAT(error_of("[qa]\nchecks = [\"a-very-long-check-name-beyond-32-chars\"]\n"),
               Contains("is not a check name"));
    CHECK(error_of("[qa]\nchecks = [\"e2e\", \"e2e\"]\n") ==
          "cfg.toml:2:18: 'qa.checks' names e2e twice");
    CHECK(error_of("[qa]\nchecks = [\"qa\"]\n[qa.paths]\ne2e = [\"web\"]\n") ==
          "cfg.toml:4:1: 'qa.paths.e2e': e2e is not in qa.checks (add it there, or remove this "
          "line)");
    CHECK(error_of("[qa]\nchecks = [\"e2e\"]\n[qa.paths]\ne2e = []\n") ==
          "cfg.toml:4:7: 'qa.paths.e2e' names no path: remove it to require e2e of every task");
    CHECK(error_of("[qa]\nchecks = [\"e2e\"]\n[qa.paths]\ne2e = \"web\"\n") ==
          "cfg.toml:4:7: 'qa.paths.e2e' must be an array of paths, not a string");
    CHECK_THAT(error_of("[qa]\nchecks = [\"e2e\"]\n[qa.paths]\ne2e = [\"../web\"]\n"),
               StartsWith("cfg.toml:4:8: 'qa.paths.e2e': scope '../web' must be a relative path"));
    CHECK(error_of("[qa]\npaths = 1\n") == "cfg.toml:2:9: 'qa.paths' must be a table");
}

TEST_CASE("non-ASCII text reaches toml++ shielded and comes back intact", "[config]") {
    // toml++ 3.3 reached __builtin_unreachable on these: found by fuzz_config (now corpus
    // regression inputs); they must be plain errors.
    CHECK_THAT(error_of("st\xef\xbb\x92"
                        "bae\x04_worktr"),
               StartsWith("cfg.toml:1:"));
    CHECK_THAT(error_of("base_branch = \"main\"\nnaming = { bami\xcc\xb3j = 1 }\n"),
               StartsWith("cfg.toml:2:"));
    CHECK_THAT(error_of("id =4\'\'\'\xd0\xbf\xd0\xbf\'\x05["), StartsWith("cfg.toml:1:"));
    // Strings keep every character, including ones next to the shield's range.
    CHECK(parse("# caf\xc3\xa9 \xef\xbb\x92\nbase_branch = \"caf\xc3\xa9\"\n", "cfg.toml")
              .base_branch == "caf\xc3\xa9");
    CHECK(parse("[integrate]\nverify = \"\xc2\xa0\xef\xbb\xbf\xef\xbf\xbd \xf0\x9f\x98\x80\"\n",
                "cfg.toml")
              .integrate_verify == "\xc2\xa0\xef\xbb\xbf\xef\xbf\xbd \xf0\x9f\x98\x80");
    // An unknown key is quoted as written.
    CHECK_THAT(error_of("caf\xc3\xa9 = 1\n"), Contains("cfg.toml:1:"));
    // Plane-15 private-use characters cannot pass the shield.
    CHECK(error_of("# \xf3\xb0\x80\x80\n") == "cfg.toml:1:3: a private-use character (plane 15)");
    // ASCII passes as it is; one non-ASCII character anywhere and the whole text is shielded.
    CHECK(porch::config::toml_shield("a = \"b\"\n# c\n", "cfg.toml", "f") == "a = \"b\"\n# c\n");
    CHECK(porch::config::toml_shield("a = 1 # \xc2\xa0\n", "cfg.toml", "f") ==
          "a = 1 # \xf3\xb0\x82\xa0\n");
}

TEST_CASE("comment lines read as before: positions, strings and bad comments", "[config]") {
    // Errors after comment lines keep their line and column.
    CHECK(error_of("# a\n  # b\n\nstall_after = true # c\n") ==
          "cfg.toml:4:15: 'stall_after' must be a duration such as \"2h\" or \"90m\", not a "
          "boolean");
    // In a multi-line string, a line that starts with '#' is text.
    CHECK(parse("# one\n[integrate]\nverify = \"\"\"\n# not a comment\nmake\"\"\"\n", "cfg.toml")
              .integrate_verify == "# not a comment\nmake");
    CHECK(parse("[integrate]\nverify = '''\n  # kept\n'''\n", "cfg.toml").integrate_verify ==
          "  # kept\n");
    // In an array over several lines, a comment line is still a comment.
    CHECK(parse("[worktree]\ncopy = [\n  # .env\n  \".envrc\",\n]\n", "cfg.toml").worktree_copy ==
          std::vector<std::string>{".envrc"});
    // A comment toml++ refuses (a control character) is still refused, where it is.
    CHECK_THAT(error_of("# fine\n# \x01 not\nbase_branch = \"main\"\n"), StartsWith("cfg.toml:2:"));
    // The file init writes reads as the defaults.
    check_defaults(parse(porch::config::default_file_text(), "cfg.toml"));
}

TEST_CASE("[worktree] copy, clone, setup and setup_timeout are read", "[config]") {
    const auto c = parse("[worktree]\ncopy = [\".env\", \"config/*.local\"]\n"
                         "clone = [\"node_modules\", \".venv/\"]\n"
                         "setup = [\"npm ci\", \"make deps\"]\nsetup_timeout = 30\n",
                         "cfg.toml");
    CHECK(c.worktree_copy == std::vector<std::string>{".env", "config/*.local"});
    CHECK(c.worktree_clone == std::vector<std::string>{"node_modules", ".venv/"});
    CHECK(c.worktree_setup == std::vector<std::string>{"npm ci", "make deps"});
    CHECK(c.setup_timeout_seconds == 30);
    const auto d = parse("", "cfg.toml");
    CHECK(d.worktree_copy.empty());
    CHECK(d.worktree_clone.empty());
    CHECK(d.worktree_setup.empty());
    CHECK(d.setup_timeout_seconds == 600);
}

TEST_CASE("[worktree] paths outside the repository are refused, naming the entry", "[config]") {
    CHECK(error_of("[worktree]\ncopy = [\"/etc/passwd\"]\n") ==
          "cfg.toml:2:9: 'worktree.copy': '/etc/passwd' names a path outside the repository "
          "(give one relative to the main worktree, without '..')");
    CHECK_THAT(error_of("[worktree]\nclone = [\"a/../../x\"]\n"),
               Contains("'worktree.clone': 'a/../../x' names a path outside"));
    CHECK_THAT(error_of("[worktree]\ncopy = [\"..\"]\n"), Contains("outside the repository"));
    CHECK_THAT(error_of("[worktree]\ncopy = [\"~/.ssh/id_rsa\"]\n"),
               Contains("outside the repository"));
    CHECK_THAT(error_of("[worktree]\nclone = [\"\"]\n"), Contains("outside the repository"));
}

TEST_CASE("[worktree] values are typed and bounded", "[config]") {
    CHECK(error_of("worktree = 1\n") == "cfg.toml:1:12: 'worktree' must be a table");
    CHECK_THAT(error_of("[worktree]\ncopy = \".env\"\n"),
               Contains("'worktree.copy' must be an array of globs, not a string"));
    CHECK_THAT(error_of("[worktree]\nclone = [1]\n"),
               Contains("'worktree.clone' must be an array of folders"));
    CHECK_THAT(error_of("[worktree]\nsetup = [\"  \"]\n"),
               Contains("'worktree.setup': a command must be 1 to 1024 bytes"));
    CHECK_THAT(error_of("[worktree]\nsetup = [\"" + std::string(1025, 'x') + "\"]\n"),
               Contains("a command must be 1 to 1024 bytes"));
    CHECK_THAT(error_of("[worktree]\nsetup_timeout = 0\n"),
               Contains("'worktree.setup_timeout' must be from 1 to 86400, not 0"));
    CHECK_THAT(error_of("[worktree]\nsetup_timeout = \"10m\"\n"), Contains("must be an integer"));
    std::string many = "[worktree]\ncopy = [";
    for (int i = 0; i < 65; ++i)
        many += "\"f" + std::to_string(i) + "\",";
    CHECK_THAT(error_of(many + "]\n"), Contains("'worktree.copy' has 65 entries; at most 64"));
    CHECK_THAT(error_of("[worktree]\nlink = []\n"), Contains("unknown key 'worktree.link'"));
}

TEST_CASE("[status] behind_alert: a count of commits, 0 for never", "[config]") {
    CHECK(Config{}.behind_alert == 50);
    CHECK(parse("[status]\nbehind_alert = 5\n", "t").behind_alert == 5);
    CHECK(parse("[status]\nbehind_alert = 0\n", "t").behind_alert == 0);
    CHECK_THROWS_WITH(parse("[status]\nbehind_alert = -1\n", "t"),
                      Catch::Contains("status.behind_alert"));
    CHECK_THROWS_WITH(parse("[status]\nbehind_alert = \"x\"\n", "t"),
                      Catch::Contains("status.behind_alert"));
    CHECK_THROWS_WITH(parse("[status]\nbehind = 5\n", "t"), Catch::Contains("status.behind"));
    CHECK_THROWS_WITH(parse("status = 5\n", "t"), Catch::Contains("'status' must be a table"));
}
