#include "ops/plan/check.hpp"

#include "model/graph.hpp"
#include "model/naming.hpp"
#include "model/scope.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace porch::plan {

using protocol::is_glob;
using protocol::looks_like_file;

namespace {

std::vector<std::string> worker_names(const std::vector<std::string>& ids) {
    std::vector<std::string> names;
    for (const auto& id : ids)
        names.push_back(protocol::worker_name(id));
    return names;
}

std::string named(const Task& t) {
    return protocol::worker_name(t.id) + " (" + t.desc + ")";
}

} // namespace

namespace {

// Each id's place in the plan; an id used twice is an error. Returns whether every id is unique.
bool index_ids(const std::vector<Task>& tasks, std::map<std::string, std::size_t>& index,
               CheckResult& r) {
    bool unique = true;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        auto [it, fresh] = index.emplace(tasks[i].id, i);
        if (!fresh) {
            r.errors.push_back("id " + tasks[i].id + " is used by two tasks: " +
                               tasks[it->second].desc + " and " + tasks[i].desc);
            unique = false;
        }
    }
    return unique;
}

// Each task's scopes, as spawn will record them.
std::vector<std::vector<std::string>> normalised_scopes(const std::vector<Task>& tasks,
                                                        CheckResult& r) {
    std::vector<std::vector<std::string>> scopes(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        if (tasks[i].scope.empty())
            r.warnings.push_back(named(tasks[i]) +
                                 " has no scope: the hooks will let it change any file");
        for (const auto& s : tasks[i].scope) {
            try {
                scopes[i].push_back(protocol::normalise_scope(s));
            } catch (const Error& e) {
                r.errors.push_back(named(tasks[i]) + ": " + e.what());
            }
        }
    }
    return scopes;
}

// The first pair of scopes by which two tasks may change a common file.
std::optional<Overlap> first_overlap(const Task& a, const std::vector<std::string>& a_scopes,
                                     const Task& b, const std::vector<std::string>& b_scopes) {
    for (const auto& sa : a_scopes)
        for (const auto& sb : b_scopes)
            if (scopes_overlap(sa, sb))
                return Overlap{a.id, b.id, sa, sb, sa == sb && !is_glob(sa) && looks_like_file(sa)};
    return std::nullopt;
}

void check_overlaps(const std::vector<Task>& tasks,
                    const std::vector<std::vector<std::string>>& scopes, CheckResult& r) {
    for (std::size_t i = 0; i < tasks.size(); ++i)
        for (std::size_t j = i + 1; j < tasks.size(); ++j) {
            auto found = first_overlap(tasks[i], scopes[i], tasks[j], scopes[j]);
            if (!found)
                continue;
            if (found->same_file)
                r.errors.push_back(named(tasks[i]) + " and " + named(tasks[j]) +
                                   " both own the file " + protocol::quote(found->first_scope) +
                                   ": merge the two tasks, or give the file to one of them");
            else
                r.errors.push_back("scopes overlap: " + named(tasks[i]) + " owns " +
                                   protocol::quote(found->first_scope) + " and " + named(tasks[j]) +
                                   " owns " + protocol::quote(found->second_scope));
            r.overlaps.push_back(*found);
        }
}

// Returns whether every need names a task of the plan.
bool check_needs(const std::vector<Task>& tasks, const std::map<std::string, std::size_t>& index,
                 CheckResult& r) {
    bool known = true;
    for (const auto& t : tasks)
        for (const auto& n : t.needs)
            if (!index.count(n)) {
                r.errors.push_back(named(t) + " needs task-" + n +
                                   ", which the plan does not have");
                known = false;
            }
    return known;
}

model::Graph needs_graph(const std::vector<Task>& tasks) {
    model::Graph graph;
    for (const auto& t : tasks) {
        graph.add(t.id);
        for (const auto& n : t.needs)
            graph.add_need(t.id, n);
    }
    return graph;
}

// Returns whether the graph has no cycle; names the one it finds.
bool check_cycle(const model::Graph& graph, CheckResult& r) {
    auto cycle = graph.first_cycle();
    if (!cycle)
        return true;
    // The graph reads needs, "a needs c needs b needs a"; show the cycle as the order work
    // would have to happen in: a -> b -> c -> a, which loops.
    r.cycle.assign(cycle->rbegin(), cycle->rend());
    r.cycle.insert(r.cycle.begin(), cycle->front());
    r.errors.push_back("dependency cycle: " + util::join(worker_names(r.cycle), " -> "));
    return false;
}

// The waves, a level wider than max_agents split; r.order and r.widest with them. Returns the
// number of levels.
std::size_t plan_waves(const model::Graph& graph, const std::map<std::string, std::size_t>& index,
                       std::int64_t max_agents_setting, CheckResult& r) {
    const auto max_agents = static_cast<std::size_t>(std::max<std::int64_t>(1, max_agents_setting));
    const auto levels = graph.levels();
    for (std::size_t l = 0; l < levels.size(); ++l) {
        std::vector<std::string> ids = levels[l];
        std::sort(ids.begin(), ids.end(),
                  [&](const auto& a, const auto& b) { return index.at(a) < index.at(b); });
        r.widest = std::max(r.widest, ids.size());
        for (std::size_t k = 0; k < ids.size(); k += max_agents) {
            Wave w;
            w.number = static_cast<int>(r.waves.size()) + 1;
            w.level = static_cast<int>(l);
            w.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(k),
                         ids.begin() +
                             static_cast<std::ptrdiff_t>(std::min(ids.size(), k + max_agents)));
            r.waves.push_back(std::move(w));
        }
        r.order.insert(r.order.end(), ids.begin(), ids.end());
    }
    return levels.size();
}

// The seed's reasons for running one task after another.
void sequential_reasons(const Plan& plan, const std::vector<std::vector<std::string>>& scopes,
                        const config::Config& config, std::size_t levels, CheckResult& r) {
    const auto& tasks = plan.tasks;
    if (tasks.empty())
        r.reasons.push_back("the plan has no tasks");
    if (plan.mode == PlanMode::sequential)
        r.reasons.push_back("the plan says mode = \"sequential\"");
    if (!config.parallel_enabled)
        r.reasons.push_back("parallelization is disabled ([parallelization] enabled = false)");
    if (!tasks.empty() && static_cast<std::int64_t>(r.widest) < config.min_tasks)
        r.reasons.push_back("only " + std::to_string(r.widest) + " independent task" +
                            (r.widest == 1 ? "" : "s") + ", fewer than min_tasks (" +
                            std::to_string(config.min_tasks) + ")");
    if (tasks.size() > 1 && levels == tasks.size())
        r.reasons.push_back("the tasks form a linear chain");
    std::set<std::string> all;
    bool every_scoped = !tasks.empty();
    for (const auto& task_scopes : scopes) {
        every_scoped = every_scoped && !task_scopes.empty();
        for (const auto& s : task_scopes)
            all.insert(protocol::plain_scope(s));
    }
    if (tasks.size() > 1 && every_scoped && all.size() == 1 && !is_glob(*all.begin()) &&
        looks_like_file(*all.begin()))
        r.reasons.push_back("every task changes the same file, " + *all.begin());
    else if (!r.overlaps.empty())
        r.reasons.push_back("tasks share files");
}

// The sequential mode's waves: one task each, in r.order (their levels kept).
void sequential_waves(CheckResult& r) {
    std::map<std::string, int> level;
    for (const auto& w : r.waves)
        for (const auto& id : w.ids)
            level[id] = w.level;
    r.waves.clear();
    for (const auto& id : r.order) {
        Wave w;
        w.number = static_cast<int>(r.waves.size()) + 1;
        w.level = level[id];
        w.ids = {id};
        r.waves.push_back(std::move(w));
    }
}

} // namespace

CheckResult check(const Plan& plan, const config::Config& config) {
    CheckResult r;
    const auto& tasks = plan.tasks;
    std::map<std::string, std::size_t> index;
    bool graph_ok = index_ids(tasks, index, r);
    const auto scopes = normalised_scopes(tasks, r);
    check_overlaps(tasks, scopes, r);
    graph_ok = check_needs(tasks, index, r) && graph_ok;
    const auto graph = needs_graph(tasks);
    if (!graph_ok || !check_cycle(graph, r)) {
        r.reasons.push_back("the dependency graph has errors");
        return r;
    }
    const auto levels = plan_waves(graph, index, config.max_agents, r);
    sequential_reasons(plan, scopes, config, levels, r);
    r.parallel = r.reasons.empty();
    if (!r.parallel) // one task at a time, in the order: a wave each
        sequential_waves(r);
    return r;
}

} // namespace porch::plan
