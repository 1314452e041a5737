// The state of every worker, derived from its branch, its worktree and its events.
#pragma once

#include "model/agent.hpp"
#include "model/context.hpp"
#include "model/owners.hpp"
#include "model/states.hpp"
#include "model/store.hpp"
#include "util/error.hpp"

#include <cstdint>
#include <map>
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
    IntegrationState state = IntegrationState::merged;
    std::string commit;   // the worker's commit that was merged (or conflicted)
    std::string merge;    // merged: the merge commit on the integration branch
    bool current = false; // that commit is still the branch tip
};

// Where a worker's commits are: a local branch, or a remote-tracking branch (fetched from a
// teammate, a CI job or a cloud agent that pushed it), and its tip.
struct WorkerTip {
    std::string branch; // short name, as on the remote: work/task-1-api
    git::Oid commit;
    std::string remote; // empty for the local branch

    git::RefName ref() const;
    // How git names it: work/task-1-api, origin/work/task-1-api.
    std::string display() const { return remote.empty() ? branch : remote + "/" + branch; }
};

// A recorded commit of the worker: what others check a NEEDS against.
struct RecordedSubject {
    std::int64_t time = 0; // commit time
    std::string subject;
    std::string commit; // hex
};

// A protocol commit on the worker's branch that another worker's branch has too, and that no
// hook recorded: porch cannot tell whose it is, so its state is not taken.
struct UnsureCommit {
    std::string id; // hex
    std::string subject;
};

// One check's verdict on the worker's tip (see model/checks.hpp).
struct CheckStatus {
    std::string check;                   // "qa", "e2e"
    QaVerdict verdict = QaVerdict::none; // pending: complete, no verdict on this tip
    std::string reason;                  // rejected or blocked: why
    bool required = false;               // .porch.toml requires it of this worker
    std::string required_by;             // why: "qa.required", "qa.checks", "qa.paths: ..."
};

// A worker rejected again after parallelization.retry_on_failure attempts: the seed's "if still
// fails, mark the task as failed".
struct Failure {
    std::string check; // the check that rejected its tip
    std::string reason;
    std::int64_t attempts = 0;
    std::int64_t allowed = 0; // parallelization.retry_on_failure
};

// The newest run of [worktree] setup in the worker's worktree failed (model/events.hpp).
struct SetupFailure {
    std::string command;
    std::int64_t exit = 0;
    bool timed_out = false;
    std::string log;
};

struct WorkerStatus {
    std::string worker; // task-<id>
    std::string id;
    std::string desc;
    std::string branch;                  // short name, e.g. work/task-1-api
    std::optional<std::string> worktree; // absolute path of the worktree that has it checked out
    bool worktree_missing = false;       // that worktree's folder is gone
    WorkerState state = WorkerState::fresh;
    std::string reason;            // blocked
    std::vector<Need> needs;       // needs
    std::size_t commits_ahead = 0; // commits on the branch and not on the base
    LastCommit last_commit;
    std::vector<std::string> scope;          // declared at spawn
    std::vector<std::string> declared_needs; // declared at spawn
    std::size_t unvalidated = 0;             // its commits on the branch that broke the protocol
    std::size_t unrecorded = 0; // commits read from git because the notes did not know them
    // Files outside the scope changed by commits that skipped the hooks, and still changed at
    // the tip since `outside_base`; and those commits (hex). See model/bypass.hpp.
    std::vector<std::string> outside_scope;
    std::vector<std::string> outside_commits;
    std::optional<git::Oid> outside_base;
    std::int64_t state_time = 0;        // commit time of the commit that set the state
    std::optional<git::Oid> spawn_base; // the commit it started from, when recorded
    // Recorded commits of the live note: what others check NEEDS against.
    std::vector<RecordedSubject> subjects;
    // Every worker a [NEEDS:] commit of its own, on its branch, named (integration order).
    std::vector<std::string> past_needs;
    std::optional<UnsureCommit> unsure;    // the newest one on the state's walk
    std::vector<Integration> integrations; // by feature
    std::string clone;                     // the clone that spawned it (its id), empty when unknown
    std::string clone_name;                // how that clone calls itself (porch.name, user@host)
    bool local = true;                     // spawned here, or known here only by its branch
    bool remote_only = false;              // known from a teammate's events alone: no branch here
    QaVerdict qa = QaVerdict::none;        // the "qa" check's
    std::string qa_reason;                 // rejected or blocked: why
    // The checks required of it, then any other check with a verdict on its tip.
    std::vector<CheckStatus> checks;
    std::optional<Failure> failure; // failed: see model/checks.hpp
    std::int64_t attempts = 0;      // git porch retry count
    std::optional<git::Oid> tip;    // the branch tip the view read; nullopt when from events alone
    std::string tip_source;         // the branch it came from, as git names it (origin/work/...)
    std::vector<WorkerTip> tips;    // every branch of the worker, local first
    bool has_local_branch = false;
    // The local branch against its remote-tracking branch, when both exist.
    std::size_t local_ahead = 0;
    std::size_t local_behind = 0;
    bool diverged = false; // no tip contains all the others: the state is read from `tip`
    // From its newest spawned event; a spawn killed half-way, or a branch made by hand, has none.
    bool recorded = false;
    std::string spawn_id;       // that event's id
    std::string slot;           // the pool slot it was spawned into
    std::string spawn_worktree; // the folder spawn gave it, relative to the main worktree
    bool parked = false; // its worktree was given back on purpose since (pool release, cleanup)
    // The clone (its id) that took over its spawn (git porch checkout) last, else empty.
    std::string taken_over_by;
    // Other workers spawned with the same id (by another clone, on another branch).
    struct Duplicate {
        std::string who; // the clone's name, or the start of its id
        std::string branch;
        bool operator==(const Duplicate&) const = default;
    };
    std::vector<Duplicate> duplicates;
    std::optional<SetupFailure> setup_failure;
    // What its agent session last said through its hooks; nullopt: no hook events (unknown).
    std::optional<AgentActivity> agent;
};

struct StatusReport {
    std::string base_branch;
    std::vector<WorkerStatus> workers; // sorted by worker id (numbers in numeric order)
    std::size_t skipped_lines = 0;     // malformed event lines ignored
    std::string clone;                 // this clone's id
};

// What the view starts from for one worker.
struct WorkerSources {
    std::string worker;          // task-<id>
    std::string id;              // empty when known from events alone
    std::string desc;            // from the branch name; empty when known from events alone
    std::vector<WorkerTip> tips; // empty: known from its (synced) events alone
};

// What every worker's view is measured against, read once per report.
struct ViewBase {
    std::string base_branch;
    std::optional<git::Oid> base;                    // nullopt in a repository with no commits yet
    std::string clone;                               // this clone's id
    std::map<git::RefName, git::Worktree> worktrees; // by the ref each has checked out
    store::NoteSources notes;                        // local and fetched events
    Owners owners; // other workers' commits, for those a worker's own notes do not explain
};

// Every worker porch can see, or only `only` (task-<id>): one per worker branch here, then the
// workers known only from their events.
std::vector<WorkerSources> find_workers(const Context& ctx, const std::string& only = {});

// Throws when the base branch does not exist (in a repository that has commits).
ViewBase view_base(const Context& ctx);

// The one worker view: everything porch knows of one worker, from its tips, its events and its
// protocol commits. nullopt for a worker known from events alone that is not to be listed (ours
// deleted here on purpose, or theirs cleaned up). Malformed event lines are counted in `skipped`.
std::optional<WorkerStatus> view_worker(const Context& ctx, const ViewBase& base,
                                        const WorkerSources& sources,
                                        std::size_t* skipped = nullptr);

// One worker, or every worker when `only` is empty: those with a branch here, and teammates'
// workers known from their events alone (after git porch sync).
StatusReport collect_status(const Context& ctx, const std::string& only = {});

// Whose commits are whose, over the report's workers' tips and every worker's events: for the
// stray protocol commits status and doctor look for on the base.
Owners report_owners(const Context& ctx, const StatusReport& report);

// The worker named `worker` (task-<id>) in the report, or nullptr.
const WorkerStatus* find_worker(const StatusReport& report, const std::string& worker);

// The remote-tracking branch of the worker's branch that its tip came from, else the first one
// of that name; nullptr when its branch is on no remote here.
const WorkerTip* remote_tip(const WorkerStatus& worker);

// How this clone names the worker's branch to merge it: the local branch, else the
// remote-tracking branch its tip came from (origin/work/task-1-api), else the branch's name.
std::string merge_ref(const WorkerStatus& worker);

// Whether `waiting`'s NEEDS on `needed` is met: `needed` is complete, or committed something
// mentioning the item after the NEEDS commit, still on its branch; and whether `waiting`'s branch
// has that already (it merged it). Read from the branches, not only the events: a commit reset
// away meets nothing.
NeedMet need_met(const git::Repo& repo, const model::WorkerStatus& waiting, const model::Need& need,
                 const model::WorkerStatus* needed);
bool needs_satisfied(const git::Repo& repo, const model::WorkerStatus& waiting,
                     const model::Need& need, const model::WorkerStatus* needed);

// The error for `worker` (task-<id>), which no branch or event here knows: "no worker task-2"
// and `detail`, with `hint`; but for a task of the plan (.porch/plan.toml) that is not spawned
// yet, it says so, and the hint is `git porch plan apply`.
Error no_worker(const Context& ctx, const std::string& worker, const std::string& detail,
                const std::string& hint, ErrorKind kind = ErrorKind::fatal);
// "planned, not spawned yet" when the plan has the task of `worker`, else empty.
std::string planned_note(const Context& ctx, const std::string& worker);

// Orders worker ids so that task-2 comes before task-10.
bool worker_id_less(const std::string& a, const std::string& b);
// The same order for worker names (task-<id>).
bool worker_name_less(const std::string& a, const std::string& b);

} // namespace porch::model
