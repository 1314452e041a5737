// git porch sync: share the event store through any git remote. The git CLI fetches and pushes
// (users' credentials, ssh config and protocols); the merge is porch's own, in-process: a line
// union of the notes, as `git notes merge -s cat_sort_uniq` would make, with everything that
// came from the remote validated first (it is someone else's data).
#pragma once

#include "model/context.hpp"
#include "model/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace porch::sync {

using store::max_note_bytes;

struct MergeOutcome {
    bool changed = false;    // the local ref moved
    std::size_t added = 0;   // lines the local store did not have
    std::size_t skipped = 0; // malformed, oversized, misplaced, unknown or overriding lines; notes
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

struct SyncResult {
    std::string remote;
    MergeOutcome merged; // over both refs and every round
    bool pushed = false; // the remote has the merged store
    int rounds = 0;      // fetch-merge-push rounds (more than one when the remote moved)
    std::vector<std::string> branches_pushed;
    std::vector<std::string> branch_failures; // "<branch>: <git's reason>"
};

std::string default_remote(const model::Context& ctx);

// Fetch, merge, push; when the push is refused because the remote moved, again, a bounded
// number of times with backoff, then a clear error.
SyncResult sync(model::Context& ctx, const SyncOptions& options);

// What status --fetch does before it reads, as the seeds' `git fetch --all` did: every remote's
// branches (its configured refspecs) and porch's notes into refs/notes/remotes/<remote>/,
// through the git program. Merges nothing, pushes nothing. Throws on the first remote that
// cannot be fetched.
void fetch_all(const model::Context& ctx);

// When this clone last fetched porch's notes from any remote (FETCH_HEAD's time), if it did.
std::optional<std::int64_t> last_fetch_time(const model::Context& ctx);

} // namespace porch::sync
