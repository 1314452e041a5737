// git porch graph [--dot]: the dependency graph (declared needs and NEEDS commits).
#include "command.hpp"
#include "model/worker.hpp"
#include "ops/status/alerts.hpp"
#include "render.hpp"

#include <iostream>
#include <set>

namespace porch::cli {

namespace {

// Text for a DOT string: quotes and backslashes escaped, control characters gone.
std::string dot_escape(std::string_view text) {
    std::string out;
    for (char ch : display(text)) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        out += ch;
    }
    return out;
}

std::string dot_quote(std::string_view text) {
    return "\"" + dot_escape(text) + "\"";
}

std::string_view dot_color(model::WorkerState state) {
    switch (state) {
    case model::WorkerState::complete:
        return "green3";
    case model::WorkerState::blocked:
        return "red";
    case model::WorkerState::needs:
        return "orange";
    case model::WorkerState::checkpoint:
        return "deepskyblue3";
    case model::WorkerState::fresh:
        return "gray50";
    }
    return "gray50";
}

class Graph : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_flag("--dot", m_dot, "Print Graphviz DOT (render with: dot -Tsvg)");
    }

    int run(Env& env) override {
        auto report = model::collect_status(*env.ctx);
        struct Edge {
            std::string from, to, label;
            bool declared;
        };
        std::vector<Edge> edges;
        for (const auto& w : report.workers) {
            std::set<std::string> from_commits;
            for (const auto& n : w.needs) {
                edges.push_back({w.worker, n.worker, n.item, false});
                from_commits.insert(n.worker);
            }
            for (const auto& d : w.declared_needs)
                if (!from_commits.count(d))
                    edges.push_back({w.worker, d, "", true});
        }
        auto cycles = ops::dependency_cycles(report);
        if (m_dot) {
            std::cout << "digraph porch {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n";
            for (const auto& w : report.workers)
                std::cout << "  " << dot_quote(w.worker) << " [label=\"" << dot_escape(w.worker)
                          << "\\n"
                          << dot_escape(w.desc) << "\\n"
                          << dot_escape(to_string(w.state)) << "\""
                          << ", color=" << dot_color(w.state) << "];\n";
            for (const auto& e : edges)
                std::cout << "  " << dot_quote(e.from) << " -> " << dot_quote(e.to)
                          << (e.declared ? " [style=dashed]"
                                         : " [label=" + dot_quote(e.label) + "]")
                          << ";\n";
            for (const auto& cycle : cycles)
                for (std::size_t i = 0; i < cycle.size(); ++i)
                    std::cout << "  " << dot_quote(cycle[i]) << " -> "
                              << dot_quote(cycle[(i + 1) % cycle.size()])
                              << " [color=red, penwidth=2];\n";
            std::cout << "}\n";
            return 0;
        }
        if (report.workers.empty()) {
            std::cout << "no workers\n";
            return 0;
        }
        const bool c = env.color;
        for (const auto& w : report.workers) {
            std::cout << paint(w.worker, Tone::bold, c) << " ("
                      << paint(to_string(w.state), state_tone(w.state), c) << ")";
            bool any = false;
            for (const auto& e : edges) {
                if (e.from != w.worker)
                    continue;
                std::cout << (any ? ", " : " needs ") << e.to
                          << (e.declared ? " (declared)" : " for " + display(e.label, 60));
                any = true;
            }
            std::cout << (any ? "" : ": no dependencies") << '\n';
        }
        for (const auto& cycle : cycles) {
            std::cout << paint("cycle:", Tone::red, c);
            for (const auto& w : cycle)
                std::cout << ' ' << w << " ->";
            std::cout << ' ' << cycle.front() << '\n';
        }
        return 0;
    }

private:
    bool m_dot = false;
};

} // namespace

std::unique_ptr<Command> make_graph() {
    return std::make_unique<Graph>();
}

} // namespace porch::cli
