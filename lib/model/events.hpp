// Typed events: one struct per event type. Writers build one and `encode` it into the store's
// line format (model/event.hpp, unchanged on disk); readers `decode` a store::Event of that type.
// Decoding never fails: every field comes from someone's notes, so a missing or malformed field
// reads as empty (or nullopt), exactly as the line-level reader has always treated it.
#pragma once

#include "git/oid.hpp"
#include "model/config.hpp"
#include "model/event.hpp"
#include "model/message.hpp"
#include "model/states.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace porch::model {

enum class EventType {
    spawned,
    commit,
    qa,
    qa_check, // a verdict old clones do not read as QA's: on a named check, or blocked
    retry,
    released,
    cleaned,
    integrated,
    integrate_conflict,
    integrate_verify_failed,
    integrate_aborted,
    checkpoint,
    handoff,
    taken_over,
    setup_failed,
    setup_done,
    agent,
};
std::string to_string(EventType type);
// The type of an event line; nullopt for a type this version does not know.
std::optional<EventType> type_of(const store::Event& event);
std::optional<EventType> parse_event_type(std::string_view text);

// A worker came to be: by spawn, pool acquire, or reindex adopting a branch.
struct SpawnedEvent {
    std::string desc;
    std::string branch;   // short name
    std::string worktree; // relative to the main worktree; empty when unknown
    std::string base;     // the commit it started from (hex); empty when unknown
    std::string base_ref; // what it was started from, as given
    std::string clone_name;
    std::string slot;   // the pool slot (wt-<n>) for pool acquire
    std::string source; // "reindex" for an adopted branch
    std::vector<std::string> needs;
    std::vector<std::string> scope;

    store::Event encode(const std::string& worker) const;
    static SpawnedEvent decode(const store::Event& event);
    std::optional<git::Oid> base_commit() const { return git::Oid::from_hex(base); }
};

// Of one worker's spawned events, the one that describes the worker seen on `branch` (empty:
// any): those of that branch first, then this clone's own (events are not signed, and a
// teammate's or a forger's must not replace the scope and base this clone recorded), then the
// newest. nullptr when there are none.
const store::Event* spawn_that_counts(const std::vector<const store::Event*>& spawns,
                                      std::string_view branch, std::string_view clone);

// A clone made its own worktree for a worker whose branch it had only from a remote (git porch
// checkout): who took it over (the event's clone), on which branch, from which tip.
struct TakenOverEvent {
    std::string branch;     // short name
    std::string tip;        // the commit the local branch started at (hex)
    std::string remote;     // where the branch came from; its upstream
    std::string clone_name; // how the clone that took it over calls itself
    std::string spawn;      // the id of the spawned event it took over; empty when adopted
    bool adopted = false;   // it had no spawned event: this clone recorded one

    store::Event encode(const std::string& worker) const;
    static TakenOverEvent decode(const store::Event& event);
};

// [worktree] setup ran in the worker's worktree (after spawn, pool acquire or plan apply, or by
// git porch setup): `setup-failed` names the command that failed or ran out of time, and
// `setup-done` says every command succeeded. The log keeps the output.
struct SetupEvent {
    bool failed = false;
    std::string command;    // failed: the command (as .porch.toml has it)
    std::int64_t exit = 0;  // failed: its exit status (128 + signal when killed)
    bool timed_out = false; // failed: killed after [worktree] setup_timeout
    std::string log;        // the log's absolute path
    std::string worktree;   // where it ran (absolute)

    store::Event encode(const std::string& worker) const;
    static SetupEvent decode(const store::Event& event);
};

// One commit on a worker's branch, as its hook or reindex saw it.
struct CommitEvent {
    std::string commit; // hex
    std::string parent; // first parent (hex); empty for a root commit
    protocol::Kind kind = protocol::Kind::invalid;
    bool valid = false;  // the message obeys the protocol
    std::string source;  // "hook" or "reindex"
    std::string subject; // bounded
    std::int64_t commit_time = 0;
    std::optional<WorkerState> state; // set by a protocol commit
    std::string reason;               // blocked
    std::string needs_worker;         // needs
    std::string needs_item;           // needs
    std::optional<std::size_t> ahead; // commits ahead of the base, when counted
    // Paths it changed outside the worker's scope (some of them, bounded): it skipped the
    // scope check (--no-verify, a rebase pick, hooks off).
    std::vector<std::string> outside;

    store::Event encode(const std::string& worker) const;
    static CommitEvent decode(const store::Event& event);
};

// QA's verdict on a worker's tip, for one check. QA's own approval or rejection is a `qa` event,
// as always; a verdict on another check, or a blocked one, is a `qa-check` event, which clones
// from before checks skip (they would take it for QA's approval, or forget a rejection).
struct QaEvent {
    QaVerdict verdict = QaVerdict::none; // approved, rejected or blocked; none when unreadable
    std::string reason;
    std::string commit;
    std::string check = std::string(config::default_check);

    store::Event encode(const std::string& worker) const;
    // Either type; a verdict other than those three, or a bad check name, reads as none.
    static QaEvent decode(const store::Event& event);
};

// One more attempt at a failed task (git porch retry).
struct RetryEvent {
    std::int64_t attempt = 0; // 0 when unreadable
    std::string commit;

    store::Event encode(const std::string& worker) const;
    static RetryEvent decode(const store::Event& event);
};

// A pool slot given back.
struct ReleasedEvent {
    std::string slot;
    std::string rescued; // the ref that keeps uncommitted work, when forced

    store::Event encode(const std::string& worker) const;
    static ReleasedEvent decode(const store::Event& event);
};

// A merged worker cleaned up: its worktree removed (or slot released), maybe its branch.
struct CleanedEvent {
    std::string branch;
    std::string merged_into;
    std::string tip;
    bool branch_deleted = false;
    std::string worktree; // relative to the main worktree
    std::string slot;

    store::Event encode(const std::string& worker) const;
    static CleanedEvent decode(const store::Event& event);
};

// Where git porch integrate got with a worker (integrated, conflict, verify failed, aborted).
struct IntegrationEvent {
    EventType type = EventType::integrated;
    std::string feature;
    std::string commit; // the worker's tip merged (or conflicted)
    std::string merge;  // integrated: the merge commit
    std::vector<std::string> files;

    store::Event encode(const std::string& worker) const;
    static IntegrationEvent decode(const store::Event& event);
    // merged, conflict or verify-failed; nullopt for an aborted run.
    std::optional<IntegrationState> state() const;
};

// The orchestrator's session checkpoint (events of store::session_worker).
struct CheckpointEvent {
    std::string group;
    std::string summary;
    std::string by; // the clone's name
    std::vector<std::string> complete;
    std::vector<std::string> open;

    store::Event encode(const std::string& worker) const;
    static CheckpointEvent decode(const store::Event& event);
};

// A handoff to the next session.
struct HandoffEvent {
    std::string by;
    std::string checkpoint; // the newest checkpoint's group, when there is one
    std::vector<std::string> open;
    std::vector<std::string> ready;

    store::Event encode(const std::string& worker) const;
    static HandoffEvent decode(const store::Event& event);
};

// A worker's agent session changed state, as the agent's own hooks told git porch agent-hook.
struct AgentEvent {
    std::optional<AgentState> state; // nullopt when unreadable
    std::string agent;               // claude, codex; empty for the generic form
    std::string session;             // the agent's session id; empty when it gave none
    std::string hook;                // the agent's name of what happened (Stop, Notification)

    store::Event encode(const std::string& worker) const;
    static AgentEvent decode(const store::Event& event);
};

} // namespace porch::model
