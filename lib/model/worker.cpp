#include "model/worker.hpp"

#include "model/message.hpp"
#include "model/naming.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>

namespace porch::model {

namespace {

// How far back a branch is followed when neither the notes nor a protocol commit say more.
constexpr std::size_t max_chain = 1000;

void apply_state(const std::string& state, const std::string& reason,
                 const std::string& needs_worker, const std::string& needs_item, WorkerStatus& w) {
    w.state = state;
    if (state == "blocked")
        w.reason = reason;
    if (state == "needs")
        w.needs.push_back({needs_worker, needs_item});
}

// Follows the branch's first-parent line from the tip to the newest protocol commit. Commits
// the notes know cost a map lookup; only commits they do not know (made with hooks off or
// before porch) are read from git. Stops at the worker's base.
void resolve_state(const git::Repo& repo, const git::Oid& tip, const std::optional<git::Oid>& stop,
                   const std::function<const store::Event*(const std::string&)>& known,
                   WorkerStatus& w) {
    std::optional<git::Oid> cur = tip;
    for (std::size_t steps = 0; cur && steps < max_chain; ++steps) {
        if (stop && *cur == *stop)
            return;
        if (const store::Event* found = known(cur->hex())) {
            const store::Event& e = *found;
            if (!e.field("state").empty()) {
                apply_state(e.field("state"), e.field("reason"), e.field("needs_worker"),
                            e.field("needs_item"), w);
                auto t = util::parse_count(e.field("commit_time"));
                w.state_time = t ? static_cast<std::int64_t>(*t) : e.time;
                return;
            }
            cur = git::Oid::from_hex(e.field("parent"));
            continue;
        }
        ++w.unrecorded;
        git::Commit c = repo.commit(*cur);
        auto msg = protocol::classify_subject(c.subject());
        if (msg.kind == protocol::Kind::protocol) {
            apply_state(std::string(protocol::to_string(msg.status)), msg.reason, msg.needs_worker,
                        msg.needs_item, w);
            w.state_time = c.time;
            return;
        }
        cur = c.first_parent;
    }
}

// Whether `tip` is in the base's history since `since`: a walk of the base's new commits only
// (bounded; beyond the bound git's own ancestry test decides).
bool merged_into(const git::Repo& repo, const git::Oid& base, const git::Oid& since,
                 const git::Oid& tip) {
    constexpr std::size_t bound = 20000;
    std::size_t seen = 0;
    bool found = false;
    repo.walk(base, since, [&](const git::Commit& c) {
        found = c.id == tip;
        return !found && ++seen < bound;
    });
    return found || (seen >= bound && repo.is_ancestor(tip, base));
}

// A verdict holds for the commit it judged: after more commits a complete worker waits for QA
// again.
void apply_qa(const store::Event* verdict, WorkerStatus& w) {
    if (verdict && verdict->field("commit") == w.last_commit.id) {
        w.qa = verdict->field("verdict");
        if (w.qa == "rejected")
            w.qa_reason = verdict->field("reason");
    } else if (w.state == "complete") {
        w.qa = "pending";
    }
}

// Teammates' workers: registered in the (synced) events, with no branch here. Everything comes
// from their events: the state of the newest protocol commit, the count recorded with the newest
// commit. Their worktrees are on other machines and never looked at.
void add_teammates(const Context& ctx, const std::string& only, StatusReport& report) {
    std::set<std::string> seen;
    for (const auto& w : report.workers)
        seen.insert(w.worker);
    for (const auto& name : store::registered_workers(ctx.repo)) {
        if (seen.count(name) || (!only.empty() && name != only))
            continue;
        auto events = store::read(ctx.repo, name, &report.skipped_lines);
        const store::Event* spawned = nullptr;
        const store::Event* newest = nullptr;
        const store::Event* state = nullptr;
        const store::Event* verdict = nullptr;
        bool gone = false;
        WorkerStatus w;
        for (const auto& e : events) {
            if (e.type == "spawned") {
                spawned = &e;
            } else if (e.type == "commit") {
                newest = &e;
                if (!e.field("state").empty())
                    state = &e;
                auto t = util::parse_count(e.field("commit_time"));
                w.subjects.emplace_back(t ? static_cast<std::int64_t>(*t) : e.time,
                                        e.field("subject"));
                if (e.field("valid") == "false")
                    ++w.unvalidated;
            } else if (e.type == "qa") {
                verdict = &e;
            } else if (e.type == "retry") {
                ++w.attempts;
            } else if (e.type == "cleaned" && e.field("branch_deleted") == "true") {
                gone = true;
            }
        }
        // Ours without a branch was deleted here on purpose; theirs, once cleaned up, is done.
        if (!spawned || gone || spawned->clone == report.clone)
            continue;
        auto id = protocol::normalize_id(name);
        if (!id)
            continue;
        w.worker = name;
        w.id = *id;
        w.desc = spawned->field("desc");
        w.branch = spawned->field("branch");
        w.clone = spawned->clone;
        w.clone_name = spawned->field("clone_name");
        w.local = false;
        w.remote_only = true;
        if (auto it = spawned->lists.find("scope"); it != spawned->lists.end())
            w.scope = it->second;
        if (auto it = spawned->lists.find("needs"); it != spawned->lists.end())
            w.declared_needs = it->second;
        w.spawn_base = git::Oid::from_hex(spawned->field("base"));
        if (state) {
            apply_state(state->field("state"), state->field("reason"), state->field("needs_worker"),
                        state->field("needs_item"), w);
            auto t = util::parse_count(state->field("commit_time"));
            w.state_time = t ? static_cast<std::int64_t>(*t) : state->time;
        }
        if (newest) {
            auto ahead = util::parse_count(newest->field("ahead"));
            w.commits_ahead = ahead ? *ahead : 0;
            auto t = util::parse_count(newest->field("commit_time"));
            w.last_commit = {newest->field("commit"), newest->field("subject"),
                             t ? static_cast<std::int64_t>(*t) : newest->time};
        } else {
            w.last_commit.time = spawned->time;
        }
        apply_qa(verdict, w);
        report.workers.push_back(std::move(w));
    }
}

} // namespace

const WorkerStatus* find_worker(const StatusReport& report, const std::string& worker) {
    for (const auto& w : report.workers)
        if (w.worker == worker)
            return &w;
    return nullptr;
}

bool needs_satisfied(const WorkerStatus& waiting, const Need& need, const WorkerStatus* needed) {
    if (needed == nullptr)
        return false;
    if (needed->state == "complete")
        return true;
    const std::string item = util::to_lower(need.item);
    for (const auto& [time, subject] : needed->subjects)
        if (time >= waiting.state_time && util::to_lower(subject).find(item) != std::string::npos)
            return true;
    return false;
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

StatusReport collect_status(const Context& ctx, const std::string& only) {
    StatusReport report;
    report.base_branch = ctx.base_branch();
    report.clone = ctx.repo.config_string("porch.cloneId").value_or("");
    std::optional<git::Oid> base = ctx.repo.resolve_commit("refs/heads/" + report.base_branch);
    if (!base && !ctx.repo.has_no_commits())
        throw Error(ErrorKind::fatal, "the base branch '" + report.base_branch + "' does not exist",
                    ctx.config.base_branch ? "fix base_branch in .porch.toml, or create the branch"
                                           : "set base_branch in .porch.toml");

    std::map<std::string, git::Worktree> by_branch;
    for (auto& wt : ctx.repo.worktrees())
        if (wt.head)
            by_branch.emplace(*wt.head, std::move(wt));

    for (const auto& wb : worker_branches(ctx, only)) {
        WorkerStatus w;
        w.worker = wb.worker;
        w.id = wb.id;
        w.desc = wb.desc;
        w.branch = wb.branch;
        if (auto it = by_branch.find("refs/heads/" + wb.branch); it != by_branch.end()) {
            w.worktree = it->second.path;
            w.worktree_missing = it->second.missing;
        }

        // Only the lines status needs are parsed: spawned events, and commit events on the chain
        // from the tip (resolve_state); the rest are read by substring (hundreds of workers with
        // hundreds of events each must stay fast).
        std::vector<std::string> lines = store::read_lines(ctx.repo, w.worker);
        std::unordered_map<std::string, const std::string*> commit_lines;
        std::optional<git::Oid> spawn_base;
        std::map<std::string, std::optional<store::Event>> integration_events;
        std::optional<store::Event> newest_qa;
        for (const auto& line : lines) {
            std::optional<std::string_view> type, commit, subject, commit_time, valid;
            bool escaped = false;
            for (const auto& f : store::scan_fields(line)) {
                auto* slot = f.key == "type"          ? &type
                             : f.key == "commit"      ? &commit
                             : f.key == "subject"     ? &subject
                             : f.key == "commit_time" ? &commit_time
                             : f.key == "valid"       ? &valid
                                                      : nullptr;
                if (slot) {
                    *slot = f.value;
                    escaped = escaped || (f.escaped && slot != &subject);
                }
                if (f.key == "subject" && f.escaped)
                    subject.reset(); // decoded below from the parsed line
            }
            if (escaped)
                type.reset(); // let the full parser read this one
            if (!type || *type == "spawned") {
                auto e = store::from_line(line);
                if (!e || e->worker != w.worker) {
                    ++report.skipped_lines;
                    continue;
                }
                if (e->type != "spawned")
                    continue; // an escaped type: some newer writer's event
                w.scope =
                    e->lists.count("scope") ? e->lists.at("scope") : std::vector<std::string>{};
                w.declared_needs =
                    e->lists.count("needs") ? e->lists.at("needs") : std::vector<std::string>{};
                spawn_base = git::Oid::from_hex(e->field("base"));
                w.spawn_base = spawn_base;
                w.clone = e->clone;
                w.clone_name = e->field("clone_name");
            } else if (*type == "qa" || *type == "retry") {
                auto e = store::from_line(line);
                if (!e || e->worker != w.worker)
                    continue;
                if (e->type == "retry")
                    ++w.attempts;
                else if (!newest_qa || newest_qa->lamport < e->lamport)
                    newest_qa = std::move(e);
            } else if (type->starts_with("integrate")) {
                // Rare events, ordered by their clocks: parsed whole.
                auto e = store::from_line(line);
                if (!e || e->worker != w.worker || e->field("feature").empty())
                    continue;
                auto& newest = integration_events[e->field("feature")];
                if (!newest || newest->lamport < e->lamport)
                    newest = std::move(e);
            } else if (*type == "commit") {
                if (!commit)
                    continue;
                commit_lines[std::string(*commit)] = &line;
                auto t = commit_time ? util::parse_count(*commit_time) : std::nullopt;
                std::int64_t when = t ? static_cast<std::int64_t>(*t) : 0;
                if (subject)
                    w.subjects.emplace_back(when, std::string(*subject));
                else if (auto e = store::from_line(line))
                    w.subjects.emplace_back(when, e->field("subject"));
                if (valid && *valid == "false")
                    ++w.unvalidated;
            }
        }
        for (const auto& [feature, e] : integration_events) {
            static const std::map<std::string, std::string> states = {
                {"integrated", "merged"},
                {"integrate-conflict", "conflict"},
                {"integrate-verify-failed", "verify-failed"}};
            auto state = states.find(e->type);
            if (state != states.end())
                w.integrations.push_back({feature, state->second, e->field("commit"),
                                          e->field("merge"), e->field("commit") == wb.tip.hex()});
        }
        // Commit events parsed on demand, once each.
        std::unordered_map<std::string, std::optional<store::Event>> parsed;
        auto lookup = [&](const std::string& hex) -> const store::Event* {
            auto line = commit_lines.find(hex);
            if (line == commit_lines.end())
                return nullptr;
            auto [it, fresh] = parsed.try_emplace(hex);
            if (fresh) {
                it->second = store::from_line(*line->second);
                if (it->second && it->second->worker != w.worker)
                    it->second.reset();
            }
            return it->second ? &*it->second : nullptr;
        };

        std::optional<git::Oid> stop = spawn_base;
        const store::Event* tip_event = lookup(wb.tip.hex());
        auto recorded_ahead =
            tip_event ? util::parse_count(tip_event->field("ahead")) : std::nullopt;
        if (recorded_ahead && spawn_base && base && *base == *spawn_base) {
            // The base has not moved since the worker started: the count recorded with the tip
            // is exact, and no history is walked.
            w.commits_ahead = *recorded_ahead;
        } else if (base && spawn_base && merged_into(ctx.repo, *base, *spawn_base, wb.tip)) {
            w.commits_ahead = 0; // integrated: the base's new commits include the tip
        } else if (base && !ctx.repo.is_ancestor(wb.tip, *base)) {
            w.commits_ahead = ctx.repo.count_ahead(wb.tip, *base);
            if (!stop)
                stop = ctx.repo.merge_base(wb.tip, *base);
        }
        git::Commit tip = ctx.repo.commit(wb.tip);
        w.last_commit = {tip.id.hex(), tip.subject(), tip.time};
        resolve_state(ctx.repo, wb.tip, stop, lookup, w);
        apply_qa(newest_qa ? &*newest_qa : nullptr, w);
        w.local = w.clone.empty() || w.clone == report.clone;
        report.workers.push_back(std::move(w));
    }
    add_teammates(ctx, only, report);
    std::sort(
        report.workers.begin(), report.workers.end(),
        [](const WorkerStatus& a, const WorkerStatus& b) { return worker_id_less(a.id, b.id); });
    return report;
}

} // namespace porch::model
