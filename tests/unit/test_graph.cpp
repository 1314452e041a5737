// The dependency graph behind plan check, status's deadlocks and integrate's order:
// model/graph.hpp.
#include "model/graph.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <utility>
#include <vector>

using porch::model::Graph;
using Ids = std::vector<std::string>;
using Cycles = std::vector<Graph::Cycle>;

namespace {

// A graph from "a needs b" pairs; a pair with an empty need only adds the id.
Graph graph_of(const std::vector<std::pair<std::string, std::string>>& needs) {
    Graph g;
    for (const auto& [id, need] : needs)
        if (need.empty())
            g.add(id);
        else
            g.add_need(id, need);
    return g;
}

} // namespace

TEST_CASE("graph order: every id after what it needs", "[graph]") {
    CHECK(graph_of({{"1", "2"}, {"2", "3"}, {"3", ""}}).order() == Ids{"3", "2", "1"});
    SECTION("ties go in id order, numbers numerically and first") {
        CHECK(graph_of({{"10", ""}, {"api", ""}, {"9", ""}, {"2", ""}}).order() ==
              Ids{"2", "9", "10", "api"});
        CHECK(graph_of({{"task-10", ""}, {"task-api", ""}, {"task-9", ""}}).order() ==
              Ids{"task-9", "task-10", "task-api"});
    }
    SECTION("a diamond") {
        CHECK(graph_of({{"4", "3"}, {"4", "2"}, {"3", "1"}, {"2", "1"}, {"1", ""}}).order() ==
              Ids{"1", "2", "3", "4"});
    }
    SECTION("a need that is not in the graph is ignored") {
        CHECK(graph_of({{"2", "9"}, {"1", "2"}}).order() == Ids{"2", "1"});
    }
    SECTION("adding twice changes nothing") {
        CHECK(graph_of({{"1", "2"}, {"1", "2"}, {"1", ""}, {"2", ""}}).order() == Ids{"2", "1"});
    }
    SECTION("ids on a cycle, and those needing them, are left out") {
        CHECK(graph_of({{"1", "2"}, {"2", "1"}, {"3", "1"}, {"4", ""}, {"5", "5"}}).order() ==
              Ids{"4"});
    }
    SECTION("nothing to order") {
        CHECK(Graph().order().empty());
    }
}

TEST_CASE("graph levels: the waves", "[graph]") {
    CHECK(
        graph_of({{"5", "3"}, {"4", "1"}, {"4", "3"}, {"3", "1"}, {"2", ""}, {"1", ""}}).levels() ==
        std::vector<Ids>{{"1", "2"}, {"3"}, {"4", "5"}});
    SECTION("a need outside the graph does not raise the level") {
        CHECK(graph_of({{"1", "9"}, {"2", "1"}}).levels() == std::vector<Ids>{{"1"}, {"2"}});
    }
    SECTION("ids on a cycle, and those needing them, are left out") {
        CHECK(graph_of({{"1", "2"}, {"2", "1"}, {"3", "1"}, {"4", ""}}).levels() ==
              std::vector<Ids>{{"4"}});
    }
    SECTION("no ids, no levels") {
        CHECK(Graph().levels().empty());
    }
}

TEST_CASE("graph cycles: each once, from its smallest id", "[graph]") {
    CHECK(graph_of({{"1", "2"}, {"2", "3"}}).cycles().empty());
    CHECK_FALSE(graph_of({{"1", "2"}, {"2", "3"}}).first_cycle());
    SECTION("a self-need is a cycle of one") {
        auto g = graph_of({{"1", "1"}, {"2", "1"}});
        CHECK(g.cycles() == Cycles{{"1"}});
        CHECK(g.first_cycle() == Graph::Cycle{"1"});
    }
    SECTION("the cycle follows needs and starts at its smallest id") {
        auto g = graph_of({{"task-3", "task-10"}, {"task-10", "task-9"}, {"task-9", "task-3"}});
        CHECK(g.cycles() == Cycles{{"task-3", "task-10", "task-9"}});
    }
    SECTION("several cycles, sorted; cycles sharing ids are each listed") {
        auto g = graph_of({{"1", "2"},
                           {"2", "1"},
                           {"2", "3"},
                           {"3", "1"},
                           {"5", "4"},
                           {"4", "5"},
                           {"6", "6"},
                           {"7", "5"}});
        CHECK(g.cycles() == Cycles{{"1", "2"}, {"1", "2", "3"}, {"4", "5"}, {"6"}});
        CHECK(g.first_cycle() == Graph::Cycle{"1", "2"});
    }
    SECTION("sorted as lists of strings, each starting at its smallest id") {
        auto g = graph_of({{"task-2", "task-3"},
                           {"task-3", "task-2"},
                           {"task-10", "task-11"},
                           {"task-11", "task-10"}});
        CHECK(g.cycles() == Cycles{{"task-10", "task-11"}, {"task-2", "task-3"}});
        CHECK(g.first_cycle() == Graph::Cycle{"task-2", "task-3"});
    }
    SECTION("first_cycle: through the smallest id on a cycle, first in id order") {
        auto g = graph_of({{"1", "5"}, {"5", "3"}, {"5", "4"}, {"4", "5"}, {"3", "4"}});
        CHECK(g.cycles() == Cycles{{"3", "4", "5"}, {"4", "5"}});
        g.add_need("4", "1");
        CHECK(g.first_cycle() == Graph::Cycle{"1", "5", "3", "4"});
    }
    SECTION("needs on ids outside the graph close no cycle") {
        Graph g;
        g.add_need("1", "2");
        g.add("3");
        g.add_need("3", "4");
        CHECK(g.cycles().empty());
    }
    SECTION("dense cycles: first_cycle does not enumerate them all") {
        Graph g;
        for (int a = 1; a <= 40; ++a)
            for (int b = 1; b <= 40; ++b)
                if (a != b)
                    g.add_need(std::to_string(a), std::to_string(b));
        CHECK(g.first_cycle() == Graph::Cycle{"1", "2"});
        CHECK(g.order().empty());
    }
}
