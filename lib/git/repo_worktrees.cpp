// This worktree and the others: the worktree list, what the index stages, and an operation
// (merge, rebase, ...) left in progress.
#include "git/cli.hpp"
#include "git/repo_impl.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <filesystem>

namespace porch::git {

using namespace detail;
namespace fs = std::filesystem;

namespace {

// Parses the content of a HEAD file: "ref: refs/heads/x\n" or a detached id.
std::optional<RefName> symbolic_head(const std::optional<std::string>& content) {
    if (!content || content->rfind("ref: ", 0) != 0)
        return std::nullopt;
    std::string target = content->substr(5);
    while (!target.empty() && (target.back() == '\n' || target.back() == '\r'))
        target.pop_back();
    return RefName(target);
}

// The branch a rebase or a bisect in progress in the worktree whose git dir is `dir` started
// from: the files git itself reads to refuse moving that branch (rebase-*/head-name hold a full
// ref name, BISECT_START a short one or a commit id).
std::optional<RefName> busy_branch(const fs::path& dir) {
    auto first_line = [&](const char* file) -> std::string {
        std::string text = util::read_file((dir / file).string()).value_or("");
        return text.substr(0, text.find_first_of("\r\n"));
    };
    for (const char* file : {"rebase-merge/head-name", "rebase-apply/head-name"})
        if (std::string name = first_line(file); name.starts_with("refs/heads/"))
            return RefName(name);
    if (std::string start = first_line("BISECT_START"); !start.empty() && !Oid::from_hex(start))
        return branch_ref(start);
    return std::nullopt;
}

// A linked worktree from its administrative folder, read as git and libgit2 read it (see
// gitrepository-layout(5)): it counts when `commondir`, `gitdir` and `HEAD` are there; `gitdir`
// names the worktree's .git file, absolute or relative to the folder. Read as files: libgit2's
// lookup resolves every folder on the way (a readlink each), a fifth of status's own time.
std::optional<Worktree> linked_worktree(const fs::path& admin) {
    std::error_code ec;
    for (const char* file : {"commondir", "gitdir", "HEAD"})
        if (!fs::is_regular_file(admin / file, ec))
            return std::nullopt;
    const std::string link =
        util::trim_right(util::read_file((admin / "gitdir").string()).value_or(""));
    if (link.empty())
        return std::nullopt;
    Worktree w;
    w.name = admin.filename().string();
    w.path = strip_trailing_slash((admin / link).lexically_normal().parent_path().string());
    w.locked = fs::exists(admin / "locked", ec);
    w.missing = !fs::exists(w.path, ec);
    // The HEAD file format is stable and documented; reading it directly also works for a
    // worktree whose branch no longer exists, where libgit2's lookup would fail.
    w.head = symbolic_head(util::read_file((admin / "HEAD").string()));
    w.busy_branch = busy_branch(admin);
    return w;
}

} // namespace

std::vector<Worktree> Repo::worktrees() const {
    std::vector<Worktree> out;
    fs::path common = common_dir();
    if (auto main = main_workdir()) {
        Worktree w;
        w.path = *main;
        w.head = symbolic_head(util::read_file((common / "HEAD").string()));
        w.is_main = true;
        w.busy_branch = busy_branch(common);
        out.push_back(std::move(w));
    }
    std::vector<fs::path> admins;
    std::error_code ec;
    for (fs::directory_iterator it(common / "worktrees", ec), end; !ec && it != end;
         it.increment(ec))
        admins.push_back(it->path());
    std::sort(admins.begin(), admins.end());
    for (const auto& admin : admins)
        if (auto w = linked_worktree(admin))
            out.push_back(std::move(*w));
    return out;
}

namespace {

using IndexPtr = std::unique_ptr<git_index, Deleter<git_index_free>>;
using DiffPtr = std::unique_ptr<git_diff, Deleter<git_diff_free>>;

// The index git commits from: GIT_INDEX_FILE (the temporary index of `git commit -a` or `git
// commit <paths>`, relative to the hook's folder, where git runs hooks) or the worktree's own.
IndexPtr commit_index(git_repository* repo) {
    git_index* raw = nullptr;
    const char* file = std::getenv("GIT_INDEX_FILE");
    if (file != nullptr && *file != '\0') {
        return git_index_open(&raw, fs::absolute(file).c_str()) < 0 ? nullptr : IndexPtr(raw);
    }
    return git_repository_index(&raw, repo) < 0 ? nullptr : IndexPtr(raw);
}

// `git diff --cached --name-only --no-renames` in process, or nullopt when libgit2 cannot read
// the index (a sparse index, its 'sdir' extension, is refused, never misread).
std::optional<std::vector<std::string>> staged_in_process(git_repository* repo) {
    IndexPtr index = commit_index(repo);
    if (!index)
        return std::nullopt;
    TreePtr head;
    git_object* obj = nullptr;
    if (git_revparse_single(&obj, repo, "HEAD^{tree}") == 0)
        head.reset(reinterpret_cast<git_tree*>(obj));
    else if (!git_repository_head_unborn(repo))
        return std::nullopt;
    git_diff* raw = nullptr;
    if (git_diff_tree_to_index(&raw, repo, head.get(), index.get(), nullptr) < 0)
        return std::nullopt;
    DiffPtr diff(raw);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        const char* path = d->status == GIT_DELTA_DELETED ? d->old_file.path : d->new_file.path;
        // `git add -N` stages nothing yet: git diff --cached does not list it.
        const git_index_entry* e = git_index_get_bypath(index.get(), path, 0);
        if (e && (e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
            continue;
        out.emplace_back(path);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

std::vector<std::string> Repo::staged_paths() const {
    // In process: the hooks ask on every commit, and a git process costs more than the rest of
    // the hook. git reads the index when libgit2 1.5 cannot (a sparse index).
    auto dir = workdir();
    if (!dir)
        return {};
    if (auto paths = staged_in_process(m_impl->repo.get()))
        return *paths;
    return git::staged_paths(*dir);
}

std::string Repo::operation_in_progress() const {
    switch (git_repository_state(m_impl->repo.get())) {
    case GIT_REPOSITORY_STATE_MERGE:
        return "merge";
    case GIT_REPOSITORY_STATE_REVERT:
    case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
        return "revert";
    case GIT_REPOSITORY_STATE_CHERRYPICK:
    case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
        return "cherry-pick";
    case GIT_REPOSITORY_STATE_REBASE:
    case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
    case GIT_REPOSITORY_STATE_REBASE_MERGE:
        return "rebase";
    case GIT_REPOSITORY_STATE_BISECT:
        return "bisect";
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
        return "am";
    default:
        return {};
    }
}

} // namespace porch::git
