#include "model/worker.hpp"

#include "model/bypass.hpp"
#include "model/checks.hpp"
#include "model/events.hpp"
#include "model/message.hpp"
#include "model/naming.hpp"
#include "model/plan.hpp"
#include "model/record.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace porch::model {

namespace {

// How far back a branch is followed when neither the notes nor a protocol commit say more.
constexpr std::size_t max_chain = 1000;

void apply_state(WorkerState state, const std::string& reason, const std::string& needs_worker,
                 const std::string& needs_item, WorkerStatus& w) {
    w.state = state;
    if (state == WorkerState::blocked)
        w.reason = reason;
    if (state == WorkerState::needs)
        w.needs.push_back({needs_worker, needs_item});
}

void apply_state(const CommitEvent& e, WorkerStatus& w) {
    apply_state(*e.state, e.reason, e.needs_worker, e.needs_item, w);
    w.state_time = e.commit_time;
}

// Where the walk for the state stops: the worker's base (nothing below it is the worker's), and
// where its branch meets the base branch when it is not merged (below that, commits no note of
// the worker recorded are the base's, however they got onto the branch).
struct Stops {
    std::optional<git::Oid> base;
    std::optional<git::Oid> joins_base;
};

// Follows the branch's first-parent line from the tip to the newest protocol commit that is the
// worker's own. Commits the notes know cost a map lookup; only commits they do not know (made
// with hooks off or before porch, or another worker's, brought in by a fast-forward or rebase)
// are read from git and asked about (model::Owners). A revert takes its commit's state back; a
// copy of another worker's commit (a cherry-pick) is not the worker's. With `unknown`, the walk
// goes on past the state to the newest recorded commit, so every own commit made without porch's
// hooks since is counted (and collected there, bounded), as reindex would record them: never the
// base's own commits, which a worker rebased onto a newer base has on its line.
class StateWalk {
public:
    using Known = std::function<const CommitEvent*(const std::string&)>;
    StateWalk(const Context& ctx, const ViewBase& vb, Known known, git::RefName ref,
              WorkerStatus& w, std::vector<git::Oid>* unknown)
        : m_ctx(ctx), m_vb(vb), m_known(std::move(known)), m_ref(std::move(ref)), m_w(w),
          m_unknown(unknown) {}

    void run(const git::Oid& tip, const Stops& stops) {
        std::optional<git::Oid> cur = tip;
        bool found = false;
        for (std::size_t steps = 0; cur && steps < max_chain; ++steps) {
            if (stops.base && *cur == *stops.base)
                return;
            if (stops.joins_base && *cur == *stops.joins_base)
                m_on_base = true;
            const git::Oid id = *cur; // step() and count_past() move cur on to the parent
            if (found) {
                if (!count_past(id, cur))
                    return;
            } else if (step(id, cur)) {
                found = true;
                if (!m_unknown)
                    return;
            }
        }
    }

private:
    const Context& m_ctx;
    const ViewBase& m_vb;
    Known m_known;
    git::RefName m_ref; // the branch the tip is read from
    WorkerStatus& m_w;
    std::vector<git::Oid>* m_unknown; // own commits the notes do not know, for the bypass checks
    std::set<std::string> m_reverted; // commits a revert above them took back
    bool m_on_base = false;

    // An own commit the notes do not know: counted, and kept for the bypass checks (bounded).
    void count_unrecorded(const git::Oid& id) {
        ++m_w.unrecorded;
        if (m_unknown && m_unknown->size() < max_checked_bypasses)
            m_unknown->push_back(id);
    }

    // Below the state: true while the commits are unrecorded ones that are not the base's.
    bool count_past(const git::Oid& id, std::optional<git::Oid>& next) {
        if (m_on_base || m_known(id.hex()))
            return false;
        if (m_vb.base && m_ctx.repo.is_ancestor(id, *m_vb.base))
            return false;
        git::Commit commit = m_ctx.repo.commit(id);
        next = commit.first_parent;
        if (m_vb.owners.claim(commit, m_w.worker, m_ref) == Ownership::own)
            count_unrecorded(id);
        return true;
    }

    // One commit; true when it set the state. `next` becomes its first parent.
    bool step(const git::Oid& id, std::optional<git::Oid>& next) {
        const std::string hex = id.hex();
        const CommitEvent* recorded = m_known(hex);
        std::optional<git::Commit> commit;
        std::optional<CommitEvent> read;
        Ownership owner = Ownership::own;
        if (recorded) {
            next = git::Oid::from_hex(recorded->parent);
        } else {
            commit = m_ctx.repo.commit(id);
            next = commit->first_parent;
            owner = m_on_base ? Ownership::other : m_vb.owners.claim(*commit, m_w.worker, m_ref);
            if (owner == Ownership::own)
                count_unrecorded(id);
            read = CommitEvent::decode(commit_event(m_w.worker, *commit, "git"));
        }
        const CommitEvent& e = recorded ? *recorded : *read;
        const bool taken_back = m_reverted.count(hex) > 0;
        if (e.kind == protocol::Kind::revert) {
            if (!taken_back)
                note_revert(id, commit);
            return false;
        }
        if (!e.state || taken_back || owner == Ownership::other)
            return false;
        if (!commit)
            commit = m_ctx.repo.commit(id);
        if (!m_vb.owners
                 .copied_from(*commit, m_w.worker,
                              [&](const std::string& h) { return m_known(h) != nullptr; })
                 .empty())
            return false;
        if (owner == Ownership::unsure) {
            if (!m_w.unsure)
                m_w.unsure = UnsureCommit{hex, commit->subject()};
            return false;
        }
        apply_state(e, m_w);
        return true;
    }

    void note_revert(const git::Oid& id, std::optional<git::Commit>& commit) {
        if (!commit)
            commit = m_ctx.repo.commit(id);
        if (auto target = protocol::reverted_commit(commit->message))
            m_reverted.insert(*target);
    }
};

// The newest verdict of each check and the clock of the newest retry, read from QA's events.
struct Verdicts {
    std::map<std::string, NewestVerdict> newest;
    std::uint64_t newest_retry = 0;

    void add(const store::Event& e) {
        QaEvent verdict = QaEvent::decode(e);
        if (verdict.verdict == QaVerdict::none)
            return; // a verdict this version cannot read
        auto [it, fresh] = newest.try_emplace(verdict.check, NewestVerdict{verdict, e.lamport});
        if (!fresh && it->second.lamport < e.lamport)
            it->second = {std::move(verdict), e.lamport};
    }

    void retry(const store::Event& e, WorkerStatus& w) {
        ++w.attempts;
        newest_retry = std::max(newest_retry, e.lamport);
    }

    // `changed`: the files the worker's branch changed, for checks limited to some paths.
    void apply(const Context& ctx, const std::function<std::vector<std::string>()>& changed,
               WorkerStatus& w) const {
        apply_verdicts(newest, newest_retry, required_checks(ctx.config, w.scope, changed),
                       ctx.config.retry_on_failure, w);
    }
};

void apply_spawned(const store::Event& e, WorkerStatus& w) {
    SpawnedEvent spawned = SpawnedEvent::decode(e);
    w.scope = std::move(spawned.scope);
    w.declared_needs = std::move(spawned.needs);
    w.spawn_base = spawned.base_commit();
    w.clone = e.clone;
    w.clone_name = std::move(spawned.clone_name);
    w.recorded = true;
    w.spawn_id = e.id;
    w.slot = std::move(spawned.slot);
    w.spawn_worktree = std::move(spawned.worktree);
}

// The events that set up a worker and give its worktree back, by their clocks: a worker can be
// spawned again after a cleanup, and the newest spawn is the one that counts.
struct Lifecycle {
    std::vector<store::Event> spawns;
    std::uint64_t parked_at = 0; // the clock of the newest release or cleanup
    std::vector<store::Event> take_overs;

    void add(store::Event e, EventType type) {
        if (type == EventType::spawned)
            spawns.push_back(std::move(e));
        else if (type == EventType::released || type == EventType::cleaned)
            parked_at = std::max(parked_at, e.lamport);
        else if (type == EventType::taken_over)
            take_overs.push_back(std::move(e));
    }

    // The clone that took over `spawned` last. Each clone's clock counts its own note only (a
    // take-over recorded before a sync starts at 1), so take-overs name the spawn they took
    // over, and are ordered among themselves by wall time.
    std::string taken_by(const store::Event& spawned) const {
        const store::Event* newest = nullptr;
        for (const auto& e : take_overs)
            if (TakenOverEvent::decode(e).spawn == spawned.id &&
                (!newest || std::tie(newest->time, newest->lamport, newest->id) <
                                std::tie(e.time, e.lamport, e.id)))
                newest = &e;
        return newest ? newest->clone : std::string();
    }

    // `branch`: the branch the worker is seen on (empty for a worker known from events alone).
    const store::Event* apply(WorkerStatus& w, std::string_view branch,
                              std::string_view clone) const {
        std::vector<const store::Event*> all;
        for (const auto& e : spawns)
            all.push_back(&e);
        const store::Event* spawned = spawn_that_counts(all, branch, clone);
        if (spawned) {
            apply_spawned(*spawned, w);
            add_duplicates(*spawned, w);
        }
        w.parked = parked_at > 0 && (!spawned || spawned->lamport < parked_at);
        if (spawned)
            w.taken_over_by = taken_by(*spawned);
        return spawned;
    }

    // Spawns of the same id for another branch: another worker that took this id elsewhere.
    void add_duplicates(const store::Event& chosen, WorkerStatus& w) const {
        const std::string& branch = chosen.field("branch");
        for (const auto& e : spawns) {
            const std::string& other = e.field("branch");
            if (other.empty() || other == branch)
                continue;
            WorkerStatus::Duplicate entry{e.field("clone_name").empty() ? e.clone.substr(0, 8)
                                                                        : e.field("clone_name"),
                                          other};
            if (std::find(w.duplicates.begin(), w.duplicates.end(), entry) == w.duplicates.end())
                w.duplicates.push_back(std::move(entry));
        }
    }
};

// A worker's live events, read for the view from its tip. Only the lines the view needs are
// parsed: spawned events, and commit events on the chain from the tip (on demand, once each);
// the rest are read by substring, so hundreds of workers with hundreds of events stay fast.
struct LiveEvents {
    std::vector<std::string> lines; // what commit_lines points into
    std::unordered_map<std::string, const std::string*> commit_lines; // commit (hex) -> line
    Verdicts verdicts;
    std::map<std::string, store::Event> integrations; // feature -> its newest integration event
    std::unordered_map<std::string, std::optional<CommitEvent>> parsed;
    Lifecycle lifecycle;
    // Recorded commits that skipped the hooks (hex): their message broke the protocol, or they
    // changed files outside the scope.
    std::vector<std::string> invalid;
    std::vector<std::string> outside;
    std::vector<std::pair<std::string, std::string>> needs; // (commit, needed worker) recorded
    std::optional<store::Event> setup;                      // the newest setup-failed/-done
    std::vector<store::Event> agent;                        // its agent's events

    const CommitEvent* commit(const std::string& hex, const std::string& worker) {
        auto line = commit_lines.find(hex);
        if (line == commit_lines.end())
            return nullptr;
        auto [it, fresh] = parsed.try_emplace(hex);
        if (fresh)
            if (auto e = store::from_line(*line->second); e && e->worker == worker)
                it->second = CommitEvent::decode(*e);
        return it->second ? &*it->second : nullptr;
    }
};

// The top-level fields the scan below looks at, as raw text.
struct ScannedLine {
    std::optional<std::string_view> type, commit, subject, commit_time, valid;
};

// Reads a line's fields without decoding; nullopt type when the full parser must read it (an
// escaped value the raw text cannot stand for).
ScannedLine scan(const std::string& line) {
    ScannedLine s;
    bool escaped = false;
    for (const auto& f : store::scan_fields(line)) {
        auto* slot = f.key == "type"          ? &s.type
                     : f.key == "commit"      ? &s.commit
                     : f.key == "subject"     ? &s.subject
                     : f.key == "commit_time" ? &s.commit_time
                     : f.key == "valid"       ? &s.valid
                                              : nullptr;
        if (slot) {
            *slot = f.value;
            escaped = escaped || (f.escaped && slot != &s.subject);
        }
        if (f.key == "subject" && f.escaped)
            s.subject.reset(); // decoded from the parsed line
    }
    if (escaped)
        s.type.reset();
    return s;
}

void index_commit_line(const std::string& line, const ScannedLine& s, LiveEvents& live,
                       WorkerStatus& w) {
    if (!s.commit)
        return;
    live.commit_lines[std::string(*s.commit)] = &line;
    auto t = s.commit_time ? util::parse_count(*s.commit_time) : std::nullopt;
    std::int64_t when = t ? static_cast<std::int64_t>(*t) : 0;
    std::string subject;
    if (s.subject)
        subject = std::string(*s.subject);
    else if (auto e = store::from_line(line))
        subject = e->field("subject");
    if (subject.starts_with("[NEEDS:"))
        if (auto msg = protocol::classify_subject(subject); !msg.needs_worker.empty())
            live.needs.emplace_back(std::string(*s.commit), msg.needs_worker);
    w.subjects.push_back({when, std::move(subject), std::string(*s.commit)});
    if (s.valid && *s.valid == "false")
        live.invalid.emplace_back(*s.commit);
    if (line.find("\"outside\":[") != std::string::npos)
        live.outside.emplace_back(*s.commit);
}

// Rare events (QA, retries, integrations), ordered by their clocks: parsed whole.
void index_rare_line(const std::string& line, std::string_view type, LiveEvents& live,
                     WorkerStatus& w) {
    auto e = store::from_line(line);
    if (!e || e->worker != w.worker)
        return;
    if (type == "retry") {
        live.verdicts.retry(*e, w);
    } else if (type == "qa" || type == "qa-check") {
        live.verdicts.add(*e);
    } else if (!e->field("feature").empty()) {
        auto [it, fresh] = live.integrations.try_emplace(e->field("feature"), *e);
        if (!fresh && it->second.lamport < e->lamport)
            it->second = std::move(*e);
    }
}

// Reads the worker's live note into `live`, filling what the events alone say of `w`.
void read_live(const Context& ctx, const ViewBase& vb, WorkerStatus& w, LiveEvents& live,
               std::size_t& skipped) {
    live.lines = store::read_lines(ctx.repo, vb.notes, w.worker);
    for (const auto& line : live.lines) {
        ScannedLine s = scan(line);
        if (!s.type || *s.type == "spawned" || *s.type == "released" || *s.type == "cleaned" ||
            *s.type == "taken-over") {
            auto e = store::from_line(line);
            if (!e || e->worker != w.worker)
                ++skipped;
            else if (auto type = type_of(*e)) // else an escaped type: some newer writer's event
                live.lifecycle.add(std::move(*e), *type);
        } else if (*s.type == "qa" || *s.type == "qa-check" || *s.type == "retry" ||
                   s.type->starts_with("integrate")) {
            index_rare_line(line, *s.type, live, w);
        } else if (*s.type == "commit") {
            index_commit_line(line, s, live, w);
        } else if (*s.type == "setup-failed" || *s.type == "setup-done") {
            auto e = store::from_line(line);
            if (e && e->worker == w.worker && (!live.setup || live.setup->lamport < e->lamport))
                live.setup = std::move(*e);
        } else if (*s.type == "agent") {
            if (auto e = store::from_line(line); e && e->worker == w.worker)
                live.agent.push_back(std::move(*e));
        }
    }
    live.lifecycle.apply(w, w.branch, vb.clone);
    if (live.setup)
        if (auto e = SetupEvent::decode(*live.setup); e.failed)
            w.setup_failure = SetupFailure{e.command, e.exit, e.timed_out, e.log};
    w.agent = agent_activity(live.agent);
}

void add_past_need(const std::string& needed, WorkerStatus& w) {
    if (needed != w.worker &&
        std::find(w.past_needs.begin(), w.past_needs.end(), needed) == w.past_needs.end())
        w.past_needs.push_back(needed);
}

// Every worker a recorded [NEEDS:] commit still on the branch named: once met, a NEEDS is no
// longer the state, but the worker still builds on what it got.
void add_past_needs(const git::Repo& repo, const LiveEvents& live, const git::Oid& tip,
                    WorkerStatus& w) {
    for (const auto& need : w.needs)
        add_past_need(need.worker, w);
    for (const auto& [commit, needed] : live.needs) {
        auto id = git::Oid::from_hex(commit);
        if (id && (*id == tip || repo.is_ancestor(*id, tip)))
            add_past_need(needed, w);
    }
}

void add_integrations(const LiveEvents& live, const git::Oid& tip, WorkerStatus& w) {
    for (const auto& [feature, e] : live.integrations) {
        IntegrationEvent event = IntegrationEvent::decode(e);
        if (auto state = event.state())
            w.integrations.push_back(
                {feature, *state, event.commit, event.merge, event.commit == tip.hex()});
    }
}

// Commits on the branch and not on the base; returns where the walk for the state stops.
Stops count_ahead(const Context& ctx, const ViewBase& vb, const git::Oid& tip,
                  const CommitEvent* tip_event, WorkerStatus& w) {
    Stops stops{w.spawn_base, std::nullopt};
    const auto& base = vb.base;
    auto recorded_ahead = tip_event ? tip_event->ahead : std::nullopt;
    if (recorded_ahead && w.spawn_base && base && *base == *w.spawn_base) {
        // The base has not moved since the worker started: the count recorded with the tip is
        // exact, and no history is walked.
        w.commits_ahead = *recorded_ahead;
    } else if (base) {
        // One merge base answers both questions (each a walk of the base's new commits): the
        // tip is in the base's history (integrated, or nothing of its own yet) when it is the
        // merge base itself; otherwise the walk for the state stops there.
        auto joins = ctx.repo.merge_base(tip, *base);
        if (joins != tip) {
            w.commits_ahead = ctx.repo.count_ahead(tip, *base);
            stops.joins_base = joins;
            if (!stops.base)
                stops.base = joins;
        }
    }
    return stops;
}

// A worker with a branch here: its state comes from the commits on the branch, read through the
// events that recorded them.
// The worker's newest tip: the one that contains all the others. When none does, the local
// branch (what this clone works on), else the newest commit; `diverged` says so.
const WorkerTip& pick_tip(const git::Repo& repo, const std::vector<WorkerTip>& tips,
                          bool& diverged) {
    for (const auto& candidate : tips) {
        bool contains_all = std::all_of(tips.begin(), tips.end(), [&](const WorkerTip& other) {
            return other.commit == candidate.commit ||
                   repo.is_ancestor(other.commit, candidate.commit);
        });
        if (contains_all) {
            diverged = false;
            return candidate;
        }
    }
    diverged = true;
    if (tips.front().remote.empty())
        return tips.front();
    return *std::max_element(tips.begin(), tips.end(), [&](const WorkerTip& a, const WorkerTip& b) {
        return repo.commit(a.commit).time < repo.commit(b.commit).time;
    });
}

// The local branch against the first remote-tracking branch of the same name.
void compare_with_remote(const git::Repo& repo, WorkerStatus& w) {
    const WorkerTip& local = w.tips.front();
    if (!local.remote.empty())
        return;
    for (const auto& other : w.tips)
        if (!other.remote.empty() && other.branch == local.branch) {
            if (other.commit != local.commit) {
                w.local_ahead = repo.count_ahead(local.commit, other.commit);
                w.local_behind = repo.count_ahead(other.commit, local.commit);
            }
            return;
        }
}

// Alerts are about the commits on the branch now: a commit that skipped the hooks and was then
// amended, squashed or reset away is history (`log` shows it, marked gone).
void check_bypasses(const git::Repo& repo, const LiveEvents& live, const git::Oid& tip,
                    const std::optional<git::Oid>& stop, std::vector<git::Oid> suspects,
                    WorkerStatus& w) {
    std::set<std::string> seen;
    for (const auto& c : live.invalid)
        if (seen.insert(c).second && on_branch(repo, c, tip, stop)) {
            ++w.unvalidated;
            if (auto id = git::Oid::from_hex(c))
                suspects.push_back(*id); // recorded before porch recorded paths outside
        }
    if (w.scope.empty())
        return;
    for (const auto& c : live.outside)
        if (seen.insert(c).second && suspects.size() < 2 * max_checked_bypasses &&
            on_branch(repo, c, tip, stop))
            suspects.push_back(*git::Oid::from_hex(c));
    find_outside_scope(repo, suspects, tip, stop, w);
}

// A worker with a branch: its state comes from the protocol commits on its newest tip, read
// through the events that recorded them (or from git, for commits made without porch).
WorkerStatus view_from_tip(const Context& ctx, const ViewBase& vb, const WorkerSources& sources,
                           std::size_t& skipped) {
    WorkerStatus w;
    w.worker = sources.worker;
    w.id = sources.id;
    w.desc = sources.desc;
    w.tips = sources.tips;
    const WorkerTip& tip = pick_tip(ctx.repo, w.tips, w.diverged);
    w.branch = tip.branch;
    w.tip = tip.commit;
    w.tip_source = tip.display();
    w.has_local_branch = w.tips.front().remote.empty();
    compare_with_remote(ctx.repo, w);
    if (w.has_local_branch)
        if (auto it = vb.worktrees.find(w.tips.front().ref()); it != vb.worktrees.end()) {
            w.worktree = it->second.path;
            w.worktree_missing = it->second.missing;
        }
    LiveEvents live;
    read_live(ctx, vb, w, live, skipped);
    add_integrations(live, tip.commit, w);
    auto known = [&](const std::string& hex) { return live.commit(hex, w.worker); };
    auto stops = count_ahead(ctx, vb, tip.commit, known(tip.commit.hex()), w);
    git::Commit head = ctx.repo.commit(tip.commit);
    w.last_commit = {head.id.hex(), head.subject(), head.time};
    std::vector<git::Oid> unknown;
    StateWalk(ctx, vb, known, tip.ref(), w, w.has_local_branch ? &unknown : nullptr)
        .run(tip.commit, stops);
    check_bypasses(ctx.repo, live, tip.commit, stops.base, unknown, w);
    add_past_needs(ctx.repo, live, tip.commit, w);
    live.verdicts.apply(
        ctx,
        [&] {
            // What the branch changed since it parted from the base (or its spawn base).
            auto from = vb.base ? ctx.repo.merge_base(tip.commit, *vb.base) : w.spawn_base;
            return from ? ctx.repo.diff_paths(*from, tip.commit) : std::vector<std::string>{};
        },
        w);
    // Taken over here, or spawned here and not taken over since, or (with no record of who
    // spawned it) a branch of this clone's own.
    if (!w.taken_over_by.empty())
        w.local = w.has_local_branch && w.taken_over_by == vb.clone;
    else
        w.local = w.clone.empty() ? w.has_local_branch : w.clone == vb.clone;
    w.remote_only = !w.has_local_branch;
    return w;
}

// A teammate's worker, registered in the (synced) events, with no branch here. Everything comes
// from its events: the state of the newest protocol commit, the count recorded with the newest
// commit. Its worktree is on another machine and never looked at. nullopt for a worker not to
// list: ours without a branch was deleted here on purpose; theirs, once cleaned up, is done.
// The recorded commit at the tip of a worker known from events alone, and the newest protocol
// commit on its first-parent line: the branch order, not the events' order (a reindex records an
// older commit after a newer one). The tip is the commit no other recorded commit has as parent;
// among several (a rewritten history), the newest by commit time.
struct EventChain {
    const CommitEvent* tip = nullptr;
    const CommitEvent* state = nullptr;
};

EventChain chain_of(const std::vector<CommitEvent>& commits) {
    std::map<std::string, const CommitEvent*> by_commit;
    std::set<std::string> parents;
    for (const auto& c : commits) {
        by_commit[c.commit] = &c;
        parents.insert(c.parent);
    }
    EventChain out;
    for (const auto& c : commits)
        if (!parents.count(c.commit) && (!out.tip || c.commit_time >= out.tip->commit_time))
            out.tip = &c;
    const CommitEvent* cur = out.tip;
    for (std::size_t steps = 0; cur && steps < max_chain; ++steps) {
        if (cur->state) {
            out.state = cur;
            break;
        }
        auto next = by_commit.find(cur->parent);
        cur = next == by_commit.end() ? nullptr : next->second;
    }
    return out;
}

std::optional<WorkerStatus> view_from_events(const Context& ctx, const ViewBase& vb,
                                             const WorkerSources& sources, std::size_t& skipped) {
    const std::string& name = sources.worker;
    auto events = store::read(ctx.repo, name, &skipped);
    Lifecycle lifecycle;
    std::vector<CommitEvent> commits;
    Verdicts verdicts;
    bool gone = false;
    WorkerStatus w;
    for (const auto& e : events) {
        auto type = type_of(e).value_or(EventType::handoff);
        switch (type) {
        case EventType::spawned:
        case EventType::released:
        case EventType::taken_over:
            lifecycle.add(e, type);
            break;
        case EventType::commit:
            commits.push_back(CommitEvent::decode(e));
            w.subjects.push_back(
                {commits.back().commit_time, commits.back().subject, commits.back().commit});
            if (!commits.back().needs_worker.empty())
                add_past_need(commits.back().needs_worker, w);
            if (!commits.back().valid)
                ++w.unvalidated;
            break;
        case EventType::qa:
        case EventType::qa_check:
            verdicts.add(e);
            break;
        case EventType::retry:
            verdicts.retry(e, w);
            break;
        case EventType::cleaned:
            gone = gone || CleanedEvent::decode(e).branch_deleted;
            lifecycle.add(e, type);
            break;
        default:
            break;
        }
    }
    w.agent = agent_activity(events);
    const store::Event* spawned = lifecycle.apply(w, {}, vb.clone);
    if (!spawned || gone || spawned->clone == vb.clone)
        return std::nullopt;
    auto id = protocol::normalize_id(name);
    if (!id)
        return std::nullopt;
    w.worker = name;
    w.id = *id;
    SpawnedEvent born = SpawnedEvent::decode(*spawned);
    w.desc = born.desc;
    w.branch = born.branch;
    w.local = false;
    w.remote_only = true;
    const EventChain chain = chain_of(commits);
    if (chain.state)
        apply_state(*chain.state, w);
    if (const CommitEvent* tip = chain.tip) {
        w.commits_ahead = tip->ahead.value_or(0);
        w.last_commit = {tip->commit, tip->subject, tip->commit_time};
    } else {
        w.last_commit.time = spawned->time;
    }
    verdicts.apply(ctx, {}, w); // its branch is not here: only its scope says what it touches
    return w;
}

} // namespace

Owners report_owners(const Context& ctx, const StatusReport& report) {
    return Owners(ctx.repo, store::note_sources(ctx.repo), [&report] {
        std::vector<OwnerTip> tips;
        for (const auto& w : report.workers)
            for (const auto& t : w.tips)
                tips.push_back({w.worker, t.commit, t.ref()});
        return tips;
    });
}

const WorkerStatus* find_worker(const StatusReport& report, const std::string& worker) {
    for (const auto& w : report.workers)
        if (w.worker == worker)
            return &w;
    return nullptr;
}

const WorkerTip* remote_tip(const WorkerStatus& w) {
    const WorkerTip* first = nullptr;
    for (const auto& t : w.tips) {
        if (t.remote.empty() || t.branch != w.branch)
            continue;
        if (t.display() == w.tip_source)
            return &t;
        if (!first)
            first = &t;
    }
    return first;
}

std::string merge_ref(const WorkerStatus& w) {
    return w.has_local_branch || w.tip_source.empty() ? w.branch : w.tip_source;
}

namespace {

bool has(const git::Repo& repo, const std::optional<git::Oid>& tip, const git::Oid& commit) {
    return tip && (*tip == commit || repo.is_ancestor(commit, *tip));
}

} // namespace

NeedMet need_met(const git::Repo& repo, const WorkerStatus& waiting, const Need& need,
                 const WorkerStatus* needed) {
    if (needed == nullptr)
        return NeedMet::unmet;
    if (needed->state == WorkerState::complete)
        return needed->tip && has(repo, waiting.tip, *needed->tip) ? NeedMet::merged
                                                                   : NeedMet::complete;
    const std::string item = util::to_lower(need.item);
    std::optional<git::Oid> newest; // the newest commit that mentions it, still on the branch
    std::int64_t newest_time = 0;
    bool any = false;
    for (const auto& s : needed->subjects) {
        if (s.time < waiting.state_time ||
            util::to_lower(s.subject).find(item) == std::string::npos)
            continue;
        auto id = git::Oid::from_hex(s.commit);
        if (needed->tip && (!id || !has(repo, needed->tip, *id)))
            continue; // reset or rebased away
        any = true;
        if (id && (!newest || s.time >= newest_time)) {
            newest = id;
            newest_time = s.time;
        }
    }
    if (!any)
        return NeedMet::unmet;
    return newest && has(repo, waiting.tip, *newest) ? NeedMet::merged : NeedMet::committed;
}

bool needs_satisfied(const git::Repo& repo, const WorkerStatus& waiting, const Need& need,
                     const WorkerStatus* needed) {
    return need_met(repo, waiting, need, needed) != NeedMet::unmet;
}

bool worker_id_less(const std::string& a, const std::string& b) {
    auto numeric = [](const std::string& s) {
        return !s.empty() &&
               std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    bool na = numeric(a), nb = numeric(b);
    if (na && nb)
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    if (na != nb)
        return na; // numbers first
    return a < b;
}

bool worker_name_less(const std::string& a, const std::string& b) {
    auto id = [](const std::string& w) { return w.starts_with("task-") ? w.substr(5) : w; };
    return worker_id_less(id(a), id(b));
}

git::RefName WorkerTip::ref() const {
    return remote.empty() ? git::branch_ref(branch)
                          : git::RefName("refs/remotes/" + remote + "/" + branch);
}

namespace {

// Adds each remote's branches that fit the branch template to the worker they belong to: the
// source with the same branch name, else the worker's first source, else a new one.
void add_remote_tips(const Context& ctx, const std::string& only, std::vector<WorkerSources>& out) {
    const std::string prefix = ctx.branch_template.literal_prefix();
    for (const auto& remote : ctx.repo.remotes()) {
        const std::string remote_prefix = "refs/remotes/" + remote + "/";
        for (const auto& ref : ctx.repo.refs(remote_prefix + prefix)) {
            std::string branch = ref.name.str().substr(remote_prefix.size());
            auto parts = ctx.branch_template.match(branch);
            if (!parts)
                continue;
            std::string worker = protocol::worker_name(parts->id);
            if (!only.empty() && worker != only)
                continue;
            WorkerTip tip{branch, ref.target, remote};
            auto same = [&](const WorkerSources& s) { return s.worker == worker; };
            auto named = std::find_if(out.begin(), out.end(), [&](const WorkerSources& s) {
                return same(s) && !s.tips.empty() && s.tips.front().branch == branch;
            });
            auto first = std::find_if(out.begin(), out.end(), same);
            if (named != out.end())
                named->tips.push_back(std::move(tip));
            else if (first != out.end())
                first->tips.push_back(std::move(tip));
            else
                out.push_back({worker, parts->id, parts->desc, {std::move(tip)}});
        }
    }
}

} // namespace

std::vector<WorkerSources> find_workers(const Context& ctx, const std::string& only) {
    std::vector<WorkerSources> out;
    for (auto& wb : worker_branches(ctx, only))
        out.push_back({wb.worker, wb.id, wb.desc, {{wb.branch, wb.tip, {}}}});
    add_remote_tips(ctx, only, out);
    std::set<std::string> with_branch;
    for (const auto& s : out)
        with_branch.insert(s.worker);
    for (const auto& name : store::registered_workers(ctx.repo))
        if (!with_branch.count(name) && (only.empty() || name == only))
            out.push_back({name, {}, {}, {}});
    return out;
}

ViewBase view_base(const Context& ctx) {
    ViewBase vb;
    vb.base_branch = ctx.base_branch();
    vb.clone = ctx.repo.config_string("porch.cloneId").value_or("");
    vb.base = ctx.repo.resolve_commit(git::branch_ref(vb.base_branch));
    if (!vb.base && !ctx.repo.has_no_commits())
        throw Error(ErrorKind::fatal, "the base branch '" + vb.base_branch + "' does not exist",
                    ctx.config.base_branch ? "fix base_branch in .porch.toml, or create the branch"
                                           : "set base_branch in .porch.toml");
    for (auto& wt : ctx.repo.worktrees())
        if (wt.head)
            vb.worktrees.emplace(*wt.head, std::move(wt));
    vb.notes = store::note_sources(ctx.repo);
    vb.owners = Owners(ctx.repo, vb.notes, [&ctx] {
        std::vector<OwnerTip> tips;
        for (const auto& sources : find_workers(ctx))
            for (const auto& tip : sources.tips)
                tips.push_back({sources.worker, tip.commit, tip.ref()});
        return tips;
    });
    return vb;
}

std::optional<WorkerStatus> view_worker(const Context& ctx, const ViewBase& base,
                                        const WorkerSources& sources, std::size_t* skipped) {
    std::size_t ignored = 0;
    std::size_t& count = skipped ? *skipped : ignored;
    if (sources.tips.empty())
        return view_from_events(ctx, base, sources, count);
    return view_from_tip(ctx, base, sources, count);
}

StatusReport collect_status(const Context& ctx, const std::string& only) {
    StatusReport report;
    const ViewBase base = view_base(ctx);
    report.base_branch = base.base_branch;
    report.clone = base.clone;
    for (const auto& sources : find_workers(ctx, only))
        if (auto w = view_worker(ctx, base, sources, &report.skipped_lines))
            report.workers.push_back(std::move(*w));
    std::sort(
        report.workers.begin(), report.workers.end(),
        [](const WorkerStatus& a, const WorkerStatus& b) { return worker_id_less(a.id, b.id); });
    return report;
}

std::string planned_note(const Context& ctx, const std::string& worker) {
    if (!ctx.root)
        return {};
    try {
        auto plan = plan::load(*ctx.root);
        return plan && plan::find(*plan, worker) ? "planned, not spawned yet" : "";
    } catch (const Error&) {
        return {}; // a broken plan is plan check's to report
    }
}

Error no_worker(const Context& ctx, const std::string& worker, const std::string& detail,
                const std::string& hint, ErrorKind kind) {
    if (!planned_note(ctx, worker).empty())
        return Error(kind,
                     "no worker " + worker + ": it is in the plan (" +
                         std::string(plan::plan_path) + ") but not spawned yet",
                     "start it with: git porch plan apply");
    return Error(kind, "no worker " + worker + (detail.empty() ? "" : ": " + detail), hint);
}

} // namespace porch::model
