#include "model/events.hpp"

#include "util/text.hpp"

#include <array>
#include <tuple>
#include <utility>

namespace porch::model {

namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 17> event_types = {{
    {EventType::spawned, "spawned"},
    {EventType::commit, "commit"},
    {EventType::qa, "qa"},
    {EventType::qa_check, "qa-check"},
    {EventType::retry, "retry"},
    {EventType::released, "released"},
    {EventType::cleaned, "cleaned"},
    {EventType::integrated, "integrated"},
    {EventType::integrate_conflict, "integrate-conflict"},
    {EventType::integrate_verify_failed, "integrate-verify-failed"},
    {EventType::integrate_aborted, "integrate-aborted"},
    {EventType::checkpoint, "checkpoint"},
    {EventType::handoff, "handoff"},
    {EventType::taken_over, "taken-over"},
    {EventType::setup_failed, "setup-failed"},
    {EventType::setup_done, "setup-done"},
    {EventType::agent, "agent"},
}};

constexpr std::array<std::pair<protocol::Kind, std::string_view>, 6> kinds = {{
    {protocol::Kind::protocol, "protocol"},
    {protocol::Kind::merge, "merge"},
    {protocol::Kind::revert, "revert"},
    {protocol::Kind::fixup, "fixup"},
    {protocol::Kind::empty, "empty"},
    {protocol::Kind::invalid, "invalid"},
}};

store::Event start(EventType type, const std::string& worker) {
    store::Event e;
    e.type = to_string(type);
    e.worker = worker;
    return e;
}

// Optional fields are written only when they say something, as every writer always did.
void put(store::Event& e, const char* key, const std::string& value) {
    if (!value.empty())
        e.fields[key] = value;
}

std::vector<std::string> list(const store::Event& e, const char* key) {
    auto it = e.lists.find(key);
    return it == e.lists.end() ? std::vector<std::string>{} : it->second;
}

std::int64_t number(const store::Event& e, const char* key, std::int64_t otherwise = 0) {
    auto n = util::parse_count(e.field(key));
    // A count past the signed range is as unreadable as text.
    return n && *n <= static_cast<std::uint64_t>(INT64_MAX) ? static_cast<std::int64_t>(*n)
                                                            : otherwise;
}

} // namespace

std::string to_string(EventType type) {
    for (const auto& [t, word] : event_types)
        if (t == type)
            return std::string(word);
    return {};
}

std::optional<EventType> parse_event_type(std::string_view text) {
    for (const auto& [t, word] : event_types)
        if (word == text)
            return t;
    return std::nullopt;
}

std::optional<EventType> type_of(const store::Event& event) {
    return parse_event_type(event.type);
}

store::Event SpawnedEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::spawned, worker);
    put(e, "desc", desc);
    put(e, "branch", branch);
    put(e, "worktree", worktree);
    put(e, "base", base);
    put(e, "base_ref", base_ref);
    put(e, "clone_name", clone_name);
    put(e, "slot", slot);
    put(e, "source", source);
    e.lists["needs"] = needs;
    e.lists["scope"] = scope;
    return e;
}

SpawnedEvent SpawnedEvent::decode(const store::Event& e) {
    return {e.field("desc"),     e.field("branch"),     e.field("worktree"), e.field("base"),
            e.field("base_ref"), e.field("clone_name"), e.field("slot"),     e.field("source"),
            list(e, "needs"),    list(e, "scope")};
}

store::Event TakenOverEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::taken_over, worker);
    put(e, "branch", branch);
    put(e, "tip", tip);
    put(e, "remote", remote);
    put(e, "clone_name", clone_name);
    put(e, "spawn", spawn);
    e.fields["adopted"] = adopted ? "true" : "false";
    return e;
}

TakenOverEvent TakenOverEvent::decode(const store::Event& e) {
    return {e.field("branch"),     e.field("tip"),   e.field("remote"),
            e.field("clone_name"), e.field("spawn"), e.field("adopted") == "true"};
}

store::Event CommitEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::commit, worker);
    e.fields["commit"] = commit;
    put(e, "parent", parent);
    for (const auto& [k, word] : kinds)
        if (k == kind)
            e.fields["kind"] = std::string(word);
    e.fields["valid"] = valid ? "true" : "false";
    e.fields["source"] = source;
    e.fields["subject"] = subject;
    e.fields["commit_time"] = std::to_string(commit_time);
    if (state)
        e.fields["state"] = to_string(*state);
    put(e, "reason", reason);
    put(e, "needs_worker", needs_worker);
    put(e, "needs_item", needs_item);
    if (ahead)
        e.fields["ahead"] = std::to_string(*ahead);
    if (!outside.empty())
        e.lists["outside"] = outside;
    return e;
}

CommitEvent CommitEvent::decode(const store::Event& e) {
    CommitEvent c;
    c.commit = e.field("commit");
    c.parent = e.field("parent");
    for (const auto& [k, word] : kinds)
        if (word == e.field("kind"))
            c.kind = k;
    c.valid = e.field("valid") != "false";
    c.source = e.field("source");
    c.subject = e.field("subject");
    // Lines from before commit_time was recorded carry only the event's own time.
    c.commit_time = number(e, "commit_time", e.time);
    // A state this version does not know (a newer or forged writer) sets none.
    if (auto state = parse_worker_state(e.field("state")); state != WorkerState::fresh)
        c.state = state;
    c.reason = e.field("reason");
    c.needs_worker = e.field("needs_worker");
    c.needs_item = e.field("needs_item");
    if (auto n = util::parse_count(e.field("ahead")))
        c.ahead = *n;
    c.outside = list(e, "outside");
    return c;
}

store::Event QaEvent::encode(const std::string& worker) const {
    const bool classic = check == config::default_check &&
                         (verdict == QaVerdict::approved || verdict == QaVerdict::rejected);
    store::Event e = start(classic ? EventType::qa : EventType::qa_check, worker);
    e.fields["verdict"] = to_string(verdict);
    if (!classic)
        e.fields["check"] = check;
    put(e, "reason", reason);
    e.fields["commit"] = commit;
    return e;
}

QaEvent QaEvent::decode(const store::Event& e) {
    QaEvent q{QaVerdict::none, e.field("reason"), e.field("commit"),
              type_of(e) == EventType::qa_check ? e.field("check")
                                                : std::string(config::default_check)};
    auto verdict = parse_qa_verdict(e.field("verdict"));
    if ((verdict == QaVerdict::approved || verdict == QaVerdict::rejected ||
         verdict == QaVerdict::blocked) &&
        config::is_check_name(q.check))
        q.verdict = *verdict;
    return q;
}

store::Event RetryEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::retry, worker);
    e.fields["attempt"] = std::to_string(attempt);
    e.fields["commit"] = commit;
    return e;
}

RetryEvent RetryEvent::decode(const store::Event& e) {
    return {number(e, "attempt"), e.field("commit")};
}

store::Event ReleasedEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::released, worker);
    put(e, "slot", slot);
    put(e, "rescued", rescued);
    return e;
}

ReleasedEvent ReleasedEvent::decode(const store::Event& e) {
    return {e.field("slot"), e.field("rescued")};
}

store::Event SetupEvent::encode(const std::string& worker) const {
    store::Event e = start(failed ? EventType::setup_failed : EventType::setup_done, worker);
    put(e, "command", command);
    if (failed)
        e.fields["exit"] = std::to_string(exit);
    if (timed_out)
        e.fields["timed_out"] = "true";
    put(e, "log", log);
    put(e, "worktree", worktree);
    return e;
}

SetupEvent SetupEvent::decode(const store::Event& e) {
    return {e.type == to_string(EventType::setup_failed),
            e.field("command"),
            number(e, "exit"),
            e.field("timed_out") == "true",
            e.field("log"),
            e.field("worktree")};
}

store::Event CleanedEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::cleaned, worker);
    put(e, "branch", branch);
    put(e, "merged_into", merged_into);
    put(e, "tip", tip);
    e.fields["branch_deleted"] = branch_deleted ? "true" : "false";
    put(e, "worktree", worktree);
    put(e, "slot", slot);
    return e;
}

CleanedEvent CleanedEvent::decode(const store::Event& e) {
    return {e.field("branch"),   e.field("merged_into"),
            e.field("tip"),      e.field("branch_deleted") == "true",
            e.field("worktree"), e.field("slot")};
}

store::Event IntegrationEvent::encode(const std::string& worker) const {
    store::Event e = start(type, worker);
    put(e, "feature", feature);
    put(e, "commit", commit);
    put(e, "merge", merge);
    if (!files.empty())
        e.lists["files"] = files;
    return e;
}

IntegrationEvent IntegrationEvent::decode(const store::Event& e) {
    return {type_of(e).value_or(EventType::integrate_aborted), e.field("feature"),
            e.field("commit"), e.field("merge"), list(e, "files")};
}

std::optional<IntegrationState> IntegrationEvent::state() const {
    switch (type) {
    case EventType::integrated:
        return IntegrationState::merged;
    case EventType::integrate_conflict:
        return IntegrationState::conflict;
    case EventType::integrate_verify_failed:
        return IntegrationState::verify_failed;
    default:
        return std::nullopt;
    }
}

store::Event CheckpointEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::checkpoint, worker);
    put(e, "group", group);
    put(e, "summary", summary);
    put(e, "by", by);
    e.lists["complete"] = complete;
    e.lists["open"] = open;
    return e;
}

CheckpointEvent CheckpointEvent::decode(const store::Event& e) {
    return {e.field("group"), e.field("summary"), e.field("by"), list(e, "complete"),
            list(e, "open")};
}

store::Event HandoffEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::handoff, worker);
    put(e, "by", by);
    put(e, "checkpoint", checkpoint);
    e.lists["open"] = open;
    e.lists["ready"] = ready;
    return e;
}

HandoffEvent HandoffEvent::decode(const store::Event& e) {
    return {e.field("by"), e.field("checkpoint"), list(e, "open"), list(e, "ready")};
}

store::Event AgentEvent::encode(const std::string& worker) const {
    store::Event e = start(EventType::agent, worker);
    if (state)
        e.fields["state"] = to_string(*state);
    put(e, "agent", agent);
    put(e, "session", session);
    put(e, "hook", hook);
    return e;
}

AgentEvent AgentEvent::decode(const store::Event& e) {
    return {parse_agent_state(e.field("state")), e.field("agent"), e.field("session"),
            e.field("hook")};
}

const store::Event* spawn_that_counts(const std::vector<const store::Event*>& spawns,
                                      std::string_view branch, std::string_view clone) {
    auto rank = [&](const store::Event* e) {
        bool same_branch = branch.empty() || e->field("branch") == branch;
        bool ours = !clone.empty() && e->clone == clone;
        return std::tuple(same_branch, ours, e->lamport, e->id);
    };
    const store::Event* best = nullptr;
    for (const auto* e : spawns)
        if (!best || rank(best) < rank(e))
            best = e;
    return best;
}

} // namespace porch::model
