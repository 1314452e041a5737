// git porch status: one row per worker.
#include "command.hpp"

#include "error.hpp"
#include "protocol/naming.hpp"
#include "render.hpp"
#include "util/text.hpp"
#include "workers/status.hpp"

#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

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

json to_json(const workers::StatusReport& report, std::int64_t now) {
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
            {"state", w.state},
            {"reason", w.state == "blocked" ? json(w.reason) : json(nullptr)},
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
        });
    }
    return {{"version", 1}, {"base", report.base_branch}, {"workers", workers}};
}

class Status : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_flag("--json", m_json, "Print machine-readable JSON (schema in git-porch(1))");
        app.add_option("--worker", m_worker, "Show only this worker")->type_name("task-<id>");
    }

    int run(Env& env) override {
        std::string only;
        if (!m_worker.empty()) {
            auto id = protocol::normalize_id(m_worker);
            if (!id)
                throw Error(ExitCode::usage, "--worker takes task-<id>, not " + protocol::quote(m_worker));
            only = protocol::worker_name(*id);
        }
        auto report = workers::collect_status(*env.ctx, only);
        if (!only.empty() && report.workers.empty())
            throw Error(ExitCode::fatal, "no worker " + only, "list workers with: git porch status");
        std::int64_t now = std::time(nullptr);
        if (m_json) {
            std::cout << to_json(report, now).dump(2, ' ', false, json::error_handler_t::replace)
                      << '\n';
            return 0;
        }
        render(env, report, now);
        return 0;
    }

private:
    void render(const Env& env, const workers::StatusReport& report, std::int64_t now) const {
        bool c = env.color;
        if (report.workers.empty()) {
            std::cout << (m_worker.empty() ? "no workers yet" : "no such worker: " + display(m_worker))
                      << "\nnext: git porch spawn <id> <description>, e.g. git porch spawn 1 api-endpoints\n";
            return;
        }
        struct Row {
            std::string worker, state, ahead, age, branch, worktree, subject;
        };
        std::vector<Row> rows;
        Row head{"WORKER", "STATE", "AHEAD", "AGE", "BRANCH", "WORKTREE", "LAST COMMIT"};
        for (const auto& w : report.workers) {
            std::string wt = w.worktree ? relative_to(env.ctx->root, *w.worktree) : "-";
            if (w.worktree_missing)
                wt += " (missing)";
            rows.push_back({w.worker, w.state, std::to_string(w.commits_ahead),
                            util::format_age(now - w.last_commit.time), display(w.branch, 40),
                            display(wt, 48),
                            w.last_commit.id.substr(0, 7) + " " + display(w.last_commit.subject, 60)});
        }
        std::size_t widths[6] = {};
        auto widen = [&](const Row& r) {
            const std::string* cells[] = {&r.worker, &r.state, &r.ahead, &r.age, &r.branch, &r.worktree};
            for (int i = 0; i < 6; ++i)
                widths[i] = std::max(widths[i], width_of(*cells[i]));
        };
        widen(head);
        for (const auto& r : rows)
            widen(r);
        auto line = [&](const Row& r, bool header) {
            std::string state = pad(r.state, widths[1]);
            std::cout << (header ? paint(pad(r.worker, widths[0]), Tone::bold, c)
                                 : paint(pad(r.worker, widths[0]), Tone::bold, c))
                      << "  " << (header ? paint(state, Tone::bold, c) : paint(state, state_tone(r.state), c))
                      << "  " << std::string(widths[2] - width_of(r.ahead), ' ') << r.ahead << "  "
                      << pad(r.age, widths[3]) << "  " << pad(r.branch, widths[4]) << "  "
                      << pad(r.worktree, widths[5]) << "  " << r.subject << '\n';
        };
        line(head, true);
        for (const auto& r : rows)
            line(r, false);

        std::size_t complete = 0;
        std::vector<std::string> alerts;
        for (const auto& w : report.workers) {
            if (w.state == "complete")
                ++complete;
            if (w.state == "blocked")
                alerts.push_back(paint(w.worker, Tone::bold, c) + " is " +
                                 paint("blocked", Tone::red, c) + ": " + display(w.reason, 80));
            for (const auto& n : w.needs)
                alerts.push_back(paint(w.worker, Tone::bold, c) + " " + paint("needs", Tone::yellow, c) +
                                 " " + display(n.item, 60) + " from " + display(n.worker));
            if (w.unvalidated > 0)
                alerts.push_back(paint(w.worker, Tone::bold, c) + ": " + std::to_string(w.unvalidated) +
                                 (w.unvalidated == 1 ? " commit bypassed" : " commits bypassed") +
                                 " the protocol hooks (see git porch log " + w.worker + ")");
            if (w.worktree_missing)
                alerts.push_back(paint(w.worker, Tone::bold, c) + ": worktree folder is missing: " +
                                 display(*w.worktree));
        }
        std::cout << '\n'
                  << complete << "/" << report.workers.size() << " complete (base: "
                  << display(report.base_branch) << ")\n";
        for (const auto& a : alerts)
            std::cout << "  " << a << '\n';
    }

    bool m_json = false;
    std::string m_worker;
};

} // namespace

std::unique_ptr<Command> make_status() { return std::make_unique<Status>(); }

} // namespace porch::cli
