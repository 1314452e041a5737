#include "ops/hooks/handlers.hpp"

#include "git/cli.hpp"
#include "model/bypass.hpp"
#include "model/events.hpp"
#include "model/locate.hpp"
#include "model/message.hpp"
#include "model/pathspec.hpp"
#include "model/record.hpp"
#include "model/scope.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <unordered_map>

namespace porch::hooks {

namespace {

constexpr std::string_view spawned_needle = "\"type\":\"spawned\"";

// The scope of the spawn that counts for the worker on `branch` (see spawn_that_counts), of
// the worker's spawned `events`.
std::vector<std::string> scope_of_spawns(const git::Repo& repo, const std::string& branch,
                                         const std::vector<store::Event>& events) {
    std::vector<const store::Event*> spawns;
    for (const auto& e : events)
        if (model::type_of(e) == model::EventType::spawned)
            spawns.push_back(&e);
    const auto* spawned =
        model::spawn_that_counts(spawns, branch, repo.config_string("porch.cloneId").value_or(""));
    return spawned ? model::SpawnedEvent::decode(*spawned).scope : std::vector<std::string>{};
}

std::vector<std::string> declared_scope(const git::Repo& repo, const std::string& worker,
                                        const std::string& branch) {
    return scope_of_spawns(repo, branch, store::read_matching(repo, worker, spawned_needle));
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

// "  a\n  b\n  ... and 3 more\n": the first `shown` lines of a refusal's list.
std::string listed(const std::vector<std::string>& lines, std::size_t shown = 20) {
    std::string text;
    for (std::size_t i = 0; i < lines.size() && i < shown; ++i)
        text += "  " + util::sanitize_for_terminal(lines[i]) + "\n";
    if (lines.size() > shown)
        text += "  ... and " + std::to_string(lines.size() - shown) + " more\n";
    return text;
}

// `only` and `more` together, sorted, once each; nullopt when `only` is.
std::optional<std::vector<std::string>> with(const std::optional<std::vector<std::string>>& only,
                                             const std::vector<std::string>& more) {
    if (!only)
        return std::nullopt;
    std::vector<std::string> all = *only;
    all.insert(all.end(), more.begin(), more.end());
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    return all;
}

// The commit a hook is refusing, as far as the commands that redo it need to know: where it
// runs, what it stages, and its message, kept (made valid) in a file of the worktree's git dir.
// git rewrites COMMIT_EDITMSG on the next commit, and `-e` would need an editor.
class Redo {
public:
    Redo(const model::Context& ctx, const std::string& message_file) : m_repo(ctx.repo) {
        m_root = ctx.repo.workdir().value_or(ctx.cli_dir());
        m_staged = ctx.repo.staged_paths();
        m_only = own_paths(ctx.repo);
        if (message_file.empty())
            return;
        std::string kept = protocol::committable_message(util::read_file(message_file).value_or(""),
                                                         comment_style(ctx.repo));
        if (kept.empty())
            return;
        m_subject = kept.substr(0, kept.find('\n'));
        m_message_file = write("PORCH_COMMIT_MSG", kept);
    }

    bool has_message() const { return !m_message_file.empty(); }
    const std::string& message_file() const { return m_message_file; }
    const std::string& root() const { return m_root; }
    const std::string& subject() const { return m_subject; }
    const std::vector<std::string>& staged() const { return m_staged; }
    // `git commit <paths>` or `-a`: the paths this commit takes, which a plain `git commit`
    // would not.
    const std::optional<std::vector<std::string>>& only() const { return m_only; }
    // "git -C <root> ", for commands that name paths (relative to the top of the worktree).
    std::string git_here() const { return "git -C " + util::shell_word(m_root) + " "; }

    // " -- a b", or the pathspec file `name` (written now) when they are too many to type.
    std::string paths(const std::vector<std::string>& list, const std::string& name) const {
        if (auto typed = model::inline_pathspecs(list))
            return *typed;
        return model::pathspec_file_args(write(name, model::pathspec_file_text(list)));
    }

    // " -F <kept message>", and " -m <subject>" (the kept one by default).
    std::string file_arg() const { return " -F " + util::shell_word(m_message_file); }
    std::string subject_arg(const std::string& subject = {}) const {
        return " -m " + util::shell_word(subject.empty() ? m_subject : subject);
    }

    // The commit again with `message` (file_arg or subject_arg), taking the paths `take` (as
    // `git commit <paths>` does) or, without them, what is staged.
    std::string command(const std::string& message,
                        const std::optional<std::vector<std::string>>& take) const {
        if (!take)
            return "git commit" + std::string(m_staged.empty() ? " --allow-empty" : "") + message;
        if (take->empty())
            return git_here() + "commit --allow-empty --only" + message;
        return git_here() + "commit" + message + paths(*take, "PORCH_COMMIT_PATHS");
    }

    // Both ways to commit the kept message, one a line, indented.
    std::string both_commands(const std::optional<std::vector<std::string>>& take) const {
        return "  " + command(file_arg(), take) + "\nor, with its subject alone:\n  " +
               command(subject_arg(), take) + "\n";
    }

    // Writes `text` to `name` in the worktree's git dir; returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const std::string path = (std::filesystem::path(m_repo.git_dir()) / name).string();
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush())
            throw Error(ErrorKind::fatal, "cannot write " + path);
        return path;
    }

private:
    static std::optional<std::vector<std::string>> own_paths(const git::Repo& repo) {
        auto dir = repo.workdir();
        if (!dir)
            return std::nullopt;
        return git::commit_only_paths(*dir,
                                      (std::filesystem::path(repo.git_dir()) / "index").string());
    }

    const git::Repo& m_repo;
    std::string m_root;
    std::vector<std::string> m_staged;
    std::optional<std::vector<std::string>> m_only;
    std::string m_message_file;
    std::string m_subject;
};

// What to do about staged paths outside the scope: leave them out (unstage them, or commit only
// the others), or ask for a wider scope with an empty [BLOCKED:scope] commit (`--only`: it takes
// nothing staged, so the hook lets it through).
std::string scope_advice(const Redo& redo, const std::vector<std::string>& outside,
                         const std::vector<std::string>& inside) {
    std::string text;
    if (redo.only()) {
        if (!inside.empty() && redo.has_message())
            text += "Leave them out: commit only the paths inside the scope:\n  " +
                    redo.command(redo.file_arg(), inside) + "\n";
    } else {
        std::string unstage =
            redo.git_here() + "restore --staged" + redo.paths(outside, "PORCH_UNSTAGE_PATHS");
        if (!inside.empty() && redo.has_message())
            text += "Leave them out: unstage them, then commit the rest:\n  " + unstage + " && " +
                    redo.command(redo.file_arg(), std::nullopt) + "\n";
        else
            text += "Leave them out: unstage them:\n  " + unstage + "\n";
    }
    std::vector<std::string> shown;
    for (const auto& p : outside)
        shown.push_back(util::sanitize_for_terminal(p));
    text += "Or, if the task needs them, ask for a wider scope:\n  git commit --allow-empty --only "
            "-m " +
            util::shell_word("[BLOCKED:scope] need " + util::first_few(shown, 3)) + "\n";
    return text;
}

// What pre-commit enforces: HEAD on the worktree's own branch, staged paths inside the scope.
// `message_file` is empty in pre-commit, which runs before there is a message; `merging`: a
// merge is in progress (asked once: it is nine file lookups).
std::optional<Outcome> refuse_staged(const model::Context& ctx, const model::Location& where,
                                     const std::string& message_file, bool merging) {
    if (where.on_wrong_branch()) {
        std::string head =
            where.head_branch.empty() ? "a detached HEAD" : "'" + where.head_branch + "'";
        std::string text = "git porch: commit refused: this worktree belongs to " + *where.owner +
                           " (branch " + *where.owner_branch + "), but HEAD is on " + head + "\n" +
                           "Switch back with: git switch " + *where.owner_branch + "\n";
        Redo redo(ctx, message_file);
        if (redo.has_message())
            text += "then commit again:\n" + redo.both_commands(redo.only());
        return Outcome{1, text};
    }
    if (merging)
        return std::nullopt; // a merge brings in other workers' files by design
    std::string worker = *where.branch_worker;
    auto scope = declared_scope(ctx.repo, worker, where.head_branch);
    if (scope.empty())
        return std::nullopt;
    std::vector<std::string> outside, inside;
    for (const auto& path : ctx.repo.staged_paths())
        (protocol::in_scope(path, scope) ? inside : outside).push_back(path);
    if (outside.empty())
        return std::nullopt;
    std::string text = "git porch: commit refused: " + worker + " may change only:";
    for (const auto& s : scope)
        text += " " + util::sanitize_for_terminal(s);
    text += "\nThese staged paths are outside that scope:\n" + listed(outside);
    return Outcome{1, text + scope_advice(Redo(ctx, message_file), outside, inside)};
}

// A [COMPLETE] commit must hold the worker's work: changed or untracked files in its scope that
// the commit leaves out are refused (or, with complete_with_uncommitted = "warn", pointed out).
std::optional<Outcome> check_left_out(const model::Context& ctx, const model::Location& where,
                                      const std::string& message_file,
                                      const protocol::Message& msg) {
    const std::string& worker = *where.branch_worker;
    auto root = ctx.repo.workdir();
    if (!root)
        return std::nullopt;
    const auto scope = declared_scope(ctx.repo, worker, where.head_branch);
    auto changes = git::unstaged_changes(*root);
    std::vector<std::string> paths, lines;
    auto add = [&](const std::vector<std::string>& list, const char* what) {
        for (const auto& p : list)
            if (scope.empty() || protocol::in_scope(p, scope)) {
                paths.push_back(p);
                lines.push_back(p + " (" + what + ")");
            }
    };
    add(changes.tracked, "changed");
    add(changes.untracked, "untracked");
    if (paths.empty())
        return std::nullopt;
    const bool warn = ctx.config.complete_with_uncommitted == config::LeftOut::warn;
    std::string text =
        std::string(warn ? "git porch: warning: " : "git porch: commit refused: ") +
        "[COMPLETE] leaves out " + util::plural(paths.size(), "file") + " in " + worker +
        "'s scope (" + (scope.empty() ? "the whole tree" : util::join(scope, ", ")) + ") that " +
        (paths.size() == 1 ? "is" : "are") + " changed or untracked:\n" + listed(lines, 10);
    Redo redo(ctx, message_file);
    const std::string add_them = redo.git_here() + "add" + redo.paths(paths, "PORCH_ADD_PATHS");
    if (warn)
        return Outcome{0, text + "Commit them too:\n  " + add_them + " && " + redo.git_here() +
                              "commit -m " + util::shell_word("[COMPLETE] " + msg.text) + "\n"};
    return Outcome{1, text +
                          "(Ignored files do not count. To let [COMPLETE] pass with a warning "
                          "instead, set complete_with_uncommitted = \"warn\" under [protocol] in "
                          ".porch.toml.)\n"
                          "Include them and commit again:\n  " +
                          add_them + " && " +
                          redo.command(redo.file_arg(), with(redo.only(), paths)) + "\n"};
}

// The worker's worktree, and the commands that move the change there and commit it.
std::string move_advice(const model::WorkerPlace& w, const Redo& redo) {
    std::string text = "  " + w.worker + " (scope: " +
                       (w.scope.empty() ? "the whole tree" : util::join(w.scope, ", ")) + "), in " +
                       w.worktree + ":\n    ";
    const std::string cd = "cd " + util::shell_word(w.worktree) + " && ";
    const std::string file = util::shell_word(redo.message_file());
    if (redo.staged().empty())
        return text + cd + "git commit --allow-empty -F " + file + "\n";
    const std::string paths = redo.paths(redo.staged(), "PORCH_MOVE_PATHS");
    return text + redo.git_here() + "stash push" + paths + " && " + cd +
           "git stash pop && git add" + paths + " && git commit -F " + file + "\n";
}

// A worker's protocol commit made on the base branch, outside every worker's worktree (the
// seeds' "Worker Committed to Wrong Branch"): refused, naming the worktree it belongs in.
// Untagged commits there are anyone's normal work, and merges (integrate's among them) pass.
Outcome guard_base(const model::Context& ctx, const model::Location& where,
                   const std::string& message_file) {
    if (where.head_branch.empty() || ctx.repo.operation_in_progress() == "merge")
        return {};
    auto msg = protocol::parse_message(util::read_file(message_file).value_or(""),
                                       comment_style(ctx.repo));
    if (msg.kind != protocol::Kind::protocol)
        return {};
    std::vector<model::WorkerPlace> places;
    try {
        if (where.head_branch != ctx.base_branch())
            return {};
        for (const auto& w : model::collect_status(ctx).workers)
            if (w.worktree && !w.worktree_missing)
                places.push_back(
                    {w.worker, w.scope, *w.worktree, w.state == model::WorkerState::complete});
    } catch (const Error&) {
        return {}; // no base branch, no workers to tell of: this is not porch's commit to stop
    }
    if (places.empty())
        return {}; // no worker works here: nothing to send the commit to
    Redo redo(ctx, message_file);
    const auto found = model::places_for(redo.staged(), std::move(places), msg.needs_worker);
    const auto& where_to = found.workers;
    std::string text = "git porch: commit refused: \"" + util::sanitize_for_terminal(msg.subject) +
                       "\" is a worker's protocol commit, and this is the base branch " +
                       where.head_branch + " (in " + redo.root() +
                       "); a worker commits on its own branch, in its worktree.\n" +
                       "If it is not a worker's commit, commit it without the tag:\n  " +
                       redo.command(redo.subject_arg(msg.text), redo.only()) + "\n" +
                       (found.by_scope && where_to.size() == 1
                            ? "It belongs to " + where_to.front().worker +
                                  " (its scope covers the change): move the change to its "
                                  "worktree and commit it there:\n"
                            : "Else move the change to the worktree of the worker it belongs to "
                              "and commit it there; for each of them:\n");
    for (std::size_t i = 0; i < where_to.size() && i < 5; ++i)
        text += move_advice(where_to[i], redo);
    return {1, text};
}

} // namespace

namespace {
// What a git hook reads is mostly loose: the commit just made, porch's notes.
model::Context open_for_hook(const std::string& cwd) {
    auto ctx = model::open_context(cwd);
    ctx.repo.prefer_loose_objects();
    return ctx;
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
    auto ctx = open_for_hook(cwd);
    auto where = model::locate(ctx);
    if (!where.is_worker())
        return guard_base(ctx, where, message_file);
    // pre-commit's checks run here: one process per commit instead of two, on every commit.
    const bool merging = ctx.repo.operation_in_progress() == "merge";
    if (auto refused = refuse_staged(ctx, where, message_file, merging))
        return *refused;
    if (merging)
        return {};
    const auto text = util::read_file(message_file);
    if (!text)
        return {1, "git porch: cannot read the commit message file " + message_file + "\n"};
    auto msg = protocol::parse_message(*text, comment_style(ctx.repo));
    if (msg.kind == protocol::Kind::empty)
        return {}; // git aborts an empty message itself, with its own words
    if (msg.kind == protocol::Kind::protocol && msg.status == protocol::Status::complete &&
        where.branch_worker)
        return check_left_out(ctx, where, message_file, msg).value_or(Outcome{});
    if (msg.kind != protocol::Kind::invalid)
        return {};
    std::string worker = where.branch_worker.value_or(where.owner.value_or("this worker"));
    // The list of examples follows: the error's own one would be said twice.
    std::string error = msg.error.substr(0, msg.error.find("; for example: "));
    Redo redo(ctx, message_file);
    return {1, "git porch: commit rejected (" + worker + "): " + error + "\n" +
                   "Worker commits start with a status tag, e.g.:\n" + examples() +
                   "Your message is kept, with a status tag, in " + redo.message_file() +
                   "; commit it with:\n" + redo.both_commands(redo.only())};
}

Outcome pre_commit(const std::string& cwd) {
    auto ctx = open_for_hook(cwd);
    auto where = model::locate(ctx);
    if (!where.is_worker())
        return {};
    return refuse_staged(ctx, where, "", ctx.repo.operation_in_progress() == "merge")
        .value_or(Outcome{});
}

Outcome post_commit(const std::string& cwd, bool after_merge) {
    std::string commit_hint;
    try {
        auto ctx = open_for_hook(cwd);
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
        std::vector<store::Event> spawns; // for the scope, from the same read
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
            if (type == "spawned") {
                base = git::Oid::from_hex(spawn_base);
                if (auto e = store::from_line(line); e && e->worker == worker)
                    spawns.push_back(std::move(*e));
            } else if (type == "commit" && !id.empty())
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
                                 scope_of_spawns(ctx.repo, where.head_branch, spawns)));
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
