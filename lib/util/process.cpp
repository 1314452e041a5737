#include "util/process.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace porch::process {

std::string Result::last_error_line() const {
    std::string text = err;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    auto pos = text.rfind('\n');
    std::string line = pos == std::string::npos ? text : text.substr(pos + 1);
    // porch adds its own "fatal:" in front; git's would double it.
    for (std::string_view label : {"fatal: ", "error: "})
        if (line.starts_with(label))
            return line.substr(label.size());
    return line;
}

namespace {

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (pipe2(fd, O_CLOEXEC) != 0)
            throw Error(ErrorKind::fatal,
                        std::string("cannot create pipe: ") + std::strerror(errno));
    }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0)
                close(f);
    }
    void close_end(int i) {
        if (fd[i] >= 0)
            close(fd[i]);
        fd[i] = -1;
    }
};

// Moves data between the child's pipes until both outputs close; poll avoids the deadlock of
// a child blocking on a full stderr while we wait on stdout.
void pump(Pipe& in, Pipe& out, Pipe& err, const std::string& input, Result& result) {
    std::size_t written = 0;
    if (input.empty())
        in.close_end(1);
    char buffer[65536];
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        pollfd fds[3];
        int n = 0;
        int idx_in = -1, idx_out = -1, idx_err = -1;
        if (in.fd[1] >= 0) {
            fds[n] = {in.fd[1], POLLOUT, 0};
            idx_in = n++;
        }
        if (out.fd[0] >= 0) {
            fds[n] = {out.fd[0], POLLIN, 0};
            idx_out = n++;
        }
        if (err.fd[0] >= 0) {
            fds[n] = {err.fd[0], POLLIN, 0};
            idx_err = n++;
        }
        if (poll(fds, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR)
                continue;
            throw Error(ErrorKind::fatal, std::string("poll failed: ") + std::strerror(errno));
        }
        if (idx_in >= 0 && fds[idx_in].revents) {
            ssize_t w = write(in.fd[1], input.data() + written, input.size() - written);
            if (w > 0)
                written += static_cast<std::size_t>(w);
            if (w < 0 || written == input.size())
                in.close_end(1);
        }
        auto drain = [&](int idx, Pipe& p, std::string& sink) {
            if (idx < 0 || !fds[idx].revents)
                return;
            ssize_t r = read(p.fd[0], buffer, sizeof buffer);
            if (r > 0)
                sink.append(buffer, static_cast<std::size_t>(r));
            else if (r == 0 || errno != EINTR)
                p.close_end(0);
        };
        drain(idx_out, out, result.out);
        drain(idx_err, err, result.err);
    }
}

} // namespace

namespace {

int exit_code_of(int status) {
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

// Hands what `fd` carries to `sink` until it closes, or the child exits (then what is left, for
// a moment: a background process it started may hold the pipe open), or `timeout` passes.
Streamed follow(pid_t pid, int fd, std::chrono::seconds timeout,
                const std::function<void(std::string_view)>& sink) {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + timeout;
    std::optional<int> exited;
    bool out_of_time = false, closed = false;
    char buffer[65536];
    while (!(closed && exited)) {
        int status = 0;
        if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
            exited = exit_code_of(status);
            deadline = std::min(deadline, clock::now() + std::chrono::milliseconds(500));
        }
        auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            out_of_time = !exited;
            break;
        }
        pollfd p{fd, POLLIN, 0};
        // Once the output is closed, only its exit is waited for (to the deadline).
        int n = poll(closed ? nullptr : &p, closed ? 0 : 1,
                     static_cast<int>(std::min<long long>(left, closed ? 20 : 100)));
        if (n < 0 && errno != EINTR)
            throw Error(ErrorKind::fatal, std::string("poll failed: ") + std::strerror(errno));
        if (n <= 0)
            continue;
        ssize_t r = read(fd, buffer, sizeof buffer);
        if (r > 0)
            sink(std::string_view(buffer, static_cast<std::size_t>(r)));
        else if (r == 0 || errno != EINTR)
            closed = true;
    }
    Streamed result;
    result.timed_out = out_of_time;
    if (out_of_time)
        kill(-pid, SIGKILL); // the whole group: sh and what it started
    if (!exited) {
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        exited = exit_code_of(status);
    }
    result.exit_code = *exited;
    return result;
}

} // namespace

Streamed run_streaming(const std::vector<std::string>& argv, const std::string& cwd,
                       int timeout_seconds, const std::function<void(std::string_view)>& sink) {
    Pipe out;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 2);
    posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP); // its own group, to kill it whole
    posix_spawnattr_setpgroup(&attr, 0);
    std::vector<std::string> argv_copy = argv;
    std::vector<char*> args;
    for (auto& a : argv_copy)
        args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        throw Error(ErrorKind::fatal,
                    "cannot run '" + argv[0] + "' in " + cwd + ": " + std::strerror(rc));
    out.close_end(1);
    return follow(pid, out.fd[0], std::chrono::seconds(timeout_seconds), sink);
}

Result run(const std::vector<std::string>& argv, const Options& options) {
    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (options.input.empty()) {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    } else {
        posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    }
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    if (!options.cwd.empty())
        posix_spawn_file_actions_addchdir_np(&actions, options.cwd.c_str());

    std::vector<std::string> env_storage;
    for (char** e = environ; *e != nullptr; ++e)
        env_storage.emplace_back(*e);
    for (const auto& extra : options.env) {
        auto name = extra.substr(0, extra.find('=') + 1);
        std::erase_if(env_storage, [&](const std::string& s) { return s.rfind(name, 0) == 0; });
        env_storage.push_back(extra);
    }
    std::vector<char*> envp;
    for (auto& s : env_storage)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<char*> args;
    std::vector<std::string> argv_copy = argv;
    for (auto& a : argv_copy)
        args.push_back(a.data());
    args.push_back(nullptr);

    pid_t pid = 0;
    int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0 && !options.cwd.empty() && !std::filesystem::is_directory(options.cwd))
        // posix_spawn reports a folder it cannot enter like a missing program.
        throw Error(ErrorKind::fatal, "cannot run '" + argv[0] + "' in " + options.cwd +
                                          ": the folder does not exist");
    if (rc != 0)
        throw Error(ErrorKind::fatal, "cannot run '" + argv[0] + "': " + std::strerror(rc),
                    argv[0] == "git" ? "install git and make sure it is on PATH" : "");
    in.close_end(0);
    out.close_end(1);
    err.close_end(1);

    Result result;
    pump(in, out, err, options.input, result);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.exit_code = 128 + WTERMSIG(status);
    return result;
}

} // namespace porch::process
