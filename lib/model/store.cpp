#include "model/store.hpp"

#include "git/locks.hpp"
#include "git/repo.hpp"
#include "util/error.hpp"
#include "util/random.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <unistd.h>
#include <unordered_set>

namespace porch::store {

namespace {

constexpr int max_attempts = 200;
constexpr std::size_t max_archives = 100000; // a bound on probing, never reached in practice

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Watches one ref's lock across compare-and-swap attempts that found it locked. Contention
// shows a new lock file each time; the same one for `patience` is a dead holder's, and waiting
// longer only delays the error (the concurrency tests never see one last a second).
class LockWatch {
public:
    explicit LockWatch(git::RefName ref) : m_ref(std::move(ref)) {}

    void saw_locked(const git::Repo& repo) {
        auto stamp = git::ref_lock_stamp(repo, m_ref);
        auto now = std::chrono::steady_clock::now();
        if (!stamp || stamp != m_stamp) {
            m_stamp = stamp;
            m_since = now;
            return;
        }
        if (now - m_since < patience)
            return;
        const std::string path = git::ref_lock_path(repo, m_ref).string();
        throw Error(ErrorKind::fatal,
                    "cannot record event: " + path + " has not changed for " +
                        std::to_string(patience.count()) +
                        " seconds; a killed git or porch process left it behind",
                    "once no git or porch command is running, remove it: rm " +
                        util::shell_quote(path));
    }

private:
    static constexpr std::chrono::seconds patience{2};
    git::RefName m_ref;
    std::optional<git::LockStamp> m_stamp;
    std::chrono::steady_clock::time_point m_since;
};

git::Oid anchor(const std::string& content) {
    return git::Oid::of_blob(content);
}

// Every notes commit porch writes (events, sync's merges, anchors added) begins so, and holds
// the anchor of each of its notes: each write adds its own notes' anchors, a merge and a repair
// all of them. A tree anyone else wrote (`git notes merge`, `git notes prune`, by hand) is
// checked whole once, by porch's next write; no other write reads other workers' notes.
constexpr std::string_view written_by_porch = "porch: ";

std::vector<git::Oid> parents_of(const std::optional<git::Oid>& tip) {
    return tip ? std::vector<git::Oid>{*tip} : std::vector<git::Oid>{};
}

std::string message_of(std::string_view what) {
    return std::string(written_by_porch) + std::string(what);
}

// The note on `content`'s blob set to `lines`, with its anchor beside it.
void set_note(git::Repo::NotesEdit& edit, const std::string& content, const Lines& lines) {
    edit.notes[anchor(content).hex()] = note_text(lines);
    edit.files[anchor_path(content)] = content;
}

// The anchors the notes tree of `tip` lacks, when porch did not write it.
void repair_anchors(const git::Repo& repo, const git::RefName& ref,
                    const std::optional<git::Oid>& tip, git::Repo::NotesEdit& edit) {
    if (!tip || repo.commit(*tip).message.starts_with(written_by_porch))
        return;
    for (auto& [path, content] : missing_anchors(repo, ref, *tip))
        edit.files.emplace(path, std::move(content));
}

Lines read_note_lines(const git::Repo& repo, const std::optional<git::Oid>& tip,
                      const git::Oid& target) {
    if (!tip)
        return {};
    auto note = repo.read_note(*tip, target);
    return note ? note_lines(*note) : Lines{};
}

std::size_t archive_count(const git::Repo& repo, const git::Oid& tip, const std::string& worker) {
    std::size_t n = 0;
    while (n < max_archives && repo.has_note(tip, anchor(archive_anchor_content(worker, n + 1))))
        ++n;
    return n;
}

// Seals `lines` as the worker's next archive note, with its own compare-and-swap on the archive
// ref. Written before the live note drops them, so a crash in between doubles events (readers
// count each id once) and never loses one.
void write_archive(git::Repo& repo, const std::string& worker, const Lines& lines) {
    LockWatch lock(archive_ref_name);
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        std::optional<git::Oid> tip = repo.ref_target(archive_ref_name);
        std::size_t n = tip ? archive_count(repo, *tip, worker) + 1 : 1;
        git::Repo::NotesEdit edit;
        set_note(edit, archive_anchor_content(worker, n), lines);
        repair_anchors(repo, archive_ref_name, tip, edit);
        git::Oid commit = repo.write_notes(tip, edit, parents_of(tip), message_of("archive"));
        auto cas = repo.update_ref_cas(archive_ref_name, commit, tip, "porch: archive");
        if (cas == git::CasResult::updated)
            return;
        if (cas == git::CasResult::locked)
            lock.saw_locked(repo);
        std::this_thread::sleep_for(
            std::chrono::milliseconds(util::random_int(1, std::min(2 + attempt * 2, 50))));
    }
    throw Error(ErrorKind::fatal,
                "cannot record event: " + std::string(archive_ref) + " kept changing under " +
                    std::to_string(max_attempts) + " attempts",
                "retry the command; if it persists, look for a process holding " +
                    std::string(archive_ref) + ".lock");
}

const util::Regex& worker_name_pattern() {
    static const util::Regex re("task-[a-z0-9]{1,32}");
    return re;
}

// Agent events older than the newest `compact_keep_agent` and the one that began the newest
// state (same state and session since).
std::vector<std::string> old_agent_lines(const Lines& live) {
    std::vector<std::pair<Event, std::string>> agent;
    for (const auto& line : live)
        if (auto e = from_line(line); e && e->type == "agent")
            agent.emplace_back(std::move(*e), line);
    std::sort(agent.begin(), agent.end(),
              [](const auto& a, const auto& b) { return before(a.first, b.first); });
    std::size_t run_start = agent.size();
    auto same_run = [&](std::size_t i) {
        const Event& newest = agent.back().first;
        return agent[i].first.field("state") == newest.field("state") &&
               agent[i].first.field("session") == newest.field("session");
    };
    while (run_start > 0 && same_run(run_start - 1))
        --run_start;
    std::vector<std::string> old;
    for (std::size_t i = 0; i + compact_keep_agent < agent.size(); ++i)
        if (i != run_start)
            old.push_back(agent[i].second);
    return old;
}

// Moves all but the newest `compact_keep` commit events (and old agent events) out of `live`;
// spawned events and lines this version does not understand stay.
Lines compact(Lines& live) {
    Lines moved;
    for (auto& line : old_agent_lines(live)) {
        live.erase(line);
        moved.insert(std::move(line));
    }
    std::vector<std::pair<Event, std::string>> commits;
    for (const auto& line : live)
        // Commits that broke the protocol stay live: status counts them from the live note. So
        // do NEEDS commits: integrate orders a worker after everyone it ever needed.
        if (auto e = from_line(line); e && e->type == "commit" && e->field("valid") != "false" &&
                                      e->field("needs_worker").empty())
            commits.emplace_back(std::move(*e), line);
    if (commits.size() <= compact_keep)
        return moved;
    std::sort(commits.begin(), commits.end(),
              [](const auto& a, const auto& b) { return before(a.first, b.first); });
    for (std::size_t i = 0; i + compact_keep < commits.size(); ++i) {
        moved.insert(commits[i].second);
        live.erase(commits[i].second);
    }
    return moved;
}

// The lamport clock of a line without a full JSON parse (append runs inside post-commit). The
// key must follow '{' or ',': inside a string value a quote is escaped, so `\"lc\":` in some
// field's text never matches. Lines in another layout fall back to the parser.
std::uint64_t lamport_of(const std::string& line) {
    for (auto pos = line.find("\"lc\":"); pos != std::string::npos;
         pos = line.find("\"lc\":", pos + 1)) {
        if (pos == 0 || (line[pos - 1] != ',' && line[pos - 1] != '{'))
            continue;
        std::size_t i = pos + 5;
        std::uint64_t n = 0;
        std::size_t digits = 0;
        while (i < line.size() && line[i] >= '0' && line[i] <= '9' && digits < 19) {
            n = n * 10 + static_cast<std::uint64_t>(line[i++] - '0');
            ++digits;
        }
        if (digits > 0 && i < line.size() && (line[i] == ',' || line[i] == '}'))
            return n <= max_lamport ? n : 0; // beyond it the line is malformed: no clock
        break;
    }
    auto e = from_line(line);
    return e ? e->lamport : 0;
}

void parse_into(const Lines& lines, const std::string& worker, std::vector<Event>& out,
                std::unordered_set<std::string>& seen, std::size_t* skipped) {
    for (const auto& line : lines) {
        auto e = from_line(line);
        if (!e || e->worker != worker) {
            if (skipped)
                ++*skipped;
            continue;
        }
        if (seen.insert(e->id).second)
            out.push_back(std::move(*e));
    }
}

} // namespace

std::string note_text(const Lines& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line;
        out += '\n';
    }
    return out;
}

Lines note_lines(std::string_view text) {
    Lines lines;
    for (auto line : util::split_lines(text))
        if (!line.empty())
            lines.emplace(line);
    return lines;
}

std::string anchor_content(const std::string& worker) {
    return "porch worker " + worker + "\n";
}

std::string archive_anchor_content(const std::string& worker, std::size_t n) {
    return "porch worker " + worker + " archive " + std::to_string(n) + "\n";
}

std::string clone_name(const git::Repo& repo) {
    if (auto name = repo.config_string("porch.name"); name && !name->empty())
        return *name;
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0)
        host[0] = '\0';
    std::string user = repo.config_string("user.name").value_or("");
    return (user.empty() ? "someone" : user) + "@" + (host[0] ? host : "unknown");
}

std::string clone_id(git::Repo& repo) {
    // The first commands in a new clone may race to create the id: one wins the config lock,
    // the others wait for it and use its id.
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (auto id = repo.config_string("porch.cloneId"); id && !id->empty())
            return *id;
        try {
            repo.set_config_string("porch.cloneId", util::random_hex(16));
        } catch (const Error&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(1, 10)));
            repo.refresh_config();
        }
    }
    throw Error(ErrorKind::fatal, "cannot set porch.cloneId in the repository's config",
                "check that .git/config is writable and no .git/config.lock is left behind");
}

std::string tracking_ref(std::string_view remote, std::string_view ref) {
    constexpr std::string_view prefix = "refs/notes/";
    return "refs/notes/remotes/" + std::string(remote) + "/" +
           std::string(ref.substr(prefix.size()));
}

namespace {

// One worker's share of an append: its events, its live note's anchor (computed once for every
// attempt) and what compaction archived already (a retry after a lost race compacts again).
struct Share {
    std::string anchor_content;
    git::Oid anchor;
    std::vector<Event*> events;
    Lines archived;
};

// The worker's events take the next clocks of its live note, which is compacted when long and
// set in `edit`.
void add_to_live_note(git::Repo& repo, const std::optional<git::Oid>& tip,
                      const std::string& worker, Share& share, git::Repo::NotesEdit& edit) {
    Lines live = read_note_lines(repo, tip, share.anchor);
    std::uint64_t clock = 0;
    for (const auto& line : live)
        clock = std::max(clock, lamport_of(line));
    for (auto* e : share.events) {
        e->lamport = ++clock;
        live.insert(to_line(*e));
    }
    if (live.size() > compact_threshold) {
        Lines moved = compact(live);
        // Archive only what is not yet archived.
        for (const auto& line : share.archived)
            moved.erase(line);
        if (!moved.empty()) {
            write_archive(repo, worker, moved);
            share.archived.insert(moved.begin(), moved.end());
        }
    }
    set_note(edit, share.anchor_content, live);
}

} // namespace

std::vector<Event> append(git::Repo& repo, std::vector<Event> events) {
    if (events.empty())
        return events;
    // Each worker's events, in their order.
    std::map<std::string, Share> by_worker;
    const git::Oid registry_anchor = anchor(std::string(registry_anchor_content));
    const std::string clone = clone_id(repo);
    const std::int64_t now = now_seconds();
    for (auto& e : events) {
        e.clone = clone;
        e.id = util::random_hex(16);
        if (e.time == 0)
            e.time = now;
        auto [it, added] = by_worker.try_emplace(e.worker);
        if (added) {
            it->second.anchor_content = anchor_content(e.worker);
            it->second.anchor = anchor(it->second.anchor_content);
        }
        it->second.events.push_back(&e);
    }
    LockWatch lock(notes_ref_name);
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        std::optional<git::Oid> tip = repo.ref_target(notes_ref_name);
        git::Repo::NotesEdit edit;
        // A worker enters the registry with its first note, so one that has a note is in it:
        // the registry (a line per worker) is read only for a worker's first event.
        std::optional<Lines> registry;
        bool joined = false;
        for (auto& [worker, share] : by_worker) {
            if (worker != session_worker && !(tip && repo.has_note(*tip, share.anchor))) {
                if (!registry)
                    registry = read_note_lines(repo, tip, registry_anchor);
                joined = registry->insert(worker).second || joined;
            }
            add_to_live_note(repo, tip, worker, share, edit);
        }
        if (joined)
            set_note(edit, std::string(registry_anchor_content), *registry);
        repair_anchors(repo, notes_ref_name, tip, edit);
        const git::Oid commit =
            repo.write_notes(tip, edit, parents_of(tip), message_of(events.front().type));
        auto cas =
            repo.update_ref_cas(notes_ref_name, commit, tip, "porch: " + events.front().type);
        if (cas == git::CasResult::updated)
            return events;
        if (cas == git::CasResult::locked)
            lock.saw_locked(repo);
        // Another process won the race: back off a random, growing amount, then redo the
        // read-modify-write on the new tip.
        int cap_ms = std::min(2 + attempt * 2, 50);
        std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(1, cap_ms)));
    }
    throw Error(ErrorKind::fatal,
                "cannot record event: " + std::string(notes_ref) + " kept changing under " +
                    std::to_string(max_attempts) + " attempts",
                "retry the command; if it persists, look for a process holding " +
                    std::string(notes_ref) + ".lock");
}

Event append(git::Repo& repo, Event event) {
    std::vector<Event> one;
    one.push_back(std::move(event));
    return append(repo, std::move(one)).front();
}

namespace {

// The tips of every remote's fetched copy of `local` other than `local`'s own.
std::vector<git::Oid> fetched_tips(const git::RefName& local, const std::optional<git::Oid>& own,
                                   const std::vector<git::Ref>& tracking) {
    std::vector<git::Oid> out;
    const std::string suffix = local.str().substr(local.str().rfind('/'));
    for (const auto& ref : tracking)
        if (ref.name.str().ends_with(suffix) && ref.target != own &&
            std::find(out.begin(), out.end(), ref.target) == out.end())
            out.push_back(ref.target);
    return out;
}

// Whether a line from someone else's copy can be one of `worker`'s events: a flat JSON object
// of bounded size naming that worker. The full parse happens later, on demand.
bool plausible(const std::string& line, std::string_view worker) {
    if (line.size() > max_event_line)
        return false;
    for (const auto& f : scan_fields(line))
        if (f.key == "worker")
            return !f.escaped && f.value == worker;
    return false;
}

// One worker's note from every source: ours whole, the fetched copies' plausible lines.
// Copies from others never override what we recorded (see drop_overrides); the clone's id is
// read only when a copy adds something.
Lines note_union(const git::Repo& repo, const std::optional<git::Oid>& own,
                 const std::vector<git::Oid>& fetched, const git::Oid& target,
                 std::string_view worker) {
    Lines all = read_note_lines(repo, own, target);
    Lines theirs;
    for (const auto& tip : fetched) {
        auto note = repo.read_note(tip, target, max_note_bytes);
        if (!note)
            continue;
        for (auto& line : note_lines(*note))
            if (!all.count(line) && (worker.empty() || plausible(line, worker)))
                theirs.insert(std::move(line));
    }
    if (theirs.empty())
        return all;
    if (!worker.empty() && !all.empty())
        drop_overrides(theirs, all, repo.config_string("porch.cloneId").value_or(""));
    all.merge(theirs);
    return all;
}

Lines live_union(const git::Repo& repo, const NoteSources& sources, const std::string& worker) {
    return note_union(repo, sources.live, sources.fetched, anchor(anchor_content(worker)), worker);
}

} // namespace

std::size_t drop_overrides(Lines& theirs, const Lines& known, const std::string& me) {
    std::set<std::string> ids, spawned_branches, commits_here;
    for (const auto& line : known) {
        auto e = from_line(line);
        if (!e)
            continue;
        ids.insert(e->id);
        if (me.empty() || e->clone != me)
            continue;
        if (e->type == "spawned")
            spawned_branches.insert(e->field("branch"));
        if (e->type == "commit" && !e->field("commit").empty())
            commits_here.insert(e->field("commit"));
    }
    std::size_t dropped = 0;
    for (auto it = theirs.begin(); it != theirs.end();) {
        std::optional<Event> e;
        if (!known.count(*it))
            e = from_line(*it);
        bool ours = !spawned_branches.empty();
        if (e && (ids.count(e->id) ||
                  (ours && e->type == "spawned" && spawned_branches.count(e->field("branch"))) ||
                  (ours && e->type == "commit" && commits_here.count(e->field("commit"))))) {
            it = theirs.erase(it);
            ++dropped;
        } else {
            ++it;
        }
    }
    return dropped;
}

NoteSources note_sources(const git::Repo& repo) {
    // refs/notes/remotes/<remote>/porch and .../porch-archive, as fetched by the refspec init
    // adds (or by sync).
    const auto tracking = repo.refs("refs/notes/remotes/");
    NoteSources s;
    s.live = repo.ref_target(notes_ref_name);
    s.fetched = fetched_tips(notes_ref_name, s.live, tracking);
    s.archive = repo.ref_target(archive_ref_name);
    s.fetched_archives = fetched_tips(archive_ref_name, s.archive, tracking);
    return s;
}

std::vector<Event> read(const git::Repo& repo, const std::string& worker, std::size_t* skipped) {
    std::vector<Event> out;
    std::unordered_set<std::string> seen;
    parse_into(live_union(repo, note_sources(repo), worker), worker, out, seen, skipped);
    std::sort(out.begin(), out.end(), before);
    return out;
}

std::vector<std::string> read_lines(const git::Repo& repo, const NoteSources& sources,
                                    const std::string& worker) {
    Lines lines = live_union(repo, sources, worker);
    return {std::make_move_iterator(lines.begin()), std::make_move_iterator(lines.end())};
}

std::vector<std::string> read_lines(const git::Repo& repo, const std::string& worker) {
    return read_lines(repo, note_sources(repo), worker);
}

std::vector<RawField> scan_fields(std::string_view line) {
    std::vector<RawField> out;
    std::size_t i = 0;
    auto fail = [&] {
        out.clear();
        return out;
    };
    // Reads a string starting at line[i] == '"'; leaves i after the closing quote.
    auto string = [&](std::string_view& text, bool& escaped) {
        if (i >= line.size() || line[i] != '"')
            return false;
        std::size_t start = ++i;
        escaped = false;
        while (i < line.size() && line[i] != '"') {
            if (line[i] == '\\') {
                escaped = true;
                ++i;
            }
            ++i;
        }
        if (i >= line.size())
            return false;
        text = line.substr(start, i - start);
        ++i;
        return true;
    };
    if (line.empty() || line[i++] != '{')
        return fail();
    while (i < line.size()) {
        RawField f;
        bool key_escaped = false;
        if (!string(f.key, key_escaped) || key_escaped || i >= line.size() || line[i++] != ':')
            return fail();
        if (i < line.size() && line[i] == '"') {
            if (!string(f.value, f.escaped))
                return fail();
            out.push_back(f);
        } else if (i < line.size() && line[i] == '[') {
            while (i < line.size() && line[i] != ']') {
                if (line[i] == '"') {
                    std::string_view ignored;
                    bool e = false;
                    if (!string(ignored, e))
                        return fail();
                } else {
                    ++i;
                }
            }
            ++i;
        } else {
            while (i < line.size() && line[i] != ',' && line[i] != '}')
                ++i;
        }
        if (i < line.size() && line[i] == ',') {
            ++i;
            continue;
        }
        if (i < line.size() && line[i] == '}' && i + 1 == line.size())
            return out;
        return fail();
    }
    return fail();
}

std::vector<Event> read_matching(const git::Repo& repo, const std::string& worker,
                                 std::string_view needle) {
    std::vector<Event> out;
    std::unordered_set<std::string> seen;
    for (const auto& line : live_union(repo, note_sources(repo), worker)) {
        if (line.find(needle) == std::string::npos)
            continue;
        if (auto e = from_line(line); e && e->worker == worker && seen.insert(e->id).second)
            out.push_back(std::move(*e));
    }
    std::sort(out.begin(), out.end(), before);
    return out;
}

std::vector<Event> read_all(const git::Repo& repo, const std::string& worker,
                            std::size_t* skipped) {
    // Union merges, and a crash between archiving and trimming the live note, can leave one
    // event in two archives, or in an archive and the live note: the event id makes each count
    // once. Every copy numbers its archives on its own.
    const NoteSources sources = note_sources(repo);
    Lines lines = live_union(repo, sources, worker);
    auto add_archives = [&](const git::Oid& tip, bool own) {
        std::size_t archives = archive_count(repo, tip, worker);
        for (std::size_t n = 1; n <= archives; ++n) {
            const git::Oid target = anchor(archive_anchor_content(worker, n));
            lines.merge(own ? read_note_lines(repo, tip, target)
                            : note_union(repo, std::nullopt, {tip}, target, worker));
        }
    };
    if (sources.archive)
        add_archives(*sources.archive, true);
    for (const auto& tip : sources.fetched_archives)
        add_archives(tip, false);
    std::vector<Event> out;
    std::unordered_set<std::string> seen;
    parse_into(lines, worker, out, seen, skipped);
    std::sort(out.begin(), out.end(), before);
    return out;
}

std::vector<std::string> registered_workers(const git::Repo& repo, const NoteSources& sources) {
    std::vector<std::string> out;
    for (const auto& line : note_union(repo, sources.live, sources.fetched,
                                       anchor(std::string(registry_anchor_content)), {}))
        if (worker_name_pattern().match(line))
            out.push_back(line);
    return out;
}

std::vector<std::string> registered_workers(const git::Repo& repo) {
    return registered_workers(repo, note_sources(repo));
}

std::string anchor_file_name(std::string_view content) {
    std::string name(util::trim(content));
    std::replace(name.begin(), name.end(), ' ', '-');
    return name;
}

std::string anchor_path(std::string_view content) {
    return git::Oid::of_blob(content).hex().substr(0, 2) + "/" + anchor_file_name(content);
}

namespace {

// The anchors a commit of the live ref can need: the registry's, the session's, and one per
// worker its registry lists.
std::vector<std::string> live_anchor_contents(const git::Repo& repo, const git::Oid& commit) {
    std::vector<std::string> out{std::string(registry_anchor_content),
                                 anchor_content(std::string(session_worker))};
    for (const auto& line : read_note_lines(repo, commit, anchor(out.front())))
        if (worker_name_pattern().match(line))
            out.push_back(anchor_content(line));
    return out;
}

// The archive's: every archive note of every worker any copy of the registry lists.
std::vector<std::string> archive_anchor_contents(const git::Repo& repo, const git::Oid& commit) {
    std::vector<std::string> out;
    for (const auto& worker : registered_workers(repo))
        for (std::size_t n = 1, count = archive_count(repo, commit, worker); n <= count; ++n)
            out.push_back(archive_anchor_content(worker, n));
    return out;
}

} // namespace

std::map<std::string, std::string> missing_anchors(const git::Repo& repo, const git::RefName& ref,
                                                   const git::Oid& commit) {
    const auto contents = ref == archive_ref_name ? archive_anchor_contents(repo, commit)
                                                  : live_anchor_contents(repo, commit);
    const auto files = repo.notes_tree_files(commit);
    auto holds = [&](const std::string& path, const git::Oid& id) {
        auto it = files.find(path);
        return it != files.end() && it->second == id;
    };
    std::map<std::string, std::string> out;
    for (const auto& content : contents) {
        const git::Oid id = anchor(content);
        // Beside its note, or at the top, where an older porch kept it (moved by the next write).
        if (repo.has_note(commit, id) && !holds(anchor_path(content), id) &&
            !holds(anchor_file_name(content), id))
            out.emplace(anchor_path(content), content);
    }
    return out;
}

namespace {

git::Oid with_anchors(git::Repo& repo, const git::Oid& commit,
                      const std::map<std::string, std::string>& missing) {
    git::Repo::NotesEdit edit;
    for (const auto& [path, content] : missing)
        edit.files.emplace(path, content);
    return repo.write_notes(commit, edit, {commit}, message_of("keep the notes' objects"));
}

} // namespace

git::Oid anchored(git::Repo& repo, const git::RefName& ref, const git::Oid& commit) {
    auto missing = missing_anchors(repo, ref, commit);
    return missing.empty() ? commit : with_anchors(repo, commit, missing);
}

std::size_t unanchored(git::Repo& repo, bool fix) {
    std::size_t count = 0;
    for (const auto* ref : {&notes_ref_name, &archive_ref_name}) {
        for (int attempt = 0; attempt < max_attempts; ++attempt) {
            std::optional<git::Oid> tip = repo.ref_target(*ref);
            if (!tip)
                break;
            auto missing = missing_anchors(repo, *ref, *tip);
            if (missing.empty() || !fix) {
                count += missing.size();
                break;
            }
            git::Oid commit = with_anchors(repo, *tip, missing);
            if (repo.update_ref_cas(*ref, commit, tip, "porch: keep the notes' objects") ==
                git::CasResult::updated) {
                count += missing.size();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(1, 10)));
        }
    }
    return count;
}

} // namespace porch::store
