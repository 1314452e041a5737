#include "model/graph.hpp"

#include "model/worker.hpp"

#include <algorithm>
#include <limits>

namespace porch::model {

bool IdLess::operator()(const std::string& a, const std::string& b) const {
    return worker_name_less(a, b);
}

namespace {

// Each node's edges, as positions of other nodes.
using Adjacency = std::vector<std::vector<std::size_t>>;

Adjacency reversed(const Adjacency& edges) {
    Adjacency out(edges.size());
    for (std::size_t v = 0; v < edges.size(); ++v)
        for (auto w : edges[v])
            out[w].push_back(v);
    return out;
}

// The positions reachable from `from` along `edges` without going below `floor`.
std::vector<bool> reach(const Adjacency& edges, std::size_t from, std::size_t floor) {
    std::vector<bool> seen(edges.size(), false);
    std::vector<std::size_t> todo{from};
    seen[from] = true;
    while (!todo.empty()) {
        auto v = todo.back();
        todo.pop_back();
        for (auto w : edges[v])
            if (w >= floor && !seen[w]) {
                seen[w] = true;
                todo.push_back(w);
            }
    }
    return seen;
}

// Kahn's algorithm: each position after everything it needs, the smallest ready one first.
std::vector<std::size_t> topological(const Adjacency& needs) {
    std::vector<std::size_t> waiting(needs.size());
    const Adjacency needed_by = reversed(needs);
    std::set<std::size_t> ready;
    for (std::size_t v = 0; v < needs.size(); ++v)
        if ((waiting[v] = needs[v].size()) == 0)
            ready.insert(v);
    std::vector<std::size_t> out;
    while (!ready.empty()) {
        auto v = *ready.begin();
        ready.erase(ready.begin());
        out.push_back(v);
        for (auto u : needed_by[v])
            if (--waiting[u] == 0)
                ready.insert(u);
    }
    return out;
}

// Johnson's algorithm ("Finding all the elementary circuits of a directed graph", 1975): the
// cycles through each position s are searched among the positions >= s that are on a cycle with
// s, so each cycle is found once, from its smallest id; the blocking keeps the search from
// walking the same dead ends again, so the time grows with the number of cycles, not of paths.
class CycleSearch {
public:
    CycleSearch(const Adjacency& needs, std::size_t at_most)
        : m_needs(needs), m_needed_by(reversed(needs)), m_at_most(at_most), m_inside(needs.size()),
          m_blocked(needs.size()), m_blocking(needs.size()) {}

    std::vector<std::vector<std::size_t>> run() {
        for (m_start = 0; m_start < m_needs.size() && !done(); ++m_start) {
            auto forward = reach(m_needs, m_start, m_start);
            auto backward = reach(m_needed_by, m_start, m_start);
            for (std::size_t v = 0; v < m_needs.size(); ++v) {
                m_inside[v] = forward[v] && backward[v];
                m_blocked[v] = false;
                m_blocking[v].clear();
            }
            circuit(m_start);
        }
        return std::move(m_found);
    }

private:
    const Adjacency& m_needs;
    const Adjacency m_needed_by;
    const std::size_t m_at_most;
    std::size_t m_start = 0;
    std::vector<bool> m_inside;  // on a cycle with m_start, among the positions >= m_start
    std::vector<bool> m_blocked; // cannot lead back to m_start without crossing m_path
    std::vector<std::set<std::size_t>> m_blocking; // unblocked when the key is
    std::vector<std::size_t> m_path;
    std::vector<std::vector<std::size_t>> m_found;

    bool done() const { return m_found.size() >= m_at_most; }

    bool circuit(std::size_t v) {
        bool found = false;
        m_path.push_back(v);
        m_blocked[v] = true;
        for (auto w : m_needs[v]) {
            if (done())
                break;
            if (!m_inside[w])
                continue;
            if (w == m_start) {
                m_found.push_back(m_path);
                found = true;
            } else if (!m_blocked[w] && circuit(w)) {
                found = true;
            }
        }
        if (found)
            unblock(v);
        else
            for (auto w : m_needs[v])
                if (m_inside[w])
                    m_blocking[w].insert(v);
        m_path.pop_back();
        return found;
    }

    void unblock(std::size_t v) {
        m_blocked[v] = false;
        auto waiting = std::move(m_blocking[v]);
        m_blocking[v].clear();
        for (auto w : waiting)
            if (m_blocked[w])
                unblock(w);
    }
};

} // namespace

void Graph::add(const std::string& id) {
    m_needs[id];
}

void Graph::add_need(const std::string& id, const std::string& need) {
    m_needs[id].insert(need);
}

std::vector<std::string> Graph::ids() const {
    std::vector<std::string> out;
    for (const auto& [id, _] : m_needs)
        out.push_back(id);
    return out;
}

std::vector<std::vector<std::size_t>> Graph::positions() const {
    std::map<std::string, std::size_t, IdLess> at;
    for (const auto& [id, _] : m_needs)
        at.emplace(id, at.size());
    Adjacency out;
    for (const auto& [id, needs] : m_needs) {
        auto& edges = out.emplace_back();
        for (const auto& n : needs)
            if (auto it = at.find(n); it != at.end())
                edges.push_back(it->second);
    }
    return out;
}

std::vector<std::string> Graph::order() const {
    const auto all = ids();
    std::vector<std::string> out;
    for (auto v : topological(positions()))
        out.push_back(all[v]);
    return out;
}

std::vector<std::vector<std::string>> Graph::levels() const {
    const auto all = ids();
    const auto needs = positions();
    std::vector<std::size_t> level(needs.size());
    std::vector<std::vector<std::size_t>> by_level;
    for (auto v : topological(needs)) {
        level[v] = 0;
        for (auto w : needs[v])
            level[v] = std::max(level[v], level[w] + 1);
        if (by_level.size() <= level[v])
            by_level.resize(level[v] + 1);
        by_level[level[v]].push_back(v);
    }
    std::vector<std::vector<std::string>> out;
    for (auto& at_level : by_level) {
        std::sort(at_level.begin(), at_level.end());
        auto& ids_here = out.emplace_back();
        for (auto v : at_level)
            ids_here.push_back(all[v]);
    }
    return out;
}

std::vector<Graph::Cycle> Graph::find_cycles(std::size_t at_most) const {
    const auto all = ids();
    std::vector<Cycle> out;
    for (const auto& found : CycleSearch(positions(), at_most).run()) {
        auto& cycle = out.emplace_back();
        for (auto v : found)
            cycle.push_back(all[v]);
    }
    return out;
}

std::vector<Graph::Cycle> Graph::cycles() const {
    auto out = find_cycles(std::numeric_limits<std::size_t>::max());
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<Graph::Cycle> Graph::first_cycle() const {
    auto found = find_cycles(1);
    if (found.empty())
        return std::nullopt;
    return std::move(found.front());
}

} // namespace porch::model
