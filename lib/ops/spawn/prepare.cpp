#include "ops/spawn/prepare.hpp"

#include "model/naming.hpp"
#include "util/error.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <glob.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace porch::ops {

namespace fs = std::filesystem;

namespace {

const std::string config_hint =
    "fix [worktree] in .porch.toml, or see CONFIGURATION in git-porch(1)";

[[noreturn]] void refuse(const std::string& key, const std::string& entry, const std::string& why) {
    throw Error(ErrorKind::fatal,
                "cannot prepare the worktree: '" + key + "' entry " + protocol::quote(entry) + " " +
                    why,
                config_hint);
}

bool inside(const fs::path& root, const fs::path& p) {
    auto rel = p.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
}

class Planner {
public:
    explicit Planner(const fs::path& root) : m_root(root), m_real_root(fs::canonical(root)) {}

    // One match of an entry: refused when it, or a folder on its way, resolves outside.
    void add(const std::string& key, const std::string& entry, fs::path rel) {
        if (!rel.empty() && !rel.has_filename()) // "node_modules/": the folder, not its target
            rel = rel.parent_path();
        if (rel.empty() || *rel.begin() == ".git")
            return;
        std::error_code ec;
        const fs::path full = m_root / rel;
        if (!inside(m_real_root, fs::weakly_canonical(full.parent_path(), ec)) || ec)
            refuse(key, entry, "leads outside the repository through a symbolic link");
        auto st = fs::symlink_status(full, ec);
        if (ec || !fs::exists(st))
            return;
        if (fs::is_symlink(st)) {
            auto target = fs::weakly_canonical(full, ec);
            if (ec || !inside(m_real_root, target))
                refuse(key, entry,
                       "is a symbolic link leading outside the repository (to " + target.string() +
                           ")");
            m_plan.items.push_back({CopyItem::Kind::link, rel, 0});
        } else if (fs::is_directory(st)) {
            add_folder(rel);
        } else if (fs::is_regular_file(st)) {
            add_file(rel, fs::file_size(full, ec));
        }
    }

    CopyPlan take() { return std::move(m_plan); }

private:
    void add_file(const fs::path& rel, std::uintmax_t size) {
        m_plan.items.push_back({CopyItem::Kind::file, rel, size});
        ++m_plan.files;
        m_plan.bytes += size;
    }

    // A folder whole; links inside are kept as links, never followed.
    void add_folder(const fs::path& rel) {
        m_plan.items.push_back({CopyItem::Kind::folder, rel, 0});
        std::error_code ec;
        for (fs::recursive_directory_iterator it(m_root / rel, ec), end; !ec && it != end;
             it.increment(ec)) {
            auto st = it->symlink_status(ec);
            const fs::path sub = rel / it->path().lexically_relative(m_root / rel);
            if (fs::is_symlink(st))
                m_plan.items.push_back({CopyItem::Kind::link, sub, 0});
            else if (fs::is_directory(st))
                m_plan.items.push_back({CopyItem::Kind::folder, sub, 0});
            else if (fs::is_regular_file(st))
                add_file(sub, it->file_size(ec));
        }
    }

    fs::path m_root, m_real_root;
    CopyPlan m_plan;
};

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0)
            close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

[[noreturn]] void cannot_copy(const fs::path& rel, int err) {
    throw Error(ErrorKind::fatal,
                "cannot copy " + rel.string() + " into the new worktree: " + std::strerror(err));
}

class Copier {
public:
    Copier(const model::Context& ctx, const CopyPlan& plan, const fs::path& worktree)
        : m_ctx(ctx), m_plan(plan), m_from(*ctx.root), m_to(worktree) {}

    CopyOutcome run() {
        // What the worktree lacks: the total said first counts only that.
        std::vector<const CopyItem*> todo;
        for (const auto& item : m_plan.items) {
            std::error_code ec;
            if (item.kind == CopyItem::Kind::folder ||
                !fs::exists(fs::symlink_status(m_to / item.rel, ec))) {
                todo.push_back(&item);
                if (item.kind == CopyItem::Kind::file) {
                    ++m_files;
                    m_bytes += item.size;
                }
            }
        }
        for (const CopyItem* item : todo) {
            const fs::path to = m_to / item->rel;
            std::error_code ec;
            if (item->kind == CopyItem::Kind::folder) {
                fs::create_directories(to, ec);
                continue;
            }
            fs::create_directories(to.parent_path(), ec);
            if (item->kind == CopyItem::Kind::link)
                fs::copy_symlink(m_from / item->rel, to, ec);
            else
                copy_file(*item);
        }
        return m_out;
    }

private:
    void announce() {
        if (m_ctx.notices.say)
            m_ctx.notices.say("copying " + copy_size_text(m_files, m_bytes) +
                              (m_out.reflink ? " (reflink)" : " (plain copy)"));
    }

    void copy_file(const CopyItem& item) {
        Fd in(open((m_from / item.rel).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        struct stat st {};
        if (in.fd < 0 || fstat(in.fd, &st) != 0)
            cannot_copy(item.rel, errno);
        const fs::path to = m_to / item.rel;
        Fd out(open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                    st.st_mode & 07777));
        if (out.fd < 0)
            cannot_copy(item.rel, errno);
        // The first file decides how the total is announced: cloned, or copied byte by byte.
        bool cloned =
            (m_tried_reflink ? m_out.reflink : true) && ioctl(out.fd, FICLONE, in.fd) == 0;
        if (!m_tried_reflink) {
            m_tried_reflink = true;
            m_out.reflink = cloned;
            announce();
        }
        if (!cloned)
            copy_bytes(in.fd, out.fd, item.rel);
        else
            report(static_cast<std::uintmax_t>(st.st_size));
        const std::array<timespec, 2> times{st.st_atim, st.st_mtim};
        fchmod(out.fd, st.st_mode & 07777);
        futimens(out.fd, times.data());
        ++m_out.files;
        m_out.bytes += static_cast<std::uintmax_t>(st.st_size);
    }

    void copy_bytes(int in, int out, const fs::path& rel) {
        std::array<char, 1 << 20> buffer;
        for (;;) {
            ssize_t r = read(in, buffer.data(), buffer.size());
            if (r < 0 && errno == EINTR)
                continue;
            if (r < 0)
                cannot_copy(rel, errno);
            if (r == 0)
                return;
            for (ssize_t done = 0; done < r;) {
                ssize_t w = write(out, buffer.data() + done, static_cast<std::size_t>(r - done));
                if (w < 0 && errno == EINTR)
                    continue;
                if (w < 0)
                    cannot_copy(rel, errno);
                done += w;
            }
            report(static_cast<std::uintmax_t>(r));
        }
    }

    void report(std::uintmax_t bytes) {
        m_done += bytes;
        if (m_ctx.notices.progress)
            m_ctx.notices.progress(m_done, m_bytes);
    }

    const model::Context& m_ctx;
    const CopyPlan& m_plan;
    fs::path m_from, m_to;
    CopyOutcome m_out;
    std::size_t m_files = 0; // to copy
    std::uintmax_t m_bytes = 0;
    std::uintmax_t m_done = 0;
    bool m_tried_reflink = false;
};

} // namespace

CopyPlan plan_copies(const model::Context& ctx) {
    const auto& cfg = ctx.config;
    if (!ctx.root || (cfg.worktree_copy.empty() && cfg.worktree_clone.empty()))
        return {};
    const fs::path root(*ctx.root);
    Planner planner(root);
    for (const auto& pattern : cfg.worktree_copy) {
        // The matches are copied out before any is checked: a refused entry throws, and the
        // glob's memory must not go with it.
        std::vector<fs::path> matches;
        glob_t g{};
        const std::string full = (root / pattern).string();
        if (glob(full.c_str(), GLOB_NOSORT, nullptr, &g) == 0)
            for (std::size_t i = 0; i < g.gl_pathc; ++i)
                matches.push_back(fs::path(g.gl_pathv[i]).lexically_relative(root));
        globfree(&g);
        for (const auto& match : matches)
            planner.add("worktree.copy", pattern, match);
    }
    for (const auto& folder : cfg.worktree_clone)
        planner.add("worktree.clone", folder, fs::path(folder).lexically_normal());
    return planner.take();
}

CopyOutcome copy_into(const model::Context& ctx, const CopyPlan& plan, const fs::path& worktree) {
    if (plan.items.empty())
        return {};
    return Copier(ctx, plan, worktree).run();
}

std::string copy_size_text(std::size_t files, std::uintmax_t bytes) {
    constexpr std::uintmax_t mb = 1024 * 1024;
    std::string size = bytes >= 10 * mb ? std::to_string(bytes / mb) + " MB"
                       : bytes >= mb    ? std::to_string(bytes * 10 / mb / 10) + "." +
                                           std::to_string(bytes * 10 / mb % 10) + " MB"
                       : bytes >= 1024 ? std::to_string(bytes / 1024) + " KB"
                                       : std::to_string(bytes) + " bytes";
    return std::to_string(files) + (files == 1 ? " file, " : " files, ") + size;
}

} // namespace porch::ops
