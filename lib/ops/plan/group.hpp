// git porch plan import's Steps 5 to 7: whether the ready items are worth parallel workers, which
// worker does which items, and the manifest's Parallelization Assessment. Items that touch a
// common file, or need one another, always share a worker.
#pragma once

#include "model/config.hpp"
#include "model/plan.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

struct Item; // ops/plan/import.hpp

struct Worker {
    std::vector<int> items;         // item numbers, in dependency order
    std::string focus;              // the common folder, else the heading, else the first item
    std::string desc;               // a slug of the focus (or the first item's), for the branch
    std::string size;               // S, M, L or XL: its items' sizes summed
    std::vector<std::string> scope; // its items' scopes
};

struct Grouping {
    bool parallel = false;
    std::string reason; // the seed's Step 5 reason for the recommendation
    std::vector<Worker> workers;
    std::vector<std::string> assumptions; // which items were put together, and why
};

// Groups the ready items into workers: sequential gives one worker with every item; parallel
// gives 2 to 4 workers (more only when min_tasks asks for more), balanced by size, items of one
// folder or heading kept together when the balance allows. The config's enabled, min_tasks and
// max_agents are those plan check decides the mode with, so that the two agree.
Grouping group_items(const std::vector<Item>& ready, const config::Config& config);

// One task per worker, ids 1..N, each holding its items; a need on an item of no worker (one
// that needs clarification) is dropped.
Plan plan_from(const Grouping& grouping, const std::vector<Item>& ready);

// The seed's "Parallelization Assessment": the recommendation with its reason, the table of
// workers, the items excluded pending clarification, and the commands that answer "Proceed?".
// `sources` are the documents, for the import command that re-reads them.
std::string assessment_markdown(const Grouping& grouping, const std::vector<int>& excluded,
                                const std::vector<std::string>& sources);

// "1, 4-6, 9": item numbers with runs shortened.
std::string item_ranges(std::vector<int> numbers);

// What a task with items says of itself follows from them: its scope is their scopes, its size
// their sizes summed, its priority the highest of theirs. A task without items is left alone.
void summarize_items(Task& task);
// A task with items needs the tasks that hold the items its items need; the needs it has on
// tasks without items (written by hand) stay.
void link_needs(Plan& plan);
// Items in dependency order, ties by number.
void order_items(std::vector<PlanItem>& items);
// The folder, heading or first item a set of items is about: a task's description.
std::string focus_of(const std::vector<PlanItem>& items);

} // namespace porch::plan
