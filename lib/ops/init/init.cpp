#include "ops/init/init.hpp"

#include "git/cli.hpp"
#include "model/hook_files.hpp"
#include "model/setup.hpp"
#include "model/store.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/random.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace porch::ops {

using namespace model;

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
        throw Error(ErrorKind::fatal,
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
        throw Error(ErrorKind::fatal,
                    "cannot write " + path.string() + ": " + std::strerror(failed));
    return created;
}

} // namespace

InitResult init_repository(Context& ctx, const std::string& binary) {
    InitResult result;
    std::vector<std::string>& done = result.actions;
    if (!ctx.root)
        throw Error(ErrorKind::fatal, "cannot init a bare repository: porch needs a main worktree",
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

} // namespace porch::ops
