#include "ops/sync/sync.hpp"

#include "git/cli.hpp"
#include "model/event.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/random.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

namespace porch::sync {

namespace {

namespace fs = std::filesystem;
using store::Lines;

constexpr int max_merge_attempts = 50;
constexpr int max_rounds = 6;

const util::Regex& worker_pattern() {
    static const util::Regex re("task-[a-z0-9]{1,32}");
    return re;
}

// The lines of a note from a remote that porch accepts, exactly as written (so both stores
// hold byte-identical lines): registry lines that are worker names; event lines that parse, name
// a valid worker, and sit where that worker's events belong.
Lines valid_lines(const git::Repo& repo, std::string_view ref, const std::string& anchor,
                  const git::Oid& blob, std::size_t& skipped) {
    static const std::string registry =
        git::Oid::of_blob(std::string(store::registry_anchor_content)).hex();
    auto size = repo.blob_size(blob);
    if (!size || *size > max_note_bytes) {
        ++skipped;
        return {};
    }
    Lines out;
    std::string owner; // an archive note holds one worker's events
    const std::string content = repo.read_blob(blob).value_or("");
    for (auto line : util::split_lines(content)) {
        if (line.empty())
            continue;
        if (ref == store::notes_ref && anchor == registry) {
            if (worker_pattern().match(line))
                out.emplace(line);
            else
                ++skipped;
            continue;
        }
        auto e = store::from_line(line);
        bool ok = e && (worker_pattern().match(e->worker) || e->worker == store::session_worker);
        if (ok && ref == store::notes_ref)
            ok = git::Oid::of_blob(store::anchor_content(e->worker)).hex() == anchor;
        if (ok && ref == store::archive_ref) {
            if (owner.empty())
                owner = e->worker;
            ok = e->worker == owner;
        }
        if (ok)
            out.emplace(line);
        else
            ++skipped;
    }
    return out;
}

void check_remote(const model::Context& ctx, const std::string& remote) {
    if (remote.empty() || remote.front() == '-' ||
        !git::run_in(ctx.cli_dir(), {"remote", "get-url", remote}).ok())
        throw Error(ErrorKind::fatal, "no remote " + util::sanitize_for_terminal(remote),
                    "list the remotes with: git remote -v; or set porch.remote");
}

// Rejected because the remote moved on (someone pushed first): worth another round.
bool rejected(const process::Result& r) {
    for (auto line : util::split_lines(r.out))
        if (line.starts_with("!"))
            return true;
    return r.err.find("[rejected]") != std::string::npos ||
           r.err.find("fetch first") != std::string::npos ||
           r.err.find("non-fast-forward") != std::string::npos;
}

} // namespace

std::string to_string(FollowResult result) {
    switch (result) {
    case FollowResult::fast_forwarded:
        return "fast-forwarded";
    case FollowResult::left:
        return "left";
    case FollowResult::diverged:
        return "diverged";
    case FollowResult::failed:
        return "failed";
    }
    return {};
}

std::string to_string(BranchResult result) {
    switch (result) {
    case BranchResult::up_to_date:
        return "up-to-date";
    case BranchResult::pushed:
        return "pushed";
    case BranchResult::behind:
        return "behind";
    case BranchResult::diverged:
        return "diverged";
    case BranchResult::failed:
        return "failed";
    }
    return {};
}

MergeOutcome merge_notes(git::Repo& repo, std::string_view ref, const git::Oid& theirs) {
    const std::string me = repo.config_string("porch.cloneId").value_or("");
    for (int attempt = 0; attempt < max_merge_attempts; ++attempt) {
        MergeOutcome outcome;
        std::optional<git::Oid> ours = repo.ref_target(git::RefName(ref));
        if (ours && (*ours == theirs || repo.is_ancestor(theirs, *ours)))
            return outcome; // nothing of theirs is new here
        // When ours is in their history they already hold all of it (perhaps moved by their
        // compaction): take theirs, validated, rather than a union that would undo the moves.
        const bool behind = !ours || repo.is_ancestor(*ours, theirs);
        std::map<std::string, git::Oid> entries;
        if (!behind)
            entries = repo.note_entries(*ours);
        const auto our_entries =
            ours ? repo.note_entries(*ours) : std::map<std::string, git::Oid>{};
        for (const auto& [anchor, blob] : repo.note_entries(theirs)) {
            auto mine = our_entries.find(anchor);
            if (mine != our_entries.end() && mine->second == blob) {
                entries[anchor] = blob;
                continue;
            }
            Lines merged = valid_lines(repo, ref, anchor, blob, outcome.malformed);
            Lines known = mine != our_entries.end()
                              ? store::note_lines(*repo.read_blob(mine->second))
                              : Lines{};
            if (ref == store::notes_ref)
                outcome.overriding += store::drop_overrides(merged, known, me);
            for (const auto& line : merged)
                outcome.added += known.count(line) ? 0 : 1;
            if (!behind)
                merged.insert(known.begin(), known.end());
            if (!merged.empty())
                entries[anchor] = repo.write_blob(store::note_text(merged));
        }
        git::Oid result = theirs;
        if (!behind || outcome.skipped() > 0) {
            std::vector<git::Oid> parents;
            if (!behind)
                parents.push_back(*ours);
            parents.push_back(theirs);
            result = repo.write_notes_commit(entries, parents, "porch: merge events");
        }
        // The merged tree holds notes only, and a copy from an older porch may lack anchors.
        result = store::anchored(repo, git::RefName(ref), result);
        if (repo.update_ref_cas(git::RefName(ref), result, ours, "porch: sync") ==
            git::CasResult::updated) {
            outcome.changed = true;
            return outcome;
        }
        std::this_thread::sleep_for(
            std::chrono::milliseconds(util::random_int(1, 10 + attempt * 5)));
    }
    throw Error(ErrorKind::fatal, "cannot merge events: " + std::string(ref) + " kept changing",
                "run git porch sync again");
}

std::string default_remote(const model::Context& ctx) {
    return ctx.default_remote();
}

namespace {

// The workers' branches, fetched explicitly: a clone made with --single-branch (or any narrow
// fetch refspec) still sees them. Forced, as remote-tracking branches are.
std::string branches_refspec(const model::Context& ctx, const std::string& remote) {
    return "+" + ctx.branch_ref_prefix() + "*:refs/remotes/" + remote + "/" +
           ctx.branch_template.literal_prefix() + "*";
}

} // namespace

void fetch_all(const model::Context& ctx) {
    const std::string pattern = std::string(store::notes_ref) + "*";
    for (const auto& remote : ctx.repo.remotes()) {
        const std::string notes =
            "+" + pattern + ":" + store::tracking_ref(remote, store::notes_ref) + "*";
        for (auto args : {std::vector<std::string>{"fetch", "-q", "--no-tags", remote},
                          std::vector<std::string>{"fetch", "-q", "--no-tags", remote, notes,
                                                   branches_refspec(ctx, remote)}}) {
            auto fetched = git::run_in(ctx.cli_dir(), args);
            if (!fetched.ok())
                throw Error(ErrorKind::fatal,
                            "cannot fetch from " + remote + ": " +
                                util::sanitize_for_terminal(fetched.last_error_line()),
                            "check the remote with: git fetch " + remote +
                                ", or run git porch status without --fetch");
        }
    }
}

namespace {

git::RefName tracking_branch(const std::string& remote, const std::string& branch) {
    return git::RefName("refs/remotes/" + remote + "/" + branch);
}

// git's own reason for a failure: its last "error:" or "fatal:" line, never a hint.
std::string git_reason(const process::Result& r) {
    std::string reason;
    for (auto line : util::split_lines(r.err))
        for (std::string_view label : {"error: ", "fatal: "})
            if (line.starts_with(label))
                reason = line.substr(label.size());
    return reason.empty() ? r.last_error_line() : reason;
}

// The worktree that has `ref` checked out, or is rebasing or bisecting it, if any.
const git::Worktree* holder(const std::vector<git::Worktree>& worktrees, const git::RefName& ref) {
    for (const auto& wt : worktrees)
        if (wt.head == ref || wt.busy_branch == ref)
            return &wt;
    return nullptr;
}

// Moves a branch that is strictly behind to the remote's tip: a compare-and-swap of the ref when
// no worktree has it, else a merge --ff-only in its worktree (which keeps the index and the files
// right), and only in a clean one: anything else is left as it is, with what to type.
void fast_forward(model::Context& ctx, const git::Worktree* wt, const git::RefName& theirs,
                  Follow& f) {
    const std::string ff = model::fast_forward_action(f.worktree, f.branch, f.remote_branch);
    if (!wt) {
        auto cas = ctx.repo.update_ref_cas(git::branch_ref(f.branch), f.to, f.from,
                                           "porch sync: fast-forward to " + f.remote_branch);
        if (cas == git::CasResult::updated)
            return;
        f.result = FollowResult::failed;
        f.reason =
            cas == git::CasResult::locked ? "another process holds its lock" : "it moved meanwhile";
        f.action = "git porch sync";
        return;
    }
    f.result = FollowResult::left;
    if (wt->missing) {
        f.reason = "its worktree folder is missing: " + wt->path;
        f.action = "remove the stale worktree entry: git worktree prune, then: git porch sync";
        return;
    }
    if (wt->head != git::branch_ref(f.branch)) {
        f.reason = "a rebase or bisect is in progress in " + wt->path;
        f.action = "finish or abort it there, then: git porch sync";
        return;
    }
    auto dirty = git::dirty_paths(wt->path);
    if (!dirty || !dirty->empty()) {
        f.reason = dirty ? "its worktree has uncommitted changes" : "git cannot read its worktree";
        f.action = "commit or stash the changes, then " + ff;
        return;
    }
    auto merged = git::run_in(wt->path, {"merge", "--ff-only", "-q", theirs.str()});
    if (merged.ok()) {
        f.result = FollowResult::fast_forwarded;
        return;
    }
    f.result = FollowResult::failed;
    f.reason = git_reason(merged);
    f.action = ff;
}

// Every local worker branch the remote's copy has moved past: fast-forwarded when strictly
// behind, reported (never touched) when diverged. A branch ahead of the remote's is left for
// --branches to push.
std::vector<Follow> follow_workers(model::Context& ctx, const std::string& remote) {
    std::vector<Follow> out;
    const auto worktrees = ctx.repo.worktrees();
    for (const auto& wb : model::worker_branches(ctx)) {
        const git::RefName theirs_ref = tracking_branch(remote, wb.branch);
        auto theirs = ctx.repo.ref_target(theirs_ref);
        if (!theirs || *theirs == wb.tip || ctx.repo.is_ancestor(*theirs, wb.tip))
            continue;
        Follow f;
        f.worker = wb.worker;
        f.branch = wb.branch;
        f.remote_branch = remote + "/" + wb.branch;
        f.from = wb.tip;
        f.to = *theirs;
        f.ahead = ctx.repo.count_ahead(wb.tip, *theirs);
        f.behind = ctx.repo.count_ahead(*theirs, wb.tip);
        const git::Worktree* wt = holder(worktrees, git::branch_ref(wb.branch));
        if (wt)
            f.worktree = wt->path;
        if (f.ahead > 0) {
            f.result = FollowResult::diverged;
            f.reason = "each has commits the other lacks";
            f.action = model::reconcile_action(f.worktree, f.branch, {wb.branch, *theirs, remote});
        } else {
            fast_forward(ctx, wt, theirs_ref, f);
        }
        out.push_back(std::move(f));
    }
    return out;
}

// The worker branches --branches pushes: those this clone spawned, and those checked out here
// (taken over, or spawned elsewhere and switched to).
std::vector<model::WorkerBranch> branches_to_push(model::Context& ctx) {
    const std::string me = store::clone_id(ctx.repo);
    const auto worktrees = ctx.repo.worktrees();
    std::vector<model::WorkerBranch> out;
    for (auto& wb : model::worker_branches(ctx)) {
        const git::Worktree* wt = holder(worktrees, git::branch_ref(wb.branch));
        bool mine = wt && !wt->missing;
        for (const auto& e : store::read_matching(ctx.repo, wb.worker, "\"type\":\"spawned\""))
            mine = mine || (e.clone == me && e.field("branch") == wb.branch);
        if (mine)
            out.push_back(std::move(wb));
    }
    return out;
}

// What `git push --porcelain` said of each ref: "<flag>\t<from>:<to>\t<summary>", by <to>.
std::map<std::string, std::pair<char, std::string>> porcelain_status(const std::string& out) {
    std::map<std::string, std::pair<char, std::string>> status;
    for (auto line : util::split_lines(out)) {
        auto tab = line.find('\t');
        auto second = line.find('\t', tab == std::string_view::npos ? tab : tab + 1);
        if (tab != 1 || second == std::string_view::npos)
            continue;
        auto refs = line.substr(2, second - 2);
        auto colon = refs.find(':');
        if (colon == std::string_view::npos)
            continue;
        status[std::string(refs.substr(colon + 1))] = {line[0],
                                                       std::string(line.substr(second + 1))};
    }
    return status;
}

// Where each branch stands against the remote's copy (fetched moments ago), before any push.
BranchPush classify(model::Context& ctx, const std::string& remote, const model::WorkerBranch& wb,
                    const std::vector<Follow>& follows) {
    BranchPush b;
    b.worker = wb.worker;
    b.branch = wb.branch;
    const git::Oid ours = ctx.repo.ref_target(git::branch_ref(wb.branch)).value_or(wb.tip);
    auto theirs = ctx.repo.ref_target(tracking_branch(remote, wb.branch));
    if (!theirs) {
        // New there: the commits past the remote's base branch, when it has one.
        if (auto base = ctx.repo.ref_target(tracking_branch(remote, ctx.base_branch())))
            b.ahead = ctx.repo.count_ahead(ours, *base);
        b.result = BranchResult::pushed;
        b.created = true;
        return b;
    }
    if (*theirs != ours) {
        b.ahead = ctx.repo.count_ahead(ours, *theirs);
        b.behind = ctx.repo.count_ahead(*theirs, ours);
    }
    const std::string remote_branch = remote + "/" + wb.branch;
    auto follow = std::find_if(follows.begin(), follows.end(),
                               [&](const Follow& f) { return f.branch == wb.branch; });
    if (b.behind > 0 && b.ahead > 0) {
        b.result = BranchResult::diverged;
        b.reason = "it has diverged from " + remote_branch + " (" +
                   util::plural(b.ahead, "commit") + " here, " + util::plural(b.behind, "commit") +
                   " there)";
        b.action =
            follow != follows.end() && follow->result == FollowResult::diverged
                ? follow->action
                : model::reconcile_action(std::nullopt, wb.branch, {wb.branch, *theirs, remote});
    } else if (b.behind > 0) {
        b.result = BranchResult::behind;
        b.reason = remote_branch + " has " + util::plural(b.behind, "commit") + " it lacks";
        b.action = follow != follows.end() && !follow->action.empty()
                       ? follow->action
                       : "git porch sync fast-forwards it, or: git pull --ff-only";
    } else {
        b.result = b.ahead > 0 ? BranchResult::pushed : BranchResult::up_to_date;
    }
    return b;
}

// Pushes this clone's workers' branches, never forced, each with its upstream set; a branch the
// remote has moved past is not pushed (git would refuse it), but gets its upstream all the same,
// so `git pull --ff-only` works in its worktree.
std::vector<BranchPush> push_branches(model::Context& ctx, const std::string& remote,
                                      const std::vector<Follow>& follows) {
    std::vector<BranchPush> out;
    std::vector<std::string> args = {"push", "--porcelain", "--set-upstream", remote};
    for (const auto& wb : branches_to_push(ctx)) {
        out.push_back(classify(ctx, remote, wb, follows));
        const std::string ref = git::branch_ref(wb.branch).str();
        if (out.back().ok())
            args.push_back(ref + ":" + ref);
        else if (git::run_in(ctx.cli_dir(),
                             {"branch", "--set-upstream-to=" + remote + "/" + wb.branch, wb.branch})
                     .ok())
            out.back().upstream = remote + "/" + wb.branch;
    }
    if (args.size() == 4)
        return out;
    auto pushed = git::run_in(ctx.cli_dir(), args);
    auto status = porcelain_status(pushed.out);
    for (auto& b : out) {
        if (!b.ok())
            continue;
        auto it = status.find(git::branch_ref(b.branch).str());
        if (it == status.end()) {
            b.result = BranchResult::failed;
            b.reason = pushed.ok() ? "git push did not report it" : git_reason(pushed);
        } else if (it->second.first == '!') {
            b.result = BranchResult::failed;
            b.reason = it->second.second;
        } else {
            b.result = it->second.first == '=' ? BranchResult::up_to_date : BranchResult::pushed;
            b.upstream = remote + "/" + b.branch;
            continue;
        }
        b.action = "see why with: git push " + remote + " " + b.branch +
                   "; then: git porch sync --branches";
    }
    return out;
}

// Workers spawned twice with one id, seen once the remote's events are merged.
std::vector<SyncResult::Duplicate> duplicates(const model::Context& ctx) {
    std::vector<SyncResult::Duplicate> out;
    // The view needs the base branch; a clone without it has nothing spawned from it to compare.
    if (!ctx.repo.ref_exists(git::branch_ref(ctx.base_branch())))
        return out;
    const auto report = model::collect_status(ctx);
    for (const auto& w : report.workers)
        for (auto& advice : model::duplicate_advice(ctx, report, w))
            out.push_back({w.worker, std::move(advice)});
    return out;
}

} // namespace

SyncResult sync(model::Context& ctx, const SyncOptions& options) {
    SyncResult result;
    result.remote = options.remote.empty() ? default_remote(ctx) : options.remote;
    check_remote(ctx, result.remote);
    const std::string& remote = result.remote;
    const std::string pattern = std::string(store::notes_ref) + "*";
    const std::string refspec =
        "+" + pattern + ":" + store::tracking_ref(remote, store::notes_ref) + "*";
    for (int round = 1; round <= max_rounds; ++round) {
        result.rounds = round;
        auto fetched = git::run_in(ctx.cli_dir(), {"fetch", "-q", "--no-tags", remote, refspec,
                                                   branches_refspec(ctx, remote)});
        if (!fetched.ok())
            throw Error(ErrorKind::fatal,
                        "cannot fetch from " + remote + ": " +
                            util::sanitize_for_terminal(fetched.last_error_line()),
                        "check the remote with: git fetch " + remote);
        // The archive first: a store whose live notes were trimmed never lacks what moved.
        for (auto ref : {store::archive_ref, store::notes_ref}) {
            if (auto theirs = ctx.repo.ref_target(git::RefName(store::tracking_ref(remote, ref)))) {
                auto m = merge_notes(ctx.repo, ref, *theirs);
                result.merged.changed = result.merged.changed || m.changed;
                result.merged.added += m.added;
                result.merged.malformed += m.malformed;
                result.merged.overriding += m.overriding;
            }
        }
        if (!options.push)
            break;
        std::vector<std::string> args = {"push", "--porcelain", "--atomic", remote};
        for (auto ref : {store::notes_ref, store::archive_ref})
            if (ctx.repo.ref_target(git::RefName(ref)))
                args.push_back(std::string(ref) + ":" + std::string(ref));
        if (args.size() == 4) {
            result.pushed = true; // nothing to share yet
            break;
        }
        auto pushed = git::run_in(ctx.cli_dir(), args);
        if (pushed.ok()) {
            result.pushed = true;
            break;
        }
        if (!rejected(pushed))
            throw Error(ErrorKind::fatal,
                        "cannot push to " + remote + ": " +
                            util::sanitize_for_terminal(pushed.last_error_line()),
                        "check that you may push to it: git push --dry-run " + remote);
        // Someone pushed first: back off a random, growing amount, then fetch and merge theirs.
        std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(20, 100 * round)));
    }
    if (options.push && !result.pushed)
        throw Error(ErrorKind::fatal,
                    "the remote's events kept changing: gave up after " +
                        std::to_string(max_rounds) + " rounds (your events are merged locally)",
                    "run git porch sync again");
    result.follows = follow_workers(ctx, remote);
    if (options.branches)
        result.branches = push_branches(ctx, remote, result.follows);
    result.duplicates = duplicates(ctx);
    return result;
}

std::optional<std::int64_t> last_fetch_time(const model::Context& ctx) {
    fs::path fetch_head = fs::path(ctx.repo.common_dir()) / "FETCH_HEAD";
    const auto text = util::read_file(fetch_head.string());
    if (!text || text->find("'" + std::string(store::notes_ref)) == std::string::npos)
        return std::nullopt;
    std::error_code ec;
    auto when = fs::last_write_time(fetch_head, ec);
    if (ec)
        return std::nullopt;
    auto system =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::file_clock::to_sys(when));
    return system.time_since_epoch().count();
}

} // namespace porch::sync
