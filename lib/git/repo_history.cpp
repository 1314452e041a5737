// History: commits, walks and the commit graph (ahead counts, ancestry, merge bases).
#include "git/repo_impl.hpp"

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

std::size_t Repo::count_ahead(const Oid& tip, const Oid& base) const {
    std::size_t ahead = 0, behind = 0;
    git_oid a = to_raw(tip), b = to_raw(base);
    check(git_graph_ahead_behind(&ahead, &behind, m_impl->repo.get(), &a, &b),
          "cannot compare " + tip.short_hex() + " with " + base.short_hex());
    return ahead;
}

bool Repo::is_ancestor(const Oid& ancestor, const Oid& descendant) const {
    if (ancestor == descendant)
        return true;
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
