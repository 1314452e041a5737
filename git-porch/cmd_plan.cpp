// git porch plan import|check|apply: the team's task list in .porch/plan.toml.
#include "command.hpp"
#include "compose.hpp"
#include "model/naming.hpp"
#include "model/plan.hpp"
#include "model/worker.hpp"
#include "ops/plan/apply.hpp"
#include "ops/plan/check.hpp"
#include "ops/plan/edit.hpp"
#include "ops/plan/group.hpp"
#include "ops/plan/import.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/file.hpp"
#include "util/text.hpp"

#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string dump(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

const std::string& root_of(const Env& env) {
    if (!env.ctx->root)
        fail("git porch plan needs a working tree: .porch/plan.toml is a committed file");
    return *env.ctx->root;
}

plan::Plan load_plan(const Env& env) {
    auto p = plan::load(root_of(env));
    if (!p)
        fail("there is no plan: " + std::string(plan::plan_path) + " does not exist",
             "write one, or make one from a task list with: git porch plan import <file.md>");
    return *p;
}

std::vector<std::string> worker_names(const std::vector<std::string>& ids) {
    std::vector<std::string> out;
    for (const auto& id : ids)
        out.push_back(protocol::worker_name(id));
    return out;
}

// The seed's execution-mode box. `wide` is how many characters of a line take two columns
// (the ⚡ emoji), which code-point counting misses.
std::string box(const std::vector<std::pair<std::string, int>>& lines) {
    std::size_t inner = 60;
    for (const auto& [text, wide] : lines)
        inner = std::max(inner, width_of(text) + static_cast<std::size_t>(wide) + 1);
    std::string rule;
    for (std::size_t i = 0; i <= inner; ++i)
        rule += "\u2500";
    std::string out = "\u250c" + rule + "\u2510\n";
    for (const auto& [text, wide] : lines)
        out += "\u2502 " + pad(text, inner - static_cast<std::size_t>(wide)) + "\u2502\n";
    return out + "\u2514" + rule + "\u2518\n";
}

json recommendation_json(const plan::Grouping& g) {
    return {{"mode", g.parallel ? "parallel" : "sequential"}, {"reason", g.reason}};
}

// The workers are the plan's tasks in order: worker i is task-<i + 1>.
json workers_json(const plan::Grouping& g) {
    json out = json::array();
    for (std::size_t i = 0; i < g.workers.size(); ++i) {
        const auto& w = g.workers[i];
        out.push_back({{"task", protocol::worker_name(std::to_string(i + 1))},
                       {"items", w.items},
                       {"focus", w.focus},
                       {"size", w.size},
                       {"scope", w.scope}});
    }
    return out;
}

class Plan : public Command {
public:
    void setup(CLI::App& app) override {
        app.require_subcommand(1, 1);
        auto* import = app.add_subcommand(
            "import", "Make .porch/plan.toml from markdown task lists; print the manifest");
        import->add_option("file", m_files, "Markdown documents (task lists, numbered lists...)")
            ->required()
            ->check(CLI::ExistingFile);
        import->add_flag("-f,--force", m_force, "Overwrite an existing .porch/plan.toml");
        import->add_flag("--json", m_json, "Print the manifest as JSON");
        auto* check = app.add_subcommand(
            "check", "Check ids, scopes and dependencies; show the waves and the execution mode");
        check->add_flag("--json", m_json, "Print JSON");
        auto* apply =
            app.add_subcommand("apply", "Spawn the next wave's tasks whose needs are complete");
        apply->add_option("--wave", m_wave, "Apply only this wave (1, 2...)")
            ->check(CLI::PositiveNumber);
        apply->add_flag("--pool", m_pool, "Acquire pool slots instead of making worktrees");
        apply->add_flag("--no-setup", m_no_setup,
                        "Do not run [worktree] setup in the new worktrees");
        apply->add_flag("--json", m_json, "Print the result as JSON");
        setup_edits(app);
        m_app = &app;
    }

    int run(Env& env) override {
        const std::string sub = m_app->get_subcommands().front()->get_name();
        if (sub == "import")
            return run_import(env);
        if (sub == "check")
            return run_check(env);
        if (sub == "apply")
            return run_apply(env);
        return run_edit(env, sub);
    }

private:
    // The manifest's "Proceed?" answers: edits of .porch/plan.toml.
    void setup_edits(CLI::App& app) {
        auto* merge = app.add_subcommand("merge", "Fold the second task into the first");
        merge->add_option("task", m_tasks, "The task that stays, then the one folded into it")
            ->required()
            ->expected(2);
        auto* move = app.add_subcommand("move", "Move a work item to another task");
        move->add_option("item", m_item, "The item's number in the manifest")->required();
        move->add_option("task", m_task, "The task that takes it")->required();
        auto* split = app.add_subcommand("split", "Move work items of a task to a new task");
        split->add_option("task", m_task, "The task to split")->required();
        split->add_option("item", m_items, "The items' numbers in the manifest")->required();
        app.add_subcommand("sequential", "Run the plan one task at a time (mode = \"sequential\")");
        app.add_subcommand("parallel", "Let plan check choose the mode again");
    }

    int run_edit(Env& env, const std::string& sub) {
        auto p = load_plan(env);
        plan::Edit e;
        if (sub == "merge")
            e = plan::merge_tasks(std::move(p), m_tasks.at(0), m_tasks.at(1));
        else if (sub == "move")
            e = plan::move_item(std::move(p), m_item, m_task);
        else if (sub == "split")
            e = plan::split_task(std::move(p), m_task, m_items);
        else
            e = plan::set_mode(std::move(p), sub == "sequential" ? plan::PlanMode::sequential
                                                                 : plan::PlanMode::automatic);
        plan::save(root_of(env), e.plan);
        for (const auto& line : e.changes)
            std::cout << display(line) << '\n';
        std::cout << "wrote " << plan::plan_path << "\nnext: git porch plan check\n";
        return 0;
    }

    int run_import(Env& env) {
        const fs::path target = fs::path(root_of(env)) / plan::plan_path;
        if (fs::exists(target) && !m_force)
            fail(std::string(plan::plan_path) + " exists already",
                 "overwrite it with: git porch plan import --force <file.md>...");
        std::vector<plan::Document> docs;
        for (const auto& f : m_files) {
            auto text = util::read_file((fs::path(env.cwd) / f).string());
            if (!text)
                fail("cannot read " + f);
            docs.push_back({f, std::move(*text)});
        }
        auto m =
            plan::import_documents(docs, {plan::repository_tree(root_of(env)), env.ctx->config});
        plan::save(root_of(env), m.plan);

        if (m_json) {
            json items = json::array();
            for (const auto& i : m.items)
                items.push_back({{"number", i.number},
                                 {"source", i.source},
                                 {"kind", i.kind},
                                 {"heading", i.heading},
                                 {"text", i.original},
                                 {"action", i.action},
                                 {"description", i.description},
                                 {"desc", i.desc},
                                 {"scope", i.scope},
                                 {"size", i.size},
                                 {"priority", i.priority},
                                 {"needs", i.needs},
                                 {"ready", i.ready()},
                                 {"issues", i.issues},
                                 {"also", i.also}});
            std::cout << dump({{"version", 1},
                               {"sources", m.sources},
                               {"items", items},
                               {"assumptions", m.assumptions},
                               {"plan", std::string(plan::plan_path)},
                               {"tasks", m.plan.tasks.size()},
                               {"recommendation", recommendation_json(m.grouping)},
                               {"workers", workers_json(m.grouping)}})
                      << '\n';
            return 0;
        }
        std::cout << display_lines(plan::manifest_markdown(m)) << "\nwrote " << plan::plan_path
                  << " (" << util::plural(m.plan.tasks.size(), "task")
                  << ")\nnext: review it, then git porch plan check\n";
        return 0;
    }

    int run_check(Env& env) {
        const auto p = load_plan(env);
        const auto& cfg = env.ctx->config;
        const auto r = plan::check(p, cfg);
        std::size_t complete = 0;
        std::map<std::string, model::WorkerState> states;
        for (const auto& w : model::collect_status(*env.ctx).workers)
            states[w.id] = w.state;
        for (const auto& t : p.tasks)
            complete += states.count(t.id) && states[t.id] == model::WorkerState::complete;

        if (m_json) {
            json overlaps = json::array(), waves = json::array();
            for (const auto& o : r.overlaps)
                overlaps.push_back({{"tasks", worker_names({o.first, o.second})},
                                    {"scopes", {o.first_scope, o.second_scope}},
                                    {"same_file", o.same_file}});
            for (const auto& w : r.waves)
                waves.push_back(
                    {{"wave", w.number}, {"level", w.level}, {"tasks", worker_names(w.ids)}});
            std::cout << dump({{"version", 1},
                               {"ok", r.ok()},
                               {"errors", r.errors},
                               {"warnings", r.warnings},
                               {"overlaps", overlaps},
                               {"cycle",
                                r.cycle.empty() ? json(nullptr) : json(worker_names(r.cycle))},
                               {"mode", r.parallel ? "parallel" : "sequential"},
                               {"reasons", r.reasons},
                               {"independent", r.widest},
                               {"max_agents", cfg.max_agents},
                               {"order", worker_names(r.order)},
                               {"waves", waves},
                               {"tasks", p.tasks.size()},
                               {"complete", complete}})
                      << '\n';
            return r.ok() ? 0 : 1;
        }
        for (const auto& e : r.errors)
            std::cout << paint("error:", Tone::red, env.color) << ' ' << display(e) << '\n';
        for (const auto& w : r.warnings)
            std::cout << paint("warning:", Tone::yellow, env.color) << ' ' << display(w) << '\n';
        if (!r.waves.empty() || p.tasks.empty())
            std::cout << box(mode_lines(p, r, cfg, complete));
        std::cout << items_lines(p);
        if (!r.ok()) {
            std::cout << util::plural(r.errors.size(), "error") << " in " << plan::plan_path
                      << '\n';
            return 1;
        }
        if (p.tasks.empty())
            std::cout << "next: add [[task]] tables to " << plan::plan_path
                      << ", or make them from a task list: git porch plan import --force "
                         "<file.md>\n";
        else
            std::cout << "next: git porch plan apply\n";
        return 0;
    }

    // Which task holds which work items (plan import's), for plan move and split.
    static std::string items_lines(const plan::Plan& p) {
        std::string out;
        for (const auto& t : p.tasks) {
            std::vector<int> numbers;
            for (const auto& item : t.items)
                numbers.push_back(item.number);
            if (!numbers.empty())
                out += "  " + protocol::worker_name(t.id) + " (" + display(t.desc) +
                       "): " + plan::item_ranges(numbers) + "\n";
        }
        return out.empty() ? out : "items of each task:\n" + out;
    }

    static std::vector<std::pair<std::string, int>> mode_lines(const plan::Plan& p,
                                                               const plan::CheckResult& r,
                                                               const config::Config& cfg,
                                                               std::size_t complete) {
        std::vector<std::pair<std::string, int>> lines;
        if (!r.parallel) {
            lines.push_back({"\u23f8\ufe0f Execution Mode: SEQUENTIAL", 0});
            for (std::size_t i = 0; i < r.reasons.size(); ++i)
                lines.push_back({(i ? "           " : "   Reason: ") + display(r.reasons[i]), 0});
            if (!r.order.empty())
                lines.push_back({"   Order: " + util::join(worker_names(r.order), " \u2192 "), 0});
            lines.push_back({"", 0});
            lines.push_back({"   Skipping parallel orchestration (threshold not met)", 0});
            return lines;
        }
        const auto agents =
            std::min<std::int64_t>(static_cast<std::int64_t>(r.widest), cfg.max_agents);
        lines.push_back({"\u26a1 Execution Mode: PARALLEL", 1});
        lines.push_back({"   Tasks: " + std::to_string(p.tasks.size()) + " (" +
                             std::to_string(r.widest) + " independent)",
                         0});
        lines.push_back({"   Agents: " + std::to_string(agents) +
                             (static_cast<std::int64_t>(r.widest) > cfg.max_agents
                                  ? " (limited by max_agents config)"
                                  : ""),
                         0});
        int agent = 0;
        for (const auto& w : r.waves) {
            lines.push_back({"", 0});
            lines.push_back(
                {"   Parallel Group " + std::to_string(w.number) +
                     (w.number > 1 ? " (after Group " + std::to_string(w.number - 1) + ")" : "") +
                     ":",
                 0});
            for (std::size_t i = 0; i < w.ids.size(); ++i) {
                const auto* t = plan::find(p, w.ids[i]);
                std::string scope = t->scope.empty() ? "(no scope)" : util::join(t->scope, ", ");
                std::string line = i + 1 == w.ids.size() ? "     \u2514" : "     \u251c";
                line += "\u2500\u2500 Agent " + std::to_string(++agent) + ": [";
                line += protocol::worker_name(t->id) + "-" + t->desc + "] " + display(scope);
                lines.push_back({std::move(line), 0});
            }
        }
        lines.push_back({"", 0});
        const std::size_t width = 16, total = p.tasks.size();
        std::string bar;
        for (std::size_t i = 0; i < width; ++i)
            bar += i < (total ? complete * width / total : 0) ? "\u2588" : "\u2591";
        lines.push_back({"   Progress: [" + bar + "] " + std::to_string(complete) + "/" +
                             std::to_string(total) + " agents complete",
                         0});
        return lines;
    }

    int run_apply(Env& env) {
        const auto p = load_plan(env);
        const auto checked = plan::check(p, env.ctx->config);
        plan::ApplyOptions options;
        if (m_wave > 0)
            options.wave = m_wave;
        options.launch = [this](model::Context& ctx, const model::SpawnRequest& request) {
            auto started = m_pool ? launch_in_pool(ctx, request) : launch_spawned(ctx, request);
            m_setups[started.worker] =
                setup_new_worker(ctx, started.worker, started.worktree, m_no_setup);
            return started;
        };
        const auto r = plan::apply(*env.ctx, p, checked, options);
        const bool stuck = r.started.empty() && !r.waiting.empty();
        if (m_json) {
            json started = json::array(), waiting = json::array();
            for (const auto& s : r.started)
                started.push_back({{"worker", s.worker},
                                   {"branch", s.branch},
                                   {"worktree", s.worktree},
                                   {"slot", s.slot.empty() ? json(nullptr) : json(s.slot)},
                                   {"setup", setup_json(m_setups[s.worker])}});
            for (const auto& w : r.waiting)
                waiting.push_back({{"worker", protocol::worker_name(w.id)}, {"needs", w.needs}});
            std::cout << dump({{"version", 1},
                               {"wave", r.wave ? json(r.wave) : json(nullptr)},
                               {"started", started},
                               {"existing", worker_names(r.existing)},
                               {"waiting", waiting}})
                      << '\n';
            return stuck ? 1 : 0;
        }
        if (r.wave == 0) {
            std::cout << "every task of the plan is spawned\nnext: git porch status\n";
            return 0;
        }
        std::cout << "wave " << r.wave << ":\n";
        for (const auto& s : r.started)
            std::cout << "  spawned " << paint(s.worker, Tone::bold, env.color) << " on "
                      << display(s.branch) << " in " << display(s.worktree)
                      << (s.slot.empty() ? "" : " (" + s.slot + ")") << '\n';
        for (const auto& id : r.existing)
            std::cout << "  " << protocol::worker_name(id) << " was spawned already\n";
        const auto checks = config::required_checks(env.ctx->config);
        for (const auto& w : r.waiting)
            std::cout << "  " << protocol::worker_name(w.id) << " waits for "
                      << util::join(w.needs, ", ") << " to be complete"
                      << (checks.empty() ? "" : " and approved (" + util::join(checks, ", ") + ")")
                      << '\n';
        if (!r.started.empty()) {
            // One command per worker: an orchestrator runs each as printed.
            std::cout << "next: give each worker its prompt, then follow git porch status:\n";
            for (const auto& s : r.started)
                std::cout << "  git porch kickoff " << s.worker << '\n';
        } else if (stuck)
            std::cout << "nothing to spawn yet: wait for the needs, then run git porch plan apply "
                         "again\n";
        return stuck ? 1 : 0;
    }

    CLI::App* m_app = nullptr;
    std::vector<std::string> m_files, m_tasks, m_items;
    std::string m_item, m_task;
    int m_wave = 0;
    bool m_force = false, m_pool = false, m_json = false, m_no_setup = false;
    std::map<std::string, ops::SetupResult> m_setups; // plan apply: each started worker's setup
};

} // namespace

std::unique_ptr<Command> make_plan() {
    return std::make_unique<Plan>();
}

} // namespace porch::cli
