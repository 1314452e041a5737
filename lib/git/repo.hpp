// In-process access to a repository through libgit2: reads, object writes and compare-and-swap
// ref updates. Network operations and checkouts go through the git CLI (lib/process).
#pragma once

#include "git/oid.hpp"
#include "git/refname.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace porch::git {

struct Commit {
    Oid id;
    std::string message;    // raw, as stored
    std::int64_t time = 0;  // committer time, seconds since the epoch
    int offset_minutes = 0; // committer time zone
    // The author's time: cherry-pick, rebase and amend keep the original's.
    std::int64_t author_time = 0;
    std::size_t parent_count = 0;
    std::optional<Oid> first_parent;

    // First line of the message, as `git log --format=%s` would print a one-line subject.
    std::string subject() const;
};

struct Ref {
    RefName name;
    Oid target; // peeled to a commit when it is a tag
};

struct Worktree {
    std::string name;            // git's administrative name; empty for the main worktree
    std::string path;            // absolute, without trailing slash
    std::optional<RefName> head; // what HEAD points to; nullopt when detached
    bool missing = false;        // the folder is gone (git would call it prunable)
    bool locked = false;
    bool is_main = false;
    // The branch a rebase or bisect in progress here started from: HEAD is detached meanwhile,
    // but git still counts the branch as checked out (the rebase will write it when it ends).
    std::optional<RefName> busy_branch;

    // The branch checked out here; nullopt when detached or on a ref outside refs/heads/.
    std::optional<BranchName> branch() const { return head ? head->branch() : std::nullopt; }
};

struct Signature {
    std::string name;
    std::string email;
};

// conflict: the ref moved (or exists, when creating); locked: another process holds its lock
// right now, so trying again shortly may succeed.
enum class CasResult { updated, conflict, locked };

// One class for callers; its parts live in repo_<part>.cpp (open, refs, history, worktrees, config,
// notes), sharing Repo::Impl through repo_impl.hpp.
class Repo {
public:
    // --- Opening and what kind of repository (repo_open.cpp)
    // Finds the repository containing `start` (like git does from the current directory).
    // Throws a fatal Error when there is none.
    static Repo discover(const std::string& start);

    Repo(Repo&&) noexcept;
    Repo& operator=(Repo&&) noexcept;
    ~Repo();

    std::string git_dir() const;                     // this worktree's git dir
    std::string common_dir() const;                  // shared by all worktrees
    std::optional<std::string> workdir() const;      // this worktree's root; nullopt when bare
    std::optional<std::string> main_workdir() const; // the main worktree's root
    bool is_bare() const;
    bool is_shallow() const;
    // Reads look among the loose objects before the packs. For the hooks: what they read (the
    // commit just made, porch's notes) is loose until gc, and the first look into a pack opens
    // and maps its index. Elsewhere a packed object would be looked for loose twice.
    void prefer_loose_objects();
    // True when HEAD is unborn and no branch has a commit: nothing to branch from.
    bool has_no_commits() const;

    // --- Refs (repo_refs.cpp)
    // The ref HEAD of this worktree points to, nullopt when detached.
    std::optional<RefName> head_ref() const;
    std::optional<Oid> head_commit() const;
    // Resolves any revision git understands (`main`, `HEAD~2`, an id) to a commit.
    std::optional<Oid> resolve_commit(std::string_view rev) const;
    std::optional<Oid> resolve_commit(const RefName& ref) const {
        return resolve_commit(ref.str());
    }
    std::optional<Oid> ref_target(const RefName& ref) const;
    // Whether the ref's reflog shows `commit` made on it (git commit moved it there), not
    // brought by a merge, rebase, reset or fetch. False when there is no reflog.
    bool reflog_made(const RefName& ref, const Oid& commit) const;
    bool ref_exists(const RefName& ref) const;
    // How long ago a loose ref was last written; nullopt for a packed or missing ref. What
    // tells a ref a killed command left from one a running command just made.
    std::optional<std::chrono::seconds> loose_ref_age(const RefName& ref) const;
    // All refs whose name starts with `prefix`, sorted by name, peeled to commits where possible.
    std::vector<Ref> refs(std::string_view prefix) const;

    // Creates the branch at `target`. Returns false, changing nothing, if it exists.
    bool create_branch(const BranchName& branch, const Oid& target);
    // Deletes `ref` only if it still points at `expected`.
    bool delete_ref_if(const RefName& ref, const Oid& expected);
    // Points `ref` at `target` only if it still points at `expected` (nullopt: only if it
    // does not exist yet). A concurrent writer or a held lock reports a conflict.
    CasResult update_ref_cas(const RefName& ref, const Oid& target,
                             const std::optional<Oid>& expected, std::string_view log_message);

    // --- History (repo_history.cpp)
    Commit commit(const Oid& id) const;
    // Walks from `tip`, never into `hide`'s history; the visitor returns false to stop.
    // newest_first is incremental (time order); oldest_first is topological, parents before
    // children, and reads the whole range first.
    enum class Order { newest_first, oldest_first };
    void walk(const Oid& tip, const std::optional<Oid>& hide,
              const std::function<bool(const Commit&)>& visit,
              Order order = Order::newest_first) const;
    void walk(const Oid& tip, const std::vector<Oid>& hide,
              const std::function<bool(const Commit&)>& visit, Order order) const;
    // Commits reachable from `tip` and not from `base`.
    std::size_t count_ahead(const Oid& tip, const Oid& base) const;
    bool has_object(const Oid& id) const;
    // False when `ancestor` is not in this repository (named by another clone's notes).
    bool is_ancestor(const Oid& ancestor, const Oid& descendant) const;
    std::optional<Oid> merge_base(const Oid& a, const Oid& b) const;
    // Which of `wanted` (hex ids) are in the history of one of `tips`; nullopt when that takes
    // more than `max_commits` commits to tell.
    std::optional<std::set<std::string>> reachable(const std::vector<Oid>& tips,
                                                   const std::set<std::string>& wanted,
                                                   std::size_t max_commits) const;
    // The paths that differ between the trees of two commits (`from` nullopt: the empty tree),
    // only among `only` when it is not empty.
    std::vector<std::string> diff_paths(const std::optional<Oid>& from, const Oid& to,
                                        const std::vector<std::string>& only = {}) const;

    // --- Worktrees and the index (repo_worktrees.cpp)
    std::vector<Worktree> worktrees() const;

    // Paths that the index changes relative to HEAD (both sides of a rename), for this worktree.
    std::vector<std::string> staged_paths() const;
    // An operation in progress in this worktree: "merge", "revert", "cherry-pick", "rebase",
    // "bisect", "am", or empty.
    std::string operation_in_progress() const;

    // --- Config (repo_config.cpp)
    std::optional<std::string> config_string(std::string_view key) const;
    std::optional<bool> config_bool(std::string_view key) const;
    // Forgets the config snapshot, so the next read sees other processes' writes.
    void refresh_config();
    // The configured remotes' names, sorted.
    std::vector<std::string> remotes() const;
    // Writes to this repository's own config file (.git/config).
    void set_config_string(std::string_view key, std::string_view value);
    Signature default_signature() const;

    // --- Blobs and notes (repo_notes.cpp)
    // Reads a blob's content; nullopt if `id` is not a blob here.
    std::optional<std::string> read_blob(const Oid& id) const;
    // The content of `path` in the tree of `commit`, nullopt if absent.
    std::optional<std::string> read_file_at(const Oid& commit, std::string_view path) const;
    Oid write_blob(std::string_view content);

    // Notes, without touching any ref: reads from a notes commit, and builds notes commits the
    // caller publishes with update_ref_cas.
    //
    // The layout porch writes: every note in a fanout folder named by the first two hex digits
    // of its target ("ab/cdef..."), as git lays out a large notes tree, and files (blobs that
    // are not notes) beside them. A write rewrites the folders it touches and the top tree (at
    // most 256 folders), however many notes there are. A tree in another layout (flat, from an
    // older porch or from git, which writes small trees flat) is moved into folders by the first
    // write: its notes, and the top-level files whose blob is the target of one of its notes
    // (the files that keep those objects). Deeper fanout folders git made are followed.
    // Reads take any layout.
    bool has_note(const Oid& notes_commit, const Oid& target) const;
    // nullopt also when the note is larger than `max_bytes` (notes fetched from others).
    std::optional<std::string> read_note(const Oid& notes_commit, const Oid& target,
                                         std::size_t max_bytes = SIZE_MAX) const;
    // A child of `parent` (or a root commit) with the note of `target` set to `content`.
    Oid build_note_commit(const std::optional<Oid>& parent, const Oid& target,
                          std::string_view content);
    // Notes (target hex -> content) and files (path, "ab/name" or "name", -> content; nullopt
    // removes it) set in the tree of `base` (or an empty tree), committed with `parents`.
    struct NotesEdit {
        std::map<std::string, std::string> notes;
        std::map<std::string, std::optional<std::string>> files;
    };
    Oid write_notes(const std::optional<Oid>& base, const NotesEdit& edit,
                    const std::vector<Oid>& parents, std::string_view message);
    // Every note of a notes commit (any fanout): annotated object (hex) -> note blob.
    std::map<std::string, Oid> note_entries(const Oid& notes_commit) const;
    // A notes commit that holds exactly `entries` (target hex -> note blob), with these parents
    // (a merge of two stores has two).
    Oid write_notes_commit(const std::map<std::string, Oid>& entries,
                           const std::vector<Oid>& parents, std::string_view message);
    // The blobs of a notes tree that are not notes (git's notes commands keep such entries as
    // they are), at the top ("name") or in a fanout folder ("ab/name"): path -> blob.
    std::map<std::string, Oid> notes_tree_files(const Oid& notes_commit) const;
    // The size of a blob without reading it; nullopt when `id` is not a blob here.
    std::optional<std::size_t> blob_size(const Oid& id) const;

private:
    struct Impl;
    explicit Repo(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace porch::git
