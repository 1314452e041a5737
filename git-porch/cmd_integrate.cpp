// git porch integrate <feature>: merge complete workers in dependency order into an integration
// branch, in porch's own worktree; --continue, --abort, --dry-run, --finish.
#include "command.hpp"
#include "compose.hpp"
#include "json_words.hpp"
#include "ops/integrate/integrate.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace porch::cli {

namespace {

std::vector<std::string> split_only(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& arg : args) {
        std::stringstream ss(arg);
        std::string item;
        while (std::getline(ss, item, ','))
            if (!item.empty())
                out.push_back(worker_arg(item, "--only"));
    }
    return out;
}

nlohmann::json to_json(const ops::IntegrateResult& r) {
    nlohmann::json j;
    j["feature"] = r.feature;
    j["branch"] = r.branch;
    j["worktree"] = r.worktree;
    j["order"] = r.order;
    j["skipped"] = nlohmann::json::array();
    for (const auto& s : r.skipped)
        j["skipped"].push_back(
            {{"worker", s.worker}, {"reason", s.reason}, {"kind", s.kind}, {"checks", s.checks}});
    j["steps"] = nlohmann::json::array();
    for (const auto& s : r.steps) {
        nlohmann::json step = {{"worker", s.worker},
                               {"branch", s.branch},
                               {"outcome", s.outcome},
                               {"commit", s.commit}};
        if (!s.files.empty())
            step["files"] = s.files;
        j["steps"].push_back(step);
    }
    j["conflict"] = nullptr;
    if (r.conflict) {
        nlohmann::json files = nlohmann::json::array();
        for (const auto& [f, who] : r.conflict->files)
            files.push_back({{"file", f}, {"workers", who}});
        j["conflict"] = {{"worker", r.conflict->worker}, {"files", files}};
    }
    j["diverged"] = nlohmann::json::array();
    for (const auto& d : r.diverged) {
        nlohmann::json tips = nlohmann::json::array();
        for (const auto& t : d.tips)
            tips.push_back({{"branch", t.branch}, {"commit", t.commit}});
        j["diverged"].push_back(
            {{"worker", d.worker}, {"tips", tips}, {"message", d.message}, {"action", d.action}});
    }
    j["verify_failure"] =
        r.verify_failure ? nlohmann::json(*r.verify_failure) : nlohmann::json(nullptr);
    j["finished"] = r.finished;
    j["cleaned"] = r.cleaned;
    j["worktree_removed"] = r.worktree_removed;
    return j;
}

// The stop before merging anything: each diverged worker with its tips and the commands that
// reconcile it, then how to go on, or to go on without them.
void render_diverged(const ops::IntegrateResult& r) {
    std::cerr << "error: nothing merged into " << r.branch << ": "
              << util::sanitize_for_terminal(r.diverged.front().message) << '\n';
    for (std::size_t i = 0; i < r.diverged.size(); ++i) {
        if (i > 0)
            std::cerr << "hint: " << util::sanitize_for_terminal(r.diverged[i].message) << '\n';
        std::cerr << "hint: " << util::sanitize_for_terminal(r.diverged[i].action) << '\n';
    }
    std::cerr << "hint: then run: git porch integrate " << r.feature
              << (r.in_progress ? " --continue" : "") << '\n';
    if (!r.order.empty() && !r.in_progress)
        std::cerr << "hint: or leave " << (r.diverged.size() == 1 ? "it" : "them")
                  << " out: git porch integrate " << r.feature << " --only "
                  << util::join(r.order, ",") << '\n';
    else if (r.in_progress)
        std::cerr << "hint: or put everything back: git porch integrate " << r.feature
                  << " --abort\n";
}

void render(const ops::IntegrateResult& r, bool dry_run) {
    auto& out = std::cout;
    if (r.finished) {
        out << "merged " << r.branch << " into " << r.base << '\n';
        if (r.worktree_removed)
            out << "removed porch's worktree " << r.worktree << " (" << r.branch << " stays)\n";
        for (const auto& w : r.cleaned)
            out << "removed the worktree of " << w << " (auto_cleanup)\n";
        return;
    }
    if (dry_run && r.diverged.empty())
        out << "would merge into " << r.branch << ", in this order:\n";
    for (const auto& s : r.steps) {
        if (s.outcome == "merged")
            out << "merged " << s.worker << " (" << s.branch << ")\n";
        else if (s.outcome == "would-merge")
            out << "  " << s.worker << " (" << s.branch << ")\n";
        else if (s.outcome == "conflict-predicted") {
            out << "  " << s.worker << " (" << s.branch << "): conflict predicted in";
            for (const auto& f : s.files)
                out << ' ' << util::sanitize_for_terminal(f);
            out << '\n';
        }
    }
    for (const auto& s : r.skipped)
        out << "skipped " << s.worker << ": " << util::sanitize_for_terminal(s.reason) << '\n';
    if (!r.diverged.empty()) {
        render_diverged(r);
    } else if (r.conflict) {
        std::cerr << "error: merging " << r.conflict->worker << " into " << r.branch
                  << " conflicted in:\n";
        for (const auto& [f, who] : r.conflict->files) {
            std::cerr << "  " << util::sanitize_for_terminal(f) << " (changed by";
            for (const auto& w : who)
                std::cerr << ' ' << w;
            std::cerr << ")\n";
        }
        std::cerr << "hint: resolve in " << r.worktree << ", 'git -C " << r.worktree
                  << " add' the files,\nhint: then run: git porch integrate " << r.feature
                  << " --continue\nhint: or put everything back: git porch integrate " << r.feature
                  << " --abort\n";
    } else if (r.verify_failure) {
        std::cerr << "error: verify failed after merging " << r.verify_worker << ": "
                  << *r.verify_failure;
        if (r.verify_failure->back() != '\n')
            std::cerr << '\n';
        std::cerr << "hint: fix and commit in " << r.worktree << ", then run: git porch integrate "
                  << r.feature << " --continue\nhint: or put everything back: git porch integrate "
                  << r.feature << " --abort\n";
    } else if (!dry_run && !r.order.empty()) {
        out << r.branch << " is ready; merge it into the base with: git porch integrate "
            << r.feature << " --finish\n";
    } else if (r.order.empty() && !dry_run && r.steps.empty()) {
        out << "nothing to merge into " << r.branch << '\n';
    }
}

class Integrate : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("feature", m_options.feature,
                       "The feature: integrates into integration/<feature>")
            ->required();
        app.add_option("--base", m_base,
                       "Start the integration branch from REF (default: the base branch)");
        app.add_option("--only", m_only, "Only these workers (task-<id>,...)");
        app.add_flag("--include-incomplete", m_options.include_incomplete,
                     "Merge workers that are not complete too");
        app.add_flag("--dry-run", m_options.dry_run,
                     "Print the order and predicted conflicts; change nothing");
        auto* cont = app.add_flag("--continue", m_continue,
                                  "Go on after resolving a conflict or a failed verify");
        auto* abort = app.add_flag("--abort", m_abort,
                                   "Put the branch and its worktree back where the run started");
        auto* finish =
            app.add_flag("--finish", m_finish, "Merge the integration branch into the base");
        cont->excludes(abort)->excludes(finish);
        abort->excludes(finish);
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        if (!m_base.empty())
            m_options.base = m_base;
        m_options.only = split_only(m_only);
        if (m_options.dry_run && (m_continue || m_abort || m_finish))
            throw Error(ErrorKind::invalid,
                        "--dry-run cannot be combined with --continue, --abort or --finish");
        ops::IntegrateResult r;
        if (m_continue)
            r = ops::integrate_continue(*env.ctx, m_options);
        else if (m_abort)
            r = ops::integrate_abort(*env.ctx, m_options.feature);
        else if (m_finish)
            r = ops::integrate_finish(*env.ctx, m_options.feature, cleanup_merged);
        else
            r = ops::integrate(*env.ctx, m_options);
        if (m_json)
            std::cout << to_json(r).dump(2) << '\n';
        else if (m_abort)
            std::cout << "integration of " << r.feature << " aborted: " << r.branch
                      << " is back where the run started\n";
        else
            render(r, m_options.dry_run);
        return r.conflict || r.verify_failure || !r.diverged.empty() ? 1 : 0;
    }

private:
    ops::IntegrateOptions m_options;
    std::string m_base;
    std::vector<std::string> m_only;
    bool m_continue = false, m_abort = false, m_finish = false, m_json = false;
};

} // namespace

std::unique_ptr<Command> make_integrate() {
    return std::make_unique<Integrate>();
}

} // namespace porch::cli
