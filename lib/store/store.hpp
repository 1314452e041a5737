// The event store: append-only event lines in git notes under refs/notes/porch, one note per
// worker, attached to an anchor blob id that every clone computes the same way. Every write is a
// compare-and-swap of the notes ref, retried with jittered backoff, so no event is lost to a
// race between processes (libgit2's git_note_create and `git notes add` have no CAS).
#pragma once

#include "store/event.hpp"

#include <string>
#include <vector>

namespace porch::git {
class Repo;
}

namespace porch::store {

constexpr std::string_view notes_ref = "refs/notes/porch";

// Appends one event to its worker's note; fills in lamport, time (when 0), clone and id.
Event append(git::Repo& repo, Event event);

// The worker's events in order. Malformed lines, and lines that name another worker, are
// skipped and added to `*skipped` when given.
std::vector<Event> read(const git::Repo& repo, const std::string& worker,
                        std::size_t* skipped = nullptr);

// This clone's id: stored once in git config (porch.cloneId), random.
std::string clone_id(git::Repo& repo);

// The object id a worker's note hangs on: the id of the blob "porch worker <worker>\n".
std::string anchor_content(const std::string& worker);

} // namespace porch::store
