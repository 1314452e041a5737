// git porch log [<worker>] [--json]: the event timeline.
#include "command.hpp"
#include "model/bypass.hpp"
#include "model/context.hpp"
#include "model/events.hpp"
#include "model/naming.hpp"
#include "model/store.hpp"
#include "model/worker.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

namespace porch::cli {

namespace {

using nlohmann::json;

json to_json(const store::Event& e) {
    json j{{"type", e.type},       {"worker", e.worker}, {"time", util::format_iso8601_utc(e.time)},
           {"lamport", e.lamport}, {"clone", e.clone},   {"id", e.id}};
    for (const auto& [k, v] : e.fields) {
        if (k == "valid")
            j[k] = v == "true";
        else if (auto t = util::parse_count(v); k == "commit_time" && t)
            j[k] = util::format_iso8601_utc(static_cast<std::int64_t>(*t));
        else
            j[k] = v;
    }
    for (const auto& [k, v] : e.lists)
        j[k] = v;
    if (e.type == "commit" && !j.contains("state"))
        j["state"] = nullptr; // a commit that set no protocol state
    return j;
}

std::string short_id(const std::string& commit) {
    return commit.substr(0, 7);
}

// " <name>: a b c" for a non-empty list.
std::string list_text(const char* name, const std::vector<std::string>& items, std::size_t width) {
    if (items.empty())
        return "";
    std::string text = std::string(" ") + name + ":";
    for (const auto& item : items)
        text += " " + display(item, width);
    return text;
}

std::string describe_spawned(const model::SpawnedEvent& e) {
    std::string text = "from " + display(e.base_ref, 40);
    if (!e.base.empty())
        text += " (" + short_id(e.base) + ")";
    for (auto [name, items] : {std::pair{"scope", &e.scope}, std::pair{"needs", &e.needs}})
        if (!items->empty())
            text += "," + list_text(name, *items, 60);
    return text;
}

std::string describe_commit(const model::CommitEvent& e, bool gone) {
    std::string text = short_id(e.commit) + " " + display(e.subject, 72);
    if (!e.valid)
        text += "  (bypassed the protocol)";
    if (!e.outside.empty())
        text += "  (changed files outside the scope)";
    if (gone)
        text += "  (gone: on no branch any more)";
    return text;
}

// Integration steps name their feature; a merge names the worker's commit.
std::string describe_integration(const model::IntegrationEvent& e) {
    std::string text = "feature " + display(e.feature, 60);
    if (!e.commit.empty())
        text += ", " + short_id(e.commit);
    if (!e.files.empty())
        text += "," + list_text("in", e.files, 60);
    return text;
}

std::string describe_cleaned(const model::CleanedEvent& e) {
    std::string text = "merged into " + display(e.merged_into, 60);
    if (!e.worktree.empty())
        text += ", removed " + display(e.worktree, 80);
    if (e.branch_deleted)
        text += ", branch deleted";
    return text;
}

std::string describe_taken_over(const model::TakenOverEvent& e) {
    std::string text = "by " + display(e.clone_name, 64) + " at " + short_id(e.tip);
    if (!e.remote.empty())
        text += ", tracking " + display(e.remote + "/" + e.branch, 120);
    if (e.adopted)
        text += " (adopted)";
    return text;
}

std::string describe(const store::Event& e, bool gone) {
    using model::EventType;
    auto type = model::type_of(e);
    if (!type)
        return ""; // a newer writer's event: its type is all this version can show
    switch (*type) {
    case EventType::spawned:
        return describe_spawned(model::SpawnedEvent::decode(e));
    case EventType::commit:
        return describe_commit(model::CommitEvent::decode(e), gone);
    case EventType::integrated:
    case EventType::integrate_conflict:
    case EventType::integrate_verify_failed:
    case EventType::integrate_aborted:
        return describe_integration(model::IntegrationEvent::decode(e));
    case EventType::qa:
    case EventType::qa_check: {
        auto qa = model::QaEvent::decode(e);
        return display(e.field("verdict"), 20) + " at " + short_id(qa.commit) +
               (qa.check == config::default_check ? "" : " (" + display(qa.check, 40) + ")") +
               (qa.reason.empty() ? "" : ": " + display(qa.reason, 200));
    }
    case EventType::retry:
        return "attempt " + display(e.field("attempt"), 10);
    case EventType::checkpoint: {
        auto cp = model::CheckpointEvent::decode(e);
        return display(cp.group, 64) + ": " + display(cp.summary, 200);
    }
    case EventType::handoff:
        return "by " + display(model::HandoffEvent::decode(e).by, 64);
    case EventType::cleaned:
        return describe_cleaned(model::CleanedEvent::decode(e));
    case EventType::released:
        return "";
    case EventType::taken_over:
        return describe_taken_over(model::TakenOverEvent::decode(e));
    case EventType::setup_failed:
    case EventType::setup_done: {
        auto setup = model::SetupEvent::decode(e);
        if (!setup.failed)
            return "log " + display(setup.log, 300);
        return (setup.timed_out ? "ran out of time at "
                                : "exit " + std::to_string(setup.exit) + " at ") +
               display(protocol::quote(setup.command), 200) + "; log " + display(setup.log, 300);
    }
    case EventType::agent: {
        auto a = model::AgentEvent::decode(e);
        return (a.state ? to_string(*a.state) : std::string("?")) +
               (a.agent.empty() ? ""
                                : " (" + display(a.agent, 20) + " " + display(a.hook, 40) + ")");
    }
    }
    return "";
}

class Log : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "Only this worker (task-<id>)");
        app.add_flag("--json", m_json, "Print a JSON array of events (schema in git-porch(1))");
    }

    int run(Env& env) override {
        std::vector<std::string> workers;
        if (!m_worker.empty()) {
            workers.push_back(worker_arg(m_worker, "log"));
        } else {
            std::set<std::string> all;
            for (const auto& w : store::registered_workers(env.ctx->repo))
                all.insert(w);
            for (const auto& wb : model::worker_branches(*env.ctx))
                all.insert(wb.worker);
            workers.assign(all.begin(), all.end());
            workers.emplace_back(store::session_worker); // checkpoints and handoffs
        }
        std::vector<store::Event> events;
        std::size_t skipped = 0;
        for (const auto& w : workers) {
            auto mine = store::read_all(env.ctx->repo, w, &skipped);
            events.insert(events.end(), std::make_move_iterator(mine.begin()),
                          std::make_move_iterator(mine.end()));
        }
        if (workers.size() > 1)
            std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) {
                return std::tie(a.time, a.worker, a.lamport) <
                       std::tie(b.time, b.worker, b.lamport);
            });
        if (skipped > 0)
            std::cerr << "warning: skipped " << util::plural(skipped, "malformed event line")
                      << '\n';
        if (events.empty() && !m_worker.empty() &&
            model::worker_branches(*env.ctx, workers.front()).empty())
            throw model::no_worker(*env.ctx, workers.front(), "no branch and no events",
                                   "list workers with: git porch status");
        std::set<std::string> commits;
        for (const auto& e : events)
            if (e.type == "commit")
                commits.insert(e.field("commit"));
        const auto gone = model::gone_commits(env.ctx->repo, commits);
        auto is_gone = [&](const store::Event& e) {
            return e.type == "commit" && gone.count(e.field("commit")) > 0;
        };
        if (m_json) {
            json out = json::array();
            for (const auto& e : events) {
                out.push_back(to_json(e));
                if (e.type == "commit")
                    out.back()["gone"] = is_gone(e);
            }
            std::cout << out.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
            return 0;
        }
        if (events.empty() && !m_worker.empty() &&
            model::worker_branches(*env.ctx, workers.front()).empty())
            throw model::no_worker(*env.ctx, workers.front(), "no branch and no events",
                                   "list workers with: git porch status");
        if (events.empty()) {
            std::cout << "no events yet\n";
            return 0;
        }
        for (const auto& e : events) {
            std::string what =
                e.type == "commit" && !e.field("state").empty() ? e.field("state") : e.type;
            std::string time = util::format_iso8601_utc(e.time);
            std::replace(time.begin(), time.end(), 'T', ' ');
            std::cout << paint(time.substr(0, 19), Tone::dim, env.color) << "  "
                      << paint(pad(display(e.worker), 10), Tone::bold, env.color) << "  "
                      << paint(pad(display(what, 24), 10),
                               state_tone(model::parse_worker_state(what).value_or(
                                   model::WorkerState::fresh)),
                               env.color)
                      << "  " << describe(e, is_gone(e)) << '\n';
        }
        return 0;
    }

private:
    std::string m_worker;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_log() {
    return std::make_unique<Log>();
}

} // namespace porch::cli
