// git porch pool init|acquire|release|status|health|merge|cleanup|reset
#include "command.hpp"
#include "compose.hpp"
#include "ops/pool/pool.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <ctime>
#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

json slot_json(const pool::Slot& s, std::int64_t now) {
    return {{"slot", s.name},
            {"path", s.path},
            {"state", pool::to_string(s.state)},
            {"worker", s.worker ? json(*s.worker) : json(nullptr)},
            {"branch", s.branch.empty() ? json(nullptr) : json(s.branch)},
            {"problem", s.problem.empty() ? json(nullptr) : json(s.problem)},
            {"age", s.last_commit_time ? json(std::max<std::int64_t>(0, now - s.last_commit_time))
                                       : json(nullptr)}};
}

void print_lines(const std::vector<std::string>& lines) {
    for (const auto& l : lines)
        std::cout << display(l) << '\n';
}

class Pool : public Command {
public:
    void setup(CLI::App& app) override {
        app.require_subcommand(1, 1);
        auto* init = app.add_subcommand("init", "Create slots wt-1..wt-N (grows, never shrinks)");
        init->add_option("size", m_size, "Number of slots (default 8)");
        auto* acquire = app.add_subcommand("acquire", "Take a free slot for a new worker");
        acquire->add_option("id", m_req.id, "Worker id")->required();
        acquire->add_option("desc", m_req.desc, "Description slug")->required();
        acquire->add_option("--base", m_req.base, "Branch or commit to start from");
        acquire->add_option("--needs", m_req.needs, "A worker this one depends on (repeatable)")
            ->allow_extra_args(false);
        acquire->add_option("--scope", m_req.scopes, "A path this worker may change (repeatable)")
            ->allow_extra_args(false);
        acquire->add_flag("--no-setup", m_no_setup, "Do not run [worktree] setup in the slot");
        acquire->add_flag("--json", m_json, "Print the result as JSON");
        auto* release = app.add_subcommand("release", "Return a slot to idle; the branch stays");
        release->add_option("slot", m_target, "wt-<n> or task-<id>")->required();
        release->add_flag("-f,--force", m_force,
                          "Save uncommitted work under refs/porch/rescued/ first");
        release->add_flag("--json", m_json, "Print the result as JSON");
        auto* status = app.add_subcommand("status", "Show the slots");
        status->add_flag("--json", m_json, "Print JSON");
        auto* health = app.add_subcommand("health", "Check the pool; --fix repairs what is safe");
        health->add_flag("--fix", m_fix, "Repair what is safe");
        health->add_flag("--json", m_json, "Print JSON");
        auto* merge = app.add_subcommand("merge", "Merge busy slots' branches, in slot order");
        merge->add_option("branch", m_target,
                          "The branch to merge into (default: the base branch)");
        app.add_subcommand("cleanup", "Remove idle slots and their folders");
        auto* reset = app.add_subcommand("reset", "cleanup, then init");
        reset->add_option("size", m_size, "Number of slots (default 8)");
        m_app = &app;
    }

    int run(Env& env) override {
        auto& ctx = *env.ctx;
        std::string sub = m_app->get_subcommands().front()->get_name();
        std::int64_t now = std::time(nullptr);
        if (sub == "init") {
            auto done = pool::init(ctx, m_size);
            print_lines(done);
            std::cout << (done.empty() ? "the pool already has those slots\n" : "")
                      << "next: git porch pool acquire <id> <description>\n";
        } else if (sub == "acquire") {
            auto a = acquire_ready(ctx, m_req);
            auto setup = setup_new_worker(ctx, a.worker.worker, a.slot.path, m_no_setup);
            if (m_json)
                std::cout << json{{"slot", a.slot.name},
                                  {"path", a.slot.path},
                                  {"branch", a.worker.branch},
                                  {"worker", a.worker.worker},
                                  {"base", a.worker.base},
                                  {"base_commit", a.worker.base_commit},
                                  {"setup", setup_json(setup)}}
                                 .dump(2, ' ', false, json::error_handler_t::replace)
                          << '\n';
            else // the seed's format: wt-<n>|<absolute path>|<branch>
                std::cout << a.slot.name << '|' << a.slot.path << '|' << a.worker.branch << '\n';
        } else if (sub == "release") {
            auto r = pool::release(ctx, m_target, m_force);
            if (m_json)
                std::cout << json{{"slot", r.slot.name},
                                  {"worker", r.worker},
                                  {"rescued", r.rescued_ref ? json(*r.rescued_ref) : json(nullptr)}}
                                 .dump(2)
                          << '\n';
            else {
                std::cout << "released " << r.slot.name << " (" << r.worker
                          << "); its branch stays\n";
                if (r.rescued_ref)
                    std::cout << "uncommitted work saved at " << *r.rescued_ref
                              << "\n  see it with: git show --stat " << *r.rescued_ref << '\n';
            }
        } else if (sub == "status") {
            render_status(env, pool::list(ctx), now);
        } else if (sub == "health") {
            return render_health(pool::health(ctx, m_fix));
        } else if (sub == "merge") {
            auto m = pool::merge(ctx, m_target);
            for (const auto& w : m.merged)
                std::cout << "merged " << w << '\n';
            if (m.conflict) {
                std::cerr << "error: merging " << *m.conflict << " conflicted in:\n";
                for (const auto& f : m.conflict_files)
                    std::cerr << "  " << display(f) << '\n';
                std::cerr << "hint: resolve in " << m.worktree
                          << ", commit, then fast-forward the target branch to it\n";
                return 1;
            }
            if (m.merged.empty())
                std::cout << "no busy slots to merge\n";
        } else if (sub == "cleanup") {
            print_lines(pool::cleanup(ctx));
        } else if (sub == "reset") {
            print_lines(pool::cleanup(ctx));
            print_lines(pool::init(ctx, m_size));
        }
        return 0;
    }

private:
    void render_status(const Env& env, const std::vector<pool::Slot>& slots,
                       std::int64_t now) const {
        if (m_json) {
            json arr = json::array();
            std::size_t busy = 0;
            for (const auto& s : slots) {
                arr.push_back(slot_json(s, now));
                busy += s.state == pool::SlotState::busy;
            }
            std::cout << json{{"version", 1},
                              {"size", slots.size()},
                              {"busy", busy},
                              {"slots", arr}}
                             .dump(2, ' ', false, json::error_handler_t::replace)
                      << '\n';
            return;
        }
        if (slots.empty()) {
            std::cout << "no pool here\nnext: git porch pool init [N]\n";
            return;
        }
        std::size_t busy = 0;
        for (const auto& s : slots) {
            busy += s.state == pool::SlotState::busy;
            auto tone = s.state == pool::SlotState::busy   ? Tone::cyan
                        : s.state == pool::SlotState::idle ? Tone::dim
                                                           : Tone::red;
            std::cout << pad(s.name, 6) << "  "
                      << paint(pad(pool::to_string(s.state), 6), tone, env.color) << "  "
                      << pad(display(s.worker.value_or("-")), 10) << "  "
                      << pad(display(s.branch.empty() ? "-" : s.branch, 40), 40) << "  "
                      << pad(s.last_commit_time ? util::format_age(now - s.last_commit_time) : "-",
                             4)
                      << "  " << display(s.problem.empty() ? s.path : s.problem) << '\n';
        }
        const std::size_t width = 20;
        std::size_t filled = slots.empty() ? 0 : busy * width / slots.size();
        std::string bar;
        for (std::size_t i = 0; i < width; ++i)
            bar += i < filled ? "\u2588" : "\u2591";
        std::cout << "[" << bar << "] " << busy << "/" << slots.size() << " slots busy\n";
    }

    int render_health(const std::vector<pool::Finding>& findings) const {
        if (m_json) {
            json arr = json::array();
            for (const auto& f : findings)
                arr.push_back({{"slot", f.slot},
                               {"problem", f.problem},
                               {"action", f.action},
                               {"fixed", f.fixed}});
            std::cout << json{{"healthy", findings.empty()}, {"findings", arr}}.dump(
                             2, ' ', false, json::error_handler_t::replace)
                      << '\n';
        } else if (findings.empty()) {
            std::cout << "the pool is healthy\n";
        } else {
            for (const auto& f : findings)
                std::cout << (f.fixed ? "fixed  " : "found  ")
                          << (f.slot.empty() ? "" : f.slot + ": ") << display(f.problem)
                          << "\n       " << display(f.action) << '\n';
        }
        bool unfixed =
            std::any_of(findings.begin(), findings.end(), [](const auto& f) { return !f.fixed; });
        return unfixed ? 1 : 0;
    }

    CLI::App* m_app = nullptr;
    int m_size = pool::default_size;
    model::SpawnRequest m_req;
    std::string m_target;
    bool m_force = false, m_fix = false, m_json = false, m_no_setup = false;
};

} // namespace

std::unique_ptr<Command> make_pool() {
    return std::make_unique<Pool>();
}

} // namespace porch::cli
