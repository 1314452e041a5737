#include "model/context.hpp"

#include "model/naming.hpp"
#include "util/error.hpp"

#include <filesystem>

namespace porch::model {

namespace {

config::Config load_config(const git::Repo& repo, const std::optional<std::string>& root) {
    if (root)
        return config::load((std::filesystem::path(*root) / config::file_name).string());
    // A bare repository has no checkout: read the committed file from HEAD.
    if (auto head = repo.head_commit())
        if (auto text = repo.read_file_at(*head, config::file_name))
            return config::parse(*text, config::file_name);
    return {};
}

} // namespace

Context open_context(const std::string& cwd) {
    git::Repo repo = git::Repo::discover(cwd);
    std::optional<std::string> root = repo.is_bare() ? std::nullopt : repo.main_workdir();
    config::Config cfg = load_config(repo, root);
    protocol::Template worktree_t(cfg.worktree_template, "naming.worktree");
    protocol::Template branch_t(cfg.branch_template, "naming.branch");
    return Context{std::move(repo),     std::move(cfg),  std::move(worktree_t),
                   std::move(branch_t), std::move(root), {}};
}

std::vector<WorkerBranch> worker_branches(const Context& ctx, const std::string& only) {
    std::vector<WorkerBranch> out;
    for (const auto& ref : ctx.repo.refs(ctx.branch_ref_prefix())) {
        std::string branch = ref.name.branch().value().str();
        auto parts = ctx.branch_template.match(branch);
        if (!parts)
            continue; // shares the prefix but is not a worker branch
        std::string worker = protocol::worker_name(parts->id);
        if (!only.empty() && worker != only)
            continue;
        out.push_back({std::move(worker), parts->id, parts->desc, std::move(branch), ref.target});
    }
    return out;
}

std::string integration_branch(const Context& ctx, const std::string& feature) {
    if (auto problem = protocol::validate_feature(feature))
        throw Error(ErrorKind::invalid,
                    "bad feature name " + protocol::quote(feature) + ": " + *problem);
    std::string name = ctx.config.integration_template;
    name.replace(name.find("{feature}"), 9, feature);
    return name;
}

std::string Context::base_branch() const {
    if (config.base_branch)
        return *config.base_branch;
    for (const char* name : {"main", "master"})
        if (repo.ref_exists(git::branch_ref(name)))
            return name;
    for (const auto& wt : repo.worktrees())
        if (auto branch = wt.branch(); wt.is_main && branch)
            return branch->str();
    if (auto head = repo.head_ref(); head && head->branch())
        return head->branch()->str();
    throw Error(ErrorKind::fatal, "cannot tell which branch is the base branch",
                "set one in .porch.toml: base_branch = \"main\"");
}

std::string Context::default_remote() const {
    if (auto configured = repo.config_string("porch.remote"); configured && !configured->empty())
        return *configured;
    if (auto upstream = repo.config_string("branch." + base_branch() + ".remote");
        upstream && !upstream->empty() && *upstream != ".")
        return *upstream;
    return "origin";
}

} // namespace porch::model
