// git porch cleanup [--merged-into <branch>] [--branches] [--dry-run] [--json]: remove merged
// workers' worktrees (release their pool slots), and with --branches their branches.
#include "command.hpp"
#include "compose.hpp"
#include "ops/cleanup/cleanup.hpp"
#include "render.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

json null_if_empty(const std::string& s) {
    return s.empty() ? json(nullptr) : json(s);
}

// Paths relative to the main worktree read better; outside it they stay absolute.
std::string shown_path(const model::Context& ctx, const std::string& path) {
    if (path.empty() || !ctx.root)
        return path;
    std::string rel = std::filesystem::path(path).lexically_relative(*ctx.root).generic_string();
    return rel.empty() || rel.starts_with("..") ? path : rel;
}

class Cleanup : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option(
            "--merged-into", m_merged_into,
            "The integration branch workers must be merged into (default: the base branch)");
        app.add_flag("--branches", m_branches, "Also delete the merged workers' branches");
        app.add_flag("-n,--dry-run", m_dry_run, "Show what would be done; change nothing");
        app.add_flag("--json", m_json, "Print the result as JSON");
    }

    int run(Env& env) override {
        auto& ctx = *env.ctx;
        ops::CleanupOptions opts{m_merged_into, m_branches, m_dry_run, env.cwd, release_slot};
        auto report = ops::cleanup(ctx, opts);
        if (m_json) {
            json removed = json::array();
            for (const auto& r : report.removed)
                removed.push_back({{"worker", r.worker},
                                   {"branch", r.branch},
                                   {"worktree", r.worktree},
                                   {"slot", null_if_empty(r.slot)}});
            json refused = json::array();
            for (const auto& r : report.refused)
                refused.push_back({{"worker", r.worker},
                                   {"branch", r.branch},
                                   {"worktree", null_if_empty(r.worktree)},
                                   {"reason", r.reason},
                                   {"hint", null_if_empty(r.hint)}});
            std::cout << json{{"version", 1},
                              {"merged_into", report.merged_into},
                              {"dry_run", report.dry_run},
                              {"removed", removed},
                              {"refused", refused},
                              {"branches_deleted", report.branches_deleted}}
                             .dump(2, ' ', false, json::error_handler_t::replace)
                      << '\n';
            return 0;
        }

        for (const auto& r : report.removed) {
            if (r.slot.empty())
                std::cout << (report.dry_run ? "would remove " : "removed ")
                          << display(shown_path(ctx, r.worktree));
            else
                std::cout << (report.dry_run ? "would release " : "released ") << r.slot
                          << " (its folder stays)";
            std::cout << " (" << r.worker << ": " << display(r.branch) << " is merged into "
                      << display(report.merged_into) << ")\n";
        }
        for (const auto& b : report.branches_deleted)
            std::cout << (report.dry_run ? "would delete" : "deleted") << " branch " << display(b)
                      << '\n';
        for (const auto& r : report.refused) {
            std::cout << "kept " << r.worker;
            if (!r.worktree.empty())
                std::cout << " (" << display(shown_path(ctx, r.worktree)) << ")";
            else
                std::cout << " (branch " << display(r.branch) << ")";
            std::cout << ": " << display(r.reason) << '\n';
            if (!r.hint.empty())
                std::cout << "  → " << display(r.hint) << '\n';
        }
        if (report.removed.empty() && report.branches_deleted.empty())
            std::cout
                << "nothing to clean up: no clean, porch-made worktree of a worker merged into "
                << display(report.merged_into) << '\n';
        if (report.dry_run && (!report.removed.empty() || !report.branches_deleted.empty()))
            std::cout << "next: git porch cleanup" << (m_branches ? " --branches" : "")
                      << (m_merged_into.empty() ? "" : " --merged-into " + m_merged_into)
                      << "   (this was a dry run; nothing changed)\n";
        else if (!m_branches && !report.merged_branches_kept.empty())
            std::cout << "next: git porch cleanup --branches"
                      << (m_merged_into.empty() ? "" : " --merged-into " + m_merged_into)
                      << "   (deletes " << report.merged_branches_kept.size() << " merged branch"
                      << (report.merged_branches_kept.size() == 1 ? "" : "es") << ")\n";
        return 0;
    }

private:
    std::string m_merged_into;
    bool m_branches = false, m_dry_run = false, m_json = false;
};

} // namespace

std::unique_ptr<Command> make_cleanup() {
    return std::make_unique<Cleanup>();
}

} // namespace porch::cli
