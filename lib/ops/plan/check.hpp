// git porch plan check: whether a plan can be run, in which waves, and in which mode.
#pragma once

#include "model/config.hpp"
#include "model/plan.hpp"
#include "model/scope.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace porch::plan {

struct Wave {
    int number = 0;               // 1, 2, ...: the order waves are applied in
    int level = 0;                // the dependency level; a level wider than max_agents is split
    std::vector<std::string> ids; // in plan order
};

struct Overlap {
    std::string first, second;             // task ids, in plan order
    std::string first_scope, second_scope; // what each task declared
    bool same_file = false;                // the very same file (not a folder or a glob)
};

struct CheckResult {
    std::vector<std::string> errors;   // each names the tasks concerned
    std::vector<std::string> warnings; // e.g. a task with no scope
    std::vector<Overlap> overlaps;     // also reported in errors
    std::vector<std::string> cycle;    // ids: a, b, ..., a; empty when acyclic
    std::vector<Wave> waves; // one task each when sequential; empty when the graph has errors
    bool parallel = false;
    std::vector<std::string> reasons; // why SEQUENTIAL; empty when PARALLEL
    std::vector<std::string> order;   // every id in an order that respects needs
    std::size_t widest = 0;           // the most tasks that can run at once (independent tasks)
    bool ok() const { return errors.empty(); }
};

CheckResult check(const Plan& plan, const config::Config& config);

using protocol::scopes_overlap; // model/scope.hpp

} // namespace porch::plan
