// git porch plan import's grouping (Steps 5-7) and the plan edits that answer "Proceed?": which
// items share a worker, when the plan is sequential, balance, and merge, move and split.
#include "model/config.hpp"
#include "model/plan.hpp"
#include "ops/plan/edit.hpp"
#include "ops/plan/group.hpp"
#include "ops/plan/import.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace porch::plan;

namespace {

Item item(int number, std::vector<std::string> scope, std::string size = "L",
          std::vector<std::string> needs = {}) {
    Item i;
    i.number = number;
    i.scope = std::move(scope);
    i.size = std::move(size);
    i.needs = std::move(needs);
    i.action = "fix";
    i.description = "Fix thing " + std::to_string(number);
    i.desc = "fix-thing-" + std::to_string(number);
    return i;
}

// The worker that holds item `n`.
const Worker& worker_of(const Grouping& g, int n) {
    for (const auto& w : g.workers)
        for (int i : w.items)
            if (i == n)
                return w;
    FAIL("no worker holds item " << n);
    return g.workers.front();
}

std::vector<int> all_items(const Grouping& g) {
    std::vector<int> out;
    for (const auto& w : g.workers)
        out.insert(out.end(), w.items.begin(), w.items.end());
    std::sort(out.begin(), out.end());
    return out;
}

porch::config::Config config(std::int64_t max_agents = 5, std::int64_t min_tasks = 3) {
    porch::config::Config c;
    c.max_agents = max_agents;
    c.min_tasks = min_tasks;
    return c;
}

std::string error_of(const std::function<void()>& edit) {
    try {
        edit();
    } catch (const porch::Error& e) {
        CHECK(e.kind() == porch::ErrorKind::fatal);
        return std::string(e.what()) + "\nhint: " + e.hint();
    }
    FAIL("no error");
    return {};
}

} // namespace

TEST_CASE("group: items that touch a common file share a worker", "[plan][group]") {
    auto g = group_items({item(1, {"a/x.c"}), item(2, {"b/y.c"}), item(3, {"./a/x.c"}),
                          item(4, {"c/z.c"}), item(5, {"d/"}), item(6, {"d/w.c"})},
                         config());
    REQUIRE(g.parallel);
    CHECK(worker_of(g, 1).items == std::vector<int>{1, 3});
    CHECK(worker_of(g, 5).items == std::vector<int>{5, 6}); // a folder and a file in it
    CHECK(all_items(g) == std::vector<int>{1, 2, 3, 4, 5, 6});
    CHECK_THAT(g.assumptions.at(0), StartsWith("Items 1, 3: grouped together (all modify a/x.c)"));
    CHECK_THAT(g.assumptions.at(1), StartsWith("Items 5-6: grouped together (they share d/w.c)"));
}

TEST_CASE("group: a dependency chain goes to one worker, in order", "[plan][group]") {
    auto g = group_items({item(1, {"a/"}, "L", {"2"}), item(2, {"b/"}), item(3, {"c/"}),
                          item(4, {"d/"}), item(5, {"e/"}, "L", {"9"})},
                         config());
    REQUIRE(g.parallel);
    CHECK(worker_of(g, 1).items == std::vector<int>{2, 1}); // item 1 needs item 2
    CHECK(worker_of(g, 5).items == std::vector<int>{5});    // item 9 is not ready: no link
    CHECK(g.assumptions ==
          std::vector<std::string>{"Items 1-2: grouped together (a dependency chain: 2 \u2192 1)"});
}

TEST_CASE("group: Step 5's reasons for sequential", "[plan][group]") {
    auto reason = [](const std::vector<Item>& items, porch::config::Config c = config()) {
        auto g = group_items(items, c);
        CHECK_FALSE(g.parallel);
        REQUIRE(g.workers.size() == 1);
        CHECK(g.workers[0].items.size() == items.size());
        return g.reason;
    };
    CHECK(reason({item(1, {"f.c"}), item(2, {"f.c", "g.c"}), item(3, {"f.c"})}) ==
          "all items touch the same file, f.c: guaranteed conflicts");
    CHECK_THAT(
        reason({item(1, {"a/"}), item(2, {"b/"}, "L", {"1"}), item(3, {"c/"}, "L", {"2"}),
                item(4, {"d/"}, "L", {"3"})}),
        StartsWith("the items form a linear dependency chain (1 \u2192 2 \u2192 3 \u2192 4)"));
    CHECK(reason({item(1, {"a/"}), item(2, {"b/"})}) ==
          "only 2 items: the overhead of parallel workers exceeds the benefit");
    CHECK(reason({item(1, {"a/"}, "S"), item(2, {"b/"}, "M"), item(3, {"c/"}, "S")}) ==
          "the estimated total work is 1h 15m, under 2 hours: a single session is simpler");
    auto test = [](int n, std::string path) {
        auto i = item(n, {std::move(path)});
        i.action = "add";
        i.description = "Add tests for the parser's case " + std::to_string(n);
        return i;
    };
    CHECK(reason({test(1, "tests/parse/a.py"), test(2, "tests/parse/b.py"),
                  test(3, "tests/parse/c.py")}) ==
          "all items are tests for the same module (tests/parse/): a coherent test suite");
    CHECK(reason({item(1, {"src/"}), item(2, {"src/a.c"}), item(3, {"src/b.c"})}) ==
          "every item shares files or dependencies with another: they cannot be split");
    const std::vector<Item> three = {item(1, {"a/"}), item(2, {"b/"}), item(3, {"c/"})};
    CHECK(reason(three, config(5, 4)) ==
          "only 3 independent groups of items, fewer than min_tasks (4)");
    auto off = config();
    off.parallel_enabled = false;
    CHECK(reason(three, off) == "parallelization is disabled ([parallelization] enabled = false)");
    CHECK(group_items(three, config()).parallel);
}

TEST_CASE("group: sequential keeps the dependency order", "[plan][group]") {
    auto g =
        group_items({item(1, {"f.c"}, "L", {"3"}), item(2, {"f.c"}), item(3, {"f.c"})}, config());
    REQUIRE_FALSE(g.parallel);
    CHECK(g.workers.at(0).items == std::vector<int>{2, 3, 1});
}

TEST_CASE("group: workers are balanced, 2 to 4 of them, within max_agents", "[plan][group]") {
    std::vector<Item> items;
    const char* sizes[] = {"XL", "XL", "L", "L", "M", "M", "S", "S"};
    for (int n = 1; n <= 8; ++n)
        items.push_back(item(n, {"d" + std::to_string(n) + "/"}, sizes[n - 1]));
    auto g = group_items(items, config());
    REQUIRE(g.parallel);
    CHECK(g.reason == "the items touch independent files");
    REQUIRE(g.workers.size() == 4);
    CHECK(all_items(g) == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8});
    for (const auto& w : g.workers)
        CHECK(w.size == "XL"); // 240, 240, 180 and 180 minutes
    CHECK(worker_of(g, 1).items == std::vector<int>{1});
    CHECK(worker_of(g, 3).items == std::vector<int>{3, 5, 7});

    CHECK(group_items(items, config(3)).workers.size() == 3);
    CHECK(group_items(items, config(2, 1)).workers.size() == 2);
    // min_tasks beyond max_agents: more workers than a wave holds (plan check splits the wave)
    CHECK(group_items(items, config(2, 3)).workers.size() == 3);
    // About two hours of work per worker: 4h 30m make 3 workers (min_tasks), not 4.
    std::vector<Item> six;
    for (int n = 1; n <= 6; ++n)
        six.push_back(item(n, {"d" + std::to_string(n) + "/"}, "M"));
    CHECK(group_items(six, config()).workers.size() == 3);
}

TEST_CASE("group: items of one folder or heading stay together", "[plan][group]") {
    std::vector<Item> items = {item(1, {"src/a/x.c"}), item(2, {"docs/p.md"}),
                               item(3, {"src/a/y.c"}), item(4, {"tests/t1.py"}),
                               item(5, {"docs/q.md"}), item(6, {"tests/t2.py"}),
                               item(7, {"README.md"}), item(8, {"NEWS.md"})};
    items[6].heading = items[7].heading = "Release notes";
    auto g = group_items(items, config());
    REQUIRE(g.parallel);
    REQUIRE(g.workers.size() == 4);
    CHECK(worker_of(g, 1).items == std::vector<int>{1, 3});
    CHECK(worker_of(g, 1).focus == "src/a/");
    CHECK(worker_of(g, 2).items == std::vector<int>{2, 5});
    CHECK(worker_of(g, 4).focus == "tests/");
    CHECK(worker_of(g, 7).items == std::vector<int>{7, 8});
    CHECK(worker_of(g, 7).focus == "Release notes");
}

TEST_CASE("group: a folder every item shares does not cluster them", "[plan][group]") {
    // Each known issue's write-up is in docs/issues/ and most fixes are in src/: only src/http/
    // says which belong together.
    std::vector<Item> items;
    const char* fixes[] = {"src/config.py", "",           "src/http/retry.py",
                           "src/cache.py",  "src/log.py", "src/http/session.py"};
    for (int n = 1; n <= 6; ++n) {
        items.push_back(item(n, {"docs/issues/" + std::to_string(n) + ".md"}));
        if (*fixes[n - 1])
            items.back().scope.push_back(fixes[n - 1]);
        items.back().heading = "Open";
    }
    auto g = group_items(items, config());
    REQUIRE(g.workers.size() == 4);
    CHECK(worker_of(g, 3).items == std::vector<int>{3, 6});
    CHECK(worker_of(g, 3).focus == "Open"); // no folder in common: the heading
    CHECK(worker_of(g, 2).items == std::vector<int>{2});
}

TEST_CASE("group: the plan has one task per worker, holding its items", "[plan][group]") {
    std::vector<Item> items = {item(1, {"a/x.c"}, "S"), item(2, {"b/"}, "M", {"1", "7"}),
                               item(3, {"a/y.c"}, "XL")};
    items[0].priority = "low";
    items[2].priority = "P1";
    Grouping g;
    g.parallel = true;
    g.workers = {{{1, 3}, "a/", "a", "XL", {"a/x.c", "a/y.c"}}, {{2}, "b/", "b", "M", {"b/"}}};
    auto p = plan_from(g, items);
    REQUIRE(p.tasks.size() == 2);
    CHECK(p.tasks[0].id == "1");
    CHECK(p.tasks[0].desc == "a");
    CHECK(p.tasks[0].description == "a/");
    CHECK(p.tasks[0].scope == std::vector<std::string>{"a/x.c", "a/y.c"});
    CHECK(p.tasks[0].size == "XL");
    CHECK(p.tasks[0].priority == "P1");
    CHECK(p.tasks[1].needs == std::vector<std::string>{"1"});   // item 2 needs item 1
    CHECK(p.tasks[1].items.at(0).needs == std::vector<int>{1}); // item 7 is in no worker
    CHECK(p.tasks[1].items[0].source == items[1].source);
    CHECK(item_ranges({9, 4, 1, 5, 6, 5}) == "1, 4-6, 9");
}

TEST_CASE("group: the Parallelization Assessment", "[plan][group]") {
    Grouping g;
    g.parallel = true;
    g.reason = "the items touch independent files";
    g.workers = {{{1, 3, 4}, "a/", "a", "L", {}}, {{2}, "Auth | login", "auth", "M", {}}};
    auto md = assessment_markdown(g, {5, 7}, {"review.md", "my notes.md"});
    CHECK_THAT(md, StartsWith("### Parallelization Assessment\n\n**Recommendation:** Parallel "
                              "execution with 2 workers (the items touch independent files)\n"));
    CHECK_THAT(md, Contains("| Worker | Items | Focus | Est. Complexity |\n"));
    CHECK_THAT(md, Contains("| task-1 | 1, 3-4 | a/ | L |\n| task-2 | 2 | Auth \\| login | M |\n"));
    CHECK_THAT(md, Contains("\nItems 5, 7 excluded pending clarification.\n"));
    CHECK_THAT(md, Contains("`git porch plan import --force review.md 'my notes.md'`"));
    CHECK_THAT(md, Contains("[S] Switch to sequential: `git porch plan sequential`"));
    g.parallel = false;
    g.reason = "only 2 items";
    g.workers = {{{1, 2}, "a/", "a", "L", {}}};
    md = assessment_markdown(g, {}, {"r.md"});
    CHECK_THAT(md, Contains("**Recommendation:** Sequential execution (only 2 items)\n"));
    CHECK_THAT(md, Contains("`git porch plan split 1 <item>...`"));
    CHECK_THAT(md, !Contains("excluded"));
}

namespace {

// task-1: items 1, 2; task-2: item 3 (needs 1); task-3: item 4 (needs 3); task-9: by hand.
Plan items_plan() {
    auto item_of = [](int n, std::string scope, std::vector<int> needs) {
        return PlanItem{
            n, "Do " + std::to_string(n), "r.md:" + std::to_string(n), {scope}, "M", needs, ""};
    };
    Plan p;
    p.tasks.resize(4);
    p.tasks[0] = {"1",
                  "one",
                  "One",
                  {"a/", "b/"},
                  {},
                  "L",
                  "",
                  {},
                  {},
                  {},
                  {item_of(1, "a/", {}), item_of(2, "b/", {})}};
    p.tasks[1] = {"2", "two", "Two", {"c/"}, {"1"}, "M", "", {}, {}, {}, {item_of(3, "c/", {1})}};
    p.tasks[2] = {
        "3", "three", "Three", {"d/"}, {"2"}, "M", "", {}, {}, {}, {item_of(4, "d/", {3})}};
    p.tasks[3] = {"9", "hand", "By hand", {"z/"}, {"2"}, "S", "", {"cp"}, {}, {}, {}};
    return p;
}

} // namespace

TEST_CASE("plan merge: the second task folds into the first", "[plan][edit]") {
    auto e = merge_tasks(items_plan(), "task-1", "2");
    REQUIRE(e.plan.tasks.size() == 3);
    const auto& t = e.plan.tasks[0];
    CHECK(t.scope == std::vector<std::string>{"a/", "b/", "c/"});
    CHECK(t.items.size() == 3);
    CHECK(t.size == "L"); // three M items: 2h 15m
    CHECK(t.needs.empty());
    CHECK(t.description == "One\nTwo");
    CHECK(find(e.plan, "3")->needs == std::vector<std::string>{"1"});
    CHECK(find(e.plan, "9")->needs == std::vector<std::string>{"1"});
    CHECK(e.changes.at(0) == "merged task-2 (two) into task-1 (one)");
    CHECK(e.changes.at(1) == "task-1 (one) holds items 1-3");
    // A hand-written task keeps what it says, and gains the other's.
    auto hand = merge_tasks(items_plan(), "9", "3");
    const auto& h = *find(hand.plan, "9");
    CHECK(h.scope == std::vector<std::string>{"z/", "d/"});
    CHECK(h.checkpoints == std::vector<std::string>{"cp"});
    CHECK(h.items.size() == 1);
    CHECK(h.size == "M"); // S and M
}

TEST_CASE("plan move: an item changes task; an emptied task goes", "[plan][edit]") {
    auto e = move_item(items_plan(), "2", "task-3");
    CHECK(find(e.plan, "1")->scope == std::vector<std::string>{"a/"});
    CHECK(find(e.plan, "1")->size == "M");
    const auto* t3 = find(e.plan, "3");
    CHECK(t3->scope == std::vector<std::string>{"b/", "d/"});
    CHECK(t3->items.at(0).number == 2);
    CHECK(t3->needs == std::vector<std::string>{"2"});
    CHECK(e.changes.at(0) == "moved item 2 from task-1 (one) to task-3 (three)");

    auto gone = move_item(items_plan(), "3", "1");
    CHECK(find(gone.plan, "2") == nullptr);
    CHECK(find(gone.plan, "1")->items.size() == 3);
    CHECK(find(gone.plan, "3")->needs == std::vector<std::string>{"1"});
    CHECK(find(gone.plan, "9")->needs == std::vector<std::string>{"1"});
    CHECK(gone.changes.at(1) == "removed task-2 (two): it has no items left");
}

TEST_CASE("plan split: items go to a new task", "[plan][edit]") {
    auto e = split_task(items_plan(), "1", {"2"});
    REQUIRE(e.plan.tasks.size() == 5);
    const auto& t = e.plan.tasks.back();
    CHECK(t.id == "10"); // after the highest id, 9
    CHECK(t.desc == "b");
    CHECK(t.scope == std::vector<std::string>{"b/"});
    CHECK(find(e.plan, "1")->scope == std::vector<std::string>{"a/"});
    CHECK(e.changes.at(0) == "split task-10 (b) off task-1 (one)");
}

TEST_CASE("plan edits: errors say what the plan has", "[plan][edit]") {
    CHECK(error_of([] { merge_tasks(items_plan(), "1", "7"); }) ==
          "the plan has no task '7' (its tasks: task-1, task-2, task-3, task-9)\nhint: see the "
          "tasks and their items with: git porch plan check");
    CHECK_THAT(error_of([] { merge_tasks(items_plan(), "task-1", "1"); }),
               StartsWith("cannot merge task-1 (one) with itself"));
    CHECK_THAT(error_of([] { move_item(items_plan(), "8", "1"); }),
               StartsWith("no task of the plan holds item 8 (its items: 1-4)"));
    CHECK_THAT(error_of([] { move_item(items_plan(), "two", "1"); }),
               StartsWith("'two' is not an item number"));
    CHECK_THAT(error_of([] { move_item(items_plan(), "1", "1"); }),
               StartsWith("item 1 is in task-1 (one) already"));
    CHECK(error_of([] { split_task(items_plan(), "1", {"3"}); }) ==
          "item 3 is in task-2 (two), not in task-1 (one)\nhint: split it from there: git porch "
          "plan split 2 3");
    CHECK(error_of([] {
              split_task(items_plan(), "1", {"2", "1"});
          }) ==
          "splitting off every item of task-1 (one) would leave it empty\nhint: keep one: git "
          "porch plan split 1 2");
    CHECK_THAT(error_of([] { split_task(items_plan(), "9", {"1"}); }),
               StartsWith("task-9 (hand) has no items to split"));
}

TEST_CASE("plan sequential and parallel set the mode", "[plan][edit]") {
    auto e = set_mode(items_plan(), PlanMode::sequential);
    CHECK(e.plan.mode == PlanMode::sequential);
    CHECK_THAT(e.changes.at(0), StartsWith("mode = \"sequential\""));
    CHECK_THAT(set_mode(e.plan, PlanMode::sequential).changes.at(0), StartsWith("unchanged"));
    CHECK(set_mode(e.plan, PlanMode::automatic).plan.mode == PlanMode::automatic);
}
