#include "ops/hooks/handlers.hpp"

#include "model/bypass.hpp"
#include "model/events.hpp"
#include "model/locate.hpp"
#include "model/message.hpp"
#include "model/record.hpp"
#include "model/scope.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_map>

namespace porch::hooks {

namespace {

constexpr std::string_view spawned_needle = "\"type\":\"spawned\"";

// The scope of the spawn that counts for the worker on `branch` (see spawn_that_counts).
std::vector<std::string> declared_scope(const git::Repo& repo, const std::string& worker,
                                        const std::string& branch) {
    const auto events = store::read_matching(repo, worker, spawned_needle);
    std::vector<const store::Event*> spawns;
    for (const auto& e : events)
        if (model::type_of(e) == model::EventType::spawned)
            spawns.push_back(&e);
    const auto* spawned =
        model::spawn_that_counts(spawns, branch, repo.config_string("porch.cloneId").value_or(""));
    return spawned ? model::SpawnedEvent::decode(*spawned).scope : std::vector<std::string>{};
}

// Whether `commit` is on some remote's copy of the branch HEAD is on: a fast-forward to it (git
// pull --ff-only, or sync following a worker pushed from elsewhere) brings commits made in
// another clone, which records them itself. Recording them here too would give its records of
// them the look of forgeries of ours (store::drop_overrides), and sync would drop them.
bool pushed_elsewhere(const git::Repo& repo, const git::Oid& commit) {
    auto head = repo.head_ref();
    auto branch = head ? head->branch() : std::nullopt;
    if (!branch)
        return false;
    for (const auto& remote : repo.remotes()) {
        auto theirs = repo.ref_target(git::RefName("refs/remotes/" + remote + "/" + branch->str()));
        if (theirs && (*theirs == commit || repo.is_ancestor(commit, *theirs)))
            return true;
    }
    return false;
}

std::string examples() {
    std::string out;
    for (auto line : util::split_lines(protocol::protocol_examples()))
        out += "  " + std::string(line) + "\n";
    return out;
}

// What pre-commit enforces: HEAD on the worktree's own branch, staged paths inside the scope.
std::optional<Outcome> refuse_staged(const model::Context& ctx, const model::Location& where) {
    if (where.on_wrong_branch()) {
        std::string head =
            where.head_branch.empty() ? "a detached HEAD" : "'" + where.head_branch + "'";
        return Outcome{1, "git porch: commit refused: this worktree belongs to " + *where.owner +
                              " (branch " + *where.owner_branch + "), but HEAD is on " + head +
                              "\n" + "Switch back with: git switch " + *where.owner_branch + "\n"};
    }
    if (ctx.repo.operation_in_progress() == "merge")
        return std::nullopt; // a merge brings in other workers' files by design
    std::string worker = *where.branch_worker;
    auto scope = declared_scope(ctx.repo, worker, where.head_branch);
    if (scope.empty())
        return std::nullopt;
    std::vector<std::string> outside;
    for (const auto& path : ctx.repo.staged_paths())
        if (!protocol::in_scope(path, scope))
            outside.push_back(path);
    if (outside.empty())
        return std::nullopt;
    std::string text = "git porch: commit refused: " + worker + " may change only:";
    for (const auto& s : scope)
        text += " " + util::sanitize_for_terminal(s);
    text += "\nThese staged paths are outside that scope:\n";
    std::size_t shown = 0;
    for (const auto& p : outside) {
        if (++shown > 20) {
            text += "  ... and " + std::to_string(outside.size() - 20) + " more\n";
            break;
        }
        text += "  " + util::sanitize_for_terminal(p) + "\n";
    }
    text += "Unstage them with: git restore --staged <path>\n";
    return Outcome{1, text};
}

} // namespace

protocol::CommentStyle comment_style(const git::Repo& repo) {
    // With -m or -F (git tells the hook by GIT_EDITOR=:) the default cleanup is "whitespace":
    // git keeps '#' lines, so none may be skipped here either.
    const char* editor = std::getenv("GIT_EDITOR");
    std::string cleanup = repo.config_string("commit.cleanup").value_or("default");
    const bool no_editor = editor != nullptr && std::string_view(editor) == ":";
    protocol::CommentStyle style;
    if (cleanup == "whitespace" || cleanup == "verbatim" ||
        ((cleanup == "default" || cleanup == "scissors") && no_editor)) {
        style.prefix = "";
        return style;
    }
    // "scissors" with an editor is "whitespace" plus the cut: '#' lines above it stay.
    style.strip_comments = cleanup != "scissors";
    for (const char* key : {"core.commentString", "core.commentChar"})
        if (auto v = repo.config_string(key); v && !v->empty()) {
            style.prefix = *v;
            return style;
        }
    return style;
}

Outcome commit_msg(const std::string& cwd, const std::string& message_file) {
    auto ctx = model::open_context(cwd);
    auto where = model::locate(ctx);
    if (!where.is_worker())
        return {};
    // pre-commit's checks run here: one process per commit instead of two, on every commit.
    if (auto refused = refuse_staged(ctx, where)) {
        refused->message += "Your message was kept in " + message_file +
                            "; reuse it with: git commit -e -F " + message_file + "\n";
        return *refused;
    }
    if (ctx.repo.operation_in_progress() == "merge")
        return {};
    std::ifstream in(message_file, std::ios::binary);
    if (!in)
        return {1, "git porch: cannot read the commit message file " + message_file + "\n"};
    std::ostringstream ss;
    ss << in.rdbuf();
    auto msg = protocol::parse_message(ss.str(), comment_style(ctx.repo));
    if (msg.kind == protocol::Kind::empty)
        return {}; // git aborts an empty message itself, with its own words
    if (msg.kind != protocol::Kind::invalid)
        return {};
    std::string worker = where.branch_worker.value_or(where.owner.value_or("this worker"));
    // The list of examples follows: the error's own one would be said twice.
    std::string error = msg.error.substr(0, msg.error.find("; for example: "));
    return {1, "git porch: commit rejected (" + worker + "): " + error + "\n" +
                   "Worker commits start with a status tag, e.g.:\n" + examples() +
                   "Your message was kept in " + message_file +
                   "; reuse it with: git commit -e -F " + message_file + "\n"};
}

Outcome pre_commit(const std::string& cwd) {
    auto ctx = model::open_context(cwd);
    auto where = model::locate(ctx);
    if (!where.is_worker())
        return {};
    return refuse_staged(ctx, where).value_or(Outcome{});
}

Outcome post_commit(const std::string& cwd, bool after_merge) {
    std::string commit_hint;
    try {
        auto ctx = model::open_context(cwd);
        auto where = model::locate(ctx);
        if (!where.branch_worker)
            return {};
        auto head = ctx.repo.head_commit();
        if (!head)
            return {};
        commit_hint = head->short_hex();
        const std::string& worker = *where.branch_worker;
        // One pass over the live note, fields read without decoding whole events: this runs
        // on every commit.
        std::unordered_map<std::string, std::size_t> known;
        std::optional<git::Oid> base;
        for (const auto& line : store::read_lines(ctx.repo, worker)) {
            std::string_view type, id, ahead, spawn_base;
            for (const auto& f : store::scan_fields(line)) {
                if (f.key == "type")
                    type = f.value;
                else if (f.key == "commit")
                    id = f.value;
                else if (f.key == "ahead")
                    ahead = f.value;
                else if (f.key == "base")
                    spawn_base = f.value;
            }
            if (type == "spawned")
                base = git::Oid::from_hex(spawn_base);
            else if (type == "commit" && !id.empty())
                if (auto n = util::parse_count(ahead))
                    known[std::string(id)] = *n;
        }
        // Recorded already: by post-commit before this post-merge, or by porch run a second
        // time for the same commit (our shim and a hook manager's config both calling it).
        if (known.count(head->hex()))
            return {};
        git::Commit commit = ctx.repo.commit(*head);
        // After a fast-forward HEAD is a commit that was made before, for another worker or the
        // base (git merge work/task-1-api, git pull): not one of this worker's.
        if (after_merge && commit.parent_count < 2)
            return {};
        // A commit a merge just made is on no remote yet: one there came by a fast-forward.
        if (after_merge && pushed_elsewhere(ctx.repo, *head))
            return {};
        // Whatever skipped the scope check (--no-verify, a rebase pick) is told by its paths.
        store::Event event = model::commit_event(
            worker, commit, "hook", model::ahead_after(ctx.repo, commit, known, base),
            model::paths_outside(ctx.repo, commit,
                                 declared_scope(ctx.repo, worker, where.head_branch)));
        store::append(ctx.repo, std::move(event));
        return {};
    } catch (const std::exception& e) {
        // The commit is made and stays made; only its record is missing, and reindex adds it.
        return {0, "git porch: warning: commit " + commit_hint +
                       " was not recorded: " + util::sanitize_for_terminal(e.what()) +
                       "\ngit porch: run 'git porch reindex' to record it\n"};
    }
}

} // namespace porch::hooks
