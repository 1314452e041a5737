#include "ops/plan/check.hpp"

#include "model/naming.hpp"
#include "model/scope.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <functional>
#include <map>
#include <set>

namespace porch::plan {

namespace {

bool is_glob(std::string_view s) {
    return s.find_first_of("*?[") != std::string_view::npos;
}

// "./src/" and "src" name the same folder; "" and "." name everything.
std::string normal(std::string s) {
    while (s.starts_with("./"))
        s.erase(0, 2);
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s == "." ? std::string() : s;
}

// `a` is `b` or a folder above it ("" is above everything).
bool contains(std::string_view a, std::string_view b) {
    return a.empty() || a == b || (b.starts_with(a) && b[a.size()] == '/');
}

// The folder before a glob's first wildcard: "src/api" for "src/api/*.ts".
std::string glob_root(std::string_view g) {
    auto wild = g.find_first_of("*?[");
    auto slash = g.substr(0, wild).rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(g.substr(0, slash));
}

// A path the glob matches: each wildcard replaced by one ordinary character.
std::string sample(std::string_view g) {
    std::string out;
    for (std::size_t i = 0; i < g.size(); ++i) {
        if (g[i] == '*' || g[i] == '?') {
            if (out.empty() || out.back() != 'x')
                out += 'x';
        } else if (g[i] == '[') {
            auto close = g.find(']', i + 2);
            if (close == std::string_view::npos) {
                out += g[i];
                continue;
            }
            std::size_t first = i + 1;
            if (g[first] == '!' || g[first] == '^')
                out += '\x01'; // a negated class: some other character
            else
                out += g[first];
            i = close;
        } else
            out += g[i];
    }
    return out;
}

bool matches(const std::string& glob, const std::string& path) {
    return ::fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

// A last component with an extension ("user.py") is taken for a file, anything else for a
// folder: in_scope treats both alike, but people write folders without a dot.
bool looks_like_file(std::string_view p) {
    auto name = p.substr(p.rfind('/') + 1);
    auto dot = name.rfind('.');
    return dot != std::string_view::npos && dot > 0;
}

bool glob_meets_path(const std::string& g, const std::string& p) {
    if (matches(g, p) || contains(p, glob_root(g)))
        return true;
    if (looks_like_file(p) || !contains(glob_root(g), p))
        return false;
    // p is a folder inside the glob's root: does the glob reach a file in it?
    std::string last(g.substr(g.rfind('/') + 1));
    return matches(g, p + "/" + sample(last));
}

std::string join(const std::vector<std::string>& ids, std::string_view sep) {
    std::string out;
    for (const auto& id : ids)
        out += (out.empty() ? "" : std::string(sep)) + id;
    return out;
}

std::string named(const Task& t) {
    return protocol::worker_name(t.id) + " (" + t.desc + ")";
}

} // namespace

bool scopes_overlap(const std::string& a_in, const std::string& b_in) {
    const std::string a = normal(a_in), b = normal(b_in);
    if (a.empty() || b.empty())
        return true;
    const bool ga = is_glob(a), gb = is_glob(b);
    if (!ga && !gb)
        return contains(a, b) || contains(b, a);
    if (ga && !gb)
        return glob_meets_path(a, b);
    if (!ga && gb)
        return glob_meets_path(b, a);
    return matches(a, sample(b)) || matches(b, sample(a));
}

CheckResult check(const Plan& plan, const config::Config& config) {
    CheckResult r;
    const auto& tasks = plan.tasks;
    std::map<std::string, std::size_t> index;
    bool graph_ok = true;
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        auto [it, fresh] = index.emplace(tasks[i].id, i);
        if (!fresh) {
            r.errors.push_back("id " + tasks[i].id + " is used by two tasks: " +
                               tasks[it->second].desc + " and " + tasks[i].desc);
            graph_ok = false;
        }
    }

    // Scopes, as spawn will record them.
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
    for (std::size_t i = 0; i < tasks.size(); ++i)
        for (std::size_t j = i + 1; j < tasks.size(); ++j) {
            std::optional<Overlap> found;
            for (const auto& a : scopes[i]) {
                for (const auto& b : scopes[j])
                    if (scopes_overlap(a, b)) {
                        found = Overlap{tasks[i].id, tasks[j].id, a, b,
                                        a == b && !is_glob(a) && looks_like_file(a)};
                        break;
                    }
                if (found)
                    break;
            }
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

    for (const auto& t : tasks)
        for (const auto& n : t.needs) {
            if (!index.count(n)) {
                r.errors.push_back(named(t) + " needs task-" + n +
                                   ", which the plan does not have");
                graph_ok = false;
            }
        }

    // Cycles: a depth-first search that keeps the path it is on.
    if (graph_ok) {
        std::vector<int> colour(tasks.size(), 0); // 0 new, 1 on the path, 2 done
        std::vector<std::size_t> path;
        std::function<bool(std::size_t)> visit = [&](std::size_t i) {
            colour[i] = 1;
            path.push_back(i);
            for (const auto& n : tasks[i].needs) {
                std::size_t j = index.at(n);
                if (colour[j] == 1) {
                    auto from = std::find(path.begin(), path.end(), j);
                    for (auto p = from; p != path.end(); ++p)
                        r.cycle.push_back(tasks[*p].id);
                    r.cycle.push_back(tasks[j].id);
                    return true;
                }
                if (colour[j] == 0 && visit(j))
                    return true;
            }
            path.pop_back();
            colour[i] = 2;
            return false;
        };
        for (std::size_t i = 0; i < tasks.size() && r.cycle.empty(); ++i)
            if (colour[i] == 0)
                visit(i);
        if (!r.cycle.empty()) {
            // The search follows needs, so the path reads "a needs b needs c"; show it as the
            // order work would have to happen in: c -> b -> a, which loops.
            std::vector<std::string> shown(r.cycle.rbegin(), r.cycle.rend());
            r.cycle = shown;
            std::vector<std::string> names;
            for (const auto& id : shown)
                names.push_back(protocol::worker_name(id));
            r.errors.push_back("dependency cycle: " + join(names, " -> "));
            graph_ok = false;
        }
    }
    if (!graph_ok) {
        r.reasons.push_back("the dependency graph has errors");
        return r;
    }

    // Levels: a task runs one level after the last of its needs.
    std::vector<int> level(tasks.size(), -1);
    std::function<int(std::size_t)> level_of = [&](std::size_t i) {
        if (level[i] >= 0)
            return level[i];
        int l = 0;
        for (const auto& n : tasks[i].needs)
            l = std::max(l, level_of(index.at(n)) + 1);
        return level[i] = l;
    };
    int levels = 0;
    for (std::size_t i = 0; i < tasks.size(); ++i)
        levels = std::max(levels, level_of(i) + 1);
    const auto max_agents = static_cast<std::size_t>(std::max<std::int64_t>(1, config.max_agents));
    for (int l = 0; l < levels; ++l) {
        std::vector<std::string> ids;
        for (std::size_t i = 0; i < tasks.size(); ++i)
            if (level[i] == l)
                ids.push_back(tasks[i].id);
        r.widest = std::max(r.widest, ids.size());
        for (std::size_t k = 0; k < ids.size(); k += max_agents) {
            Wave w;
            w.number = static_cast<int>(r.waves.size()) + 1;
            w.level = l;
            w.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(k),
                         ids.begin() +
                             static_cast<std::ptrdiff_t>(std::min(ids.size(), k + max_agents)));
            r.waves.push_back(std::move(w));
        }
        r.order.insert(r.order.end(), ids.begin(), ids.end());
    }

    // The seed's reasons for running one task after another.
    if (tasks.empty())
        r.reasons.push_back("the plan has no tasks");
    if (!config.parallel_enabled)
        r.reasons.push_back("parallelization is disabled ([parallelization] enabled = false)");
    if (!tasks.empty() && static_cast<std::int64_t>(r.widest) < config.min_tasks)
        r.reasons.push_back("only " + std::to_string(r.widest) + " independent task" +
                            (r.widest == 1 ? "" : "s") + ", fewer than min_tasks (" +
                            std::to_string(config.min_tasks) + ")");
    if (tasks.size() > 1 && static_cast<std::size_t>(levels) == tasks.size())
        r.reasons.push_back("the tasks form a linear chain");
    std::set<std::string> all;
    bool every_scoped = !tasks.empty();
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        every_scoped = every_scoped && !scopes[i].empty();
        for (const auto& s : scopes[i])
            all.insert(normal(s));
    }
    if (tasks.size() > 1 && every_scoped && all.size() == 1 && !is_glob(*all.begin()) &&
        looks_like_file(*all.begin()))
        r.reasons.push_back("every task changes the same file, " + *all.begin());
    else if (!r.overlaps.empty())
        r.reasons.push_back("tasks share files");
    r.parallel = r.reasons.empty();
    return r;
}

} // namespace porch::plan
