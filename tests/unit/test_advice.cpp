// What porch prints for agents to type: pathspec words, and the worker a commit made in the
// main worktree belongs to.
#include "model/locate.hpp"
#include "model/pathspec.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace porch::model;
using Paths = std::vector<std::string>;

TEST_CASE("pathspecs name exactly the files, typed for sh", "[advice]") {
    CHECK(literal_pathspec("src/a.py") == "src/a.py");
    CHECK(literal_pathspec("a*b") == ":(literal)a*b");
    CHECK(literal_pathspec("x[1].txt") == ":(literal)x[1].txt");
    CHECK(literal_pathspec(":weird") == ":(literal):weird");
    CHECK(inline_pathspecs({"src/a.py", "my file", "a*b"}) ==
          " -- src/a.py 'my file' ':(literal)a*b'");
    CHECK(inline_pathspecs({}) == " --");
    CHECK(inline_pathspecs(Paths(10, "a")).has_value());
    CHECK_FALSE(inline_pathspecs(Paths(11, "a")).has_value());
    CHECK_FALSE(inline_pathspecs({"bad\x1b[0m"}).has_value());
    CHECK(pathspec_file_text({"a", "b*"}) == std::string("a\0:(literal)b*\0", 15));
    CHECK(pathspec_file_args("/r/.git/P S") ==
          " --pathspec-from-file='/r/.git/P S' --pathspec-file-nul");
}

TEST_CASE("places_for: the worker whose scope covers the paths", "[advice]") {
    const WorkerPlace api{"task-1", {"src/api"}, "/w/1", false};
    const WorkerPlace web{"task-2", {"src/web"}, "/w/2", false};
    const WorkerPlace any{"task-3", {}, "/w/3", false};
    const WorkerPlace done{"task-4", {"src/api"}, "/w/4", true};
    auto names = [](const Places& places) {
        Paths out;
        for (const auto& p : places.workers)
            out.push_back(p.worker);
        return out;
    };
    CHECK(places_for({"src/api/a.py"}, {api, web}).by_scope);
    CHECK_FALSE(places_for({"README"}, {api}).by_scope);
    CHECK_FALSE(places_for({}, {api}).by_scope);
    CHECK(names(places_for({"src/api/a.py"}, {api, web, any})) == Paths{"task-1"});
    CHECK(names(places_for({"src/web/b.js"}, {api, web, any})) == Paths{"task-2"});
    // Spanning two scopes, or none: every candidate.
    CHECK(names(places_for({"src/api/a.py", "src/web/b.js"}, {api, web})) ==
          Paths{"task-1", "task-2"});
    CHECK(names(places_for({"README"}, {api, web, any})) == Paths{"task-1", "task-2", "task-3"});
    // Nothing staged (an empty commit): every candidate, or the only one.
    CHECK(names(places_for({}, {api, web})) == Paths{"task-1", "task-2"});
    CHECK(names(places_for({}, {web})) == Paths{"task-2"});
    // Complete workers step back for open ones; a NEEDS's target is not its author.
    CHECK(names(places_for({"src/api/a.py"}, {done, api})) == Paths{"task-1"});
    CHECK(names(places_for({"src/api/a.py"}, {done, web})) == Paths{"task-4"});
    CHECK(names(places_for({"README"}, {done, web})) == Paths{"task-4", "task-2"});
    CHECK(names(places_for({"src/api/a.py"}, {api, web}, "task-1")) == Paths{"task-2"});
    CHECK(names(places_for({"src/api/a.py"}, {api}, "task-1")) == Paths{"task-1"});
}
