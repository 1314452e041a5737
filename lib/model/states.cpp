#include "model/states.hpp"

#include <array>
#include <utility>

namespace porch::model {

namespace {

// One table per enum: the word is written once, for printing and for parsing.
constexpr std::array<std::pair<WorkerState, std::string_view>, 5> worker_states = {{
    {WorkerState::fresh, "new"},
    {WorkerState::checkpoint, "checkpoint"},
    {WorkerState::blocked, "blocked"},
    {WorkerState::needs, "needs"},
    {WorkerState::complete, "complete"},
}};

constexpr std::array<std::pair<QaVerdict, std::string_view>, 5> qa_verdicts = {{
    {QaVerdict::none, ""},
    {QaVerdict::pending, "pending"},
    {QaVerdict::approved, "approved"},
    {QaVerdict::rejected, "rejected"},
    {QaVerdict::blocked, "blocked"},
}};

constexpr std::array<std::pair<AgentState, std::string_view>, 4> agent_states = {{
    {AgentState::started, "started"},
    {AgentState::working, "working"},
    {AgentState::waiting, "waiting"},
    {AgentState::stopped, "stopped"},
}};

constexpr std::array<std::pair<SkipKind, std::string_view>, 8> skip_kinds = {{
    {SkipKind::incomplete, "incomplete"},
    {SkipKind::no_branch, "no-branch"},
    {SkipKind::diverged, "diverged"},
    {SkipKind::failed, "failed"},
    {SkipKind::qa_rejected, "qa-rejected"},
    {SkipKind::qa_blocked, "qa-blocked"},
    {SkipKind::qa_waiting, "qa-waiting"},
    {SkipKind::needs, "needs"},
}};

constexpr std::array<std::pair<AlertKind, std::string_view>, 25> alert_kinds = {{
    {AlertKind::blocked, "blocked"},
    {AlertKind::needs, "needs"},
    {AlertKind::needs_satisfied, "needs-satisfied"},
    {AlertKind::stalled, "stalled"},
    {AlertKind::deadlock, "deadlock"},
    {AlertKind::wrong_branch_commit, "wrong-branch-commit"},
    {AlertKind::bypassed_hooks, "bypassed-hooks"},
    {AlertKind::unrecorded, "unrecorded"},
    {AlertKind::out_of_scope, "out-of-scope"},
    {AlertKind::worktree_missing, "worktree-missing"},
    {AlertKind::worktree_dirty, "worktree-dirty"},
    {AlertKind::worktree_wrong_branch, "worktree-wrong-branch"},
    {AlertKind::integration_stopped, "integration-stopped"},
    {AlertKind::qa_rejected, "qa-rejected"},
    {AlertKind::qa_pending, "qa-pending"},
    {AlertKind::qa_blocked, "qa-blocked"},
    {AlertKind::failed, "failed"},
    {AlertKind::diverged, "diverged"},
    {AlertKind::behind_remote, "behind-remote"},
    {AlertKind::behind_base, "behind-base"},
    {AlertKind::duplicate_id, "duplicate-id"},
    {AlertKind::unsure_owner, "unsure-owner"},
    {AlertKind::setup_failed, "setup-failed"},
    {AlertKind::waiting_for_input, "waiting-for-input"},
    {AlertKind::agent_stopped, "agent-stopped"},
}};

constexpr std::array<std::pair<FindingKind, std::string_view>, 17> finding_kinds = {{
    {FindingKind::wrong_branch_commit, "wrong-branch-commit"},
    {FindingKind::branch_without_worktree, "branch-without-worktree"},
    {FindingKind::worktree_without_branch, "worktree-without-branch"},
    {FindingKind::unfinished_spawn, "unfinished-spawn"},
    {FindingKind::half_made_worktree, "half-made-worktree"},
    {FindingKind::hooks_missing, "hooks-missing"},
    {FindingKind::hooks_shadowed, "hooks-shadowed"},
    {FindingKind::hooks_foreign, "hooks-foreign"},
    {FindingKind::config_missing, "config-missing"},
    {FindingKind::stale_lock, "stale-lock"},
    {FindingKind::behind_remote, "behind-remote"},
    {FindingKind::diverged, "diverged"},
    {FindingKind::remote_branch_without_events, "remote-branch-without-events"},
    {FindingKind::duplicate_id, "duplicate-id"},
    {FindingKind::out_of_scope, "out-of-scope"},
    {FindingKind::notes_unanchored, "notes-unanchored"},
    {FindingKind::stale_setup_log, "stale-setup-log"},
}};

template <typename Enum, std::size_t N>
std::string_view word(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value) {
    for (const auto& [v, w] : table)
        if (v == value)
            return w;
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> parse(const std::array<std::pair<Enum, std::string_view>, N>& table,
                          std::string_view text) {
    for (const auto& [v, w] : table)
        if (w == text)
            return v;
    return std::nullopt;
}

} // namespace

std::string to_string(WorkerState state) {
    return std::string(word(worker_states, state));
}

std::optional<WorkerState> parse_worker_state(std::string_view text) {
    return parse(worker_states, text);
}

WorkerState state_of(protocol::Status status) {
    switch (status) {
    case protocol::Status::checkpoint:
        return WorkerState::checkpoint;
    case protocol::Status::blocked:
        return WorkerState::blocked;
    case protocol::Status::needs:
        return WorkerState::needs;
    case protocol::Status::complete:
        return WorkerState::complete;
    }
    return WorkerState::checkpoint;
}

std::string to_string(AgentState state) {
    return std::string(word(agent_states, state));
}

std::optional<AgentState> parse_agent_state(std::string_view text) {
    return parse(agent_states, text);
}

std::string to_string(QaVerdict verdict) {
    return std::string(word(qa_verdicts, verdict));
}

std::optional<QaVerdict> parse_qa_verdict(std::string_view text) {
    return parse(qa_verdicts, text);
}

std::string to_string(IntegrationState state) {
    switch (state) {
    case IntegrationState::merged:
        return "merged";
    case IntegrationState::conflict:
        return "conflict";
    case IntegrationState::verify_failed:
        return "verify-failed";
    }
    return "merged";
}

std::string to_string(SkipKind kind) {
    return std::string(word(skip_kinds, kind));
}

std::string to_string(AlertKind kind) {
    return std::string(word(alert_kinds, kind));
}

std::string to_string(FindingKind kind) {
    return std::string(word(finding_kinds, kind));
}

} // namespace porch::model
