// git porch sync: share the event store through any git remote. The git CLI fetches and pushes
// (users' credentials, ssh config and protocols); the merge is porch's own, in-process: a line
// union of the notes, as `git notes merge -s cat_sort_uniq` would make, with everything that
// came from the remote validated first (it is someone else's data). Sync also follows the
// workers' branches: it fetches them, fast-forwards local ones that are strictly behind, and
// pushes this clone's with --branches, reporting each branch.
#pragma once

#include "model/context.hpp"
#include "model/remote_advice.hpp"
#include "model/store.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace porch::sync {

using store::max_note_bytes;

struct MergeOutcome {
    bool changed = false;  // the local ref moved
    std::size_t added = 0; // lines the local store did not have
    // Malformed, oversized, misplaced or unknown lines or notes of theirs.
    std::size_t malformed = 0;
    // Well-formed lines of theirs that would override what this clone recorded about its own
    // workers (store::drop_overrides): the same event id, a spawn of our branch, a commit we
    // recorded.
    std::size_t overriding = 0;

    std::size_t skipped() const { return malformed + overriding; }
};

// Merges the notes commit `theirs` into the local notes ref `ref` (refs/notes/porch or
// refs/notes/porch-archive) by line union, keeping only valid lines of theirs; a compare-and-
// swap, retried when the local ref moves meanwhile. Idempotent: merging the same commit twice
// changes nothing the second time.
MergeOutcome merge_notes(git::Repo& repo, std::string_view ref, const git::Oid& theirs);

struct SyncOptions {
    std::string remote; // empty: porch.remote, else the base branch's upstream remote, else origin
    bool push = true;
    bool branches = false; // also push this clone's workers' branches
};

// What sync did with a local worker branch that the remote's copy has moved past.
enum class FollowResult {
    fast_forwarded, // strictly behind: moved to the remote's tip (merge --ff-only in its worktree)
    left,           // strictly behind, but its worktree is not clean: left alone
    diverged,       // each has commits the other lacks: never touched
    failed,         // git refused the fast-forward, or the branch moved meanwhile
};
std::string to_string(FollowResult result);

struct Follow {
    std::string worker;                  // task-<id>
    std::string branch;                  // the local branch, work/task-1-api
    std::string remote_branch;           // as git names it: origin/work/task-1-api
    std::optional<std::string> worktree; // where it is checked out, if anywhere here
    FollowResult result = FollowResult::fast_forwarded;
    git::Oid from;          // the local tip before
    git::Oid to;            // the remote's tip
    std::size_t ahead = 0;  // commits the local branch has and the remote's lacks
    std::size_t behind = 0; // and the other way round
    std::string reason;     // left, failed: why
    std::string action;     // left, diverged, failed: what to type
};

// Where a branch of this clone's workers stands on the remote after sync --branches.
enum class BranchResult {
    up_to_date, // the remote had it already: no push needed
    pushed,     // pushed (new there, or a fast-forward)
    behind,     // not pushed: the remote has commits the branch lacks
    diverged,   // not pushed: each has commits the other lacks
    failed,     // the remote refused it (git's reason), or the push failed
};
std::string to_string(BranchResult result);

struct BranchPush {
    std::string worker;
    std::string branch;
    BranchResult result = BranchResult::up_to_date;
    std::size_t ahead = 0;  // commits the remote lacked before the push
    std::size_t behind = 0; // commits the branch lacks
    bool created = false;   // the remote had no such branch
    std::string upstream;   // origin/work/task-1-api when set as the branch's upstream
    std::string reason;     // failed: git's reason; behind, diverged: what stopped the push
    std::string action;     // behind, diverged, failed: what to type

    bool ok() const { return result == BranchResult::up_to_date || result == BranchResult::pushed; }
};

struct SyncResult {
    std::string remote;
    MergeOutcome merged; // over both refs and every round
    bool pushed = false; // the remote has the merged store
    int rounds = 0;      // fetch-merge-push rounds (more than one when the remote moved)
    // Local worker branches the remote's copy has moved past (strictly behind or diverged).
    std::vector<Follow> follows;
    std::vector<BranchPush> branches; // with `branches`: each branch pushed or not, and why
    // Workers spawned twice with one id (by two clones, on two branches), with the way out.
    struct Duplicate {
        std::string worker;
        model::Advice advice;
    };
    std::vector<Duplicate> duplicates;

    bool branches_ok() const {
        return std::all_of(branches.begin(), branches.end(),
                           [](const BranchPush& b) { return b.ok(); });
    }
};

std::string default_remote(const model::Context& ctx);

// Fetch (porch's notes and the workers' branches, whatever the remote's configured refspec),
// merge, push; when the push is refused because the remote moved, again, a bounded number of
// times with backoff, then a clear error. Then follow the workers: fast-forward each local
// worker branch that is strictly behind the remote's; with `branches`, push this clone's
// workers' branches with an upstream. Reports workers spawned twice.
SyncResult sync(model::Context& ctx, const SyncOptions& options);

// What status --fetch does before it reads, as the seeds' `git fetch --all` did: every remote's
// branches (its configured refspecs, and the workers' branches even where those are narrower)
// and porch's notes into refs/notes/remotes/<remote>/, through the git program. Merges nothing,
// pushes nothing. Throws on the first remote that cannot be fetched.
void fetch_all(const model::Context& ctx);

// When this clone last fetched porch's notes from any remote (FETCH_HEAD's time), if it did.
std::optional<std::int64_t> last_fetch_time(const model::Context& ctx);

} // namespace porch::sync
