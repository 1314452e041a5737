// The words of porch's model as types: a worker's state, QA's verdict, where an integration got
// with a worker, and the kinds of alert. Each prints as the word the protocol, the event lines
// and `--json` use, and parses back from it (nullopt for any other text: event lines come from
// other clones).
#pragma once

#include "model/message.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace porch::model {

// What a worker's newest protocol commit says; fresh ("new") before its first one.
enum class WorkerState { fresh, checkpoint, blocked, needs, complete };
std::string to_string(WorkerState state);
std::optional<WorkerState> parse_worker_state(std::string_view text);
WorkerState state_of(protocol::Status status);

// QA's word on a worker (for each check): none (no verdict and not complete), pending (complete,
// not judged at this tip), approved, rejected or blocked (QA could not judge it: the seed's
// QA_BLOCKED) by the newest verdict, on the current tip.
enum class QaVerdict { none, pending, approved, rejected, blocked };
std::string to_string(QaVerdict verdict); // "" for none
std::optional<QaVerdict> parse_qa_verdict(std::string_view text);

// What a worker's agent session last said through its own hooks (git porch agent-hook): it
// started, works (a prompt, a tool call), waits for a person (a permission or a question), or
// stopped (its turn or session ended).
enum class AgentState { started, working, waiting, stopped };
std::string to_string(AgentState state);
std::optional<AgentState> parse_agent_state(std::string_view text);

// A worker's newest integration event for one feature.
enum class IntegrationState { merged, conflict, verify_failed };
std::string to_string(IntegrationState state);

enum class AlertKind {
    blocked,
    needs,
    needs_satisfied,
    stalled,
    deadlock,
    wrong_branch_commit,
    bypassed_hooks,
    unrecorded,
    out_of_scope, // a commit that skipped the hooks changed files outside the scope
    worktree_missing,
    worktree_dirty,
    worktree_wrong_branch,
    integration_stopped,
    qa_rejected,
    qa_pending,
    qa_blocked,
    failed, // rejected again after parallelization.retry_on_failure attempts
    diverged,
    behind_remote,
    behind_base, // the branch lacks [status] behind_alert commits of the base branch or more
    duplicate_id,
    unsure_owner,
    setup_failed,      // [worktree] setup failed or ran out of time in its worktree
    waiting_for_input, // its agent waits for a person: not stalled
    agent_stopped,     // its agent stopped without [COMPLETE]
};
std::string to_string(AlertKind kind);

// Why git porch integrate leaves a worker out.
enum class SkipKind {
    incomplete,
    no_branch, // known from its events alone
    diverged,
    failed,
    qa_rejected,
    qa_blocked,
    qa_waiting, // a required check has no verdict on its tip
    needs,      // a worker it needs is not merged
};
std::string to_string(SkipKind kind);

// How far a worker's NEEDS on another is met (model::need_met).
enum class NeedMet {
    unmet,
    complete,  // the needed worker is complete
    committed, // it committed something mentioning the item since
    merged,    // and the waiting worker's branch has that already
};

// What `git porch doctor` found.
enum class FindingKind {
    wrong_branch_commit,
    branch_without_worktree,
    worktree_without_branch,
    unfinished_spawn,
    half_made_worktree,
    hooks_missing,
    hooks_shadowed,
    hooks_foreign,
    config_missing,
    stale_lock,
    behind_remote,
    diverged,
    remote_branch_without_events,
    duplicate_id,
    out_of_scope,
    notes_unanchored, // notes git notes prune or gc would delete
    stale_setup_log,  // a [worktree] setup log of a worker with no worktree here
};
std::string to_string(FindingKind kind);

} // namespace porch::model
