// git porch status: one row per worker.
#include "command.hpp"
#include "model/checks.hpp"
#include "model/naming.hpp"
#include "model/worker.hpp"
#include "ops/status/alerts.hpp"
#include "ops/status/worktrees.hpp"
#include "ops/sync/sync.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <unistd.h>

namespace porch::cli {

namespace {

using nlohmann::json;

std::string relative_to(const std::optional<std::string>& root, const std::string& path) {
    if (!root)
        return path;
    auto rel = std::filesystem::path(path).lexically_relative(*root);
    if (rel.empty() || *rel.begin() == "..")
        return path;
    return rel.generic_string();
}

json integrations_json(const model::WorkerStatus& w) {
    json out = json::array();
    for (const auto& i : w.integrations)
        out.push_back({{"feature", i.feature},
                       {"state", to_string(i.state)},
                       {"commit", i.commit},
                       {"current", i.current}});
    return out;
}

json duplicates_json(const model::WorkerStatus& w) {
    json out = json::array();
    for (const auto& d : w.duplicates)
        out.push_back({{"clone", d.who}, {"branch", d.branch}});
    return out;
}

json tips_json(const model::WorkerStatus& w) {
    json out = json::array();
    for (const auto& t : w.tips)
        out.push_back({{"branch", t.display()},
                       {"remote", t.remote.empty() ? json(nullptr) : json(t.remote)},
                       {"commit", t.commit.hex()}});
    return out;
}

json checks_json(const model::WorkerStatus& w) {
    json out = json::array();
    for (const auto& c : w.checks)
        out.push_back(
            {{"check", c.check},
             {"verdict",
              c.verdict == model::QaVerdict::none ? json(nullptr) : json(to_string(c.verdict))},
             {"reason", c.reason.empty() ? json(nullptr) : json(c.reason)},
             {"required", c.required},
             {"required_by", c.required ? json(c.required_by) : json(nullptr)}});
    return out;
}

json failure_json(const model::WorkerStatus& w) {
    if (!w.failure)
        return nullptr;
    const auto& f = *w.failure;
    return {{"check", f.check},
            {"reason", f.reason.empty() ? json(nullptr) : json(f.reason)},
            {"attempts", f.attempts},
            {"allowed", f.allowed}};
}

// QA's checks beside the state: a verdict on the tip, or (when required) a check still waiting
// for one; "failed: " first for a failed worker. Empty when there is nothing to show.
std::string checks_note(const model::WorkerStatus& w) {
    std::vector<std::string> parts;
    for (const auto& c : w.checks)
        if (c.verdict != model::QaVerdict::none &&
            (c.verdict != model::QaVerdict::pending || c.required))
            parts.push_back(model::check_label(c.check) + " " + to_string(c.verdict));
    if (parts.empty() && !w.failure)
        return {};
    return " (" + std::string(w.failure ? "failed: " : "") + util::join(parts, ", ") + ")";
}

// The paths --json lists of a worktree (its counts say how many there are).
constexpr std::size_t json_paths = 10;

json worktree_state_json(const ops::WorktreeStates* worktrees, const std::string& worker) {
    if (worktrees == nullptr)
        return nullptr;
    auto found = worktrees->find(worker);
    if (found == worktrees->end())
        return nullptr;
    const auto& state = found->second;
    if (!state.files)
        return {{"dirty", nullptr},
                {"untracked", nullptr},
                {"paths", nullptr},
                {"behind", state.behind}};
    const auto& paths = state.files->paths;
    return {{"dirty", state.files->changed},
            {"untracked", state.files->untracked},
            {"paths", std::vector<std::string>(paths.begin(),
                                               paths.begin() + std::min(paths.size(), json_paths))},
            {"behind", state.behind}};
}

// What the worker's agent hooks said: unknown when they said nothing.
json agent_json(const model::WorkerStatus& w) {
    if (!w.agent)
        return {{"state", "unknown"}, {"since", nullptr}, {"last", nullptr}, {"agent", nullptr}};
    const auto& a = *w.agent;
    return {{"state", to_string(a.state)},
            {"since", util::format_iso8601_utc(a.since)},
            {"last", util::format_iso8601_utc(a.last)},
            {"agent", a.agent.empty() ? json(nullptr) : json(a.agent)}};
}

// The agent beside the state, when its hooks said something: working, waiting for input (for
// how long), stopped before [COMPLETE] (how long ago).
std::string agent_note(const model::WorkerStatus& w, std::int64_t now) {
    if (!w.agent || w.state == model::WorkerState::complete)
        return {};
    const std::string age = util::format_age(now - w.agent->since);
    switch (w.agent->state) {
    case model::AgentState::started:
    case model::AgentState::working:
        return " (agent working)";
    case model::AgentState::waiting:
        return " (agent waiting for input " + age + ")";
    case model::AgentState::stopped:
        return " (agent stopped " + age + " ago)";
    }
    return {};
}

json to_json(const model::StatusReport& report, const std::vector<ops::Alert>& alerts,
             const ops::WorktreeStates* worktrees, std::int64_t now,
             std::optional<std::int64_t> last_fetch) {
    json workers = json::array();
    for (const auto& w : report.workers) {
        json needs = json::array();
        for (const auto& n : w.needs)
            needs.push_back({{"worker", n.worker}, {"item", n.item}});
        workers.push_back({
            {"id", w.worker},
            {"desc", w.desc},
            {"branch", w.branch},
            {"worktree", w.worktree ? json(*w.worktree) : json(nullptr)},
            {"worktree_missing", w.worktree_missing},
            {"worktree_state", worktree_state_json(worktrees, w.worker)},
            {"state", to_string(w.state)},
            {"reason", w.state == model::WorkerState::blocked ? json(w.reason) : json(nullptr)},
            {"needs", needs},
            {"commits", w.commits_ahead},
            {"last_commit",
             {{"id", w.last_commit.id},
              {"subject", w.last_commit.subject},
              {"time", util::format_iso8601_utc(w.last_commit.time)},
              {"age", std::max<std::int64_t>(0, now - w.last_commit.time)}}},
            {"scope", w.scope},
            {"declared_needs", w.declared_needs},
            {"unvalidated", w.unvalidated},
            {"integrations", integrations_json(w)},
            {"clone", w.clone_name.empty()
                          ? json(w.clone.empty() ? nullptr : json(w.clone.substr(0, 8)))
                          : json(w.clone_name)},
            {"local", w.local},
            {"qa", w.qa == model::QaVerdict::none ? json(nullptr) : json(to_string(w.qa))},
            {"qa_reason", w.qa_reason.empty() ? json(nullptr) : json(w.qa_reason)},
            {"checks", checks_json(w)},
            {"failed", w.failure.has_value()},
            {"failure", failure_json(w)},
            {"attempts", w.attempts},
            {"tip", w.tip ? json(w.tip->hex()) : json(nullptr)},
            {"source", w.tip_source.empty() ? json(nullptr) : json(w.tip_source)},
            {"tips", tips_json(w)},
            {"ahead_of_remote", w.local_ahead},
            {"behind_remote", w.local_behind},
            {"diverged", w.diverged},
            {"spawned", w.recorded},
            {"duplicates", duplicates_json(w)},
            {"agent", agent_json(w)},
        });
    }
    json alert_list = json::array();
    for (const auto& a : alerts)
        alert_list.push_back({{"kind", to_string(a.kind)},
                              {"worker", a.worker.empty() ? json(nullptr) : json(a.worker)},
                              {"message", a.message},
                              {"action", a.action},
                              {"paths", a.paths}});
    std::size_t complete =
        std::count_if(report.workers.begin(), report.workers.end(),
                      [](const auto& w) { return w.state == model::WorkerState::complete; });
    return {
        {"version", 1},
        {"base", report.base_branch},
        {"progress", {{"complete", complete}, {"total", report.workers.size()}}},
        {"last_fetch", last_fetch ? json(util::format_iso8601_utc(*last_fetch)) : json(nullptr)},
        {"workers", workers},
        {"alerts", alert_list}};
}

class Status : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_flag("--json", m_json, "Print machine-readable JSON (schema in git-porch(1))");
        app.add_flag("--porcelain", m_porcelain,
                     "One tab-separated line per worker, stable for scripts (see git-porch(1))");
        app.add_option("--worker", m_worker, "Show only this worker")->type_name("task-<id>");
        app.add_flag("--watch{2}", m_watch, "Redraw every SECONDS (default 2) until interrupted")
            ->type_name("SECONDS");
        app.add_flag("--no-alerts", m_no_alerts, "Leave out the alerts");
        app.add_flag("--no-worktrees", m_no_worktrees,
                     "Do not read the workers' worktrees: no DIRTY and BEHIND columns, no alerts "
                     "on them");
        app.add_flag("--local", m_local, "Only this clone's workers, not teammates'");
        app.add_flag("--fetch", m_fetch,
                     "First fetch every remote's branches and porch's notes (git fetch)");
    }

    int run(Env& env) override {
        const std::string only = worker_arg(m_worker, "--worker");
        if (m_json + m_porcelain > 1)
            throw Error(ErrorKind::invalid, "--json and --porcelain cannot be used together");
        if (m_watch < 0 || m_watch > 86400)
            throw Error(ErrorKind::invalid, "--watch takes a number of seconds from 1 to 86400");
        if (m_watch == 0)
            return once(env, only);
        return watch(env, only);
    }

private:
    int once(Env& env, const std::string& only) const {
        if (m_fetch)
            sync::fetch_all(*env.ctx);
        std::optional<ops::WorktreeReads> reads;
        if (!m_no_worktrees && !m_porcelain)
            reads.emplace(*env.ctx, only);
        auto report = model::collect_status(*env.ctx, only);
        if (m_local)
            std::erase_if(report.workers, [](const auto& w) { return !w.local; });
        if (!only.empty() && report.workers.empty())
            throw model::no_worker(*env.ctx, only, "", "list workers with: git porch status");
        std::int64_t now = std::time(nullptr);
        std::optional<ops::WorktreeStates> worktrees;
        if (reads)
            worktrees = reads->finish(*env.ctx, report);
        std::vector<ops::Alert> alerts;
        if (!m_no_alerts && !m_porcelain)
            alerts = ops::collect_alerts(*env.ctx, report, now,
                                         worktrees.value_or(ops::WorktreeStates{}));
        if (!only.empty())
            std::erase_if(alerts,
                          [&](const auto& a) { return !a.worker.empty() && a.worker != only; });
        if (m_json)
            std::cout << to_json(report, alerts, worktrees ? &*worktrees : nullptr, now,
                                 sync::last_fetch_time(*env.ctx))
                             .dump(2, ' ', false, json::error_handler_t::replace)
                      << '\n';
        else if (m_porcelain)
            porcelain(report, now);
        else
            render(env, report, alerts, worktrees ? &*worktrees : nullptr, now);
        std::cout.flush();
        return 0;
    }

    // Redraws in place on a terminal; elsewhere prints one report per interval.
    int watch(Env& env, const std::string& only) const {
        static volatile std::sig_atomic_t stop = 0;
        std::signal(SIGINT, [](int) { stop = 1; });
        std::signal(SIGTERM, [](int) { stop = 1; });
        const bool tty = isatty(STDOUT_FILENO) == 1;
        while (!stop) {
            std::ostringstream frame;
            auto* saved = std::cout.rdbuf(frame.rdbuf());
            try {
                once(env, only);
            } catch (...) {
                std::cout.rdbuf(saved);
                throw;
            }
            std::cout.rdbuf(saved);
            if (tty)
                std::cout << "\033[H\033[2J"; // home and clear: the report replaces the last one
            std::cout << frame.str();
            if (!tty)
                std::cout << '\n';
            std::cout.flush();
            for (int i = 0; i < m_watch * 10 && !stop; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            // Each round sees what others committed meanwhile.
            env.ctx.emplace(model::open_context(env.cwd));
        }
        return 0;
    }

    static std::string field(std::string_view text) {
        std::string out = util::sanitize_for_terminal(text);
        std::replace(out.begin(), out.end(), '\t', ' ');
        return out.empty() ? "-" : out;
    }

    // Where a worker without a branch here runs: the clone that spawned it, else the remote
    // its branch came from.
    static std::string where(const model::WorkerStatus& w) {
        if (!w.clone_name.empty())
            return w.clone_name;
        if (!w.clone.empty())
            return w.clone.substr(0, 8);
        for (const auto& t : w.tips)
            if (!t.remote.empty())
                return t.remote;
        return "another clone";
    }

    void porcelain(const model::StatusReport& report, std::int64_t now) const {
        for (const auto& w : report.workers) {
            std::string detail = w.state == model::WorkerState::blocked ? w.reason
                                 : !w.needs.empty()
                                     ? w.needs.front().worker + "/" + w.needs.front().item
                                     : "";
            std::cout << w.worker << '\t' << to_string(w.state) << '\t' << w.commits_ahead << '\t'
                      << w.last_commit.time << '\t'
                      << std::max<std::int64_t>(0, now - w.last_commit.time) << '\t'
                      << field(w.branch) << '\t' << field(w.worktree.value_or("")) << '\t'
                      << field(detail) << '\t' << w.last_commit.id << '\n';
        }
    }

    // The DIRTY cell: changed tracked paths, then "+<n>?" for untracked ones; "-" where there is
    // no worktree here to read.
    static std::string dirty_cell(const ops::WorktreeState* state) {
        if (state == nullptr || !state->files)
            return "-";
        std::string cell = std::to_string(state->files->changed);
        if (state->files->untracked > 0)
            cell += "+" + std::to_string(state->files->untracked) + "?";
        return cell;
    }

    struct Row {
        std::vector<std::string> cells;
        model::WorkerState tone = model::WorkerState::fresh; // the bare state, for its colour
    };

    Row row(const Env& env, const model::WorkerStatus& w, const ops::WorktreeStates* worktrees,
            std::int64_t now) const {
        std::string wt = w.worktree ? relative_to(env.ctx->root, *w.worktree) : "-";
        if (w.remote_only) // a teammate's: the worktree is on their machine
            wt = "(on " + where(w) + ")";
        if (w.worktree_missing)
            wt += " (missing)";
        std::string state = to_string(w.state) + checks_note(w) + agent_note(w, now);
        if (w.diverged)
            state += " (diverged)";
        else if (w.local_behind > 0)
            state += " (behind " + std::to_string(w.local_behind) + ")";
        if (!w.recorded && w.tip)
            state += " (not spawned)";
        Row r;
        r.cells = {w.worker, state, std::to_string(w.commits_ahead)};
        if (worktrees) {
            auto found = worktrees->find(w.worker);
            const ops::WorktreeState* ws = found == worktrees->end() ? nullptr : &found->second;
            r.cells.push_back(ws ? std::to_string(ws->behind) : "-");
            r.cells.push_back(dirty_cell(ws));
        }
        r.cells.insert(r.cells.end(),
                       {util::format_age(now - w.last_commit.time), display(w.branch), display(wt),
                        w.last_commit.id.substr(0, 7) + " " + display(w.last_commit.subject)});
        r.tone = w.failure ? model::WorkerState::blocked : w.state; // a failure shows in red
        return r;
    }

    // One row per worker, fitted to the terminal: the subject gives way first, then the
    // worktree and branch paths (cut with an ellipsis); piped output keeps whole values.
    void table(const Env& env, const model::StatusReport& report,
               const ops::WorktreeStates* worktrees, std::int64_t now) const {
        const bool c = env.color;
        Row head;
        head.cells = {"WORKER", "STATE", "AHEAD"};
        if (worktrees)
            head.cells.insert(head.cells.end(), {"BEHIND", "DIRTY"});
        head.cells.insert(head.cells.end(), {"AGE", "BRANCH", "WORKTREE", "LAST COMMIT"});
        const std::size_t n = head.cells.size();
        const std::size_t subject = n - 1, path = n - 2, branch = n - 3, age = n - 4;
        std::vector<Row> rows;
        for (const auto& w : report.workers)
            rows.push_back(row(env, w, worktrees, now));
        std::vector<std::size_t> widths(n, 0);
        for (std::size_t i = 0; i < n; ++i)
            widths[i] = width_of(head.cells[i]);
        for (const auto& r : rows)
            for (std::size_t i = 0; i < n; ++i)
                widths[i] = std::max(widths[i], width_of(r.cells[i]));
        widths = fit_columns(
            widths, 2 * (n - 1), terminal_width(STDOUT_FILENO),
            {{subject, 20}, {path, 16}, {branch, 16}, {subject, 9}, {path, 10}, {branch, 10}});
        auto cell = [&](const std::string& text, std::size_t i) {
            std::string shown = width_of(text) > widths[i] ? display(text, widths[i]) : text;
            if (i == subject)
                return shown;     // the last column: no padding after it
            if (i > 1 && i < age) // counts, right-aligned
                return std::string(widths[i] - width_of(shown), ' ') + shown;
            return pad(shown, widths[i]);
        };
        auto line = [&](const Row& r, bool header) {
            std::string out;
            for (std::size_t i = 0; i < n; ++i) {
                std::string text = cell(r.cells[i], i);
                if (i == 0 || (header && i == 1))
                    text = paint(text, Tone::bold, c);
                else if (i == 1)
                    text = paint(text, state_tone(r.tone), c);
                out += (i == 0 ? "" : "  ") + text;
            }
            std::cout << out << '\n';
        };
        line(head, true);
        for (const auto& r : rows)
            line(r, false);
        std::cout << '\n';
    }

    void render(const Env& env, const model::StatusReport& report,
                const std::vector<ops::Alert>& alerts, const ops::WorktreeStates* worktrees,
                std::int64_t now) const {
        bool c = env.color;
        if (report.workers.empty()) {
            std::cout << (m_worker.empty() ? "no workers" : "no such worker: " + display(m_worker))
                      << "\nnext: git porch spawn <id> <description>, e.g. git porch spawn 1 "
                         "api-endpoints\n";
            return;
        }
        table(env, report, worktrees, now);
        std::size_t complete =
            std::count_if(report.workers.begin(), report.workers.end(),
                          [](const auto& w) { return w.state == model::WorkerState::complete; });
        constexpr std::size_t bar_width = 20;
        std::size_t filled = complete * bar_width / report.workers.size();
        std::string bar;
        for (std::size_t i = 0; i < bar_width; ++i)
            bar += i < filled ? "\u2588" : "\u2591";
        std::cout << "["
                  << paint(bar, complete == report.workers.size() ? Tone::green : Tone::plain, c)
                  << "] " << complete << "/" << report.workers.size()
                  << " complete (base: " << display(report.base_branch) << ")\n";
        bool teammates = std::any_of(report.workers.begin(), report.workers.end(),
                                     [](const auto& w) { return !w.local; });
        if (auto fetched = sync::last_fetch_time(*env.ctx))
            std::cout << "teammates' events fetched " << util::format_age(now - *fetched)
                      << " ago (git porch sync to refresh)\n";
        else if (teammates)
            std::cout << "teammates' events never fetched here: git porch sync\n";
        if (report.skipped_lines > 0)
            std::cout << paint("warning:", Tone::yellow, c) << " skipped " << report.skipped_lines
                      << " malformed event line(s) in refs/notes/porch\n";
        if (alerts.empty())
            return;
        std::cout << '\n' << paint("Alerts", Tone::bold, c) << '\n';
        for (const auto& a : alerts) {
            Tone tone = a.kind == model::AlertKind::needs_satisfied     ? Tone::green
                        : a.kind == model::AlertKind::needs             ? Tone::yellow
                        : a.kind == model::AlertKind::stalled           ? Tone::yellow
                        : a.kind == model::AlertKind::waiting_for_input ? Tone::yellow
                                                                        : Tone::red;
            std::cout << "  " << paint("\u25cf", tone, c) << ' ' << display(a.message, 160) << '\n'
                      << "    " << paint("\u2192 " + display(a.action), Tone::dim, c) << '\n';
        }
    }

    bool m_json = false;
    bool m_porcelain = false;
    bool m_no_alerts = false;
    bool m_no_worktrees = false;
    bool m_local = false;
    bool m_fetch = false;
    int m_watch = 0;
    std::string m_worker;
};

} // namespace

std::unique_ptr<Command> make_status() {
    return std::make_unique<Status>();
}

} // namespace porch::cli
