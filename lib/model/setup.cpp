#include "model/setup.hpp"

#include "git/cli.hpp"
#include "model/naming.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <fstream>

namespace porch::model {

namespace fs = std::filesystem;

namespace {

// The pattern that keeps worker worktrees out of `git status`: the worktree template's first
// folder, anchored at the root.
std::string exclude_pattern(const protocol::Template& worktree_template) {
    std::string first = worktree_template.first_folder();
    return first.empty() ? "/" + worktree_template.literal_prefix() + "*" : "/" + first + "/";
}

} // namespace

bool ensure_line(const fs::path& file, const std::string& line) {
    const std::string content = util::read_file(file.string()).value_or("");
    for (auto existing : util::split_lines(content))
        if (util::trim(existing) == line)
            return false;
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file, std::ios::binary | std::ios::app);
    if (!content.empty() && content.back() != '\n')
        out << '\n';
    out << line << '\n';
    if (!out)
        throw Error(ErrorKind::fatal, "cannot write " + file.string());
    return true;
}

// Sets a git config value unless it is already there (multi-valued keys keep other values).
bool ensure_config(const std::string& root, const std::string& key, const std::string& value,
                   bool multi) {
    process::Options opts;
    opts.cwd = root;
    auto current = git::run({"config", "--local", "--get-all", key}, opts);
    for (auto line : util::split_lines(current.out))
        if (line == value)
            return false;
    if (!multi && current.ok())
        return false; // the user chose another value: keep it
    auto r = git::run({"config", "--local", multi ? "--add" : "--replace-all", key, value}, opts);
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot set " + key + ": " + r.last_error_line());
    return true;
}

std::vector<WantedSetting> wanted_settings(const std::string& dir) {
    const std::string notes(store::notes_ref);
    // Our notes hang on anchor blobs, not commits, but a user who adds notes of their own to
    // this ref expects amend and rebase to carry them. The merge strategies make a plain
    // `git notes --ref porch merge` combine stores the way porch does: line union.
    std::vector<WantedSetting> out = {
        {"notes.rewriteRef", notes, true},
        {"notes.porch.mergeStrategy", "cat_sort_uniq", false},
        {"notes.porch-archive.mergeStrategy", "cat_sort_uniq", false}};
    process::Options opts;
    opts.cwd = dir;
    const std::string remotes = git::run({"remote"}, opts).out;
    for (auto remote : util::split_lines(remotes)) {
        if (remote.empty())
            continue;
        // A pattern: it fetches both refs, and fetches nothing, without an error, from a remote
        // that has neither yet.
        out.push_back({"remote." + std::string(remote) + ".fetch",
                       "+" + std::string(store::notes_ref) +
                           "*:" + store::tracking_ref(remote, store::notes_ref) + "*",
                       true});
    }
    return out;
}

std::optional<std::string> ensure_excluded(const Context& ctx) {
    fs::path exclude = fs::path(ctx.repo.common_dir()) / "info" / "exclude";
    std::string pattern = exclude_pattern(ctx.worktree_template);
    if (ensure_line(exclude, pattern))
        return pattern;
    return std::nullopt;
}

namespace {

fs::path setup_log_folder(const Context& ctx) {
    return fs::path(ctx.repo.common_dir()) / "porch" / "setup";
}

} // namespace

fs::path setup_log(const Context& ctx, const std::string& worker) {
    return setup_log_folder(ctx) / (worker + ".log");
}

std::map<std::string, fs::path> setup_logs(const Context& ctx) {
    std::map<std::string, fs::path> logs;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(setup_log_folder(ctx), ec)) {
        const fs::path& file = entry.path();
        auto id = file.extension() == ".log" ? protocol::normalize_id(file.stem().string())
                                             : std::nullopt;
        if (id && protocol::worker_name(*id) == file.stem().string() && entry.is_regular_file(ec))
            logs.emplace(file.stem().string(), file);
    }
    return logs;
}

} // namespace porch::model
