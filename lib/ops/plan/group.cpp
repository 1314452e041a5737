#include "ops/plan/group.hpp"

#include "model/graph.hpp"
#include "model/naming.hpp"
#include "model/scope.hpp"
#include "ops/plan/import.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <numeric>
#include <optional>
#include <set>

namespace porch::plan {

namespace {

// The seed's durations for each size; an unknown size counts as M.
int minutes_of(std::string_view size) {
    if (size == "S")
        return 15;
    if (size == "L")
        return 120;
    if (size == "XL")
        return 240;
    return 45;
}

std::string size_of_minutes(int minutes) {
    if (minutes < 30)
        return "S";
    if (minutes < 90)
        return "M";
    if (minutes < 180)
        return "L";
    return "XL";
}

std::string hours(int minutes) {
    if (minutes < 60)
        return std::to_string(minutes) + "m";
    return std::to_string(minutes / 60) + "h" +
           (minutes % 60 ? " " + std::to_string(minutes % 60) + "m" : "");
}

// P0 and critical first, P4 and low last; an unknown marker after them all.
int priority_rank(std::string_view p) {
    static const std::map<std::string, int, std::less<>> rank = {
        {"P0", 0}, {"critical", 0}, {"urgent", 0}, {"P1", 1},  {"high", 1},
        {"P2", 2}, {"medium", 2},   {"P3", 3},     {"low", 3}, {"P4", 4}};
    auto it = rank.find(p);
    return it == rank.end() ? 5 : it->second;
}

std::string higher_priority(const std::string& a, const std::string& b) {
    if (a.empty())
        return b;
    return !b.empty() && priority_rank(b) < priority_rank(a) ? b : a;
}

// The folder a scope is in, or is: "src/user.py" -> "src", "src/auth/" -> "src/auth",
// "src/*.ts" -> "src", "README.md" -> "".
std::string folder_of(const std::string& scope) {
    std::string s = protocol::plain_scope(scope);
    const bool glob = protocol::is_glob(s);
    if (glob)
        s = s.substr(0, s.find_first_of("*?["));
    if (glob || protocol::looks_like_file(s))
        s = s.substr(0, s.rfind('/') == std::string::npos ? 0 : s.rfind('/'));
    while (!s.empty() && s.back() == '/')
        s.pop_back();
    return s;
}

// The longest folder both are in, compared a component at a time; "" when they share none.
std::string common_folder(std::string_view a, std::string_view b) {
    std::size_t common = 0;
    for (std::size_t i = 0;;) {
        const auto end_a = a.find('/', i), end_b = b.find('/', i);
        const auto part = a.substr(i, end_a - i);
        if (part.empty() || part != b.substr(i, end_b - i))
            break;
        common = i + part.size();
        if (end_a == std::string_view::npos || end_b == std::string_view::npos)
            break;
        i = end_a + 1;
    }
    return std::string(a.substr(0, common));
}

// The folder every scope is in; "" when none, or when there is no scope.
std::string folder_of_all(const std::vector<std::string>& scopes) {
    std::optional<std::string> out;
    for (const auto& s : scopes)
        out = out ? common_folder(*out, folder_of(s)) : folder_of(s);
    return out.value_or("");
}

// A file every item's scope names, the same way; "" when none.
std::string common_file(const std::vector<std::vector<std::string>>& scopes) {
    if (scopes.empty())
        return {};
    for (const auto& s : scopes.front()) {
        const auto file = protocol::plain_scope(s);
        if (protocol::is_glob(file) || !protocol::looks_like_file(file))
            continue;
        bool everywhere = std::all_of(scopes.begin(), scopes.end(), [&](const auto& other) {
            return std::any_of(other.begin(), other.end(), [&](const std::string& o) {
                return protocol::plain_scope(o) == file;
            });
        });
        if (everywhere)
            return file;
    }
    return {};
}

// "Fix the null check in src/user.py" -> itself; a long one cut at a word.
std::string short_text(std::string_view text) {
    std::string line = util::trim(text.substr(0, text.find('\n')));
    if (line.size() <= 48)
        return line;
    auto cut = line.rfind(' ', 45);
    return line.substr(0, cut == std::string::npos || cut < 20 ? 45 : cut) + "...";
}

std::string focus_text(const std::string& folder, const std::string& heading,
                       std::string_view first_text, std::size_t count) {
    if (!folder.empty())
        return folder + "/";
    if (!heading.empty())
        return heading;
    std::string out = short_text(first_text);
    if (count > 1)
        out += " (and " + util::plural(count - 1, "more item") + ")";
    return out;
}

std::string label(const std::vector<int>& numbers) {
    return (numbers.size() == 1 ? "Item " : "Items ") + item_ranges(numbers);
}

// Union-find over item positions.
class Sets {
public:
    explicit Sets(std::size_t n) : m_parent(n) { std::iota(m_parent.begin(), m_parent.end(), 0); }
    std::size_t find(std::size_t i) {
        while (m_parent[i] != i)
            i = m_parent[i] = m_parent[m_parent[i]];
        return i;
    }
    void join(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        m_parent[std::max(a, b)] = std::min(a, b);
    }

private:
    std::vector<std::size_t> m_parent;
};

// Items that must share a worker, and what holds them together.
struct Unit {
    std::vector<std::size_t> members; // positions in the ready items, in number order
    int minutes = 0;
    // What units cluster by: the folders its scopes are in (with those above them) and its
    // items' headings (the seed's features), those that all units share left out.
    std::set<std::string> folders, headings;
    std::vector<std::string> shared; // files (or folders) two of its items both touch
    int needs = 0;                   // dependencies between its items
};

// Where item `number` is among `items` (in number order); items.size() when it is not.
std::size_t position_of(const std::vector<Item>& items, const std::string& number) {
    int n = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (ec != std::errc() || end != number.data() + number.size())
        return items.size();
    auto it = std::lower_bound(items.begin(), items.end(), n,
                               [](const Item& i, int v) { return i.number < v; });
    return it != items.end() && it->number == n ? static_cast<std::size_t>(it - items.begin())
                                                : items.size();
}

struct Link {
    std::size_t a, b;
    std::string shared; // the scope that overlaps; empty for a dependency
};

// Items whose scopes may name a common file. Comparing every pair is too slow for a long
// document: a plain path is linked to the items naming it or the nearest folder above it that
// another item names (linking is transitive), and only globs and "everything" go pairwise.
void overlap_links(const std::vector<Item>& items, std::vector<Link>& out) {
    std::map<std::string, std::size_t> named; // a plain path -> the first item naming it
    std::vector<std::pair<std::size_t, std::string>> wide; // globs, and "." (everything)
    for (std::size_t i = 0; i < items.size(); ++i)
        for (const auto& s : items[i].scope) {
            auto p = protocol::plain_scope(s);
            if (p.empty() || protocol::is_glob(p))
                wide.emplace_back(i, s);
            else if (auto [it, fresh] = named.emplace(p, i); !fresh && it->second != i)
                out.push_back({it->second, i, p});
        }
    for (const auto& [path, item] : named)
        for (auto cut = path.rfind('/'); cut != std::string::npos && cut > 0;
             cut = path.rfind('/', cut - 1))
            if (auto it = named.find(path.substr(0, cut)); it != named.end()) {
                out.push_back({it->second, item, path});
                break;
            }
    for (const auto& [i, glob] : wide)
        for (std::size_t j = 0; j < items.size(); ++j)
            for (const auto& s : items[j].scope)
                if (j != i && protocol::scopes_overlap(glob, s)) {
                    out.push_back({i, j, protocol::is_glob(s) ? glob : s});
                    break;
                }
}

// Same file (or overlapping scopes) and dependencies: the pairs that cannot be split.
std::vector<Link> links_of(const std::vector<Item>& items) {
    std::vector<Link> out;
    overlap_links(items, out);
    for (std::size_t i = 0; i < items.size(); ++i)
        for (const auto& n : items[i].needs)
            if (auto p = position_of(items, n); p < items.size())
                out.push_back({i, p, {}});
    return out;
}

std::vector<Unit> units_of(const std::vector<Item>& items) {
    const auto links = links_of(items);
    Sets sets(items.size());
    for (const auto& l : links)
        sets.join(l.a, l.b);
    std::map<std::size_t, Unit> by_root;
    for (std::size_t i = 0; i < items.size(); ++i) {
        Unit& u = by_root[sets.find(i)];
        u.members.push_back(i);
        u.minutes += minutes_of(items[i].size);
    }
    for (const auto& l : links) {
        Unit& u = by_root[sets.find(l.a)];
        if (l.shared.empty())
            ++u.needs;
        else
            util::append_unique(u.shared, {l.shared});
    }
    std::vector<Unit> out;
    for (auto& entry : by_root)
        out.push_back(std::move(entry.second));
    return out;
}

std::vector<std::string> scopes_of(const std::vector<Item>& items,
                                   const std::vector<std::size_t>& members) {
    std::vector<std::string> out;
    for (auto m : members)
        util::append_unique(out, items[m].scope);
    return out;
}

std::string heading_of(const std::vector<Item>& items, const std::vector<std::size_t>& members) {
    for (auto m : members)
        if (items[m].heading != items[members.front()].heading)
            return {};
    return items[members.front()].heading;
}

std::vector<int> numbers_of(const std::vector<Item>& items,
                            const std::vector<std::size_t>& members) {
    std::vector<int> out;
    for (auto m : members)
        out.push_back(items[m].number);
    return out;
}

// The members in dependency order, ties by number.
std::vector<std::size_t> dependency_order(const std::vector<Item>& items,
                                          std::vector<std::size_t> members) {
    model::Graph graph;
    for (auto m : members) {
        graph.add(std::to_string(items[m].number));
        for (const auto& n : items[m].needs)
            graph.add_need(std::to_string(items[m].number), n);
    }
    std::vector<std::size_t> out;
    for (const auto& id : graph.order())
        out.push_back(position_of(items, id));
    // Items on a cycle (the graph leaves them out) go last, in number order.
    for (auto m : members)
        if (std::find(out.begin(), out.end(), m) == out.end())
            out.push_back(m);
    return out;
}

// "6 \u2192 7 \u2192 8" when the unit's items form one chain, each needing the one before;
// "" otherwise.
std::string chain_of(const std::vector<Item>& items, const Unit& u) {
    if (u.needs + 1 != static_cast<int>(u.members.size()))
        return {};
    const auto order = dependency_order(items, u.members);
    std::string chain = std::to_string(items[order.front()].number);
    for (std::size_t k = 1; k < order.size(); ++k) {
        const auto& needs = items[order[k]].needs;
        const auto before = std::to_string(items[order[k - 1]].number);
        if (std::find(needs.begin(), needs.end(), before) == needs.end())
            return {};
        chain += " \u2192 " + std::to_string(items[order[k]].number);
    }
    return chain;
}

// "Items 5-7: grouped together (all modify src/x.py)".
std::string why_together(const std::vector<Item>& items, const Unit& u) {
    std::vector<std::vector<std::string>> scopes;
    for (auto m : u.members)
        scopes.push_back(items[m].scope);
    std::vector<std::string> why;
    if (auto file = common_file(scopes); !file.empty())
        why.push_back("all modify " + file);
    else if (!u.shared.empty())
        why.push_back("they share " + util::join(u.shared, ", "));
    if (u.needs > 0) {
        const auto chain = chain_of(items, u);
        why.push_back(chain.empty() ? "they depend on each other" : "a dependency chain: " + chain);
    }
    return label(numbers_of(items, u.members)) + ": grouped together (" + util::join(why, "; ") +
           ")";
}

// "test" or "tests" as a word of the item's first line, or the verb.
bool is_test(const Item& item) {
    if (item.action == "test")
        return true;
    const auto line = util::to_lower(item.description.substr(0, item.description.find('\n')));
    auto letter = [&](std::size_t i) {
        return i < line.size() && std::isalnum(static_cast<unsigned char>(line[i]));
    };
    for (auto at = line.find("test"); at != std::string::npos; at = line.find("test", at + 1)) {
        auto end = at + 4 + (at + 4 < line.size() && line[at + 4] == 's');
        if ((at == 0 || !letter(at - 1)) && !letter(end))
            return true;
    }
    return false;
}

// The seed's Step 5: why the items are better done one after another; nullopt for parallel.
std::optional<std::string> sequential_reason(const std::vector<Item>& items,
                                             const std::vector<Unit>& units, int total) {
    std::vector<std::vector<std::string>> scopes;
    std::vector<std::size_t> all(items.size());
    std::iota(all.begin(), all.end(), 0);
    for (const auto& i : items)
        scopes.push_back(i.scope);
    if (items.size() > 1)
        if (auto file = common_file(scopes); !file.empty())
            return "all items touch the same file, " + file + ": guaranteed conflicts";
    if (items.size() > 1 && units.size() == 1)
        if (auto chain = chain_of(items, units.front()); !chain.empty())
            return "the items form a linear dependency chain (" + chain +
                   "): they cannot run in parallel anyway";
    if (items.size() < 3)
        return "only " + util::plural(items.size(), "item") +
               ": the overhead of parallel workers exceeds the benefit";
    if (total < 120)
        return "the estimated total work is " + hours(total) +
               ", under 2 hours: a single session is simpler";
    const std::string module = folder_of_all(scopes_of(items, all));
    const std::string heading = heading_of(items, all);
    if (std::all_of(items.begin(), items.end(), is_test) && (!module.empty() || !heading.empty()))
        return "all items are tests for the same module (" +
               (module.empty() ? heading : module + "/") + "): a coherent test suite";
    if (units.size() == 1)
        return "every item shares files or dependencies with another: they cannot be split";
    return std::nullopt;
}

// The reasons of plan check's that the items alone do not show: what the config asks.
std::optional<std::string> config_reason(const std::vector<Unit>& units,
                                         const config::Config& config) {
    if (!config.parallel_enabled)
        return "parallelization is disabled ([parallelization] enabled = false)";
    if (static_cast<std::int64_t>(units.size()) < config.min_tasks)
        return "only " + std::to_string(units.size()) +
               " independent groups of items, fewer than min_tasks (" +
               std::to_string(config.min_tasks) + ")";
    return std::nullopt;
}

// How many workers: enough to satisfy min_tasks, about 2 hours of work each, at most 4 (or
// max_agents when that is less), never more than there are units.
std::size_t worker_count(std::size_t units, int total, const config::Config& config) {
    const auto low = std::max<std::int64_t>(2, config.min_tasks);
    const auto high = std::max<std::int64_t>(low, std::min<std::int64_t>(4, config.max_agents));
    const auto by_work = std::max<std::int64_t>(low, total / 120);
    return static_cast<std::size_t>(
        std::min<std::int64_t>({static_cast<std::int64_t>(units), high, by_work}));
}

// The folders the unit's scopes are in, each with those above it, and its items' headings.
void cluster_keys(const std::vector<Item>& items, Unit& u) {
    for (auto m : u.members) {
        if (!items[m].heading.empty())
            u.headings.insert(items[m].heading);
        for (const auto& s : items[m].scope)
            for (auto f = folder_of(s); !f.empty();
                 f.resize(f.rfind('/') == f.npos ? 0 : f.rfind('/')))
                u.folders.insert(f);
    }
}

// A folder or heading every unit has says nothing of which belong together ("src" in a
// project that is all src/, the one heading of a flat list).
void drop_common_keys(std::vector<Unit>& units) {
    std::map<std::string, std::size_t> folders, headings;
    for (const auto& u : units) {
        for (const auto& f : u.folders)
            ++folders[f];
        for (const auto& h : u.headings)
            ++headings[h];
    }
    for (auto& u : units) {
        std::erase_if(u.folders, [&](const std::string& f) { return folders[f] == units.size(); });
        std::erase_if(u.headings,
                      [&](const std::string& h) { return headings[h] == units.size(); });
    }
}

struct Bin {
    std::vector<std::size_t> units;
    int minutes = 0;
    std::set<std::string> folders, headings;
};

// How strongly a unit belongs with a worker: the depth of the deepest folder both work in, or
// 1 for a common heading; 0 when nothing ties them.
int affinity(const Bin& bin, const Unit& u) {
    int best = 0;
    for (const auto& f : u.folders)
        if (bin.folders.count(f))
            best = std::max(best, 1 + static_cast<int>(std::count(f.begin(), f.end(), '/')));
    for (const auto& h : u.headings)
        if (bin.headings.count(h))
            best = std::max(best, 1);
    return best;
}

void put(Bin& bin, const Unit& u, std::size_t index) {
    bin.folders.insert(u.folders.begin(), u.folders.end());
    bin.headings.insert(u.headings.begin(), u.headings.end());
    bin.units.push_back(index);
    bin.minutes += u.minutes;
}

// The worker a unit belongs with most, lightest first among equals, that stays within `cap`.
std::optional<std::size_t> closest(const std::vector<Bin>& bins, const Unit& u, int cap) {
    std::optional<std::size_t> pick;
    int best = 0;
    for (std::size_t b = 0; b < bins.size(); ++b) {
        if (bins[b].units.empty() || bins[b].minutes + u.minutes > cap)
            continue;
        const int a = affinity(bins[b], u);
        if (a > best || (a == best && a > 0 && bins[b].minutes < bins[*pick].minutes)) {
            best = a;
            pick = b;
        }
    }
    return pick;
}

// The lightest worker; among equally light ones, the one the unit belongs with most.
std::size_t lightest(const std::vector<Bin>& bins, const Unit& u) {
    std::size_t pick = 0;
    for (std::size_t b = 1; b < bins.size(); ++b)
        if (bins[b].minutes < bins[pick].minutes ||
            (bins[b].minutes == bins[pick].minutes &&
             affinity(bins[b], u) > affinity(bins[pick], u)))
            pick = b;
    return pick;
}

// Largest unit first, into a worker it belongs with while that stays within a quarter over the
// average, else into the lightest worker (the one it belongs with among equals); every worker
// gets at least one unit.
std::vector<Bin> pack(const std::vector<Unit>& units, std::size_t count, int total) {
    std::vector<std::size_t> order(units.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return units[a].minutes > units[b].minutes; });
    const int cap = total * 5 / (4 * static_cast<int>(count));
    std::vector<Bin> bins(count);
    std::size_t empty = count;
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Unit& u = units[order[k]];
        std::optional<std::size_t> pick;
        if (empty <= order.size() - k - 1)
            pick = closest(bins, u, cap);
        if (!pick)
            pick = lightest(bins, u);
        empty -= bins[*pick].units.empty();
        put(bins[*pick], u, order[k]);
    }
    return bins;
}

Worker worker_of(const std::vector<Item>& items, std::vector<std::size_t> members) {
    std::sort(members.begin(), members.end());
    Worker w;
    int minutes = 0;
    for (auto m : dependency_order(items, members)) {
        w.items.push_back(items[m].number);
        util::append_unique(w.scope, items[m].scope);
        minutes += minutes_of(items[m].size);
    }
    w.size = size_of_minutes(minutes);
    const auto folder = folder_of_all(w.scope);
    const auto heading = heading_of(items, members);
    w.focus = focus_text(folder, heading, items[members.front()].description, members.size());
    w.desc = folder.empty() && heading.empty() ? items[members.front()].desc : slug(w.focus);
    if (w.desc.empty())
        w.desc = "items";
    return w;
}

std::vector<Worker> workers_of(const std::vector<Item>& items, const std::vector<Unit>& units,
                               const std::vector<Bin>& bins) {
    std::vector<Worker> out;
    for (const auto& bin : bins) {
        std::vector<std::size_t> members;
        for (auto u : bin.units)
            members.insert(members.end(), units[u].members.begin(), units[u].members.end());
        if (!members.empty())
            out.push_back(worker_of(items, members));
    }
    std::sort(out.begin(), out.end(), [](const Worker& a, const Worker& b) {
        return *std::min_element(a.items.begin(), a.items.end()) <
               *std::min_element(b.items.begin(), b.items.end());
    });
    return out;
}

std::string parallel_reason(const std::vector<Unit>& units) {
    const bool independent = std::all_of(units.begin(), units.end(),
                                         [](const Unit& u) { return u.members.size() == 1; });
    if (independent)
        return "the items touch independent files";
    return "a mix of independent clusters: " + std::to_string(units.size()) +
           " groups of items that share no files";
}

} // namespace

std::string item_ranges(std::vector<int> numbers) {
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < numbers.size();) {
        std::size_t j = i;
        while (j + 1 < numbers.size() && numbers[j + 1] == numbers[j] + 1)
            ++j;
        parts.push_back(std::to_string(numbers[i]) +
                        (j > i ? "-" + std::to_string(numbers[j]) : ""));
        i = j + 1;
    }
    return util::join(parts, ", ");
}

Grouping group_items(const std::vector<Item>& items, const config::Config& config) {
    std::vector<Item> ready = items; // in number order: position_of searches it
    std::stable_sort(ready.begin(), ready.end(),
                     [](const Item& a, const Item& b) { return a.number < b.number; });
    Grouping g;
    auto units = units_of(ready);
    int total = 0;
    for (auto& u : units) {
        total += u.minutes;
        cluster_keys(ready, u);
        if (u.members.size() > 1)
            g.assumptions.push_back(why_together(ready, u));
    }
    drop_common_keys(units);
    if (ready.empty()) {
        g.reason = "no item is ready to assign";
        return g;
    }
    auto reason = sequential_reason(ready, units, total);
    if (!reason)
        reason = config_reason(units, config);
    if (reason) {
        g.reason = *reason;
        std::vector<std::size_t> all(ready.size());
        std::iota(all.begin(), all.end(), 0);
        g.workers.push_back(worker_of(ready, all));
        return g;
    }
    g.parallel = true;
    g.reason = parallel_reason(units);
    g.workers =
        workers_of(ready, units, pack(units, worker_count(units.size(), total, config), total));
    return g;
}

namespace {

PlanItem plan_item(const Item& item, const std::set<int>& planned) {
    PlanItem p;
    p.number = item.number;
    p.text = item.description;
    p.source = item.source;
    p.scope = item.scope;
    p.size = item.size;
    p.priority = item.priority;
    for (const auto& n : item.needs)
        if (auto number = std::stoi(n); planned.count(number))
            p.needs.push_back(number);
    return p;
}

} // namespace

Plan plan_from(const Grouping& grouping, const std::vector<Item>& ready) {
    std::set<int> planned;
    for (const auto& w : grouping.workers)
        planned.insert(w.items.begin(), w.items.end());
    std::map<int, const Item*> by_number;
    for (const auto& item : ready)
        by_number.emplace(item.number, &item);
    Plan plan;
    for (const auto& w : grouping.workers) {
        Task t;
        t.id = std::to_string(plan.tasks.size() + 1);
        t.desc = w.desc;
        t.description = w.focus;
        for (int n : w.items)
            if (auto it = by_number.find(n); it != by_number.end())
                t.items.push_back(plan_item(*it->second, planned));
        summarize_items(t);
        plan.tasks.push_back(std::move(t));
    }
    link_needs(plan);
    return plan;
}

void summarize_items(Task& task) {
    if (task.items.empty())
        return;
    task.scope.clear();
    task.priority.clear();
    int minutes = 0;
    for (const auto& item : task.items) {
        util::append_unique(task.scope, item.scope);
        minutes += minutes_of(item.size);
        task.priority = higher_priority(task.priority, item.priority);
    }
    task.size = size_of_minutes(minutes);
}

void link_needs(Plan& plan) {
    std::map<int, std::string> holder; // item number -> the task holding it
    for (const auto& t : plan.tasks)
        for (const auto& item : t.items)
            holder[item.number] = t.id;
    for (auto& t : plan.tasks) {
        if (t.items.empty())
            continue;
        std::vector<std::string> needs;
        for (const auto& n : t.needs) {
            const Task* other = find(plan, n);
            if (!other || other->items.empty()) // written by hand: not ours to drop
                util::append_unique(needs, {n});
        }
        for (const auto& item : t.items)
            for (int n : item.needs)
                if (auto it = holder.find(n); it != holder.end() && it->second != t.id)
                    util::append_unique(needs, {it->second});
        t.needs = std::move(needs);
    }
}

void order_items(std::vector<PlanItem>& items) {
    model::Graph graph;
    for (const auto& item : items) {
        graph.add(std::to_string(item.number));
        for (int n : item.needs)
            graph.add_need(std::to_string(item.number), std::to_string(n));
    }
    std::map<std::string, int> rank;
    for (const auto& id : graph.order())
        rank.emplace(id, static_cast<int>(rank.size()));
    // Items on a cycle (the graph leaves them out) go last, in number order.
    auto key = [&](const PlanItem& i) {
        auto it = rank.find(std::to_string(i.number));
        return std::pair(it == rank.end() ? static_cast<int>(rank.size()) : it->second, i.number);
    };
    std::stable_sort(items.begin(), items.end(),
                     [&](const PlanItem& a, const PlanItem& b) { return key(a) < key(b); });
}

std::string focus_of(const std::vector<PlanItem>& items) {
    std::vector<std::string> scopes;
    for (const auto& item : items)
        util::append_unique(scopes, item.scope);
    return focus_text(folder_of_all(scopes), {}, items.empty() ? "" : items.front().text,
                      items.size());
}

namespace {

std::string worker_row(const Worker& w, std::size_t index) {
    std::string focus;
    for (char c : w.focus)
        focus += c == '|' ? std::string("\\|") : std::string(1, c);
    return "| " + protocol::worker_name(std::to_string(index + 1)) + " | " + item_ranges(w.items) +
           " | " + focus + " | " + w.size + " |\n";
}

std::string recommendation(const Grouping& g) {
    if (g.workers.empty())
        return "**Recommendation:** Nothing to assign (" + g.reason + ")\n";
    if (!g.parallel)
        return "**Recommendation:** Sequential execution (" + g.reason + ")\n";
    return "**Recommendation:** Parallel execution with " + std::to_string(g.workers.size()) +
           " workers (" + g.reason + ")\n";
}

// The seed's "Proceed?" answers, each as the commands that give it.
std::string proceed(const Grouping& g, const std::vector<std::string>& sources) {
    std::string import = "git porch plan import --force";
    for (const auto& s : sources)
        import += " " + util::shell_word(s);
    std::string out =
        std::string("\n---\n\n**Proceed with this ") + (g.parallel ? "split" : "plan") + "?**\n\n";
    out += "- [Y] Yes: `git porch plan check`, then `git porch plan apply`\n";
    out += "- [N] Modify: `git porch plan merge <task> <task>`, `git porch plan move <item> "
           "<task>`, `git porch plan split <task> <item>...`\n";
    out += "- [C] Clarify items first: edit the documents, then `" + import + "`\n";
    if (g.parallel)
        out += "- [S] Switch to sequential: `git porch plan sequential`\n";
    else if (!g.workers.empty() && g.workers.front().items.size() > 1)
        out += "- [P] Split it for parallel workers: `git porch plan split 1 <item>...`\n";
    return out;
}

} // namespace

std::string assessment_markdown(const Grouping& g, const std::vector<int>& excluded,
                                const std::vector<std::string>& sources) {
    std::string out = "### Parallelization Assessment\n\n" + recommendation(g);
    if (!g.workers.empty()) {
        out += "\n| Worker | Items | Focus | Est. Complexity |\n";
        out += "|--------|-------|-------|-----------------|\n";
        for (std::size_t i = 0; i < g.workers.size(); ++i)
            out += worker_row(g.workers[i], i);
    }
    if (!excluded.empty())
        out += "\n" + label(excluded) + " excluded pending clarification.\n";
    return out + proceed(g, sources);
}

} // namespace porch::plan
