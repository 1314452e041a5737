#include "util/process.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
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
