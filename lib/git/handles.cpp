#include "git/handles.hpp"

#include "util/error.hpp"

#include <cstdlib>
#include <iterator>
#include <string_view>
#include <zlib.h>

// porch never lets libgit2 touch the network (fetch and push go through the git CLI), yet
// libgit2 1.5 as Debian builds it (with mbedTLS) sets up TLS inside git_libgit2_init: it
// gathers entropy (HAVEGE) and parses the whole system CA bundle, most of a hook run's
// instructions. Statically linked, the linker redirects libgit2's call here (--wrap, see
// cmake/libgit2.cmake) and none of it happens; dynamically linked, this definition of the CA
// parser takes precedence over libmbedx509's (ELF symbol interposition). Were libgit2 ever to
// open a TLS connection, it would fail closed, not open.
#ifdef PORCH_STATIC_LIBGIT2
extern "C" int __wrap_git_mbedtls_stream_global_init(void) {
    return 0;
}

// libssh2_init only primes OpenSSL (engine loading: ~10% of a hook run); OpenSSL 3 initialises
// itself on first use, and porch never opens an ssh connection through libgit2.
extern "C" int __wrap_libssh2_init(int /*flags*/) {
    return 0;
}

// libgit2 writes loose objects with zlib's default stream: a 32 KB window and a 64 KB hash table,
// 256 KB in all, cleared and first touched by every process that writes one (post-commit writes
// four: ~0.3 ms of page faults here). porch's objects are a worker's live note (at most 48 events,
// ~18 KB), notes trees (the top one ~7 KB at 1,000 workers: 256 fanout folders) and commits.
// Deflating them was half of post-commit's instructions at 1,000 workers, and inflating the top
// tree a fifth of commit-msg's, for little: a tree is mostly object ids. They are written stored
// (zlib's level 0, as git writes them with core.looseCompression=0): a valid zlib stream any git
// reads, copied instead of compressed; git gc compresses them into a pack. libgit2 cannot be
// asked for this itself: to its loose backend, level 0 means no zlib stream at all.
extern "C" int __wrap_deflateInit_(z_streamp stream, int /*level*/, const char* version, int size) {
    constexpr int window_bits = 12, mem_level = 4;
    return deflateInit2_(stream, Z_NO_COMPRESSION, Z_DEFLATED, window_bits, mem_level,
                         Z_DEFAULT_STRATEGY, version, size);
}

// libgit2's HTTP "Negotiate" authentication is the only user of GSSAPI, and Kerberos ships no
// static archive: loading its seven shared libraries would cost every hook run. porch never
// authenticates through libgit2, so these stand-ins report failure (GSS_S_FAILURE), which
// libgit2 treats as "mechanism unavailable".
extern "C" {
constexpr unsigned gss_failure = 13u << 16;
void* GSS_C_NT_HOSTBASED_SERVICE = nullptr;
unsigned gss_indicate_mechs(unsigned* minor, void** set) {
    *minor = 0;
    if (set)
        *set = nullptr;
    return gss_failure;
}
unsigned gss_release_oid_set(unsigned* minor, void**) {
    return *minor = 0, 0;
}
unsigned gss_import_name(unsigned* minor, const void*, const void*, void**) {
    return *minor = 0, gss_failure;
}
unsigned gss_release_name(unsigned* minor, void**) {
    return *minor = 0, 0;
}
unsigned gss_init_sec_context(unsigned* minor, ...) {
    return *minor = 0, gss_failure;
}
unsigned gss_delete_sec_context(unsigned* minor, void**, void*) {
    return *minor = 0, 0;
}
unsigned gss_release_buffer(unsigned* minor, void*) {
    return *minor = 0, 0;
}
unsigned gss_display_status(unsigned* minor, unsigned, int, const void*, unsigned*, void*) {
    return *minor = 0, gss_failure;
}
}
#else
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) {
    return 0;
}
#endif

namespace porch::git::detail {

void ensure_init() {
    static const bool initialised = [] {
        git_libgit2_init();
        // Repositories that use `git config --worktree` carry extensions.worktreeConfig, which
        // libgit2 1.5 refuses to open. porch never relies on per-worktree config, so accepting
        // the extension (and not reading config.worktree) is safe.
        const char* extensions[] = {"worktreeconfig"};
        git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, std::size(extensions));
        // git does not re-hash every object it reads; libgit2 does by default, and for a note
        // of a few hundred events that is most of a hook's read time.
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // Nor does git check that the objects a new tree, commit or ref names exist: porch only
        // names objects it has just written or read, and each check opened and inflated a loose
        // object again (four per recorded event).
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
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
        throw Error(ErrorKind::fatal, context + ": " + last_error_message());
}

} // namespace porch::git::detail
