// Runs child processes without a shell, capturing their output.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::process {

struct Result {
    int exit_code = -1; // the exit status, or 128 + signal number when killed by a signal
    std::string out;
    std::string err;

    bool ok() const { return exit_code == 0; }
    // The last non-empty line of stderr, for one-line error messages.
    std::string last_error_line() const;
};

struct Options {
    std::string cwd;              // empty: the current directory
    std::string input;            // fed to stdin; stdin is /dev/null when empty
    std::vector<std::string> env; // extra NAME=value entries, added to the environment
};

// Runs argv[0] found on PATH. Throws porch::Error when it cannot be started at all.
Result run(const std::vector<std::string>& argv, const Options& options = {});

struct Streamed {
    int exit_code = -1; // as Result's
    bool timed_out = false;
};

// Runs argv[0] found on PATH in `cwd`, stdin /dev/null, its stdout and stderr both handed to
// `sink` as they come. It runs in a process group of its own, killed whole (SIGKILL) once
// `timeout_seconds` have passed. Throws porch::Error when it cannot be started at all.
Streamed run_streaming(const std::vector<std::string>& argv, const std::string& cwd,
                       int timeout_seconds, const std::function<void(std::string_view)>& sink);

} // namespace porch::process
