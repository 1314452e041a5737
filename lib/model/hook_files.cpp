#include "model/hook_files.hpp"

#include "git/cli.hpp"
#include "model/shim_template.hpp"
#include "util/error.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace porch::hooks {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view marker = "# git-porch hook shim v1";

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool is_ours(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return false;
    std::ifstream in(path, std::ios::binary);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    return second.starts_with(marker);
}

bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(p, ec));
}

// Writes through a temporary file and a rename, so a hook is never seen half-written.
void write_executable(const fs::path& path, const std::string& content) {
    fs::path tmp = path;
    tmp += ".porch-tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.close();
        if (!out)
            throw Error(ErrorKind::fatal, "cannot write " + tmp.string());
    }
    if (::chmod(tmp.c_str(), 0755) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
        int saved = errno;
        fs::remove(tmp);
        throw Error(ErrorKind::fatal,
                    "cannot install " + path.string() + ": " + std::strerror(saved));
    }
}

void rename_or_fail(const fs::path& from, const fs::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0)
        throw Error(ErrorKind::fatal, "cannot rename " + from.string() + " to " + to.string() +
                                          ": " + std::strerror(errno));
}

struct Where {
    fs::path dir;
    std::string hooks_path_setting; // core.hooksPath as configured, empty when unset
    fs::path root;                  // this worktree's root
};

Where locate_hooks(const std::string& cwd) {
    process::Options opts;
    opts.cwd = cwd;
    auto r = git::run(
        {"rev-parse", "--path-format=absolute", "--git-path", "hooks", "--show-toplevel"}, opts);
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot find the hooks folder: " + r.last_error_line());
    std::istringstream lines(r.out);
    Where w;
    std::string dir, top;
    std::getline(lines, dir);
    std::getline(lines, top);
    w.dir = dir;
    w.root = top;
    auto setting = git::run({"config", "--get", "core.hooksPath"}, opts);
    if (setting.ok()) {
        w.hooks_path_setting = setting.out;
        while (!w.hooks_path_setting.empty() && w.hooks_path_setting.back() == '\n')
            w.hooks_path_setting.pop_back();
    }
    return w;
}

void describe_managers(const Where& w, Report& report) {
    const std::string& hp = w.hooks_path_setting;
    if (!hp.empty() && fs::path(hp).is_relative() && !hp.starts_with("~"))
        report.notes.push_back("core.hooksPath is relative ('" + hp +
                               "'): every worktree reads its own copy of that folder, so commit "
                               "porch's shims there for workers to get them");
    if (present(w.root / "lefthook.yml") || present(w.root / ".lefthook.yml") ||
        present(w.root / "lefthook.yaml"))
        report.notes.push_back(
            "lefthook found: 'lefthook install' rewrites hooks; add to lefthook.yml so porch "
            "survives it:\n  commit-msg:\n    commands:\n      porch:\n        run: git porch hook "
            "commit-msg {1}\n  post-commit:\n    commands:\n      porch:\n        run: git porch "
            "hook post-commit");
    if (present(w.root / ".pre-commit-config.yaml"))
        report.notes.push_back(
            "pre-commit found: 'pre-commit install' rewrites hooks; add a local hook so porch "
            "survives it:\n  - repo: local\n    hooks:\n      - id: git-porch-commit-msg\n        "
            "name: git porch\n        entry: git porch hook commit-msg\n        language: system\n "
            "       stages: [commit-msg]");
}

bool is_husky(const Where& w) {
    return w.hooks_path_setting.find(".husky") != std::string::npos;
}

HookInfo inspect(const fs::path& dir, std::string_view name, const std::string& binary) {
    HookInfo info;
    info.name = std::string(name);
    fs::path hook = dir / std::string(name);
    fs::path chained = dir / (std::string(name) + std::string(chained_suffix));
    info.path = hook.string();
    if (is_ours(hook)) {
        info.state = present(chained) ? State::chained : State::ours;
        info.shim_outdated = !binary.empty() && read_file(hook) != shim_text(name, binary);
    } else if (present(hook)) {
        info.state = State::foreign;
    }
    return info;
}

// Takes porch's shim away and puts back the hook it chained, if any.
void remove_shim(const fs::path& dir, std::string_view name, Report& report) {
    fs::path hook = dir / std::string(name);
    fs::path chained = dir / (std::string(name) + std::string(chained_suffix));
    if (!is_ours(hook)) {
        if (present(chained))
            report.notes.push_back(hook.string() + " is not porch's shim, so " +
                                   chained.filename().string() + " was left alone");
        return;
    }
    if (present(chained)) {
        rename_or_fail(chained, hook);
        report.actions.push_back("restored your " + std::string(name));
    } else {
        fs::remove(hook);
        report.actions.push_back("removed " + std::string(name));
    }
}

} // namespace

std::string_view to_string(State state) {
    switch (state) {
    case State::absent:
        return "absent";
    case State::ours:
        return "installed";
    case State::chained:
        return "installed (chains your hook)";
    case State::foreign:
        return "not ours (porch inactive)";
    }
    return "absent";
}

std::string shim_text(std::string_view name, const std::string& binary) {
    const std::string n(name);
    std::string text(shim_template); // hooks/shim.sh, compiled in
    auto fill = [&](std::string_view key, const std::string& value) {
        for (auto pos = text.find(key); pos != std::string::npos;
             pos = text.find(key, pos + value.size()))
            text.replace(pos, key.size(), value);
    };
    // A failing post-* hook cannot undo the commit; porch must still record it.
    fill("{{CHAIN}}", n.starts_with("post-")
                          ? "if [ -x \"$chained\" ]; then \"$chained\" \"$@\"; fi"
                          : "if [ -x \"$chained\" ]; then \"$chained\" \"$@\" || exit $?; fi");
    fill("{{NAME}}", n);
    fill("{{BINARY}}", util::shell_quote(binary));
    return text;
}

Report status(const std::string& cwd, const std::string& binary) {
    Where w = locate_hooks(cwd);
    Report report;
    report.dir = w.dir.string();
    for (auto name : hook_names)
        report.hooks.push_back(inspect(w.dir, name, binary));
    describe_managers(w, report);
    if (is_husky(w))
        report.notes.push_back("husky manages core.hooksPath ('" + w.hooks_path_setting +
                               "'): add 'git porch hook <name> \"$@\"' to .husky/commit-msg, "
                               ".husky/post-commit and .husky/post-merge");
    return report;
}

Report install(const std::string& cwd, const std::string& binary) {
    Where w = locate_hooks(cwd);
    if (is_husky(w))
        throw Error(ErrorKind::fatal,
                    "husky owns the hooks folder (core.hooksPath = " + w.hooks_path_setting +
                        "); porch will not write there",
                    "add these lines to the husky hooks instead:\n"
                    ".husky/commit-msg:  git porch hook commit-msg \"$1\"\n"
                    ".husky/post-commit: git porch hook post-commit\n"
                    ".husky/post-merge:  git porch hook post-merge \"$1\"");
    Report report;
    report.dir = w.dir.string();
    std::error_code ec;
    fs::create_directories(w.dir, ec);
    if (ec)
        throw Error(ErrorKind::fatal, "cannot create " + w.dir.string() + ": " + ec.message());
    for (auto name : hook_names) {
        fs::path hook = w.dir / std::string(name);
        fs::path chained = w.dir / (std::string(name) + std::string(chained_suffix));
        std::string shim = shim_text(name, binary);
        if (is_ours(hook)) {
            if (read_file(hook) != shim) {
                write_executable(hook, shim);
                report.actions.push_back("updated " + std::string(name));
            }
        } else if (present(hook)) {
            if (present(chained))
                throw Error(ErrorKind::fatal,
                            "both " + hook.string() + " and " + chained.string() +
                                " exist; porch will not guess which to keep",
                            "merge them by hand, remove one, then run git porch hooks install");
            // Keep the user's hook byte for byte (a rename keeps content, mode and times) and
            // call it first from the shim.
            rename_or_fail(hook, chained);
            try {
                write_executable(hook, shim);
            } catch (...) {
                rename_or_fail(chained, hook);
                throw;
            }
            report.actions.push_back("installed " + std::string(name) + " (your hook is kept as " +
                                     chained.filename().string() + " and still runs first)");
        } else {
            write_executable(hook, shim);
            report.actions.push_back("installed " + std::string(name));
        }
        report.hooks.push_back(inspect(w.dir, name, binary));
    }
    // Their checks moved into commit-msg; a shim left behind would only cost time.
    for (auto name : retired_hook_names)
        if (is_ours(w.dir / std::string(name)))
            remove_shim(w.dir, name, report);
    describe_managers(w, report);
    return report;
}

Report uninstall(const std::string& cwd) {
    Where w = locate_hooks(cwd);
    Report report;
    report.dir = w.dir.string();
    for (auto name : hook_names)
        remove_shim(w.dir, name, report);
    for (auto name : retired_hook_names)
        remove_shim(w.dir, name, report);
    std::error_code ec;
    fs::remove(w.dir / ".porch-tmp", ec);
    for (auto name : hook_names)
        report.hooks.push_back(inspect(w.dir, name, {}));
    return report;
}

} // namespace porch::hooks
