// The merge order of git porch integrate: workers/integrate's dependency_order.
#include "ops/integrate/integrate.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

using Catch::Matchers::Contains;
using porch::ops::dependency_order;
using Needs = std::map<std::string, std::vector<std::string>>;
using Order = std::vector<std::string>;

TEST_CASE("dependency_order puts every worker after what it needs", "[integrate]") {
    CHECK(dependency_order(Needs{{"task-1", {"task-2"}}, {"task-2", {"task-3"}}, {"task-3", {}}}) ==
          Order{"task-3", "task-2", "task-1"});
    SECTION("ties go in worker-id order, numbers numerically") {
        CHECK(dependency_order(
                  Needs{{"task-10", {}}, {"task-9", {}}, {"task-api", {}}, {"task-2", {}}}) ==
              Order{"task-2", "task-9", "task-10", "task-api"});
    }
    SECTION("a diamond") {
        CHECK(dependency_order(Needs{{"task-4", {"task-2", "task-3"}},
                                     {"task-3", {"task-1"}},
                                     {"task-2", {"task-1"}},
                                     {"task-1", {}}}) ==
              Order{"task-1", "task-2", "task-3", "task-4"});
    }
    SECTION("needs outside the set, and a worker needing itself, are ignored") {
        CHECK(dependency_order(Needs{{"task-1", {"task-9", "task-1"}}, {"task-2", {"task-1"}}}) ==
              Order{"task-1", "task-2"});
    }
    SECTION("nothing to order") {
        CHECK(dependency_order(Needs{}).empty());
    }
}

TEST_CASE("dependency_order refuses a cycle and names it", "[integrate]") {
    try {
        dependency_order(Needs{{"task-1", {}},
                               {"task-2", {"task-3"}},
                               {"task-3", {"task-4"}},
                               {"task-4", {"task-2"}},
                               {"task-5", {"task-4"}}});
        FAIL("no error");
    } catch (const porch::Error& e) {
        CHECK_THAT(e.what(), Contains("dependency cycle: task-2 -> task-3 -> task-4 -> task-2"));
    }
}
