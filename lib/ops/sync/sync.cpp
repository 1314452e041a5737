#include "ops/sync/sync.hpp"

#include "git/cli.hpp"
#include "model/event.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/random.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
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
            Lines merged = valid_lines(repo, ref, anchor, blob, outcome.skipped);
            Lines known = mine != our_entries.end()
                              ? store::note_lines(*repo.read_blob(mine->second))
                              : Lines{};
            if (ref == store::notes_ref)
                outcome.skipped += store::drop_overrides(merged, known, me);
            for (const auto& line : merged)
                outcome.added += known.count(line) ? 0 : 1;
            if (!behind)
                merged.insert(known.begin(), known.end());
            if (!merged.empty())
                entries[anchor] = repo.write_blob(store::note_text(merged));
        }
        git::Oid result = theirs;
        if (!behind || outcome.skipped > 0) {
            std::vector<git::Oid> parents;
            if (!behind)
                parents.push_back(*ours);
            parents.push_back(theirs);
            result = repo.write_notes_commit(entries, parents, "porch: merge events");
        }
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

void fetch_all(const model::Context& ctx) {
    const std::string pattern = std::string(store::notes_ref) + "*";
    for (const auto& remote : ctx.repo.remotes()) {
        const std::string notes =
            "+" + pattern + ":" + store::tracking_ref(remote, store::notes_ref) + "*";
        for (auto args : {std::vector<std::string>{"fetch", "-q", "--no-tags", remote},
                          std::vector<std::string>{"fetch", "-q", "--no-tags", remote, notes}}) {
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
        auto fetched = git::run_in(ctx.cli_dir(), {"fetch", "-q", "--no-tags", remote, refspec});
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
                result.merged.skipped += m.skipped;
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
    if (options.branches) {
        const std::string me = store::clone_id(ctx.repo);
        for (const auto& wb : model::worker_branches(ctx)) {
            bool mine = false;
            for (const auto& e : store::read_matching(ctx.repo, wb.worker, "\"type\":\"spawned\""))
                mine = mine || e.clone == me;
            if (!mine)
                continue;
            const std::string ref = git::branch_ref(wb.branch).str();
            auto r = git::run_in(ctx.cli_dir(), {"push", "-q", remote, ref + ":" + ref});
            if (r.ok())
                result.branches_pushed.push_back(wb.branch);
            else
                result.branch_failures.push_back(wb.branch + ": " +
                                                 util::sanitize_for_terminal(r.last_error_line()));
        }
    }
    return result;
}

std::optional<std::int64_t> last_fetch_time(const model::Context& ctx) {
    fs::path fetch_head = fs::path(ctx.repo.common_dir()) / "FETCH_HEAD";
    std::ifstream in(fetch_head);
    if (!in)
        return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().find("'" + std::string(store::notes_ref)) == std::string::npos)
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
