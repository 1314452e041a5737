// git-porch: the front end. Parses the command line, opens the repository for the commands
// that need one, and turns porch::Error into git's messages and exit codes.
#include "command.hpp"
#include "model/hook_files.hpp"
#include "render.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <malloc.h>
#include <optional>
#include <sstream>
#include <unistd.h>

#ifndef PORCH_VERSION
#define PORCH_VERSION "unknown"
#endif

namespace porch::cli {

namespace {

// What a long library step says goes to stderr (stdout stays the command's report); the progress
// line of a large copy only to a terminal, redrawn in place at most once a percent.
model::Notices stderr_notices() {
    model::Notices n;
    n.say = [](const std::string& line) { std::cerr << display(line) << '\n'; };
    if (!isatty(STDERR_FILENO))
        return n;
    n.progress = [last = -1](std::uintmax_t done, std::uintmax_t total) mutable {
        constexpr std::uintmax_t large = 32u << 20;
        if (total < large)
            return;
        const int percent = static_cast<int>(done * 100 / total);
        if (percent == last)
            return;
        last = percent;
        std::cerr << "\rcopying: " << percent << "% (" << (done >> 20) << " of " << (total >> 20)
                  << " MB)" << (done >= total ? "\n" : "") << std::flush;
    };
    return n;
}

std::string top_usage() {
    std::ostringstream out;
    out << "usage: git porch <command> [<options>]\n\ncommands:\n";
    for (const auto& c : commands())
        out << "   " << pad(c.name, 15) << c.summary << '\n';
    out << "   " << pad("help", 15) << "Show the manual; help <command>: that command's options\n"
        << "   " << pad("version", 15) << "Print the version\n";
    out << "\nSee 'git porch <command> -h' for a command's options and 'git porch --help' for the "
           "manual.\n";
    return out.str();
}

// `git porch --help` reaches us only when run as `git-porch --help`; git itself turns
// `git porch --help` into `man git-porch`. Either way the manual is the answer.
int show_manual() {
    std::cout.flush();
    if (isatty(STDOUT_FILENO) == 1) {
        execlp("man", "man", "git-porch", static_cast<char*>(nullptr));
    }
    std::cout << top_usage();
    return 0;
}

// git's exit codes: 128 for fatal errors, 129 for bad usage; 1 for a plain "no".
int exit_code(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::refused:
        return exit_refused;
    case ErrorKind::fatal:
        return exit_fatal;
    case ErrorKind::invalid:
        return exit_usage;
    }
    return exit_fatal;
}

void print_error(const Error& e) {
    const char* label = e.kind() == ErrorKind::fatal ? "fatal: " : "error: ";
    std::cerr << label << display(e.what()) << '\n';
    if (!e.hint().empty()) {
        std::istringstream lines(e.hint());
        std::string line;
        while (std::getline(lines, line))
            std::cerr << "hint: " << display(line) << '\n';
    }
}

// The hook this binary runs as when a hook file is a link to it (a direct hook, see
// lib/model/hook_files.cpp): git runs it by the hook's path, pre-commit by <name>.legacy once
// it has taken the hook's place.
std::optional<std::string_view> run_as_hook(const char* argv0) {
    std::string name = std::filesystem::path(argv0).filename().string();
    if (name.ends_with(".legacy"))
        name.resize(name.size() - std::string_view(".legacy").size());
    for (auto hook : hooks::hook_names)
        if (name == hook)
            return hook;
    return std::nullopt;
}

std::string current_dir() {
    std::error_code ec;
    std::string cwd = std::filesystem::current_path(ec).string();
    if (ec)
        throw Error(ErrorKind::fatal, "cannot read the current directory: " + ec.message());
    return cwd;
}

// A hook's run, from a direct hook (argv[0] names it) or a shim (`git-porch hook <name> ...`),
// goes straight to its handler: it is on every commit's path, and the parser is not.
std::optional<int> run_hook_directly(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (auto hook = argc > 0 ? run_as_hook(argv[0]) : std::nullopt)
        return run_hook(*hook, args, current_dir());
    // Anything but a hook's exact name and plain arguments (a typo, -h) gets the parser's
    // usage message.
    const auto name =
        args.size() >= 2 && args[0] == "hook" ? run_as_hook(args[1].c_str()) : std::nullopt;
    if (!name || *name != args[1] ||
        std::any_of(args.begin() + 2, args.end(),
                    [](const std::string& a) { return a.starts_with("-"); }))
        return std::nullopt;
    return run_hook(*name, {args.begin() + 2, args.end()}, current_dir());
}

int run(int argc, char** argv) {
    if (auto code = run_hook_directly(argc, argv))
        return *code;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::cerr << top_usage();
        return exit_usage;
    }
    if (args[0] == "--help")
        return show_manual();
    if (args[0] == "-h") {
        std::cout << top_usage();
        return 0;
    }
    if (args[0] == "--version" || args[0] == "version") {
        std::cout << "git porch version " << PORCH_VERSION << '\n';
        return 0;
    }
    if (args[0] == "help") {
        if (args.size() == 1)
            return show_manual();
        if (args[1] == "help" || args[1] == "version") {
            std::cout << top_usage();
            return 0;
        }
        args = {args[1], "-h"};
    }

    const CommandInfo* info = nullptr;
    for (const auto& c : commands())
        if (c.name == args[0])
            info = &c;
    if (info == nullptr) {
        throw Error(
            ErrorKind::invalid,
            (args[0].starts_with("-") ? "unknown option " : "'") +
                (args[0].starts_with("-") ? args[0] : args[0] + "' is not a git porch command"),
            "see 'git porch -h' for the list of commands");
    }

    std::unique_ptr<Command> command = info->make();
    CLI::App app{std::string(info->summary), "git porch " + std::string(info->name)};
    app.set_help_flag("-h,--help", "Print this help and exit");
    command->setup(app);
    std::vector<std::string> rest(args.begin() + 1, args.end());
    std::reverse(rest.begin(), rest.end()); // CLI11 takes a reversed vector
    try {
        app.parse(rest);
    } catch (const CLI::CallForHelp&) {
        std::cout << app.help();
        return 0;
    } catch (const CLI::ParseError& e) {
        throw Error(ErrorKind::invalid, std::string(info->name) + ": " + e.what(),
                    "see 'git porch " + std::string(info->name) + " -h'");
    }

    Env env;
    env.cwd = current_dir();
    std::error_code self_ec;
    env.binary = std::filesystem::read_symlink("/proc/self/exe", self_ec).string();
    if (info->needs_repo) {
        env.ctx.emplace(model::open_context(env.cwd));
        env.ctx->notices = stderr_notices();
    }
    env.color = color_enabled(STDOUT_FILENO, env.ctx ? &env.ctx->repo : nullptr);
    return command->run(env);
}

} // namespace

} // namespace porch::cli

int main(int argc, char** argv) {
    // Keep freed memory for reuse: every object libgit2 writes allocates and frees a deflate
    // state of some 256 KB, and glibc would hand it back to the kernel each time, then fault
    // fresh pages in for the next one (about a millisecond of a commit's post-commit hook).
    // A porch process is short-lived; what it frees goes back when it exits.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    // Writing to a closed pipe (`git porch status | head`) must end quietly, not kill us midway
    // through a child's output.
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return porch::cli::run(argc, argv);
    } catch (const porch::Error& e) {
        porch::cli::print_error(e);
        return porch::cli::exit_code(e.kind());
    } catch (const std::exception& e) {
        std::cerr << "fatal: " << porch::cli::display(e.what()) << '\n';
        return porch::cli::exit_fatal;
    }
}
