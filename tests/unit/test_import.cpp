// plan import on documents as people write them: markdown read as a tree (util/markdown), paths
// checked against the tree (ops/plan/scope), labels before the verb, findings under headings,
// tables, sections that are not work, one issue mentioned in several places, order in headings.
#include "ops/plan/extract.hpp"
#include "ops/plan/import.hpp"
#include "ops/plan/phrases.hpp"
#include "ops/plan/scope.hpp"
#include "util/markdown.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using namespace porch::plan;
namespace md = porch::util::markdown;

namespace {

const Tree& tree() {
    static const Tree t({"src/dl.py", "src/http/session.py", "src/models/user.py",
                         "tests/test_api.go", "api/client_test.go", "docs/guide.md", "Makefile"});
    return t;
}

Manifest import_text(const std::string& text) {
    ImportOptions options;
    options.tree = tree();
    return import_documents({{"doc.md", text}}, options);
}

std::vector<std::string> texts(const Manifest& m) {
    std::vector<std::string> out;
    for (const auto& i : m.items)
        out.push_back(i.description.substr(0, i.description.find('\n')));
    return out;
}

const Item& item(const Manifest& m, std::size_t number) {
    REQUIRE(number >= 1);
    REQUIRE(number <= m.items.size());
    return m.items[number - 1];
}

} // namespace

TEST_CASE("markdown: blocks with lines, task items, tables and kept code spans", "[import]") {
    auto blocks = md::parse("# Title\n\n- [ ] Fix `a.py` **now**\n  - [x] done\n\n"
                            "| ID | Finding |\n|---|---|\n| 1 | Slow `q` |\n");
    REQUIRE(blocks.size() >= 8);
    CHECK(blocks[0].kind == md::Kind::heading);
    CHECK(blocks[0].text == "Title");
    const auto& item = blocks[2];
    CHECK(item.kind == md::Kind::item);
    CHECK(item.line == 3);
    CHECK(item.checked == std::optional<bool>(false));
    CHECK(blocks[item.children.front()].text == "Fix `a.py` **now**");
    bool header = false, row = false;
    for (const auto& b : blocks)
        if (b.kind == md::Kind::row) {
            header = header || (b.header && b.cells == std::vector<std::string>{"ID", "Finding"});
            row = row || (b.line == 8 && b.cells == std::vector<std::string>{"1", "Slow `q`"});
        }
    CHECK(header);
    CHECK(row);
}

TEST_CASE("markdown: deep nesting and invalid UTF-8 are read without recursion", "[import]") {
    std::string deep;
    for (int i = 0; i < 5000; ++i)
        deep += std::string(static_cast<std::size_t>(i % 40) * 2, ' ') + "- a\n";
    CHECK_FALSE(md::parse(deep).empty());
    CHECK_FALSE(md::parse(std::string(5000, '>') + " x\n\xff\xfe bad\n").empty());
    auto m = import_text(std::string(3000, '>') + " - Fix `src/dl.py`\n");
    CHECK(m.items.size() <= 1);
}

TEST_CASE("scope: what backticks name is a path only when it is one", "[import]") {
    auto paths = paths_in("Fix `/users` on branch `feature/login` in `client_test.go:TestCreate`, "
                          "see `src/dl.py:45` and user.py, not Node.js, and `Makefile`",
                          tree());
    CHECK(paths == std::vector<std::string>{"api/client_test.go", "src/dl.py", "Makefile",
                                            "src/models/user.py"});
    // A command in backticks names the script it runs; a new file with a known extension is
    // a path even before it exists.
    CHECK(paths_in("Run `scripts/migrate.py --target staging`", tree()) ==
          std::vector<std::string>{"scripts/migrate.py"});
    CHECK(paths_in("Create `core/types.ts`", tree()) == std::vector<std::string>{"core/types.ts"});
    // With no tree to ask (outside a repository), a slash is enough.
    CHECK(paths_in("in `src/auth`", Tree()) == std::vector<std::string>{"src/auth"});
}

TEST_CASE("labels before the verb do not hide the action", "[import]") {
    CHECK(strip_label("1.1 Create `core/types.ts`").rest == "Create `core/types.ts`");
    CHECK(strip_label("1.1 Create x").id == "1.1");
    CHECK(strip_label("Step 7: Add retries").rest == "Add retries");
    CHECK(strip_label("Day 1: apply it").rest == "apply it");
    CHECK(strip_label("Cancellation: verify that Ctrl-C stops").rest == "verify that Ctrl-C stops");
    CHECK(strip_label("[P1] Fix the lock").rest == "Fix the lock");
    auto bold = strip_label("**003-hot-path.md** - Unnecessary allocations in search");
    CHECK(bold.rest == "Unnecessary allocations in search");
    CHECK(bold.id == "003-hot-path.md");
    CHECK(action_verb("Fixes the leak") == "fix");
    CHECK(action_verb("Re-export both") == "export");
    CHECK(action_verb("Lock scope too wide").empty());
    CHECK(states_problem("Lock scope too wide"));
    CHECK(size_of_estimate("1.5h") == "L");
    CHECK(size_of_estimate("10m") == "S");
    CHECK(size_of_estimate("2 days") == "XL");
    CHECK(size_of_estimate("M") == "M");
    CHECK(priority_of("High Priority (Fix Soon)") == "high");
    CHECK(priority_of("Priority: P0") == "P0");
}

TEST_CASE("a finding under a heading is one item; its body's bullets are not", "[import]") {
    auto m =
        import_text("# Review\n\n## Findings\n\n"
                    "### 1.1 Lock scope too wide in `src/dl.py`\n\n"
                    "The lock is held while drawing.\n\n- copy under the lock\n- draw after\n\n"
                    "**Severity:** High\n\n"
                    "### 1.2 Session never closed\n\n**Location:** `src/http/session.py:12`\n\n"
                    "```python\nwith lock:\n    draw()\n```\n");
    REQUIRE(m.items.size() == 2);
    CHECK(item(m, 1).kind == "heading");
    CHECK(item(m, 1).action == "fix"); // a problem stated without a verb
    CHECK(item(m, 1).scope == std::vector<std::string>{"src/dl.py"});
    CHECK(item(m, 1).priority == "high");
    CHECK_THAT(item(m, 1).description, Contains("copy under the lock"));
    CHECK(item(m, 2).scope == std::vector<std::string>{"src/http/session.py"});
    CHECK(item(m, 2).source == "doc.md:14");
}

TEST_CASE("sections that are not work, and work already done, give no items", "[import]") {
    auto m =
        import_text("# Plan\n\n## Summary\n\n- Fix everything fast\n\n"
                    "## Work\n\n- [ ] Add retries to `src/dl.py`\n- [x] Add logging\n"
                    "- Remove the cache \u2705\n- ~~Drop Python 3.8~~\n\n"
                    "## Success metrics\n\n- p95 under 200 ms\n\n"
                    "## Non-issues (by design)\n\n- Add a GUI\n\n## References\n\n- RFC 9110\n");
    CHECK(texts(m) == std::vector<std::string>{"Add retries to src/dl.py"});
    CHECK_THAT(m.assumptions.front(), Contains("Skipped 3 completed items"));
}

TEST_CASE("one issue listed in a summary table, by priority and in detail is one item",
          "[import]") {
    auto m = import_text("# Review\n\n## Summary\n\n| ID | Finding | Est. |\n|---|---|---|\n"
                         "| F1 | N+1 queries when listing orders | 4h |\n"
                         "| F2 | No index for the customer lookup | 30m |\n\n"
                         "## By priority\n\n### P0\n\n- F1: N+1 queries when listing orders\n\n"
                         "### P1\n\n- F2: customer lookup index\n\n"
                         "## By area\n\n- Database: F1, F2\n\n## Details\n\n"
                         "### F1: N+1 queries when listing orders\n\nIn `src/dl.py`, one query per "
                         "order.\n\n### F2: No index for the customer lookup\n\nAdd one.\n");
    REQUIRE(m.items.size() == 2);
    CHECK(item(m, 1).priority == "P0");
    CHECK(item(m, 1).size == "XL");
    CHECK(item(m, 1).scope == std::vector<std::string>{"src/dl.py"});
    CHECK(item(m, 1).also.size() == 2); // the summary's row and the details
    CHECK(item(m, 2).priority == "P1");
    CHECK(item(m, 2).size == "M");
}

TEST_CASE("order stated in headings becomes dependencies", "[import]") {
    auto m = import_text("# Plan\n\n## Phase 1: HTTP\n\n- [ ] Extract the session into "
                         "`src/http/session.py`\n\n## Phase 2: Cache (do after Phase 1)\n\n"
                         "- [ ] Move cache reads out of `src/dl.py`\n\n"
                         "## Phase 3: Docs (after Phases 1 and 2)\n\n- [ ] Document the cache in "
                         "`docs/guide.md`\n\n## Recommended implementation order\n\n"
                         "1. HTTP, since the cache uses it\n2. Cache\n3. The rest\n");
    REQUIRE(m.items.size() == 3);
    CHECK(item(m, 2).needs == std::vector<std::string>{"1"});
    CHECK(item(m, 3).needs == std::vector<std::string>{"1", "2"});
    // The order list names sections and items by their words; "the rest" is no item.
    CHECK(item(m, 1).needs.empty());
    CHECK(item(m, 1).also.size() == 1);
}

TEST_CASE("a clear action needs no path; a vague one with no scope does", "[import]") {
    auto m = import_text("- Add a --version flag\n- Optimize\n- Make everything more robust\n"
                         "- Improve the retry loop in `src/dl.py`\n"
                         "- Investigate why HTTPS_PROXY is ignored when a config file sets one\n"
                         "- The thing\n");
    CHECK(item(m, 1).ready());
    CHECK_FALSE(item(m, 2).ready());
    CHECK_FALSE(item(m, 3).ready());
    CHECK(item(m, 4).ready());
    CHECK(item(m, 5).ready());
    CHECK_THAT(item(m, 6).issues.at(0), Contains("No action verb"));
}

TEST_CASE("a parent that names a group passes its path and priority to its children", "[import]") {
    auto m = import_text("## High priority\n\n- `src/http/session.py`:\n  - [ ] Add a timeout\n"
                         "  - [ ] Close idle connections\n- **Phase 2: docs**\n"
                         "  - [ ] Write the guide in `docs/guide.md`\n"
                         "- Rework the downloader in `src/dl.py`\n  - keep the old entry point\n");
    REQUIRE(m.items.size() == 4);
    CHECK(item(m, 1).scope == std::vector<std::string>{"src/http/session.py"});
    CHECK(item(m, 1).priority == "high");
    CHECK(item(m, 3).scope == std::vector<std::string>{"docs/guide.md"});
    CHECK_THAT(item(m, 4).description, Contains("keep the old entry point"));
}

TEST_CASE("a table's rows are items with their file, priority and estimate", "[import]") {
    auto m = import_text("## Findings\n\n| # | Issue | File | Severity | Est. time | Status |\n"
                         "|---|---|---|---|---|---|\n"
                         "| 1 | Token kept in localStorage | `src/dl.py` | High | 2h | open |\n"
                         "| 2 | Debug flag on | `docs/guide.md` | Low | 10 min | fixed |\n"
                         "| **Total** | | | | 2h10 | |\n");
    REQUIRE(m.items.size() == 1);
    CHECK(item(m, 1).kind == "row");
    CHECK(item(m, 1).scope == std::vector<std::string>{"src/dl.py"});
    CHECK(item(m, 1).priority == "high");
    CHECK(item(m, 1).size == "L");
}

TEST_CASE("notes in prose: the paragraphs that say who will do what", "[import]") {
    auto m = import_text("# Call notes\n\nAttendees: Ana, Bo.\n\nSearch got slower in 2.2.\n\n"
                         "Ana will add a fast path to `src/dl.py`.\n\n"
                         "Bo will document the flags in `docs/guide.md`.\n");
    CHECK(texts(m) == std::vector<std::string>{"Ana will add a fast path to src/dl.py.",
                                               "Bo will document the flags in docs/guide.md."});
    CHECK(item(m, 1).action == "add");
}

TEST_CASE("a feature list's noun phrases are things to add; 'Issue N' headings are findings",
          "[import]") {
    auto m = import_text("## Features\n\n* Dark mode toggle in `src/dl.py`\n\n## Someday\n\n"
                         "- Rewrite it all\n\n## Issue 2: Session has no timeout\n\n"
                         "**Severity**: Low\n**File**: `src/http/session.py`\n");
    REQUIRE(m.items.size() == 2);
    CHECK(item(m, 1).action == "add");
    CHECK(item(m, 1).ready());
    CHECK(item(m, 2).kind == "heading");
    CHECK(item(m, 2).priority == "low");
    CHECK(item(m, 2).scope == std::vector<std::string>{"src/http/session.py"});
}
