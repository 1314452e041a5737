#include "git/handles.hpp"

#include "error.hpp"

#include <cstdlib>
#include <iterator>
#include <string_view>

// porch never lets libgit2 touch the network (fetch and push go through the git CLI), yet
// libgit2 1.5 as Debian builds it (with mbedTLS) parses the whole system CA bundle inside
// git_libgit2_init: about 70% of the instructions of a hook run. Defining the parser here takes
// precedence over libmbedx509's (ELF symbol interposition), so no certificate is parsed. Were
// libgit2 ever to open a TLS connection, verification would fail closed, not open.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }

namespace porch::git::detail {

void ensure_init() {
    static const bool initialised = [] {
        git_libgit2_init();
        // Repositories that use `git config --worktree` carry extensions.worktreeConfig, which
        // libgit2 1.5 refuses to open. porch never relies on per-worktree config, so accepting
        // the extension (and not reading config.worktree) is safe.
        const char* extensions[] = {"worktreeconfig"};
        git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, std::size(extensions));
        // git skips /etc/gitconfig under GIT_CONFIG_NOSYSTEM; libgit2 does not know the variable.
        if (const char* nosystem = std::getenv("GIT_CONFIG_NOSYSTEM");
            nosystem != nullptr && *nosystem != '\0' && std::string_view(nosystem) != "0" &&
            std::string_view(nosystem) != "false")
            git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
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
