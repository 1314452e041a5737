#include "git/cli.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <utility>

namespace porch::git {

namespace {

// Splits NUL-separated output (`-z`).
std::vector<std::string> nul_fields(const std::string& out) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start < out.size()) {
        auto end = out.find('\0', start);
        if (end == std::string::npos)
            end = out.size();
        fields.push_back(out.substr(start, end - start));
        start = end + 1;
    }
    return fields;
}

} // namespace

process::Result run(const std::vector<std::string>& args, const process::Options& options) {
    std::vector<std::string> argv{"git"};
    argv.insert(argv.end(), args.begin(), args.end());
    process::Options opts = options;
    opts.env.push_back("GIT_TERMINAL_PROMPT=0");
    opts.env.push_back("GIT_ASKPASS=");
    return process::run(argv, opts);
}

process::Result run_in(const std::string& dir, const std::vector<std::string>& args,
                       std::vector<std::string> env) {
    process::Options opts;
    opts.cwd = dir;
    opts.env = std::move(env);
    return git::run(args, opts);
}

process::Result run_or_throw(const std::string& dir, const std::vector<std::string>& args,
                             const std::string& what) {
    auto r = run_in(dir, args);
    if (!r.ok())
        throw Error(ErrorKind::fatal, what + ": " + r.last_error_line());
    return r;
}

namespace {

// `git status -z` entries as (status code, path): a rename or copy is followed by its source,
// which is skipped.
std::vector<std::pair<std::string, std::string>> status_entries(const std::string& out) {
    std::vector<std::pair<std::string, std::string>> entries;
    auto fields = nul_fields(out);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& entry = fields[i];
        if (entry.size() <= 3)
            continue;
        entries.emplace_back(entry.substr(0, 2), entry.substr(3));
        if (entry[0] == 'R' || entry[0] == 'C')
            ++i;
    }
    return entries;
}

std::vector<std::string> status_paths(const std::string& out) {
    std::vector<std::string> paths;
    for (auto& [code, path] : status_entries(out))
        paths.push_back(std::move(path));
    return paths;
}

WorktreeChanges status_changes(const std::string& out) {
    WorktreeChanges changes;
    for (auto& [code, path] : status_entries(out))
        (code == "??" ? changes.untracked : changes.tracked).push_back(std::move(path));
    return changes;
}

process::Result status(const std::string& dir) {
    return run_in(dir, {"status", "--porcelain=v1", "-z", "--untracked-files=all"});
}

} // namespace

std::optional<std::vector<std::string>> dirty_paths(const std::string& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return std::nullopt; // a worktree whose folder is gone has nothing uncommitted to show
    auto r = status(dir);
    if (!r.ok())
        return std::nullopt;
    return status_paths(r.out);
}

std::vector<std::string> require_dirty_paths(const std::string& dir) {
    auto r = status(dir);
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot inspect " + dir + ": " + r.last_error_line());
    return status_paths(r.out);
}

WorktreeChanges require_worktree_changes(const std::string& dir) {
    auto r = status(dir);
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot inspect " + dir + ": " + r.last_error_line());
    return status_changes(r.out);
}

namespace {

// The path of one `git status --porcelain=v2 -z` record, after its fixed fields: 8 for an
// ordinary change ("1"), 9 for a rename or copy ("2", whose source follows in the next
// record), 10 for an unmerged path ("u").
std::string v2_path(const std::string& record, int fixed_fields) {
    std::size_t at = 0;
    for (int i = 0; i < fixed_fields && at != std::string::npos; ++i)
        at = record.find(' ', at + 1);
    return at == std::string::npos ? std::string() : record.substr(at + 1);
}

WorktreeReading parse_status_v2(const std::string& out) {
    WorktreeReading reading;
    auto fields = nul_fields(out);
    for (std::size_t i = 0; i < fields.size(); ++i) {
        const std::string& record = fields[i];
        if (record.size() < 3)
            continue;
        if (record[0] == '?') {
            ++reading.untracked;
            reading.paths.push_back(record.substr(2));
            continue;
        }
        const int fixed = record[0] == '1' ? 8 : record[0] == '2' ? 9 : record[0] == 'u' ? 10 : 0;
        if (fixed == 0)
            continue; // a header, or an ignored path
        if (record[0] == '2')
            ++i; // the rename's source
        if (auto path = v2_path(record, fixed); !path.empty()) {
            ++reading.changed;
            reading.paths.push_back(std::move(path));
        }
    }
    return reading;
}

// `own_threads`: git may stat the index's files from several threads (core.preloadIndex). When
// the caller already keeps every core busy with other worktrees, those threads only add their
// own cost: a tenth of a read at 20 worktrees on 2 cores.
std::optional<WorktreeReading> read_one(const std::string& dir, bool own_threads) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return std::nullopt;
    // With the optional index refresh, as `git status` does: without it a worktree whose files
    // are newer than its index is hashed again on every read.
    std::vector<std::string> args{"status", "--porcelain=v2", "-z", "--untracked-files=normal"};
    if (!own_threads)
        args.insert(args.begin(), {"-c", "core.preloadIndex=false"});
    auto r = run_in(dir, args);
    if (!r.ok())
        return std::nullopt;
    return parse_status_v2(r.out);
}

} // namespace

std::vector<std::optional<WorktreeReading>> read_worktrees(const std::vector<std::string>& dirs,
                                                           std::size_t jobs) {
    std::vector<std::optional<WorktreeReading>> out(dirs.size());
    std::atomic<std::size_t> next{0};
    const std::size_t threads = std::min(std::max<std::size_t>(jobs, 1), dirs.size());
    const bool own_threads = threads < std::max(1u, std::thread::hardware_concurrency());
    // Each git status waits mostly on the disk and its own process: a few at once overlap.
    auto work = [&] {
        for (std::size_t i = next++; i < dirs.size(); i = next++) {
            try {
                out[i] = read_one(dirs[i], own_threads);
            } catch (...) {
                out[i] = std::nullopt; // git could not be started: as if it could not look
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    return out;
}

bool worktree_dirty(const std::string& dir) {
    auto paths = dirty_paths(dir);
    return paths && !paths->empty();
}

bool has_tracked_changes(const std::string& dir) {
    auto r = run_in(dir, {"status", "--porcelain", "--untracked-files=no"});
    return !r.ok() || !util::trim(r.out).empty();
}

WorktreeChanges unstaged_changes(const std::string& dir) {
    auto r = run_in(
        dir, {"--no-optional-locks", "status", "--porcelain=v1", "-z", "--untracked-files=all"});
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot inspect " + dir + ": " + r.last_error_line());
    WorktreeChanges changes;
    for (auto& [code, path] : status_entries(r.out)) {
        if (code == "??")
            changes.untracked.push_back(std::move(path));
        else if (code[1] != ' ')
            changes.tracked.push_back(std::move(path));
    }
    return changes;
}

std::optional<std::vector<std::string>> commit_only_paths(const std::string& dir,
                                                          const std::string& own_index) {
    const char* hook_index = std::getenv("GIT_INDEX_FILE");
    if (hook_index == nullptr || *hook_index == '\0')
        return std::nullopt;
    // Blob ids too: `git commit -a` may stage newer content of a path already staged.
    const std::vector<std::string> diff{"diff", "--cached",     "--raw",
                                        "-z",   "--no-renames", "--no-abbrev"};
    auto theirs = run_in(dir, diff);
    auto ours = run_in(dir, diff, {"GIT_INDEX_FILE=" + own_index});
    if (!theirs.ok() || (ours.ok() && ours.out == theirs.out))
        return std::nullopt;
    return staged_paths(dir);
}

std::vector<std::string> staged_paths(const std::string& dir) {
    auto r = run_in(dir, {"diff", "--cached", "--name-only", "--no-renames", "-z"});
    if (!r.ok())
        throw Error(ErrorKind::fatal,
                    "cannot compare the index with HEAD in " + dir + ": " + r.last_error_line());
    std::vector<std::string> out;
    for (auto& f : nul_fields(r.out))
        if (!f.empty())
            out.push_back(std::move(f));
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> conflicted_paths(const std::string& dir) {
    return util::non_empty_lines(run_in(dir, {"diff", "--name-only", "--diff-filter=U"}).out);
}

std::vector<std::string> tracked_files(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& f : nul_fields(run_in(dir, {"ls-files", "-z"}).out))
        if (!f.empty())
            out.push_back(std::move(f));
    return out;
}

std::vector<std::string> changed_paths(const std::string& dir, const std::string& from,
                                       const std::string& to) {
    std::vector<std::string> out;
    for (auto& f : nul_fields(run_in(dir, {"diff", "--name-only", "-z", from, to}).out))
        if (!f.empty())
            out.push_back(std::move(f));
    return out;
}

std::vector<std::string> commit_paths(const std::string& dir, const std::string& commit) {
    auto r =
        run_in(dir, {"diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "--root", commit});
    if (!r.ok())
        return {};
    std::vector<std::string> out;
    for (auto& f : nul_fields(r.out))
        if (!f.empty())
            out.push_back(std::move(f));
    return out;
}

} // namespace porch::git
