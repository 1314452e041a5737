// The state of every worker, derived from its branch, its worktree and its events.
#pragma once

#include "model/context.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace porch::model {

struct Need {
    std::string worker; // task-<id>
    std::string item;
};

struct LastCommit {
    std::string id;
    std::string subject;
    std::int64_t time = 0;
};

// Where `git porch integrate` got with this worker, per feature: its newest integration event.
struct Integration {
    std::string feature;
    std::string state;    // merged, conflict, verify-failed
    std::string commit;   // the worker's commit that was merged (or conflicted)
    std::string merge;    // merged: the merge commit on the integration branch
    bool current = false; // that commit is still the branch tip
};

struct WorkerStatus {
    std::string worker; // task-<id>
    std::string id;
    std::string desc;
    std::string branch;                  // short name, e.g. work/task-1-api
    std::optional<std::string> worktree; // absolute path of the worktree that has it checked out
    bool worktree_missing = false;       // that worktree's folder is gone
    std::string state = "new";           // new, checkpoint, blocked, needs, complete
    std::string reason;                  // blocked
    std::vector<Need> needs;             // needs
    std::size_t commits_ahead = 0;       // commits on the branch and not on the base
    LastCommit last_commit;
    std::vector<std::string> scope;          // declared at spawn
    std::vector<std::string> declared_needs; // declared at spawn
    std::size_t unvalidated = 0;             // recorded commits whose message broke the protocol
    std::size_t unrecorded = 0;         // commits read from git because the notes did not know them
    std::int64_t state_time = 0;        // commit time of the commit that set the state
    std::optional<git::Oid> spawn_base; // the commit it started from, when recorded
    // Recorded commits of the live note, (commit time, subject): what others check NEEDS against.
    std::vector<std::pair<std::int64_t, std::string>> subjects;
    std::vector<Integration> integrations; // by feature
    std::string clone;                     // the clone that spawned it (its id), empty when unknown
    std::string clone_name;                // how that clone calls itself (porch.name, user@host)
    bool local = true;                     // spawned here, or known here only by its branch
    bool remote_only = false;              // known from a teammate's events alone: no branch here
    // QA: "" (no verdict and not complete), pending (complete, not judged at this tip),
    // approved or rejected (the newest verdict, on the current tip).
    std::string qa;
    std::string qa_reason;     // rejected: why
    std::int64_t attempts = 0; // git porch retry count
};

struct StatusReport {
    std::string base_branch;
    std::vector<WorkerStatus> workers; // sorted by worker id (numbers in numeric order)
    std::size_t skipped_lines = 0;     // malformed event lines ignored
    std::string clone;                 // this clone's id
};

// One worker, or every worker when `only` is empty: those with a branch here, and teammates'
// workers known from their events alone (after git porch sync).
StatusReport collect_status(const Context& ctx, const std::string& only = {});

// The worker named `worker` (task-<id>) in the report, or nullptr.
const WorkerStatus* find_worker(const StatusReport& report, const std::string& worker);

// Whether `waiting`'s NEEDS on `needed` is met: `needed` is complete, or committed something
// mentioning the item after the NEEDS commit.
bool needs_satisfied(const model::WorkerStatus& waiting, const model::Need& need,
                     const model::WorkerStatus* needed);

// Orders worker ids so that task-2 comes before task-10.
bool worker_id_less(const std::string& a, const std::string& b);
// The same order for worker names (task-<id>).
bool worker_name_less(const std::string& a, const std::string& b);

} // namespace porch::model
