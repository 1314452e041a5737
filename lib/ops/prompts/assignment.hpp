// What a worker was asked to do, gathered from its spawned event, its status and the plan: the
// facts that kickoff and resume prompts are written from.
#pragma once

#include "model/plan.hpp"
#include "model/worker.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace porch::prompts {

struct Dependency {
    std::string worker; // task-<id>
    std::string desc;   // empty when the worker is not spawned yet
    std::string pick;   // the command that picks up its work; empty when not spawned yet
    std::optional<model::WorkerState> state; // nullopt when not spawned yet
    bool merged = false;               // complete, and its tip is in this worker's branch already
    std::vector<std::string> produces; // from the plan
};

// Another worker of the team, for the roster: whom to ask for what.
struct Teammate {
    std::string worker; // task-<id>
    std::string desc;
    std::optional<model::WorkerState> state; // nullopt: in the plan, not spawned yet
    std::string branch;                      // empty when not spawned
    std::vector<std::string> scope;          // declared at spawn, else the plan's
    std::string summary;                     // the first line of its plan description
    std::vector<std::string> produces;       // from the plan
};

struct Assignment {
    std::string worker; // task-<id>
    std::string id;
    std::string desc;
    std::string branch;
    std::string worktree; // absolute path; empty for a worker that runs elsewhere
    std::string base_ref; // what it was spawned from, as given
    model::WorkerState state = model::WorkerState::fresh;
    std::vector<std::string> scope;
    bool scope_enforced = false; // declared at spawn, so the commit-msg hook checks it
    std::vector<Dependency> needs;
    bool planned = false;                 // the plan has this task
    std::string description;              // from the plan; empty without one
    std::vector<std::string> checkpoints; // from the plan
    std::vector<std::string> verify;      // from the plan
    std::vector<std::string> produces;    // from the plan: what others may ask it for
    std::vector<plan::PlanItem> items;    // from the plan: the work items, its checklist
    std::vector<Teammate> team;           // the other workers: spawned ones, then planned ones
    // A relaunch: the reason of the newest QA verdict when that is a rejection, and how many
    // times `git porch retry` counted another attempt (of `attempts_allowed`).
    std::optional<std::string> rejection;
    std::int64_t attempt = 0;
    std::int64_t attempts_allowed = 0;
    // A worker that runs on another machine (no branch here, or its tip was pushed from
    // elsewhere) fetches and tracks its branch there; one taken over here (git porch checkout)
    // runs here for an orchestrator elsewhere. Both push to `remote` after every protocol commit.
    bool elsewhere = false;
    bool taken_over_here = false;
    std::string remote; // the remote its branch goes through; empty when it need not push
};

// Every text in the result is made safe for a terminal line by line (others' commits and plans
// may hold control characters), so a prompt prints and launches as the same bytes.
Assignment load_assignment(const model::Context& ctx, const model::StatusReport& report,
                           const model::WorkerStatus& worker, const plan::Plan* plan);

// The command with which the worker of `a` picks up `needed`'s work: a merge of the branch as
// this clone names it (model::merge_ref), or, for a worker that runs elsewhere, a fetch and a
// merge of the remote-tracking branch. Always --no-ff (a fast-forward would make the other
// worker's commits look like this one's) and --no-edit (no editor opens).
std::string pick_command(const Assignment& a, const model::WorkerStatus& needed);

// Untrusted text without control characters, newlines kept.
std::string clean_text(std::string_view text);

} // namespace porch::prompts
