// History: commits, walks and the commit graph (ahead counts, ancestry, merge bases).
#include "git/repo_impl.hpp"
#include "util/error.hpp"

#include <set>

namespace porch::git {

using namespace detail;

TreePtr detail::tree_of(git_repository* repo, const Oid& commit_id) {
    git_oid raw = to_raw(commit_id);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, repo, &raw), "cannot read commit " + commit_id.hex());
    CommitPtr commit(c);
    git_tree* t = nullptr;
    check(git_commit_tree(&t, commit.get()), "cannot read the tree of " + commit_id.hex());
    return TreePtr(t);
}

std::string Commit::subject() const {
    auto start = message.find_first_not_of("\r\n");
    if (start == std::string::npos)
        return {};
    auto end = message.find('\n', start);
    std::string line = message.substr(start, end == std::string::npos ? end : end - start);
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    return line;
}

namespace {

Commit to_commit(const git_commit* c) {
    Commit out;
    out.id = from_raw(git_commit_id(c));
    const char* msg = git_commit_message_raw(c);
    out.message = msg ? msg : "";
    out.time = static_cast<std::int64_t>(git_commit_time(c));
    out.offset_minutes = git_commit_time_offset(c);
    if (const git_signature* author = git_commit_author(c))
        out.author_time = static_cast<std::int64_t>(author->when.time);
    out.parent_count = git_commit_parentcount(c);
    if (out.parent_count > 0)
        out.first_parent = from_raw(git_commit_parent_id(c, 0));
    return out;
}

} // namespace

Commit Repo::commit(const Oid& id) const {
    git_oid raw = to_raw(id);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, m_impl->repo.get(), &raw), "cannot read commit " + id.hex());
    CommitPtr commit(c);
    return to_commit(commit.get());
}

void Repo::walk(const Oid& tip, const std::optional<Oid>& hide,
                const std::function<bool(const Commit&)>& visit, Order order) const {
    std::vector<Oid> hides;
    if (hide)
        hides.push_back(*hide);
    walk(tip, hides, visit, order);
}

void Repo::walk(const Oid& tip, const std::vector<Oid>& hide,
                const std::function<bool(const Commit&)>& visit, Order order) const {
    git_revwalk* raw_walk = nullptr;
    check(git_revwalk_new(&raw_walk, m_impl->repo.get()), "cannot walk history");
    RevwalkPtr walker(raw_walk);
    // Time order (not topological) keeps the walk incremental: it stops as soon as the visitor
    // has what it needs instead of reading the whole history first.
    git_revwalk_sorting(walker.get(), order == Order::newest_first
                                          ? GIT_SORT_TIME
                                          : GIT_SORT_TOPOLOGICAL | GIT_SORT_REVERSE);
    git_oid raw_tip = to_raw(tip);
    check(git_revwalk_push(walker.get(), &raw_tip), "cannot walk from " + tip.hex());
    for (const auto& h : hide) {
        git_oid raw_hide = to_raw(h);
        check(git_revwalk_hide(walker.get(), &raw_hide), "cannot walk history");
    }
    git_oid next;
    int rc;
    while ((rc = git_revwalk_next(&next, walker.get())) == 0) {
        git_commit* c = nullptr;
        check(git_commit_lookup(&c, m_impl->repo.get(), &next), "cannot read commit");
        CommitPtr commit(c);
        if (!visit(to_commit(commit.get())))
            return;
    }
    if (rc != GIT_ITEROVER)
        check(rc, "cannot walk history");
}

std::optional<std::set<std::string>> Repo::reachable(const std::vector<Oid>& tips,
                                                     const std::set<std::string>& wanted,
                                                     std::size_t max_commits) const {
    std::set<std::string> found;
    if (wanted.empty() || tips.empty())
        return found;
    git_revwalk* raw_walk = nullptr;
    check(git_revwalk_new(&raw_walk, m_impl->repo.get()), "cannot walk history");
    RevwalkPtr walker(raw_walk);
    for (const auto& tip : tips) {
        git_oid raw = to_raw(tip);
        check(git_revwalk_push(walker.get(), &raw), "cannot walk from " + tip.hex());
    }
    // Ids only: no commit is read beyond what the walk itself needs.
    git_oid next;
    std::size_t seen = 0;
    while (git_revwalk_next(&next, walker.get()) == 0) {
        if (++seen > max_commits)
            return std::nullopt;
        std::string hex = from_raw(&next).hex();
        if (wanted.count(hex) && found.insert(hex).second && found.size() == wanted.size())
            break;
    }
    return found;
}

std::size_t Repo::count_ahead(const Oid& tip, const Oid& base) const {
    std::size_t ahead = 0, behind = 0;
    git_oid a = to_raw(tip), b = to_raw(base);
    check(git_graph_ahead_behind(&ahead, &behind, m_impl->repo.get(), &a, &b),
          "cannot compare " + tip.short_hex() + " with " + base.short_hex());
    return ahead;
}

bool Repo::has_object(const Oid& id) const {
    git_odb* odb = nullptr;
    if (git_repository_odb(&odb, m_impl->repo.get()) < 0)
        return false;
    git_oid raw = to_raw(id);
    // No refresh: a miss would re-read the pack folder (and libgit2 1.5.1 leaks doing so).
    bool found = git_odb_exists_ext(odb, &raw, GIT_ODB_LOOKUP_NO_REFRESH) == 1;
    git_odb_free(odb);
    return found;
}

bool Repo::is_ancestor(const Oid& ancestor, const Oid& descendant) const {
    if (ancestor == descendant)
        return true;
    // Asked first: libgit2 1.5.1 leaks when the walk below meets a missing object.
    if (!has_object(ancestor))
        return false; // a commit named by another clone's notes and never fetched here
    if (!has_object(descendant))
        throw Error(ErrorKind::fatal,
                    "cannot compare commits: " + descendant.hex() + " is missing");
    git_oid a = to_raw(ancestor), d = to_raw(descendant);
    int rc = git_graph_descendant_of(m_impl->repo.get(), &d, &a);
    check(rc, "cannot compare commits");
    return rc == 1;
}

std::optional<Oid> Repo::merge_base(const Oid& a, const Oid& b) const {
    git_oid out, ra = to_raw(a), rb = to_raw(b);
    int rc = git_merge_base(&out, m_impl->repo.get(), &ra, &rb);
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    check(rc, "cannot find a merge base");
    return from_raw(&out);
}

} // namespace porch::git

namespace porch::git {

std::vector<std::string> Repo::diff_paths(const std::optional<Oid>& from, const Oid& to,
                                          const std::vector<std::string>& only) const {
    TreePtr old_tree = from ? tree_of(m_impl->repo.get(), *from) : TreePtr();
    TreePtr new_tree = tree_of(m_impl->repo.get(), to);
    git_diff_options opts;
    check(git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION), "cannot set up a diff");
    std::vector<char*> specs;
    for (const auto& p : only)
        specs.push_back(const_cast<char*>(p.c_str()));
    if (!specs.empty()) {
        opts.pathspec.strings = specs.data();
        opts.pathspec.count = specs.size();
        opts.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH; // exact paths, never patterns
    }
    git_diff* raw = nullptr;
    check(git_diff_tree_to_tree(&raw, m_impl->repo.get(), old_tree.get(), new_tree.get(), &opts),
          "cannot compare " + to.short_hex() + " with its parent");
    std::unique_ptr<git_diff, Deleter<git_diff_free>> diff(raw);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        out.emplace_back(d->new_file.path);
        if (d->old_file.path && std::string_view(d->old_file.path) != d->new_file.path)
            out.emplace_back(d->old_file.path);
    }
    return out;
}

} // namespace porch::git
