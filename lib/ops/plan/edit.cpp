#include "ops/plan/edit.hpp"

#include "model/naming.hpp"
#include "ops/plan/group.hpp"
#include "ops/plan/import.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

namespace porch::plan {

namespace {

const std::string list_hint = "see the tasks and their items with: git porch plan check";

std::string named(const Task& t) {
    return protocol::worker_name(t.id) + " (" + t.desc + ")";
}

std::vector<int> numbers_of(const std::vector<PlanItem>& items) {
    std::vector<int> out;
    for (const auto& i : items)
        out.push_back(i.number);
    return out;
}

std::string holds(const Task& t) {
    if (t.items.empty())
        return named(t) + " holds no items";
    return named(t) + " holds item" + (t.items.size() == 1 ? " " : "s ") +
           item_ranges(numbers_of(t.items));
}

Task& task_of(Plan& plan, std::string_view id) {
    const auto bare = protocol::normalize_id(id);
    for (auto& t : plan.tasks)
        if (bare && t.id == *bare)
            return t;
    std::vector<std::string> ids;
    for (const auto& t : plan.tasks)
        ids.push_back(protocol::worker_name(t.id));
    fail("the plan has no task " + protocol::quote(id) +
             (ids.empty() ? std::string(": it has no tasks")
                          : " (its tasks: " + util::join(ids, ", ") + ")"),
         list_hint);
}

int item_number(std::string_view text) {
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1 || n > max_item_number)
        fail(protocol::quote(text) + " is not an item number (the # of the manifest)", list_hint);
    return n;
}

// The task that holds item `n`.
Task& holder_of(Plan& plan, int n) {
    std::vector<int> all;
    for (auto& t : plan.tasks)
        for (const auto& item : t.items) {
            if (item.number == n)
                return t;
            all.push_back(item.number);
        }
    fail("no task of the plan holds item " + std::to_string(n) +
             (all.empty() ? std::string(": the plan has no items")
                          : " (its items: " + item_ranges(all) + ")"),
         list_hint);
}

// Every need on `from` becomes one on `to`; nobody needs itself.
void rename_needs(Plan& plan, const std::string& from, const std::string& to) {
    for (auto& t : plan.tasks) {
        std::vector<std::string> needs;
        for (const auto& n : t.needs)
            if (auto id = n == from ? to : n; id != t.id)
                util::append_unique(needs, {id});
        t.needs = std::move(needs);
    }
}

void remove_task(Plan& plan, const std::string& id) {
    plan.tasks.erase(std::remove_if(plan.tasks.begin(), plan.tasks.end(),
                                    [&](const Task& t) { return t.id == id; }),
                     plan.tasks.end());
}

std::string summed_size(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty())
        return a.empty() ? b : a;
    static const std::vector<std::string> sizes = {"S", "M", "L", "XL"};
    auto rank = [&](const std::string& s) {
        return std::find(sizes.begin(), sizes.end(), s) - sizes.begin();
    };
    // Two of a size make the next one: S + S is M, L + M is XL.
    auto bigger =
        std::max(rank(a), rank(b)) + (rank(a) == rank(b) || std::min(rank(a), rank(b)) >= 1);
    return sizes[static_cast<std::size_t>(std::min<std::ptrdiff_t>(bigger, 3))];
}

// A task made of items says what they say; a hand-written one gains their scopes.
void absorb(Task& t, const std::vector<PlanItem>& items) {
    const bool made_of_items = !t.items.empty();
    t.items.insert(t.items.end(), items.begin(), items.end());
    order_items(t.items);
    if (made_of_items)
        summarize_items(t);
    else
        for (const auto& item : items)
            util::append_unique(t.scope, item.scope);
}

// What a task needs, as a line of the report, when it changed.
void report_needs(const Plan& before, const Plan& after, std::vector<std::string>& changes) {
    for (const auto& t : after.tasks) {
        const Task* old = find(before, t.id);
        if (old ? old->needs == t.needs : t.needs.empty())
            continue;
        std::vector<std::string> names;
        for (const auto& n : t.needs)
            names.push_back(protocol::worker_name(n));
        changes.push_back(named(t) + " now needs " +
                          (names.empty() ? std::string("nothing") : util::join(names, ", ")));
    }
}

// A slug of the focus without its paths: "Update the models in src/models/ after..." ->
// "update-models-after"; a folder's own slug ("src/billing/" -> "src-billing").
std::string desc_of(const std::string& focus) {
    std::istringstream in(focus);
    std::string words, w;
    while (in >> w)
        if (w.find('/') == std::string::npos &&
            w.substr(0, w.size() - 1).find('.') == std::string::npos)
            words += w + " ";
    auto desc = slug(words, 3);
    if (desc.empty())
        desc = slug(focus);
    return desc.empty() ? "items" : desc;
}

std::string next_free_id(const Plan& plan) {
    unsigned long long highest = 0;
    for (const auto& t : plan.tasks) {
        unsigned long long n = 0;
        auto [end, ec] = std::from_chars(t.id.data(), t.id.data() + t.id.size(), n);
        if (ec == std::errc() && end == t.id.data() + t.id.size())
            highest = std::max(highest, n);
    }
    auto id = std::to_string(highest + 1);
    while (find(plan, id)) // ids of letters alone: count on
        id = std::to_string(std::stoull(id) + 1);
    return id;
}

} // namespace

Edit merge_tasks(Plan plan, std::string_view into_id, std::string_view from_id) {
    const Plan before = plan;
    Task from = task_of(plan, from_id);
    Task& into = task_of(plan, into_id);
    if (into.id == from.id)
        fail("cannot merge " + named(into) + " with itself", list_hint);
    util::append_unique(into.scope, from.scope);
    util::append_unique(into.needs, from.needs);
    util::append_unique(into.checkpoints, from.checkpoints);
    util::append_unique(into.verify, from.verify);
    util::append_unique(into.produces, from.produces);
    if (!from.description.empty() && from.description != into.description)
        into.description += (into.description.empty() ? "" : "\n") + from.description;
    const bool both_items = !into.items.empty() && !from.items.empty();
    const auto size = summed_size(into.size, from.size);
    const auto priority = into.priority.empty() ? from.priority : into.priority;
    absorb(into, from.items);
    if (!both_items) {
        into.size = size;
        into.priority = priority;
    }
    const std::string into_named = named(into);
    remove_task(plan, from.id);
    rename_needs(plan, from.id, task_of(plan, into_id).id);
    Edit e{plan, {"merged " + named(from) + " into " + into_named}};
    e.changes.push_back(holds(*find(e.plan, into_id)));
    report_needs(before, e.plan, e.changes);
    return e;
}

Edit move_item(Plan plan, std::string_view item_text, std::string_view to_id) {
    const Plan before = plan;
    const int n = item_number(item_text);
    Task& from = holder_of(plan, n);
    const std::string to = task_of(plan, to_id).id;
    if (from.id == to)
        fail("item " + std::to_string(n) + " is in " + named(from) + " already", list_hint);
    auto it = std::find_if(from.items.begin(), from.items.end(),
                           [&](const PlanItem& i) { return i.number == n; });
    const PlanItem item = *it;
    from.items.erase(it);
    Edit e{{},
           {"moved item " + std::to_string(n) + " from " + named(from) + " to " +
            named(task_of(plan, to))}};
    const std::string from_id = from.id;
    if (from.items.empty()) {
        e.changes.push_back("removed " + named(from) + ": it has no items left");
        remove_task(plan, from_id);
        rename_needs(plan, from_id, to);
    } else {
        summarize_items(from);
    }
    absorb(task_of(plan, to), {item});
    link_needs(plan);
    e.plan = std::move(plan);
    if (const Task* left = find(e.plan, from_id))
        e.changes.push_back(holds(*left));
    e.changes.push_back(holds(*find(e.plan, to)));
    report_needs(before, e.plan, e.changes);
    return e;
}

Edit split_task(Plan plan, std::string_view task_id, const std::vector<std::string>& items) {
    const Plan before = plan;
    Task& from = task_of(plan, task_id);
    if (from.items.empty())
        fail(named(from) + " has no items to split (only tasks that plan import made hold items)",
             list_hint);
    std::set<int> taking;
    for (const auto& text : items) {
        const int n = item_number(text);
        const Task& holder = holder_of(plan, n);
        if (holder.id != from.id)
            fail(
                "item " + std::to_string(n) + " is in " + named(holder) + ", not in " + named(from),
                "split it from there: git porch plan split " + holder.id + " " + std::to_string(n));
        taking.insert(n);
    }
    if (taking.size() == from.items.size()) {
        std::string rest; // all but the first: what a split that leaves one item takes
        for (auto it = std::next(taking.begin()); it != taking.end(); ++it)
            rest += " " + std::to_string(*it);
        fail("splitting off every item of " + named(from) + " would leave it empty",
             taking.size() > 1 ? "keep one: git porch plan split " + from.id + rest : list_hint);
    }
    Task part;
    part.id = next_free_id(plan);
    std::vector<PlanItem> kept;
    for (auto& item : from.items)
        (taking.count(item.number) ? part.items : kept).push_back(item);
    from.items = std::move(kept);
    summarize_items(from);
    part.description = focus_of(part.items);
    part.desc = desc_of(part.description);
    summarize_items(part);
    const std::string from_id = from.id;
    plan.tasks.push_back(part);
    link_needs(plan);
    Edit e{plan, {"split " + named(part) + " off " + named(*find(plan, from_id))}};
    e.changes.push_back(holds(*find(e.plan, from_id)));
    e.changes.push_back(holds(*find(e.plan, part.id)));
    report_needs(before, e.plan, e.changes);
    return e;
}

Edit set_mode(Plan plan, PlanMode mode) {
    const bool changed = plan.mode != mode;
    plan.mode = mode;
    std::string line =
        mode == PlanMode::sequential
            ? "mode = \"sequential\": plan check and apply run one task at a time"
            : "mode is automatic: plan check decides between parallel and sequential";
    return {std::move(plan), {(changed ? "" : "unchanged, ") + line}};
}

} // namespace porch::plan
