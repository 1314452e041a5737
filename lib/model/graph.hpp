// A dependency graph: its nodes are ids (all worker names, or all task ids), its edges "a needs
// b". The one answer to plan check's waves and cycles, status's deadlocks and integrate's merge
// order.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace porch::model {

// worker_name_less as a comparator: task-2 before task-10, for names and bare ids alike.
struct IdLess {
    bool operator()(const std::string& a, const std::string& b) const;
};

class Graph {
public:
    using Cycle = std::vector<std::string>; // a needs b needs ... needs a, without repeating a

    // Adds `id`; adding it again changes nothing.
    void add(const std::string& id);
    // Adds `id`, needing `need`. A need on an id that is not in the graph is ignored by every
    // question below (it blocks nothing here): whether it is an error is the caller's business.
    void add_need(const std::string& id, const std::string& need);

    // Every id after everything it needs, ties in id order. The ids on a cycle, and those that
    // need one of them, are left out: the order is complete only when there is no cycle.
    std::vector<std::string> order() const;
    // The waves: level 0 holds the ids that need nothing in the graph, level n + 1 those whose
    // highest need is on level n; each level in id order. The ids order() leaves out are left
    // out here too.
    std::vector<std::vector<std::string>> levels() const;
    // Every elementary cycle once, starting at its smallest id (a self-need is a cycle of one),
    // sorted as lists of strings. Dense cycles can have very many: to learn whether there is
    // one, ask first_cycle().
    std::vector<Cycle> cycles() const;
    // The cycle that comes first in id order, among those through the smallest id on any cycle;
    // nullopt when there is none.
    std::optional<Cycle> first_cycle() const;

private:
    // Each id's needs, in id order; the map's order is the id order positions are taken in.
    std::map<std::string, std::set<std::string, IdLess>, IdLess> m_needs;

    // Each id's needs that are in the graph, as positions in m_needs, in id order.
    std::vector<std::vector<std::size_t>> positions() const;
    std::vector<std::string> ids() const;
    std::vector<Cycle> find_cycles(std::size_t at_most) const;
};

} // namespace porch::model
