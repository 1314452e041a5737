// .porch/plan.toml and git porch plan: plan::parse/to_toml, import's extraction patterns, and
// check's scopes, cycles, waves and execution mode.
#include "model/config.hpp"
#include "model/plan.hpp"
#include "ops/plan/check.hpp"
#include "ops/plan/import.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <tuple>
#include <vector>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace porch::plan;

namespace {

std::string error_of(const std::string& text) {
    INFO("toml: " << text);
    try {
        parse(text, "plan.toml");
    } catch (const porch::Error& e) {
        CHECK(e.kind() == porch::ErrorKind::fatal);
        return e.what();
    }
    FAIL("no error");
    return {};
}

Task task(std::string id, std::vector<std::string> scope, std::vector<std::string> needs = {}) {
    Task t;
    t.id = std::move(id);
    t.desc = "task-" + t.id;
    t.scope = std::move(scope);
    t.needs = std::move(needs);
    return t;
}

const Item& item(const Manifest& m, int number) {
    for (const auto& i : m.items)
        if (i.number == number)
            return i;
    FAIL("no item " << number);
    return m.items.front();
}

Manifest import_plain(const std::string& text) {
    return import_documents({{"doc.md", text}});
}

} // namespace

TEST_CASE("plan: parse reads every key", "[plan]") {
    auto p = parse(R"([[task]]
id = "1"
desc = "api-endpoints"
description = "Add the endpoints"
scope = ["src/api/", "src/*.ts"]
needs = []
size = "M"
priority = "P0"
checkpoints = ["routes", "handlers"]
verify = ["make test"]
produces = ["UserRoutes", "Order API"]

[[task]]
id = "task-2"
desc = "ui"
needs = ["1"]
)",
                   "plan.toml");
    REQUIRE(p.tasks.size() == 2);
    CHECK(p.tasks[0].scope == std::vector<std::string>{"src/api/", "src/*.ts"});
    CHECK(p.tasks[0].checkpoints.size() == 2);
    CHECK(p.tasks[0].verify == std::vector<std::string>{"make test"});
    CHECK(p.tasks[0].produces == std::vector<std::string>{"UserRoutes", "Order API"});
    CHECK(p.tasks[1].produces.empty());
    CHECK(p.tasks[1].id == "2"); // task-2 means id 2
    CHECK(p.tasks[1].needs == std::vector<std::string>{"1"});
    REQUIRE(find(p, "task-2") != nullptr);
    CHECK(find(p, "2")->desc == "ui");
    CHECK(find(p, "3") == nullptr);
    CHECK(parse("", "plan.toml").tasks.empty());
}

TEST_CASE("plan: errors carry line and column", "[plan]") {
    CHECK(error_of("[[task]]\nid = \"1\"\ndesc = \"a\"\nowner = \"me\"\n") ==
          "plan.toml:4:1: unknown key 'task.owner'");
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"a\"\nscope = \"src\"\n"),
               StartsWith("plan.toml:4:9: 'scope' must be an array of strings"));
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"a\"\nsize = \"XXL\"\n"),
               StartsWith("plan.toml:4:8: 'size' must be S, M, L or XL"));
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"Bad Desc\"\n"),
               StartsWith("plan.toml:3:8: invalid description"));
    CHECK_THAT(error_of("[[task]]\nid = \"a b\"\ndesc = \"x\"\n"), StartsWith("plan.toml:2:6:"));
    CHECK_THAT(error_of("[[task]]\ndesc = \"x\"\n"), Contains("has no 'id'"));
    CHECK_THAT(error_of("[task]\nid = \"1\"\n"), Contains("write [[task]], not [task]"));
    CHECK_THAT(error_of("tasks = 1\n"), StartsWith("plan.toml:1:1: unknown key 'tasks'"));
    CHECK_THAT(error_of("[[task]\n"), StartsWith("plan.toml:1:"));
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"x\"\nneeds = [\"task-\"]\n"),
               Contains("not a task id"));
    // An item ends at ]: one with a ] or a line break could never be asked for.
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"x\"\nproduces = [\"a]b\"]\n"),
               StartsWith("plan.toml:4:12: 'produces' holds 'a]b'"));
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"x\"\nproduces = [\" \"]\n"),
               Contains("not empty"));
}

TEST_CASE("plan: to_toml round-trips", "[plan]") {
    Plan p;
    Task t = task("7", {"src/a \"quoted\".c", "docs/"}, {"3"});
    t.description = "Line one\nline two\twith \\ and \x01";
    t.size = "XL";
    t.priority = "high";
    t.verify = {"make test"};
    t.produces = {"UserModel", "the \"order\" API"};
    p.tasks = {task("3", {}), t};
    auto back = parse(to_toml(p), "x");
    REQUIRE(back.tasks.size() == 2);
    CHECK(back.tasks[1].description == t.description);
    CHECK(back.tasks[1].scope == t.scope);
    CHECK(back.tasks[1].needs == t.needs);
    CHECK(back.tasks[1].size == "XL");
    CHECK(back.tasks[1].verify == t.verify);
    CHECK(back.tasks[1].produces == t.produces);
    CHECK(to_toml(back) == to_toml(p));
}

TEST_CASE("plan: items and the mode round-trip", "[plan]") {
    Plan p;
    p.mode = PlanMode::sequential;
    Task t = task("1", {"src/"});
    PlanItem a{3, "Fix \"this\"\n- and that", "review.md:7", {"src/a.c"}, "S", {}, "P0"};
    PlanItem b{5, "Add tests", "", {"src/b.c", "tests/"}, "", {3, 9}, ""};
    t.items = {a, b};
    p.tasks = {t, task("2", {"docs/"}, {"1"})};
    const auto text = to_toml(p);
    CHECK_THAT(text,
               Contains("mode = \"sequential\"\n") && Contains("[[task.item]]\nnumber = 3\n"));
    auto back = parse(text, "x");
    CHECK(back.mode == PlanMode::sequential);
    REQUIRE(back.tasks.size() == 2);
    REQUIRE(back.tasks[0].items.size() == 2);
    const auto& b2 = back.tasks[0].items[1];
    CHECK(back.tasks[0].items[0].text == a.text);
    CHECK(back.tasks[0].items[0].priority == "P0");
    CHECK(std::tie(b2.number, b2.source, b2.scope, b2.size, b2.needs) ==
          std::tie(b.number, b.source, b.scope, b.size, b.needs));
    CHECK(back.tasks[1].items.empty());
    CHECK(to_toml(back) == text);
    CHECK(parse("mode = \"auto\"\n", "x").mode == PlanMode::automatic);
}

TEST_CASE("plan: item errors", "[plan]") {
    const std::string head = "[[task]]\nid = \"1\"\ndesc = \"a\"\n[[task.item]]\n";
    CHECK(error_of(head + "number = 1\ntext = \"x\"\nowner = 2\n") ==
          "plan.toml:7:1: unknown key 'task.item.owner'");
    CHECK_THAT(error_of(head + "text = \"x\"\n"), Contains("a [[task.item]] has no 'number'"));
    CHECK_THAT(error_of(head + "number = 1\n"), Contains("item 1 has no 'text'"));
    CHECK_THAT(error_of(head + "number = 0\ntext = \"x\"\n"),
               StartsWith("plan.toml:5:10: 'number' must be from 1 to 100000, not 0"));
    CHECK_THAT(error_of(head + "number = 1\ntext = \"x\"\nneeds = [\"2\"]\n"),
               Contains("'needs' must be an integer, not a string"));
    CHECK_THAT(error_of(head + "number = 1\ntext = \"x\"\nsize = \"XXL\"\n"),
               Contains("'size' must be S, M, L or XL"));
    CHECK_THAT(error_of(head + "number = 1\ntext = \"x\"\n[[task]]\nid = \"2\"\ndesc = \"b\"\n"
                               "[[task.item]]\nnumber = 1\ntext = \"y\"\n"),
               StartsWith("plan.toml:10:") && Contains("item 1 is in the plan twice"));
    CHECK_THAT(error_of("[[task]]\nid = \"1\"\ndesc = \"a\"\nitem = 3\n"),
               Contains("write [[task.item]]"));
    CHECK_THAT(error_of("mode = \"fast\"\n"),
               StartsWith("plan.toml:1:8: 'mode' must be \"sequential\" or \"auto\""));
}

TEST_CASE("plan import: task lists, checked items, priority and scope", "[plan][import]") {
    auto m = import_plain("- [ ] Fix null check in `src/user.py` **HIGH**\n"
                          "- [x] Done already in `a.c`\n"
                          "- [ ] Add tests for `tests/t.py` (P1)\n");
    REQUIRE(m.items.size() == 2);
    CHECK(item(m, 1).action == "fix");
    CHECK(item(m, 1).kind == "task");
    CHECK(item(m, 1).priority == "high");
    CHECK(item(m, 1).scope == std::vector<std::string>{"src/user.py"});
    CHECK(item(m, 1).desc == "fix-null-check");
    CHECK(item(m, 1).size == "S");
    CHECK(item(m, 1).description == "Fix null check in src/user.py");
    CHECK(item(m, 2).priority == "P1");
    CHECK(item(m, 2).description == "Add tests for tests/t.py");
    CHECK_THAT(m.assumptions.front(), Contains("Skipped 1 completed item"));
    REQUIRE(m.plan.tasks.size() == 1); // two items: one worker does both
    CHECK(m.plan.tasks[0].items.size() == 2);
}

TEST_CASE("plan import: numbered lists, headings, nested bullets", "[plan][import]") {
    auto m = import_plain("# Release\n\nIntro text that is not an item.\n\n"
                          "1. Create the schema in `db/schema.sql`\n"
                          "2. Update models in `src/models/`\n"
                          "   - including `src/models/extra.py`\n"
                          "## Auth\n"
                          "* Refactor login in `src/auth/` and `src/session.py`\n");
    REQUIRE(m.items.size() == 3); // the paragraph is no item when the document has lists
    CHECK(item(m, 1).kind == "numbered");
    CHECK(item(m, 1).heading == "Release");
    CHECK(item(m, 2).scope == std::vector<std::string>{"src/models/", "src/models/extra.py"});
    CHECK_THAT(item(m, 2).description, Contains("\n- including src/models/extra.py"));
    CHECK(item(m, 3).kind == "bullet");
    CHECK(item(m, 3).heading == "Auth");
    CHECK(item(m, 3).size == "XL"); // a cross-file refactoring
    CHECK_THAT(m.assumptions.back(), Contains("Items 1-2: a numbered list"));
}

TEST_CASE("plan import: paragraphs are the fallback", "[plan][import]") {
    auto m =
        import_plain("Migrate the exports in `src/export.py`.\n\nFix a typo in `README.md`.\n");
    REQUIRE(m.items.size() == 2);
    CHECK(item(m, 1).kind == "paragraph");
    CHECK(item(m, 2).size == "S");
    CHECK_THAT(m.assumptions.front(), Contains("has no lists"));
}

TEST_CASE("plan import: dependency phrases resolve to items", "[plan][import]") {
    auto m = import_plain("- Create the database schema in `db/schema.sql`\n"
                          "- Update models in `src/models/` after the database schema\n"
                          "- Write docs in `docs/`, requires `src/models/` done\n"
                          "- Add caching in `src/cache.py`, depends on item 1; blocked by #2\n"
                          "- Add metrics in `src/metrics.py`, blocked by the security review\n");
    CHECK(item(m, 2).needs == std::vector<std::string>{"1"});
    CHECK(item(m, 3).needs == std::vector<std::string>{"2"});
    CHECK(item(m, 3).scope == std::vector<std::string>{"docs/"}); // not the needed item's path
    CHECK(item(m, 4).needs == std::vector<std::string>{"1", "2"});
    CHECK(item(m, 5).needs.empty());
    CHECK_THAT(m.assumptions.at(0), Contains("Item 5: \"blocked by the security review\""));
    CHECK(m.assumptions.at(1) == "Items 1-4: grouped together (they depend on each other)");
    REQUIRE(m.plan.tasks.size() == 1);
    CHECK(m.plan.tasks[0].items.at(3).needs == std::vector<int>{1, 2});
}

TEST_CASE("plan import: vague items need clarification", "[plan][import]") {
    auto m = import_plain("- Improve performance\n- Add missing tests\n- Something\n"
                          "- Fix `a.c`, after the performance\n");
    CHECK_THAT(item(m, 1).issues.at(0), Contains("Vague action \"improve\""));
    CHECK(item(m, 2).ready()); // no scope, but clear work
    CHECK_THAT(item(m, 3).issues.at(0), Contains("No action verb"));
    CHECK(item(m, 4).needs == std::vector<std::string>{"1"});
    REQUIRE(m.plan.tasks.size() == 1); // two ready items: one worker
    REQUIRE(m.plan.tasks[0].items.size() == 2);
    CHECK(m.plan.tasks[0].items[1].number == 4); // items keep their numbers
    CHECK(m.plan.tasks[0].items[1].needs.empty());
    CHECK_THAT(manifest_markdown(m), Contains("### Needs Clarification (2 items)"));
    CHECK_THAT(manifest_markdown(m), Contains("dependency on item 1 is dropped"));
}

TEST_CASE("plan import: sizes follow the seed's signals", "[plan][import]") {
    auto m =
        import_plain("- Fix typo in `a.md`\n- Update the parser in `p.c`\n"
                     "- Add comprehensive checks in `c.c`\n- Add export in `a.c`, `b.c`, `c.c`\n"
                     "- Refactor the entire storage layer in `s/` and `t/`\n");
    CHECK(item(m, 1).size == "S");
    CHECK(item(m, 2).size == "M");
    CHECK(item(m, 3).size == "L");
    CHECK(item(m, 4).size == "L");
    CHECK(item(m, 5).size == "XL");
}

TEST_CASE("plan: slugs", "[plan][import]") {
    CHECK(slug("Fix the null check in user validation") == "fix-null-check-user");
    CHECK(slug("Ünïcode!!") == "n-code");
    CHECK(slug("!!!") == "");
}

TEST_CASE("plan check: scopes overlap", "[plan][check]") {
    CHECK(scopes_overlap("src/a.c", "src/a.c"));
    CHECK(scopes_overlap("src/", "src/a.c"));
    CHECK(scopes_overlap("./src", "src/api/x.c"));
    CHECK_FALSE(scopes_overlap("src/api", "src/apix"));
    CHECK(scopes_overlap(".", "anything"));
    CHECK(scopes_overlap("src/*.c", "src/a.c"));
    CHECK_FALSE(scopes_overlap("src/*.css", "src/main.ts"));
    CHECK(scopes_overlap("src/*.css", "src"));
    CHECK(scopes_overlap("src/**/*.ts", "src/api"));
    CHECK_FALSE(scopes_overlap("src/*.css", "src/*.ts"));
    CHECK(scopes_overlap("src/*", "src/*.ts"));
    CHECK_FALSE(scopes_overlap("docs/*.md", "src/*.md"));
}

TEST_CASE("plan check: overlapping scopes name both tasks", "[plan][check]") {
    Plan p;
    p.tasks = {task("1", {"src/a.c"}), task("2", {"src/a.c"}), task("3", {"lib/"}),
               task("4", {"lib/x/*.h"})};
    auto r = check(p, {});
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0] == "task-1 (task-1) and task-2 (task-2) both own the file 'src/a.c': merge "
                         "the two tasks, or give the file to one of them");
    CHECK_THAT(r.errors[1], Contains("task-3") && Contains("task-4") && Contains("overlap"));
    CHECK(r.overlaps.size() == 2);
    CHECK(r.overlaps[0].same_file);
    CHECK_FALSE(r.overlaps[1].same_file);
    CHECK_FALSE(r.parallel);
    CHECK_FALSE(r.ok());
}

TEST_CASE("plan check: ids, needs and cycles", "[plan][check]") {
    Plan p;
    p.tasks = {task("1", {"a"}, {"3"}), task("2", {"b"}, {"1"}), task("3", {"c"}, {"2"})};
    auto r = check(p, {});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0] == "dependency cycle: task-1 -> task-2 -> task-3 -> task-1");
    CHECK(r.cycle.size() == 4);
    CHECK(r.waves.empty());

    p.tasks = {task("1", {"a"}, {"1"})};
    CHECK_THAT(check(p, {}).errors.at(0), Contains("cycle: task-1 -> task-1"));
    p.tasks = {task("1", {"a"}, {"9"}), task("1", {"b"})};
    auto dup = check(p, {});
    CHECK_THAT(dup.errors.at(0), Contains("id 1 is used by two tasks"));
    CHECK_THAT(dup.errors.at(1), Contains("needs task-9, which the plan does not have"));
    p.tasks = {task("1", {"/etc"})};
    CHECK_THAT(check(p, {}).errors.at(0), Contains("relative path inside the repository"));
    p.tasks = {task("1", {})};
    CHECK_THAT(check(p, {}).warnings.at(0), Contains("has no scope"));
}

TEST_CASE("plan check: waves by level, split at max_agents", "[plan][check]") {
    Plan p;
    for (int i = 1; i <= 7; ++i)
        p.tasks.push_back(task(std::to_string(i), {"d" + std::to_string(i)}));
    p.tasks.push_back(task("8", {"d8"}, {"1", "2"}));
    p.tasks.push_back(task("9", {"d9"}, {"8"}));
    porch::config::Config cfg;
    cfg.max_agents = 3;
    auto r = check(p, cfg);
    REQUIRE(r.ok());
    REQUIRE(r.waves.size() == 5);
    CHECK(r.waves[0].ids == std::vector<std::string>{"1", "2", "3"});
    CHECK(r.waves[1].ids == std::vector<std::string>{"4", "5", "6"});
    CHECK(r.waves[2].ids == std::vector<std::string>{"7"});
    CHECK(r.waves[2].level == 0);
    CHECK(r.waves[3].ids == std::vector<std::string>{"8"});
    CHECK(r.waves[4].level == 2);
    CHECK(r.widest == 7);
    CHECK(r.parallel);
    CHECK(r.order.back() == "9");
}

TEST_CASE("plan check: the execution mode", "[plan][check]") {
    porch::config::Config cfg;
    Plan p;
    p.tasks = {task("1", {"a"}), task("2", {"b"}), task("3", {"c"})};
    CHECK(check(p, cfg).parallel);

    cfg.parallel_enabled = false;
    auto off = check(p, cfg);
    CHECK_FALSE(off.parallel);
    CHECK(off.reasons == std::vector<std::string>{
                             "parallelization is disabled ([parallelization] enabled = false)"});
    cfg.parallel_enabled = true;

    cfg.min_tasks = 4;
    CHECK(check(p, cfg).reasons ==
          std::vector<std::string>{"only 3 independent tasks, fewer than min_tasks (4)"});
    cfg.min_tasks = 1;

    p.tasks = {task("1", {"a"}), task("2", {"b"}, {"1"}), task("3", {"c"}, {"2"})};
    auto chain = check(p, cfg);
    CHECK(chain.reasons == std::vector<std::string>{"the tasks form a linear chain"});
    CHECK(chain.order == std::vector<std::string>{"1", "2", "3"});

    p.tasks = {task("1", {"f.c"}), task("2", {"f.c"})};
    auto one = check(p, cfg);
    CHECK(one.reasons == std::vector<std::string>{"every task changes the same file, f.c"});
    CHECK_FALSE(one.ok());

    CHECK(check(Plan{}, cfg).reasons == std::vector<std::string>{"the plan has no tasks"});

    p.tasks = {task("1", {"a"}), task("2", {"b"}), task("3", {"c"})};
    p.mode = PlanMode::sequential;
    auto forced = check(p, cfg);
    CHECK_FALSE(forced.parallel);
    CHECK(forced.reasons == std::vector<std::string>{"the plan says mode = \"sequential\""});
    CHECK(forced.waves.size() == 3);
}

TEST_CASE("plan check: the sequential mode runs one task a wave, in the order", "[plan][check]") {
    porch::config::Config cfg;
    cfg.min_tasks = 4;
    Plan p;
    p.tasks = {task("1", {"a"}), task("2", {"b"}), task("3", {"c"}, {"1"})};
    auto r = check(p, cfg);
    REQUIRE_FALSE(r.parallel);
    REQUIRE(r.waves.size() == 3);
    CHECK(r.waves[0].ids == std::vector<std::string>{"1"});
    CHECK(r.waves[1].ids == std::vector<std::string>{"2"});
    CHECK(r.waves[2].ids == std::vector<std::string>{"3"});
    CHECK(r.waves[2].number == 3);
    CHECK(r.waves[2].level == 1);
    cfg.min_tasks = 1;
    auto parallel = check(p, cfg);
    REQUIRE(parallel.parallel);
    CHECK(parallel.waves.size() == 2);
}
