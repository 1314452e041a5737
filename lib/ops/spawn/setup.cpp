#include "ops/spawn/setup.hpp"

#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/setup.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "util/error.hpp"
#include "util/process.hpp"

#include <filesystem>
#include <fstream>

namespace porch::ops {

namespace fs = std::filesystem;

namespace {

// The terminal gets the start of the output; the log keeps it whole (up to a bound, so a runaway
// command cannot fill the disk).
constexpr std::size_t max_shown_lines = 40;
constexpr std::size_t max_shown_line = 300;
constexpr std::uintmax_t max_log_bytes = 256u << 20;

class Output {
public:
    Output(const model::Context& ctx, const fs::path& log) : m_ctx(ctx), m_log_path(log) {
        std::error_code ec;
        fs::create_directories(log.parent_path(), ec);
        m_log.open(log, std::ios::binary | std::ios::trunc);
        if (!m_log)
            throw Error(ErrorKind::fatal, "cannot write the setup log " + log.string());
    }

    void note(const std::string& line) {
        log(line + "\n");
        show(line);
    }

    void chunk(std::string_view data) {
        log(data);
        for (char c : data) {
            if (c != '\n') {
                if (m_line.size() <= max_shown_line)
                    m_line += c;
                continue;
            }
            show(m_line);
            m_line.clear();
        }
    }

    void end_command() {
        if (!m_line.empty())
            show(m_line);
        m_line.clear();
        m_log.flush();
    }

private:
    void log(std::string_view data) {
        if (m_logged >= max_log_bytes)
            return;
        m_log.write(data.data(), static_cast<std::streamsize>(data.size()));
        m_logged += data.size();
        if (m_logged >= max_log_bytes)
            m_log << "\n[porch: the log stops here, at " << (max_log_bytes >> 20) << " MB]\n";
    }

    void show(const std::string& line) {
        if (!m_ctx.notices.say)
            return;
        if (m_shown < max_shown_lines)
            m_ctx.notices.say("setup: " + (line.size() > max_shown_line
                                               ? line.substr(0, max_shown_line) + "..."
                                               : line));
        else if (m_shown == max_shown_lines)
            m_ctx.notices.say("setup: ... (the rest is in " + m_log_path.string() + ")");
        ++m_shown;
    }

    const model::Context& m_ctx;
    fs::path m_log_path;
    std::ofstream m_log;
    std::uintmax_t m_logged = 0;
    std::size_t m_shown = 0;
    std::string m_line;
};

void record(model::Context& ctx, const std::string& worker, const std::string& worktree,
            const SetupResult& r) {
    model::SetupEvent e{
        r.outcome == SetupOutcome::failed, r.command, r.exit, r.timed_out, r.log, worktree};
    store::append(ctx.repo, e.encode(worker));
}

} // namespace

std::string setup_fingerprint(const config::Config& config) {
    // Length-prefixed, so ["a\nb"] and ["a", "b"] differ.
    std::string text;
    for (const auto& cmd : config.worktree_setup)
        text += std::to_string(cmd.size()) + ":" + cmd + "\n";
    return git::Oid::of_blob(text).hex();
}

bool setup_trusted(const model::Context& ctx) {
    auto trusted = ctx.repo.config_string(trusted_setup_key);
    return trusted && *trusted == setup_fingerprint(ctx.config);
}

std::string trust_setup(model::Context& ctx) {
    if (ctx.config.worktree_setup.empty())
        throw Error(ErrorKind::fatal, "no [worktree] setup in .porch.toml to trust",
                    "add setup = [\"<command>\"] under [worktree] in .porch.toml, then: " +
                        trust_command());
    const std::string fingerprint = setup_fingerprint(ctx.config);
    ctx.repo.set_config_string(trusted_setup_key, fingerprint);
    return fingerprint;
}

std::string trust_command() {
    return "git porch setup --trust";
}

std::string rerun_command(const std::string& worker) {
    return "git porch setup " + worker;
}

SetupResult run_setup(model::Context& ctx, const std::string& worker, const std::string& worktree,
                      bool skip) {
    SetupResult r;
    const auto& commands = ctx.config.worktree_setup;
    if (commands.empty())
        return r;
    r.outcome = skip ? SetupOutcome::skipped : SetupOutcome::untrusted;
    r.rerun = rerun_command(worker);
    if (skip || !setup_trusted(ctx))
        return r;
    r.log = model::setup_log(ctx, worker).string();
    Output out(ctx, r.log);
    const int timeout = static_cast<int>(ctx.config.setup_timeout_seconds);
    r.outcome = SetupOutcome::done;
    for (const auto& cmd : commands) {
        out.note("$ " + cmd);
        ++r.commands;
        auto ran = process::run_streaming({"sh", "-c", cmd}, worktree, timeout,
                                          [&](std::string_view data) { out.chunk(data); });
        out.end_command();
        if (ran.exit_code == 0 && !ran.timed_out)
            continue;
        r.outcome = SetupOutcome::failed;
        r.command = cmd;
        r.exit = ran.exit_code;
        r.timed_out = ran.timed_out;
        out.note(ran.timed_out ? "[porch: killed after " + std::to_string(timeout) + " s]"
                               : "[porch: exit " + std::to_string(ran.exit_code) + "]");
        break;
    }
    record(ctx, worker, worktree, r);
    return r;
}

SetupResult rerun_setup(model::Context& ctx, const std::string& worker_arg) {
    auto id = protocol::normalize_id(worker_arg);
    if (!id)
        throw Error(ErrorKind::invalid, "setup takes task-<id>, not " + protocol::quote(worker_arg),
                    "git porch setup task-1");
    const std::string worker = protocol::worker_name(*id);
    if (ctx.config.worktree_setup.empty())
        throw Error(ErrorKind::fatal, "no [worktree] setup in .porch.toml to run",
                    "add setup = [\"<command>\"] under [worktree] in .porch.toml");
    if (!setup_trusted(ctx))
        throw Error(ErrorKind::fatal,
                    "the [worktree] setup in .porch.toml is not trusted here (new, or changed "
                    "since it was)",
                    "read it in .porch.toml, then: " + trust_command());
    auto report = model::collect_status(ctx, worker);
    const model::WorkerStatus* w = model::find_worker(report, worker);
    if (!w || !w->worktree || w->worktree_missing)
        throw Error(ErrorKind::fatal, "cannot run the setup: " + worker + " has no worktree here",
                    "git porch checkout " + worker);
    return run_setup(ctx, worker, *w->worktree, false);
}

} // namespace porch::ops
