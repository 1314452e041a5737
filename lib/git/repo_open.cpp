// Opening a repository: discovery (with git's environment), safe.directory and dubious
// ownership, and what kind of repository it is.
#include "git/repo_impl.hpp"
#include "util/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <git2/sys/repository.h>

namespace porch::git {

using namespace detail;
namespace fs = std::filesystem;

Repo::Repo(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Repo::Repo(Repo&&) noexcept = default;
Repo& Repo::operator=(Repo&&) noexcept = default;
Repo::~Repo() = default;

// libgit2 refuses a repository another user owns (or, in 1.5, reports it as not found), and
// honours only exact paths in safe.directory, where git also takes "*". Like git, porch opens it
// when the user's or the system's safe.directory allows it, and otherwise says why it will not.
static int open_owned_by_another(git_repository** out, const std::string& where, bool no_search,
                                 const char* ceiling, int rc) {
    int validating = 1;
    git_libgit2_opts(GIT_OPT_GET_OWNER_VALIDATION, &validating);
    if (!validating)
        return rc;
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, where.c_str(), no_search ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0,
                                ceiling) < 0) {
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 1);
        return rc; // not there at all
    }
    RepoPtr repo(raw);
    const char* workdir = git_repository_workdir(raw);
    std::string path = strip_trailing_slash(workdir ? workdir : git_repository_path(raw));
    struct Match {
        const std::string& path;
        bool allowed = false;
    } match{path};
    git_config* config_raw = nullptr;
    if (git_config_open_default(&config_raw) == 0) {
        ConfigPtr config(config_raw);
        git_config_get_multivar_foreach(
            config_raw, "safe.directory", nullptr,
            [](const git_config_entry* e, void* payload) {
                auto& m = *static_cast<Match*>(payload);
                std::string value = e->value ? e->value : "";
                m.allowed = m.allowed || value == "*" || strip_trailing_slash(value) == m.path;
                return 0;
            },
            &match);
    }
    if (!match.allowed)
        throw Error(ErrorKind::fatal,
                    "detected dubious ownership in repository at '" + path +
                        "': another user owns it",
                    "if you trust it: git config --global --add safe.directory " + path);
    *out = repo.release();
    return 0;
}

Repo Repo::discover(const std::string& start) {
    ensure_init();
    git_repository* raw = nullptr;
    // git's environment, as git itself reads it (libgit2 1.5's FROM_ENV mode refuses
    // GIT_WORK_TREE): hooks run with GIT_DIR set. GIT_INDEX_FILE (the temporary index of `git
    // commit -a` or `git commit <paths>`) is for git to read: staged_paths asks it, since
    // libgit2 1.5 cannot read a sparse index.
    auto env = [](const char* name) -> std::optional<fs::path> {
        const char* v = std::getenv(name);
        if (v == nullptr || *v == '\0')
            return std::nullopt;
        return fs::path(v);
    };
    auto absolute = [&](const fs::path& p) { return p.is_absolute() ? p : fs::path(start) / p; };
    const auto git_dir_env = env("GIT_DIR");
    const char* ceiling = std::getenv("GIT_CEILING_DIRECTORIES");
    int rc = git_dir_env ? git_repository_open_ext(&raw, absolute(*git_dir_env).c_str(),
                                                   GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr)
                         : git_repository_open_ext(&raw, start.c_str(), 0, ceiling);
    if (rc == GIT_ENOTFOUND || rc == GIT_EOWNER)
        rc = open_owned_by_another(&raw, git_dir_env ? absolute(*git_dir_env).string() : start,
                                   git_dir_env.has_value(), ceiling, rc);
    if (rc == GIT_ENOTFOUND)
        throw Error(ErrorKind::fatal,
                    "not a git repository (or any of the parent directories): " +
                        (git_dir_env ? git_dir_env->string() : start),
                    "run git porch inside a clone, or create one with 'git init'");
    check(rc, "cannot open repository at " + start);
    auto impl = std::make_unique<Impl>();
    impl->repo.reset(raw);
    if (auto work_tree = env("GIT_WORK_TREE")) {
        // Only when it differs from what discovery found: libgit2 1.5's set_workdir leaks a
        // buffer (LeakSanitizer), and `git --work-tree=<root>` usually names the same folder.
        std::error_code ec;
        const char* found = git_repository_workdir(raw);
        if (found == nullptr || !fs::equivalent(fs::path(found), absolute(*work_tree), ec))
            check(git_repository_set_workdir(raw, absolute(*work_tree).c_str(), 0),
                  "cannot use GIT_WORK_TREE " + work_tree->string());
    }
    Repo repo(std::move(impl));
    repo.refresh_config(); // libgit2's own lookups read the snapshot from now on
    return repo;
}

std::string Repo::git_dir() const {
    return strip_trailing_slash(git_repository_path(m_impl->repo.get()));
}

std::string Repo::common_dir() const {
    return strip_trailing_slash(git_repository_commondir(m_impl->repo.get()));
}

std::optional<std::string> Repo::workdir() const {
    const char* wd = git_repository_workdir(m_impl->repo.get());
    if (wd == nullptr)
        return std::nullopt;
    return strip_trailing_slash(wd);
}

std::optional<std::string> Repo::main_workdir() const {
    if (!git_repository_is_worktree(m_impl->repo.get()))
        return workdir();
    // The common case, <root>/.git, needs no second repository open (hooks run on every commit).
    fs::path common = common_dir();
    if (common.filename() == ".git" && fs::is_regular_file(common / "HEAD") &&
        !git_repository_is_bare(m_impl->repo.get()))
        return common.parent_path().string();
    git_repository* raw = nullptr;
    check(git_repository_open(&raw, common_dir().c_str()), "cannot open the main repository");
    RepoPtr main(raw);
    const char* wd = git_repository_workdir(main.get());
    if (wd == nullptr)
        return std::nullopt;
    return strip_trailing_slash(wd);
}

bool Repo::is_bare() const {
    return git_repository_is_bare(m_impl->repo.get()) == 1;
}

bool Repo::is_shallow() const {
    return git_repository_is_shallow(m_impl->repo.get()) == 1;
}

bool Repo::has_no_commits() const {
    int rc = git_repository_is_empty(m_impl->repo.get());
    check(rc, "cannot inspect HEAD");
    return rc == 1;
}

} // namespace porch::git
