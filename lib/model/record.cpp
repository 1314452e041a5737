#include "model/record.hpp"

#include "model/bypass.hpp"
#include "model/events.hpp"
#include "model/message.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <unordered_set>
#include <utility>

namespace porch::model {

namespace {

// Cuts at a UTF-8 boundary.
std::string bounded(const std::string& text, std::size_t limit) {
    if (text.size() <= limit)
        return text;
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xc0) == 0x80)
        --cut;
    return text.substr(0, cut);
}

} // namespace

std::size_t ahead_after(const git::Repo& repo, const git::Commit& commit,
                        const std::unordered_map<std::string, std::size_t>& known,
                        const std::optional<git::Oid>& base) {
    // Far enough to bridge a few unrecorded commits, short enough that a long unrecorded run
    // costs no more than the count from the base.
    constexpr std::size_t max_steps = 32;
    std::size_t steps = 1;
    const git::Commit* at = &commit;
    std::optional<git::Commit> step;
    while (at->parent_count == 1 && steps <= max_steps) {
        if (auto it = known.find(at->first_parent->hex()); it != known.end())
            return it->second + steps;
        step = repo.commit(*at->first_parent);
        at = &*step;
        ++steps;
    }
    if (!base)
        return commit.parent_count == 0 ? 1 : 0;
    return repo.count_ahead(commit.id, *base);
}

store::Event commit_event(const std::string& worker, const git::Commit& commit,
                          const std::string& source, std::optional<std::size_t> ahead,
                          const std::vector<std::string>& outside) {
    auto msg = protocol::classify_subject(commit.subject());
    if (commit.parent_count > 1 && msg.kind != protocol::Kind::protocol)
        msg.kind = protocol::Kind::merge; // a merge commit, whatever its subject says
    CommitEvent e;
    e.commit = commit.id.hex();
    if (commit.first_parent)
        e.parent = commit.first_parent->hex();
    e.kind = msg.kind;
    // Whether the message obeys the protocol: false means it got past commit-msg (--no-verify,
    // hooks not installed, a rebase pick) with a subject the protocol rejects.
    e.valid = msg.kind != protocol::Kind::invalid && msg.kind != protocol::Kind::empty;
    e.source = source;
    e.subject = bounded(commit.subject(), max_recorded_subject);
    e.commit_time = commit.time;
    if (msg.kind == protocol::Kind::protocol) {
        e.state = state_of(msg.status);
        if (msg.status == protocol::Status::blocked)
            e.reason = bounded(msg.reason, max_recorded_subject);
        if (msg.status == protocol::Status::needs) {
            e.needs_worker = msg.needs_worker;
            e.needs_item = bounded(msg.needs_item, max_recorded_subject);
        }
    }
    e.ahead = ahead;
    for (std::size_t i = 0; i < outside.size() && i < max_recorded_outside; ++i)
        e.outside.push_back(bounded(outside[i], max_recorded_subject));
    return e.encode(worker);
}

namespace {

// What the notes already hold for one worker.
struct Recorded {
    std::unordered_set<std::string> commits;
    std::unordered_map<std::string, std::size_t> ahead_of; // commit -> its recorded count
    std::optional<git::Oid> spawn_base;
    std::vector<std::string> scope;
    bool spawned = false;
};

Recorded read_recorded(const git::Repo& repo, const std::string& worker) {
    Recorded r;
    for (const auto& e : store::read_all(repo, worker)) {
        auto type = type_of(e);
        if (type == EventType::commit) {
            auto commit = CommitEvent::decode(e);
            r.commits.insert(commit.commit);
            if (commit.ahead)
                r.ahead_of[commit.commit] = *commit.ahead;
        } else if (type == EventType::spawned) {
            r.spawned = true;
            SpawnedEvent spawned = SpawnedEvent::decode(e);
            r.spawn_base = spawned.base_commit();
            r.scope = std::move(spawned.scope);
        }
    }
    return r;
}

// The spawned event of a branch made without porch (or whose spawn was killed).
store::Event adopted_spawn(const Context& ctx, const WorkerBranch& wb, const std::string& base_name,
                           const std::optional<git::Oid>& hide,
                           const std::vector<git::Worktree>& worktrees) {
    SpawnedEvent spawned;
    spawned.desc = wb.desc;
    spawned.branch = wb.branch;
    spawned.source = "reindex";
    spawned.base_ref = base_name;
    if (hide)
        spawned.base = hide->hex();
    for (const auto& wt : worktrees)
        if (wt.head == git::branch_ref(wb.branch) && ctx.root)
            spawned.worktree =
                std::filesystem::path(wt.path).lexically_relative(*ctx.root).generic_string();
    return spawned.encode(wb.worker);
}

// Commit events for the worker's commits the notes do not have, oldest first (lamport clocks
// follow history). The base's own commits are never the worker's, even after the worker rebased
// onto or merged a newer base.
std::vector<store::Event> missing_commits(const Context& ctx, const WorkerBranch& wb,
                                          const std::optional<git::Oid>& base,
                                          const std::optional<git::Oid>& hide, Recorded& recorded) {
    std::vector<store::Event> commits;
    std::vector<git::Oid> hides;
    if (hide)
        hides.push_back(*hide);
    if (base && *base != wb.tip && !ctx.repo.is_ancestor(wb.tip, *base))
        hides.push_back(*base);
    ctx.repo.walk(
        wb.tip, hides,
        [&](const git::Commit& c) {
            std::size_t ahead = ahead_after(ctx.repo, c, recorded.ahead_of, hide);
            recorded.ahead_of[c.id.hex()] = ahead;
            if (!recorded.commits.count(c.id.hex())) {
                store::Event e = commit_event(wb.worker, c, "reindex", ahead,
                                              paths_outside(ctx.repo, c, recorded.scope));
                e.time = c.time; // the timeline shows when the work happened
                commits.push_back(std::move(e));
            }
            return true;
        },
        git::Repo::Order::oldest_first);
    return commits;
}

// The events the worker's branch has that its notes lack, added to `all`.
ReindexResult reindex_worker(Context& ctx, const WorkerBranch& wb, const std::string& base_name,
                             const std::optional<git::Oid>& base,
                             const std::vector<git::Worktree>& worktrees,
                             std::vector<store::Event>& all) {
    ReindexResult result{wb.worker};
    Recorded recorded = read_recorded(ctx.repo, wb.worker);
    std::vector<store::Event> events;
    std::optional<git::Oid> hide = recorded.spawn_base;
    if (!hide && base && !ctx.repo.is_ancestor(wb.tip, *base))
        hide = ctx.repo.merge_base(wb.tip, *base);
    if (!recorded.spawned) {
        events.push_back(adopted_spawn(ctx, wb, base_name, hide, worktrees));
        result.spawned_added = true;
    }
    // A branch already merged into the base cannot be told apart from the base's own history,
    // so without a recorded base only its spawned event is added.
    if (hide || !base || !ctx.repo.is_ancestor(wb.tip, *base)) {
        auto commits = missing_commits(ctx, wb, base, hide, recorded);
        result.commits_added = commits.size();
        // An adopted worker's spawn is dated at its first commit, so the timeline reads in order.
        if (result.spawned_added && !commits.empty())
            events.front().time = commits.front().time;
        for (auto& e : commits)
            events.push_back(std::move(e));
    }
    std::move(events.begin(), events.end(), std::back_inserter(all));
    return result;
}

} // namespace

std::vector<ReindexResult> reindex(Context& ctx, const std::string& only) {
    auto branches = worker_branches(ctx, only);
    if (!only.empty() && branches.empty())
        throw no_worker(ctx, only, "no branch to read", "list workers with: git porch status");
    const std::string base_name = ctx.base_branch();
    const std::optional<git::Oid> base = ctx.repo.resolve_commit(git::branch_ref(base_name));
    const auto worktrees = ctx.repo.worktrees();
    std::vector<ReindexResult> results;
    // One notes commit for many workers (a thousand workers were a thousand ref updates), in
    // batches so that a long history is not held in memory whole.
    constexpr std::size_t batch = 10000;
    std::vector<store::Event> events;
    for (const auto& wb : branches) {
        results.push_back(reindex_worker(ctx, wb, base_name, base, worktrees, events));
        if (events.size() >= batch)
            store::append(ctx.repo, std::exchange(events, {}));
    }
    store::append(ctx.repo, std::move(events));
    return results;
}

} // namespace porch::model
