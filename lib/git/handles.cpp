#include "git/handles.hpp"

#include "error.hpp"

#include <iterator>

namespace porch::git::detail {

void ensure_init() {
    static const bool initialised = [] {
        git_libgit2_init();
        // Repositories that use `git config --worktree` carry extensions.worktreeConfig, which
        // libgit2 1.5 refuses to open. porch never relies on per-worktree config, so accepting
        // the extension (and not reading config.worktree) is safe.
        const char* extensions[] = {"worktreeconfig"};
        git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, std::size(extensions));
        return true;
    }();
    (void)initialised;
}

std::string last_error_message() {
    const git_error* e = git_error_last();
    if (e == nullptr || e->message == nullptr)
        return "unknown libgit2 error";
    return e->message;
}

void check(int rc, const std::string& context) {
    if (rc < 0)
        throw Error(ExitCode::fatal, context + ": " + last_error_message());
}

} // namespace porch::git::detail
