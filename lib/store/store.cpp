#include "store/store.hpp"

#include "error.hpp"
#include "git/repo.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <thread>

namespace porch::store {

namespace {

constexpr int max_attempts = 200;

std::int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Sorted, unique lines: the form `git notes merge -s cat_sort_uniq` produces, so a note written
// by porch and one merged by git are byte-identical.
std::string normalise(std::set<std::string> lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line;
        out += '\n';
    }
    return out;
}

std::set<std::string> line_set(std::string_view text) {
    std::set<std::string> lines;
    for (auto line : util::split_lines(text))
        if (!line.empty())
            lines.emplace(line);
    return lines;
}

} // namespace

std::string anchor_content(const std::string& worker) { return "porch worker " + worker + "\n"; }

std::string clone_id(git::Repo& repo) {
    if (auto id = repo.config_string("porch.cloneId"); id && !id->empty())
        return *id;
    repo.set_config_string("porch.cloneId", util::random_hex(16));
    return repo.config_string("porch.cloneId").value_or("unknown");
}

Event append(git::Repo& repo, Event event) {
    git::Oid anchor = git::Oid::of_blob(anchor_content(event.worker));
    event.clone = clone_id(repo);
    event.id = util::random_hex(16);
    if (event.time == 0)
        event.time = now_seconds();
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
        std::optional<git::Oid> tip = repo.ref_target(notes_ref);
        std::set<std::string> lines;
        std::uint64_t clock = 0;
        if (tip) {
            if (auto note = repo.read_note(*tip, anchor)) {
                lines = line_set(*note);
                for (const auto& line : lines)
                    if (auto e = from_line(line))
                        clock = std::max(clock, e->lamport);
            }
        }
        event.lamport = clock + 1;
        lines.insert(to_line(event));
        git::Oid commit = repo.build_note_commit(tip, anchor, normalise(std::move(lines)));
        if (repo.update_ref_cas(notes_ref, commit, tip, "porch: " + event.type) ==
            git::CasResult::updated)
            return event;
        // Another process won the race: back off a random, growing amount, then redo the
        // read-modify-write on the new tip.
        int cap_ms = std::min(2 + attempt * 2, 50);
        std::this_thread::sleep_for(std::chrono::milliseconds(util::random_int(1, cap_ms)));
    }
    throw Error(ExitCode::fatal, "cannot record event: " + std::string(notes_ref) +
                                     " kept changing under " + std::to_string(max_attempts) +
                                     " attempts",
                "retry the command; if it persists, look for a process holding " +
                    std::string(notes_ref) + ".lock");
}

std::vector<Event> read(const git::Repo& repo, const std::string& worker, std::size_t* skipped) {
    std::vector<Event> out;
    std::optional<git::Oid> tip = repo.ref_target(notes_ref);
    if (!tip)
        return out;
    auto note = repo.read_note(*tip, git::Oid::of_blob(anchor_content(worker)));
    if (!note)
        return out;
    for (auto line : util::split_lines(*note)) {
        if (line.empty())
            continue;
        auto e = from_line(line);
        if (!e || e->worker != worker) {
            if (skipped)
                ++*skipped;
            continue;
        }
        out.push_back(std::move(*e));
    }
    std::sort(out.begin(), out.end(), before);
    return out;
}

} // namespace porch::store
