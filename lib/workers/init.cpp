#include "workers/init.hpp"

#include "error.hpp"
#include "hooks/install.hpp"
#include "process/run.hpp"
#include "store/store.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace porch::workers {

namespace fs = std::filesystem;

namespace {

// Creates `path` with `content` only if it does not exist. The content goes to a private file
// first and is published with link(), which fails if the name exists: concurrent inits never
// overwrite each other, and no reader ever sees a half-written file.
bool create_exclusive(const fs::path& path, std::string_view content) {
    fs::path tmp = path;
    tmp += ".porch-" + util::random_hex(6);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(ExitCode::fatal,
                    "cannot create " + path.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    int failed = 0;
    while (done < content.size() && failed == 0) {
        ssize_t w = ::write(fd, content.data() + done, content.size() - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            failed = w < 0 ? errno : EIO;
        else
            done += static_cast<std::size_t>(w);
    }
    if (::close(fd) != 0 && failed == 0)
        failed = errno;
    bool created = false;
    if (failed == 0) {
        if (::link(tmp.c_str(), path.c_str()) == 0)
            created = true;
        else if (errno != EEXIST)
            failed = errno;
    }
    ::unlink(tmp.c_str());
    if (failed != 0)
        throw Error(ExitCode::fatal,
                    "cannot write " + path.string() + ": " + std::strerror(failed));
    return created;
}

// The pattern that keeps worker worktrees out of `git status`: the worktree template's first
// folder, anchored at the root.
std::string exclude_pattern(const protocol::Template& worktree_template) {
    std::string first = worktree_template.first_folder();
    return first.empty() ? "/" + worktree_template.literal_prefix() + "*" : "/" + first + "/";
}

} // namespace

bool ensure_line(const fs::path& file, const std::string& line) {
    std::string content;
    if (std::ifstream in(file, std::ios::binary); in) {
        std::ostringstream ss;
        ss << in.rdbuf();
        content = ss.str();
    }
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
        throw Error(ExitCode::fatal, "cannot write " + file.string());
    return true;
}

// Sets a git config value unless it is already there (multi-valued keys keep other values).
bool ensure_config(const std::string& root, const std::string& key, const std::string& value,
                   bool multi) {
    process::Options opts;
    opts.cwd = root;
    auto current = process::git({"config", "--local", "--get-all", key}, opts);
    for (auto line : util::split_lines(current.out))
        if (line == value)
            return false;
    if (!multi && current.ok())
        return false; // the user chose another value: keep it
    auto r =
        process::git({"config", "--local", multi ? "--add" : "--replace-all", key, value}, opts);
    if (!r.ok())
        throw Error(ExitCode::fatal, "cannot set " + key + ": " + r.last_error_line());
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
    const std::string remotes = process::git({"remote"}, opts).out;
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

InitResult init_repository(Context& ctx, const std::string& binary) {
    InitResult result;
    std::vector<std::string>& done = result.actions;
    if (!ctx.root)
        throw Error(ExitCode::fatal, "cannot init a bare repository: porch needs a main worktree",
                    "clone it and run git porch init in the clone");
    fs::path config_path = fs::path(*ctx.root) / config::file_name;
    if (create_exclusive(config_path, config::default_file_text()))
        done.push_back("wrote " + std::string(config::file_name) + " (commit it to share it)");
    if (auto pattern = ensure_excluded(ctx))
        done.push_back("added " + *pattern + " to .git/info/exclude");
    for (const auto& want : wanted_settings(*ctx.root))
        if (ensure_config(*ctx.root, want.key, want.value, want.multi))
            done.push_back("set " + want.key + " = " + want.value);
    try {
        auto hooks = hooks::install(*ctx.root, binary);
        for (auto& a : hooks.actions)
            done.push_back("hooks: " + a + " in " + hooks.dir);
        result.notes = std::move(hooks.notes);
    } catch (const Error& e) {
        // Everything else is set up; the hooks need a person (husky, a name clash).
        result.notes.push_back(std::string("hooks not installed: ") + e.what() +
                               (e.hint().empty() ? "" : "\n" + e.hint()));
    }
    return result;
}

} // namespace porch::workers
