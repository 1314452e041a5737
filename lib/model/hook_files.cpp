#include "model/hook_files.hpp"

#include "git/cli.hpp"
#include "model/shim_template.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/process.hpp"
#include "util/text.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <sys/stat.h>

namespace porch::hooks {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view marker = "# git-porch hook shim v1";

std::string text_of(const fs::path& path) {
    return util::read_file(path.string()).value_or(""); // missing: nothing to look at
}

bool is_shim(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return false;
    std::ifstream in(path, std::ios::binary);
    std::string first, second;
    std::getline(in, first);
    std::getline(in, second);
    return second.starts_with(marker);
}

// A direct hook: a symbolic link to git-porch, which knows the hook by the name it is run as.
std::optional<fs::path> direct_target(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(path, ec)))
        return std::nullopt;
    fs::path target = fs::read_symlink(path, ec);
    if (ec || target.filename() != "git-porch")
        return std::nullopt;
    return target;
}

bool is_ours(const fs::path& path) {
    return is_shim(path) || direct_target(path).has_value();
}

bool present(const fs::path& p) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(p, ec));
}

// Puts at `path` what `make` makes at a temporary path beside it (returning why it could not,
// or ""), by a rename: a hook is never seen half-written, and a failed step leaves no temporary
// file behind.
void install_file(const fs::path& path, const std::function<std::string(const fs::path&)>& make) {
    fs::path tmp = path;
    tmp += ".porch-tmp";
    std::error_code ec;
    fs::remove(tmp, ec);
    std::string why = make(tmp);
    if (why.empty() && ::rename(tmp.c_str(), path.c_str()) != 0)
        why = std::strerror(errno);
    if (!why.empty()) {
        fs::remove(tmp, ec);
        throw Error(ErrorKind::fatal, "cannot install " + path.string() + ": " + why);
    }
}

void write_executable(const fs::path& path, const std::string& content) {
    install_file(path, [&](const fs::path& tmp) -> std::string {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.close();
        if (!out)
            return "cannot write " + tmp.string();
        return ::chmod(tmp.c_str(), 0755) == 0 ? "" : std::strerror(errno);
    });
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
    fs::path own;                   // the repository's own hooks folder, <common dir>/hooks
    std::optional<bool> direct;     // porch.directHooks, when set
};

Where locate_hooks(const std::string& cwd) {
    process::Options opts;
    opts.cwd = cwd;
    auto r = git::run({"rev-parse", "--path-format=absolute", "--git-path", "hooks",
                       "--show-toplevel", "--git-common-dir"},
                      opts);
    if (!r.ok())
        throw Error(ErrorKind::fatal, "cannot find the hooks folder: " + r.last_error_line());
    std::istringstream lines(r.out);
    Where w;
    std::string dir, top, common;
    std::getline(lines, dir);
    std::getline(lines, top);
    std::getline(lines, common);
    w.dir = dir;
    w.root = top;
    w.own = fs::path(common) / "hooks";
    auto setting = git::run({"config", "--get", "core.hooksPath"}, opts);
    if (setting.ok()) {
        w.hooks_path_setting = setting.out;
        while (!w.hooks_path_setting.empty() && w.hooks_path_setting.back() == '\n')
            w.hooks_path_setting.pop_back();
    }
    auto direct = git::run({"config", "--type=bool", "--get", "porch.directHooks"}, opts);
    if (direct.ok())
        w.direct = util::trim(direct.out) == "true";
    else if (direct.exit_code != 1) // 1: unset
        throw Error(ErrorKind::fatal,
                    "porch.directHooks is not a boolean: " + direct.last_error_line(),
                    "git config porch.directHooks true (or false, or --unset it)");
    return w;
}

// Whether porch's `name` hook is a link to `binary` rather than a shim: it spares the commit a
// shell, but a link left behind when the binary moves makes git skip the hook, where a shim
// still finds git-porch on PATH. So by default only for a binary in a folder a package manager
// or `make install` keeps it in, and only in the repository's own hooks folder (one named by
// core.hooksPath may be shared or committed); porch.directHooks decides otherwise. A hook to
// chain needs the shim, which runs it first.
bool wants_direct(const Where& w, std::string_view name, const std::string& binary) {
    // A link is recognised as porch's by its target's name: a renamed binary, or one replaced
    // while it ran ("git-porch (deleted)"), gets the shim.
    if (binary.empty() || fs::path(binary).filename() != "git-porch" ||
        present(w.dir / (std::string(name) + std::string(chained_suffix))))
        return false;
    if (w.direct)
        return *w.direct;
    if (!w.hooks_path_setting.empty())
        return false;
    const std::string folder = fs::path(binary).parent_path().string();
    for (const char* kept :
         {"/usr/bin", "/bin", "/usr/local/bin", "/usr/lib/git-core", "/usr/libexec/git-core"})
        if (folder == kept)
            return true;
    return false;
}

// Whether the hook file is what install would write now.
bool up_to_date(const Where& w, std::string_view name, const std::string& binary) {
    const fs::path hook = w.dir / std::string(name);
    if (wants_direct(w, name, binary)) {
        auto target = direct_target(hook);
        return target && *target == fs::path(binary);
    }
    return is_shim(hook) && text_of(hook) == shim_text(name, binary);
}

void write_link(const fs::path& hook, const std::string& binary) {
    install_file(hook, [&](const fs::path& tmp) {
        std::error_code ec;
        fs::create_symlink(binary, tmp, ec);
        return ec ? ec.message() : std::string();
    });
}

// Writes porch's `name` hook as install wants it now.
void write_hook(const Where& w, std::string_view name, const std::string& binary) {
    const fs::path hook = w.dir / std::string(name);
    if (wants_direct(w, name, binary))
        write_link(hook, binary);
    else
        write_executable(hook, shim_text(name, binary));
}

enum class Manager { none, husky, lefthook, pre_commit };

std::string_view manager_name(Manager m) {
    switch (m) {
    case Manager::husky:
        return "husky";
    case Manager::lefthook:
        return "lefthook";
    case Manager::pre_commit:
        return "pre-commit";
    case Manager::none:
        break;
    }
    return "";
}

// Which manager generated a hook file, from the marks each one writes.
Manager script_manager(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || is_ours(path))
        return Manager::none;
    std::string head = text_of(path).substr(0, 4096);
    if (head.find("File generated by pre-commit") != std::string::npos)
        return Manager::pre_commit;
    if (head.find("call_lefthook") != std::string::npos ||
        head.find("lefthook run") != std::string::npos)
        return Manager::lefthook;
    return Manager::none;
}

// Whether a manager's file has a line that runs porch's `name` hook.
bool runs_porch(const std::string& text, std::string_view name) {
    const std::string wanted = " hook " + std::string(name);
    for (auto line : util::split_lines(text))
        if (line.find(wanted) != std::string_view::npos &&
            (line.find("git porch") != std::string_view::npos ||
             line.find("git-porch") != std::string_view::npos))
            return true;
    return false;
}

// What the hook managers of a worktree say: their configs, read once.
struct Managers {
    std::string husky_dir; // husky's folder as configured ("" without husky): <dir>/_ is git's
    std::string lefthook_file, lefthook_text;
    bool pre_commit = false;
    std::string pre_commit_text;
};

// husky 9 sets core.hooksPath to <dir>/_ (`husky <dir>`, .husky by default); older ones to
// .husky itself.
std::string husky_dir_of(const std::string& hooks_path) {
    if (hooks_path == "_")
        return ".";
    if (hooks_path.ends_with("/_"))
        return hooks_path.substr(0, hooks_path.size() - 2);
    if (hooks_path.find(".husky") != std::string::npos)
        return hooks_path;
    return "";
}

Managers read_managers(const Where& w) {
    Managers m;
    m.husky_dir = husky_dir_of(w.hooks_path_setting);
    for (const char* name : {"lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml"})
        if (present(w.root / name)) {
            m.lefthook_file = name;
            m.lefthook_text = text_of(w.root / name);
            if (present(w.root / "lefthook-local.yml"))
                m.lefthook_text += text_of(w.root / "lefthook-local.yml");
            break;
        }
    m.pre_commit = present(w.root / ".pre-commit-config.yaml");
    if (m.pre_commit)
        m.pre_commit_text = text_of(w.root / ".pre-commit-config.yaml");
    return m;
}

// What a manager's config makes of porch's `name` hook: the file that runs porch, or "".
std::string config_running_porch(const Where& w, const Managers& m, Manager which,
                                 std::string_view name) {
    if (which == Manager::lefthook && runs_porch(m.lefthook_text, name))
        return m.lefthook_file;
    if (which == Manager::pre_commit && runs_porch(m.pre_commit_text, name))
        return ".pre-commit-config.yaml";
    if (which == Manager::husky) {
        const std::string file = (fs::path(m.husky_dir) / std::string(name)).string();
        if (runs_porch(text_of(w.root / file), name))
            return file;
    }
    return "";
}

std::string yaml_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

// The lines to add to lefthook.yml for the hooks it does not run porch for yet.
void advise_lefthook(const Managers& m, const std::vector<std::string>& names,
                     const std::string& binary, Report& report) {
    std::string text = "lefthook found: 'lefthook install' replaces porch's hooks and never runs "
                       "them again; add these lines to " +
                       m.lefthook_file +
                       " and commit them (a worktree runs the one it has checked out):";
    for (const auto& name : names)
        text += "\n" + name + ":\n  commands:\n    porch:\n      run: " +
                yaml_quote(porch_command(name, binary, name == "post-commit" ? "" : "{1}"));
    report.notes.push_back(text);
}

void describe_managers(const Where& w, const Managers& m, const std::vector<HookInfo>& hooks,
                       const std::string& binary, Report& report) {
    const std::string& hp = w.hooks_path_setting;
    if (!hp.empty() && m.husky_dir.empty() && fs::path(hp).is_relative() && !hp.starts_with("~"))
        report.notes.push_back("core.hooksPath is relative ('" + hp +
                               "'): every worktree reads its own copy of that folder, so commit "
                               "porch's shims there for workers to get them");
    std::vector<std::string> lefthook;
    for (const auto& h : hooks)
        if (!m.lefthook_file.empty() && !runs_porch(m.lefthook_text, h.name))
            lefthook.push_back(h.name);
    if (!lefthook.empty())
        advise_lefthook(m, lefthook, binary, report);
    // pre-commit keeps porch's shims as <hook>.legacy and runs them first: porch needs no line
    // in its config (one there would run porch twice), only no --overwrite.
    if (m.pre_commit)
        report.notes.push_back(
            "pre-commit found: 'pre-commit install' keeps porch's hooks as <hook>.legacy and runs "
            "them first; 'pre-commit install -f' deletes them: run git porch hooks install after "
            "it");
}

// The lines to add to husky's hooks, one "<file>: <line>" each, for the hooks lacking porch.
std::string husky_lines(const Where& w, const Managers& m, const std::string& binary) {
    std::string lines;
    for (auto name : hook_names) {
        if (!config_running_porch(w, m, Manager::husky, name).empty())
            continue;
        const std::string file = (fs::path(m.husky_dir) / std::string(name)).string();
        lines += (lines.empty() ? "" : "\n") + file + ": " +
                 porch_command(name, binary, name == "post-commit" ? "" : "\"$1\"");
    }
    return lines;
}

HookInfo inspect(const Where& w, const Managers& m, std::string_view name,
                 const std::string& binary) {
    HookInfo info;
    info.name = std::string(name);
    const fs::path& dir = w.dir;
    fs::path hook = dir / std::string(name);
    fs::path chained = dir / (std::string(name) + std::string(chained_suffix));
    info.path = hook.string();
    if (!m.husky_dir.empty()) {
        // husky's generated hook runs <dir>/<name>, a file of the repository.
        info.via = config_running_porch(w, m, Manager::husky, name);
        info.state = !info.via.empty() ? State::managed
                     : present(hook)   ? State::foreign
                                       : State::absent;
        return info;
    }
    if (is_ours(hook)) {
        info.state = present(chained) ? State::chained : State::ours;
        info.shim_outdated = !binary.empty() && !up_to_date(w, name, binary);
        // Our shim calls a manager's hook that runs porch too.
        Manager chained_manager = script_manager(chained);
        info.runs_twice = chained_manager != Manager::none &&
                          !config_running_porch(w, m, chained_manager, name).empty();
    } else if (present(hook)) {
        info.state = State::foreign;
        Manager manager = script_manager(hook);
        info.via = config_running_porch(w, m, manager, name);
        const fs::path legacy = dir / (std::string(name) + ".legacy");
        if (manager == Manager::pre_commit && is_ours(legacy)) {
            // pre-commit runs the hook it replaced, kept as <name>.legacy, first.
            info.runs_twice = !info.via.empty();
            info.via = legacy.filename().string() + " (kept by pre-commit)" +
                       (info.runs_twice ? " and " + info.via : "");
        }
        if (!info.via.empty())
            info.state = State::managed;
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
    case State::managed:
        return "run by a hook manager";
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

std::string porch_command(std::string_view name, const std::string& binary, std::string_view args) {
    std::string command = "\"$(command -v git-porch || echo " + util::shell_quote(binary) +
                          ")\" hook " + std::string(name);
    if (!args.empty())
        command += " " + std::string(args);
    return command;
}

namespace {

std::vector<HookInfo> inspect_all(const Where& w, const Managers& m, const std::string& binary) {
    std::vector<HookInfo> out;
    for (auto name : hook_names)
        out.push_back(inspect(w, m, name, binary));
    return out;
}

// What managers leave behind: porch's shim kept by lefthook as <name>.old (never run, and the
// next `lefthook install` fails on it), and our chained copy of a manager's hook that the
// manager has written again since (`hooks install` would refuse on it).
void remove_leftovers(const Where& w, std::string_view name, Report& report) {
    const fs::path hook = w.dir / std::string(name);
    const std::string n(name);
    const fs::path old = w.dir / (n + ".old");
    if (is_ours(old)) {
        fs::remove(old);
        report.actions.push_back("removed " + old.filename().string() +
                                 " (porch's shim kept by lefthook, which never runs it)");
    }
    const fs::path chained = w.dir / (n + std::string(chained_suffix));
    if (!is_ours(hook) && script_manager(hook) != Manager::none &&
        script_manager(chained) != Manager::none) {
        fs::remove(chained);
        report.actions.push_back("removed " + chained.filename().string() + " (an old copy of " +
                                 std::string(manager_name(script_manager(hook))) +
                                 "'s hook, written again since)");
    }
}

// Puts our shim in front of a hook that does not run porch, keeping that hook beside it.
void chain(const Where& w, std::string_view name, const std::string& binary, Report& report) {
    fs::path hook = w.dir / std::string(name);
    fs::path chained = w.dir / (std::string(name) + std::string(chained_suffix));
    if (is_ours(hook)) {
        if (!up_to_date(w, name, binary)) {
            write_hook(w, name, binary);
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
            write_executable(hook, shim_text(name, binary));
        } catch (...) {
            rename_or_fail(chained, hook);
            throw;
        }
        report.actions.push_back("installed " + std::string(name) + " (your hook is kept as " +
                                 chained.filename().string() + " and still runs first)");
    } else {
        write_hook(w, name, binary);
        report.actions.push_back("installed " + std::string(name));
    }
}

} // namespace

Report status(const std::string& cwd, const std::string& binary) {
    Where w = locate_hooks(cwd);
    Managers m = read_managers(w);
    Report report;
    report.dir = w.dir.string();
    report.hooks = inspect_all(w, m, binary);
    describe_managers(w, m, report.hooks, binary, report);
    if (!m.husky_dir.empty()) {
        std::string lines = husky_lines(w, m, binary);
        if (!lines.empty())
            report.notes.push_back("husky manages core.hooksPath ('" + w.hooks_path_setting +
                                   "'): add these lines to husky's hooks, then commit them:\n" +
                                   lines);
    }
    return report;
}

Report install(const std::string& cwd, const std::string& binary) {
    Where w = locate_hooks(cwd);
    Managers m = read_managers(w);
    if (!m.husky_dir.empty()) {
        std::string lines = husky_lines(w, m, binary);
        if (!lines.empty())
            throw Error(ErrorKind::fatal,
                        "husky owns the hooks folder (core.hooksPath = " + w.hooks_path_setting +
                            "); porch will not write there",
                        "add these lines to husky's hooks, then commit them:\n" + lines);
        Report report;
        report.dir = w.dir.string();
        report.hooks = inspect_all(w, m, binary);
        return report;
    }
    Report report;
    report.dir = w.dir.string();
    std::error_code ec;
    fs::create_directories(w.dir, ec);
    if (ec)
        throw Error(ErrorKind::fatal, "cannot create " + w.dir.string() + ": " + ec.message());
    for (auto name : hook_names) {
        remove_leftovers(w, name, report);
        // A manager that runs porch already keeps doing so; a second run would only repeat the
        // checks (post-commit records a commit once).
        if (inspect(w, m, name, binary).state != State::managed)
            chain(w, name, binary, report);
        report.hooks.push_back(inspect(w, m, name, binary));
    }
    // Their checks moved into commit-msg; a shim left behind would only cost time.
    for (auto name : retired_hook_names)
        if (is_ours(w.dir / std::string(name)))
            remove_shim(w.dir, name, report);
    describe_managers(w, m, report.hooks, binary, report);
    return report;
}

Report uninstall(const std::string& cwd) {
    Where w = locate_hooks(cwd);
    Managers m = read_managers(w);
    Report report;
    report.dir = w.dir.string();
    std::vector<fs::path> dirs = {w.dir};
    std::error_code ec;
    // With core.hooksPath set, shims left in the repository's own folder come back to life the
    // day it is unset.
    if (fs::is_directory(w.own, ec) && !fs::equivalent(w.own, w.dir, ec))
        dirs.push_back(w.own);
    for (const auto& dir : dirs) {
        for (auto name : hook_names) {
            remove_shim(dir, name, report);
            for (const char* kept : {".legacy", ".old"}) {
                const fs::path copy = dir / (std::string(name) + kept);
                if (is_ours(copy)) {
                    fs::remove(copy);
                    report.actions.push_back("removed " + copy.string());
                }
            }
        }
        for (auto name : retired_hook_names)
            remove_shim(dir, name, report);
        fs::remove(dir / ".porch-tmp", ec);
    }
    report.hooks = inspect_all(w, m, {});
    for (const auto& h : report.hooks)
        if (h.state == State::managed)
            report.notes.push_back(h.via + " still runs porch's " + h.name +
                                   " hook: take porch's lines out of it");
    return report;
}

void provide_hooks_folder(const std::string& from, const std::string& worktree) {
    process::Options opts;
    opts.cwd = worktree;
    auto setting = git::run({"config", "--get", "core.hooksPath"}, opts);
    std::string hp = util::trim(setting.out);
    if (!setting.ok() || hp.empty() || fs::path(hp).is_absolute() || hp.starts_with("~"))
        return;
    const fs::path target = fs::path(worktree) / hp;
    const fs::path source = fs::path(from) / hp;
    std::error_code ec;
    if (fs::is_directory(target, ec))
        return;
    if (!fs::is_directory(source, ec)) {
        const std::string husky = husky_dir_of(hp);
        throw Error(ErrorKind::fatal,
                    "core.hooksPath is " + hp + ", which " + from +
                        " lacks too: git would run no hooks in the new worktree",
                    husky.empty() ? "git porch hooks install"
                                  : "npx husky" + (husky == ".husky" ? "" : " " + husky));
    }
    // A copy of what the generator (husky) would write there: the worktree's hooks run.
    fs::copy(source, target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec)
        throw Error(ErrorKind::fatal, "cannot copy " + source.string() + " to " + target.string() +
                                          ": " + ec.message());
}

} // namespace porch::hooks
