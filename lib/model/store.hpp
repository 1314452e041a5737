// The event store: append-only event lines in git notes under refs/notes/porch.
//
// Layout (format version 1):
//   - one live note per worker, on the id of the blob "porch worker <worker>\n";
//   - sealed archive notes per worker, on "porch worker <worker> archive <n>\n" (n = 1, 2, ...),
//     holding older commit events moved out by compaction so the live note stays small. They
//     live under their own ref, refs/notes/porch-archive, so the tree every commit rewrites
//     holds one entry per worker, not one per archive;
//   - a registry note on "porch workers\n": one worker name per line, so `log` finds workers
//     whose branches are gone.
// Every anchor is a blob id that every clone computes the same way, and every note is sorted
// unique lines, so two copies of the store merge by line union (`git notes merge -s
// cat_sort_uniq`) with no conflict. Every write is a compare-and-swap of the notes ref, retried
// with jittered backoff: no event is lost to a race (git_note_create and `git notes add` have
// no CAS).
#pragma once

#include "git/oid.hpp"
#include "git/refname.hpp"
#include "model/event.hpp"

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace porch::git {
class Repo;
}

namespace porch::store {

constexpr std::string_view notes_ref = "refs/notes/porch";
constexpr std::string_view archive_ref = "refs/notes/porch-archive";
// The same refs, typed for the git layer.
inline const git::RefName notes_ref_name{notes_ref};
inline const git::RefName archive_ref_name{archive_ref};
// Where a remote's copy of one of those refs is fetched to (refs/notes/porch ->
// refs/notes/remotes/<remote>/porch): never over the local notes, which are merged instead.
std::string tracking_ref(std::string_view remote, std::string_view ref);
// A live note with more lines than this is compacted down to `compact_keep` commit events plus
// every spawned event: status reads stay O(workers), never O(history), and post-commit, which
// reads and rewrites the whole live note on every commit, stays cheap.
constexpr std::size_t compact_threshold = 48;
constexpr std::size_t compact_keep = 12;
// Agent events (git porch agent-hook) kept live by compaction: the newest ones, and the one that
// began the newest state, which status shows as "since".
constexpr std::size_t compact_keep_agent = 4;

// A note's lines and its text: sorted unique lines, each ending in '\n', the form `git notes
// merge -s cat_sort_uniq` produces, so a note written by porch and one merged by git (or by
// sync) are byte-identical. Reading drops empty lines.
using Lines = std::set<std::string>;
std::string note_text(const Lines& lines);
Lines note_lines(std::string_view text);

// Appends events, of one worker or several, in a single compare-and-swap (one notes commit);
// fills in lamport, time (when 0), clone and id, and returns the events as written.
std::vector<Event> append(git::Repo& repo, std::vector<Event> events);
Event append(git::Repo& repo, Event event);

// Bounds on what is taken from a remote: larger notes are skipped whole.
constexpr std::size_t max_note_bytes = 1 << 20;

// Events are not signed: whoever may push can write lines in anyone's name. What this clone
// recorded first-hand about its own workers must not be overridden by such lines, so from
// someone else's copy of one of our workers' live notes this drops: a line reusing the id of
// one of ours; a spawned event for the branch we spawned (a forgery, which would take over the
// scope the hook enforces, the base and the owner; a spawn of the same id for another branch
// is another worker and is kept, so the duplicate can be reported); and any event for a commit
// we recorded (it could change the state status reads from that commit). Returns how many
// lines it dropped. `me` is this clone's id.
std::size_t drop_overrides(Lines& theirs, const Lines& known, const std::string& me);

// Where events are read from: the local notes first, then every remote's fetched copy
// (refs/notes/remotes/<remote>/porch*), so a plain `git fetch` shows teammates' events. Reads
// take the union; an event in several sources counts once. Writes touch the local notes only.
// Copies from others are untrusted: notes over max_note_bytes and lines that are not a flat
// event of the worker asked for are left out (sync and doctor report them).
struct NoteSources {
    std::optional<git::Oid> live;    // refs/notes/porch
    std::vector<git::Oid> fetched;   // its remotes' copies
    std::optional<git::Oid> archive; // refs/notes/porch-archive
    std::vector<git::Oid> fetched_archives;
};
NoteSources note_sources(const git::Repo& repo);

// The worker's live events in order (what status needs). Malformed lines, and lines that name
// another worker, are skipped and added to `*skipped` when given.
std::vector<Event> read(const git::Repo& repo, const std::string& worker,
                        std::size_t* skipped = nullptr);
// The raw lines of the worker's live note, for readers that parse only what they need.
std::vector<std::string> read_lines(const git::Repo& repo, const std::string& worker);
std::vector<std::string> read_lines(const git::Repo& repo, const NoteSources& sources,
                                    const std::string& worker);

// The top-level string fields of an event line, found in one pass without decoding: each value
// is the raw text between the quotes, and `escaped` says it holds a backslash escape (then parse
// the line with from_line to read it). Empty when the line is not a flat JSON object.
struct RawField {
    std::string_view key;
    std::string_view value;
    bool escaped = false;
};
std::vector<RawField> scan_fields(std::string_view line);

// The worker's live events whose line contains `needle` (e.g. "\"commit\":\"<id>\""), parsed;
// other lines are passed over unparsed.
std::vector<Event> read_matching(const git::Repo& repo, const std::string& worker,
                                 std::string_view needle);
// Every event of the worker, archives included, each once, in order (what log needs).
std::vector<Event> read_all(const git::Repo& repo, const std::string& worker,
                            std::size_t* skipped = nullptr);
// Workers that have events, from the registry, sorted.
std::vector<std::string> registered_workers(const git::Repo& repo);
std::vector<std::string> registered_workers(const git::Repo& repo, const NoteSources& sources);

// Every note hangs on a blob no commit contains ("porch worker task-1\n"): `git notes prune`
// deletes the notes whose object is missing, and `git gc` deletes objects nothing reaches. So
// each notes tree also holds those blobs, as files beside the notes (git's notes commands keep
// such entries as they are): they exist, stay reachable from the notes ref, and travel with it
// to every clone. Every write adds the anchors of the notes it writes, beside them in their
// fanout folder; the first write on a tree porch did not write (git notes merge, an older
// porch) adds all that are missing; doctor --fix repairs older stores.
//
// The file name of an anchor: "porch worker task-1\n" -> "porch-worker-task-1" (never a note's
// hex name), and its path: in the fanout folder of its note, "<2 hex>/porch-worker-task-1".
// An older porch kept them at the top of the tree; they still count there.
std::string anchor_file_name(std::string_view content);
std::string anchor_path(std::string_view content);
// The anchors `commit`, a commit of `ref`, lacks for the notes it holds: file name -> content.
std::map<std::string, std::string> missing_anchors(const git::Repo& repo, const git::RefName& ref,
                                                   const git::Oid& commit);
// `commit`, or a child of it that holds the anchors it lacks.
git::Oid anchored(git::Repo& repo, const git::RefName& ref, const git::Oid& commit);
// How many anchors the local notes refs lack; with `fix`, adds them (compare-and-swap of each
// ref) and returns how many it added.
std::size_t unanchored(git::Repo& repo, bool fix);

// This clone's id: stored once in git config (porch.cloneId), random.
std::string clone_id(git::Repo& repo);
// How teammates see this clone: git config porch.name, else user.name@host.
std::string clone_name(const git::Repo& repo);

std::string anchor_content(const std::string& worker);
std::string archive_anchor_content(const std::string& worker, std::size_t n);
constexpr std::string_view registry_anchor_content = "porch workers\n";
// The orchestrator's own events (session checkpoints and handoffs) are kept like a worker's,
// under this name, which no worker can have; it is not in the registry.
constexpr std::string_view session_worker = "session";

} // namespace porch::store
