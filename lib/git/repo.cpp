#include "git/repo.hpp"

#include "git/handles.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <git2/sys/repository.h>
#include <sstream>
#include <unordered_map>

namespace porch::git {

using namespace detail;
namespace fs = std::filesystem;

namespace {

git_oid to_raw(const Oid& id) {
    git_oid raw;
    std::copy(id.bytes.begin(), id.bytes.end(), raw.id);
    return raw;
}

Oid from_raw(const git_oid* raw) {
    Oid out;
    std::copy(raw->id, raw->id + out.bytes.size(), out.bytes.begin());
    return out;
}

std::string strip_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

std::string str(std::string_view s) {
    return std::string(s);
}

std::optional<std::string> read_small_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

TreePtr tree_of(git_repository* repo, const Oid& commit_id) {
    git_oid raw = to_raw(commit_id);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, repo, &raw), "cannot read commit " + commit_id.hex());
    CommitPtr commit(c);
    git_tree* t = nullptr;
    check(git_commit_tree(&t, commit.get()), "cannot read the tree of " + commit_id.hex());
    return TreePtr(t);
}

// Parses the content of a HEAD file: "ref: refs/heads/x\n" or a detached id.
std::optional<std::string> symbolic_head(const std::optional<std::string>& content) {
    if (!content || content->rfind("ref: ", 0) != 0)
        return std::nullopt;
    std::string target = content->substr(5);
    while (!target.empty() && (target.back() == '\n' || target.back() == '\r'))
        target.pop_back();
    return target;
}

} // namespace

struct Repo::Impl {
    RepoPtr repo;
    mutable ConfigPtr config; // snapshot, taken on first use
    // The notes tree of one notes commit, as target id -> note blob: status reads a note per
    // worker, and libgit2 would re-read and scan the whole notes tree for each one.
    // Per notes commit (the live and the archive ref are read side by side): the note of each
    // annotated object, and the contents read so far, as callers read one note several times.
    struct NotesIndex {
        std::unordered_map<std::string, Oid> index;
        std::unordered_map<std::string, std::optional<std::string>> read;
    };
    mutable std::unordered_map<std::string, NotesIndex> notes;
};

Repo::Repo(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Repo::Repo(Repo&&) noexcept = default;
Repo& Repo::operator=(Repo&&) noexcept = default;
Repo::~Repo() = default;

// libgit2 refuses a repository another user owns (or, in 1.5, reports it as not found), and
// honours only exact paths in safe.directory, where git also takes "*". Like git, porch opens it
// when the user's or the system's safe.directory allows it, and otherwise says why it will not.
static int open_owned_by_another(git_repository** out, const std::string& where, bool no_search,
                                 const char* ceiling, int rc) {
    int validating = 1;
    git_libgit2_opts(GIT_OPT_GET_OWNER_VALIDATION, &validating);
    if (!validating)
        return rc;
    git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, where.c_str(), no_search ? GIT_REPOSITORY_OPEN_NO_SEARCH : 0,
                                ceiling) < 0) {
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 1);
        return rc; // not there at all
    }
    RepoPtr repo(raw);
    const char* workdir = git_repository_workdir(raw);
    std::string path = strip_trailing_slash(workdir ? workdir : git_repository_path(raw));
    struct Match {
        const std::string& path;
        bool allowed = false;
    } match{path};
    git_config* config_raw = nullptr;
    if (git_config_open_default(&config_raw) == 0) {
        ConfigPtr config(config_raw);
        git_config_get_multivar_foreach(
            config_raw, "safe.directory", nullptr,
            [](const git_config_entry* e, void* payload) {
                auto& m = *static_cast<Match*>(payload);
                std::string value = e->value ? e->value : "";
                m.allowed = m.allowed || value == "*" || strip_trailing_slash(value) == m.path;
                return 0;
            },
            &match);
    }
    if (!match.allowed)
        throw Error(ErrorKind::fatal,
                    "detected dubious ownership in repository at '" + path +
                        "': another user owns it",
                    "if you trust it: git config --global --add safe.directory " + path);
    *out = repo.release();
    return 0;
}

Repo Repo::discover(const std::string& start) {
    ensure_init();
    git_repository* raw = nullptr;
    // git's environment, as git itself reads it (libgit2 1.5's FROM_ENV mode refuses
    // GIT_WORK_TREE): hooks run with GIT_DIR and GIT_INDEX_FILE set, and pre-commit must see
    // the temporary index of `git commit -a` or `git commit <paths>`.
    auto env = [](const char* name) -> std::optional<fs::path> {
        const char* v = std::getenv(name);
        if (v == nullptr || *v == '\0')
            return std::nullopt;
        return fs::path(v);
    };
    auto absolute = [&](const fs::path& p) { return p.is_absolute() ? p : fs::path(start) / p; };
    const auto git_dir_env = env("GIT_DIR");
    const char* ceiling = std::getenv("GIT_CEILING_DIRECTORIES");
    int rc = git_dir_env ? git_repository_open_ext(&raw, absolute(*git_dir_env).c_str(),
                                                   GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr)
                         : git_repository_open_ext(&raw, start.c_str(), 0, ceiling);
    if (rc == GIT_ENOTFOUND || rc == GIT_EOWNER)
        rc = open_owned_by_another(&raw, git_dir_env ? absolute(*git_dir_env).string() : start,
                                   git_dir_env.has_value(), ceiling, rc);
    if (rc == GIT_ENOTFOUND)
        throw Error(ErrorKind::fatal,
                    "not a git repository (or any of the parent directories): " +
                        (git_dir_env ? git_dir_env->string() : start),
                    "run git porch inside a clone, or create one with 'git init'");
    check(rc, "cannot open repository at " + start);
    auto impl = std::make_unique<Impl>();
    impl->repo.reset(raw);
    if (auto work_tree = env("GIT_WORK_TREE")) {
        // Only when it differs from what discovery found: libgit2 1.5's set_workdir leaks a
        // buffer (LeakSanitizer), and `git --work-tree=<root>` usually names the same folder.
        std::error_code ec;
        const char* found = git_repository_workdir(raw);
        if (found == nullptr || !fs::equivalent(fs::path(found), absolute(*work_tree), ec))
            check(git_repository_set_workdir(raw, absolute(*work_tree).c_str(), 0),
                  "cannot use GIT_WORK_TREE " + work_tree->string());
    }
    if (auto index_file = env("GIT_INDEX_FILE")) {
        git_index* index = nullptr;
        check(git_index_open(&index, absolute(*index_file).c_str()),
              "cannot read GIT_INDEX_FILE " + index_file->string());
        std::unique_ptr<git_index, Deleter<git_index_free>> owned(index);
        check(git_repository_set_index(raw, index), "cannot use GIT_INDEX_FILE");
    }
    return Repo(std::move(impl));
}

std::string Repo::git_dir() const {
    return strip_trailing_slash(git_repository_path(m_impl->repo.get()));
}

std::string Repo::common_dir() const {
    return strip_trailing_slash(git_repository_commondir(m_impl->repo.get()));
}

std::optional<std::string> Repo::workdir() const {
    const char* wd = git_repository_workdir(m_impl->repo.get());
    if (wd == nullptr)
        return std::nullopt;
    return strip_trailing_slash(wd);
}

std::optional<std::string> Repo::main_workdir() const {
    if (!git_repository_is_worktree(m_impl->repo.get()))
        return workdir();
    // The common case, <root>/.git, needs no second repository open (hooks run on every commit).
    fs::path common = common_dir();
    if (common.filename() == ".git" && fs::is_regular_file(common / "HEAD") &&
        !git_repository_is_bare(m_impl->repo.get()))
        return common.parent_path().string();
    git_repository* raw = nullptr;
    check(git_repository_open(&raw, common_dir().c_str()), "cannot open the main repository");
    RepoPtr main(raw);
    const char* wd = git_repository_workdir(main.get());
    if (wd == nullptr)
        return std::nullopt;
    return strip_trailing_slash(wd);
}

bool Repo::is_bare() const {
    return git_repository_is_bare(m_impl->repo.get()) == 1;
}

bool Repo::is_shallow() const {
    return git_repository_is_shallow(m_impl->repo.get()) == 1;
}

bool Repo::has_no_commits() const {
    int rc = git_repository_is_empty(m_impl->repo.get());
    check(rc, "cannot inspect HEAD");
    return rc == 1;
}

std::optional<std::string> Repo::head_ref() const {
    git_reference* raw = nullptr;
    check(git_reference_lookup(&raw, m_impl->repo.get(), "HEAD"), "cannot read HEAD");
    RefPtr head(raw);
    if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC)
        return std::nullopt;
    return std::string(git_reference_symbolic_target(head.get()));
}

std::optional<Oid> Repo::head_commit() const {
    return resolve_commit("HEAD");
}

std::optional<Oid> Repo::resolve_commit(std::string_view rev) const {
    git_object* raw = nullptr;
    int rc = git_revparse_single(&raw, m_impl->repo.get(), str(rev).c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS || rc == GIT_EINVALIDSPEC ||
        rc == GIT_EUNBORNBRANCH)
        return std::nullopt;
    check(rc, "cannot resolve '" + str(rev) + "'");
    ObjectPtr obj(raw);
    git_object* peeled = nullptr;
    if (git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT) < 0)
        return std::nullopt;
    ObjectPtr commit(peeled);
    return from_raw(git_object_id(commit.get()));
}

std::optional<Oid> Repo::ref_target(std::string_view full_name) const {
    git_oid raw;
    int rc = git_reference_name_to_id(&raw, m_impl->repo.get(), str(full_name).c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return std::nullopt;
    check(rc, "cannot read " + str(full_name));
    return from_raw(&raw);
}

std::optional<std::chrono::seconds> Repo::loose_ref_age(std::string_view full_name) const {
    std::error_code ec;
    auto written = fs::last_write_time(fs::path(common_dir()) / std::string(full_name), ec);
    if (ec)
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() -
                                                            written);
}

bool Repo::ref_exists(std::string_view full_name) const {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, m_impl->repo.get(), str(full_name).c_str());
    RefPtr ref(raw);
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return false;
    check(rc, "cannot read " + str(full_name));
    return true;
}

std::vector<Ref> Repo::refs(std::string_view prefix) const {
    git_reference_iterator* raw_iter = nullptr;
    std::string glob = str(prefix) + "*";
    check(git_reference_iterator_glob_new(&raw_iter, m_impl->repo.get(), glob.c_str()),
          "cannot list " + glob);
    RefIterPtr iter(raw_iter);
    std::vector<Ref> out;
    git_reference* raw = nullptr;
    int rc;
    while ((rc = git_reference_next(&raw, iter.get())) == 0) {
        RefPtr ref(raw);
        std::string name = git_reference_name(ref.get());
        if (name.rfind(prefix, 0) != 0)
            continue;
        git_object* peeled = nullptr;
        if (git_reference_peel(&peeled, ref.get(), GIT_OBJECT_COMMIT) == 0) {
            ObjectPtr obj(peeled);
            out.push_back({std::move(name), from_raw(git_object_id(obj.get()))});
        } else if (const git_oid* target = git_reference_target(ref.get())) {
            out.push_back({std::move(name), from_raw(target)});
        }
    }
    if (rc != GIT_ITEROVER)
        check(rc, "cannot list " + glob);
    std::sort(out.begin(), out.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
    return out;
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

bool Repo::create_branch(std::string_view name, const Oid& target) {
    std::string full = "refs/heads/" + str(name);
    return update_ref_cas(full, target, std::nullopt, "porch: create " + str(name)) ==
           CasResult::updated;
}

bool Repo::delete_ref_if(std::string_view full_name, const Oid& expected) {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, m_impl->repo.get(), str(full_name).c_str());
    if (rc == GIT_ENOTFOUND)
        return false;
    check(rc, "cannot read " + str(full_name));
    RefPtr ref(raw);
    const git_oid* target = git_reference_target(ref.get());
    if (target == nullptr || from_raw(target) != expected)
        return false;
    // git_reference_delete checks the old value under the ref lock, so this is a CAS delete.
    rc = git_reference_delete(ref.get());
    if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED)
        return false;
    check(rc, "cannot delete " + str(full_name));
    return true;
}

CasResult Repo::update_ref_cas(std::string_view full_name, const Oid& target,
                               const std::optional<Oid>& expected, std::string_view log_message) {
    int valid = 0;
    std::string name = str(full_name);
    check(git_reference_name_is_valid(&valid, name.c_str()), "cannot check ref name");
    if (!valid)
        throw Error(ErrorKind::fatal, "'" + name + "' is not a valid ref name");
    git_oid raw_target = to_raw(target);
    git_reference* raw = nullptr;
    int rc;
    std::string log = str(log_message);
    // "Only if absent" is an expected value of all zeros: libgit2 1.5 compares it under the
    // ref's lock, while git_reference_create(force=0) checks for the ref before locking and
    // lets two concurrent creators both succeed.
    git_oid raw_expected{};
    if (expected)
        raw_expected = to_raw(*expected);
    rc = git_reference_create_matching(&raw, m_impl->repo.get(), name.c_str(), &raw_target, 1,
                                       &raw_expected, log.c_str());
    RefPtr ref(raw);
    if (rc == GIT_ELOCKED)
        return CasResult::locked;
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
        return CasResult::conflict;
    check(rc, "cannot update " + name);
    return CasResult::updated;
}

std::vector<Worktree> Repo::worktrees() const {
    std::vector<Worktree> out;
    fs::path common = common_dir();
    if (auto main = main_workdir()) {
        Worktree w;
        w.path = *main;
        w.head = symbolic_head(read_small_file(common / "HEAD"));
        w.is_main = true;
        out.push_back(std::move(w));
    }
    StrArray names;
    check(git_worktree_list(&names.value, m_impl->repo.get()), "cannot list worktrees");
    for (std::size_t i = 0; i < names.value.count; ++i) {
        Worktree w;
        w.name = names.value.strings[i];
        git_worktree* raw = nullptr;
        if (git_worktree_lookup(&raw, m_impl->repo.get(), w.name.c_str()) < 0)
            continue;
        WorktreePtr wt(raw);
        w.path = strip_trailing_slash(git_worktree_path(wt.get()));
        w.locked = git_worktree_is_locked(nullptr, wt.get()) > 0;
        w.missing = !fs::exists(w.path);
        // The HEAD file format is stable and documented; reading it directly also works for a
        // worktree whose branch no longer exists, where libgit2's lookup would fail.
        w.head = symbolic_head(read_small_file(common / "worktrees" / w.name / "HEAD"));
        out.push_back(std::move(w));
    }
    return out;
}

std::vector<std::string> Repo::staged_paths() const {
    git_index* raw_index = nullptr;
    check(git_repository_index(&raw_index, m_impl->repo.get()), "cannot read the index");
    std::unique_ptr<git_index, Deleter<git_index_free>> index(raw_index);
    TreePtr tree;
    if (auto head = head_commit())
        tree = tree_of(m_impl->repo.get(), *head);
    git_diff* raw_diff = nullptr;
    check(git_diff_tree_to_index(&raw_diff, m_impl->repo.get(), tree.get(), index.get(), nullptr),
          "cannot compare the index with HEAD");
    std::unique_ptr<git_diff, Deleter<git_diff_free>> diff(raw_diff);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        if (d->old_file.path && d->status != GIT_DELTA_ADDED)
            out.emplace_back(d->old_file.path);
        if (d->new_file.path && (out.empty() || out.back() != d->new_file.path))
            out.emplace_back(d->new_file.path);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string Repo::operation_in_progress() const {
    switch (git_repository_state(m_impl->repo.get())) {
    case GIT_REPOSITORY_STATE_MERGE:
        return "merge";
    case GIT_REPOSITORY_STATE_REVERT:
    case GIT_REPOSITORY_STATE_REVERT_SEQUENCE:
        return "revert";
    case GIT_REPOSITORY_STATE_CHERRYPICK:
    case GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE:
        return "cherry-pick";
    case GIT_REPOSITORY_STATE_REBASE:
    case GIT_REPOSITORY_STATE_REBASE_INTERACTIVE:
    case GIT_REPOSITORY_STATE_REBASE_MERGE:
        return "rebase";
    case GIT_REPOSITORY_STATE_BISECT:
        return "bisect";
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX:
    case GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE:
        return "am";
    default:
        return {};
    }
}

namespace {

// Section and variable names are case-insensitive; a subsection keeps its case.
std::string lower_key(std::string_view key) {
    std::string out(key);
    auto first = out.find('.');
    auto last = out.rfind('.');
    for (std::size_t i = 0; i < out.size(); ++i)
        if (i < first || i > last)
            out[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(out[i])));
    return out;
}

// Parses GIT_CONFIG_PARAMETERS: shell-quoted 'key'='value' (git >= 2.31) or 'key=value' items.
std::optional<std::string> env_config(std::string_view wanted_key) {
    std::string wanted = lower_key(wanted_key);
    std::optional<std::string> found;
    // GIT_CONFIG_COUNT with GIT_CONFIG_KEY_<n>/GIT_CONFIG_VALUE_<n> (git --config-env, CI
    // systems) come first; `git -c` (GIT_CONFIG_PARAMETERS) wins over them, as in git.
    if (const char* count = std::getenv("GIT_CONFIG_COUNT")) {
        int n = std::atoi(count);
        for (int i = 0; i < n && i < 1000; ++i) {
            const char* k = std::getenv(("GIT_CONFIG_KEY_" + std::to_string(i)).c_str());
            const char* v = std::getenv(("GIT_CONFIG_VALUE_" + std::to_string(i)).c_str());
            if (k && v && lower_key(k) == wanted)
                found = v;
        }
    }
    const char* raw = std::getenv("GIT_CONFIG_PARAMETERS");
    if (raw == nullptr)
        return found;
    std::string_view text(raw);
    std::size_t i = 0;
    auto quoted = [&](std::string& out) {
        if (i >= text.size() || text[i] != '\'')
            return false;
        ++i;
        while (i < text.size()) {
            if (text[i] == '\'') {
                if (text.substr(i, 4) == "'\\''") {
                    out += '\'';
                    i += 4;
                    continue;
                }
                ++i;
                return true;
            }
            out += text[i++];
        }
        return false;
    };
    while (i < text.size()) {
        while (i < text.size() && text[i] == ' ')
            ++i;
        std::string key, value;
        if (!quoted(key))
            break;
        if (i < text.size() && text[i] == '=') {
            ++i;
            if (!quoted(value))
                break;
        } else if (auto eq = key.find('='); eq != std::string::npos) {
            value = key.substr(eq + 1);
            key.resize(eq);
        }
        if (lower_key(key) == wanted)
            found = value; // the last one wins, as in git
    }
    return found;
}

git_config* snapshot(const RepoPtr& repo, ConfigPtr& cache) {
    if (!cache) {
        git_config* raw = nullptr;
        check(git_repository_config_snapshot(&raw, repo.get()), "cannot read git config");
        cache.reset(raw);
    }
    return cache.get();
}

} // namespace

std::optional<std::string> Repo::config_string(std::string_view key) const {
    // libgit2 never sees `git -c` settings; git's hooks and users rely on them.
    if (auto v = env_config(key))
        return v;
    git_config* cfg = snapshot(m_impl->repo, m_impl->config);
    const char* value = nullptr;
    int rc = git_config_get_string(&value, cfg, str(key).c_str());
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    check(rc, "cannot read config " + str(key));
    return std::string(value);
}

std::optional<bool> Repo::config_bool(std::string_view key) const {
    if (auto v = env_config(key)) {
        int value = 0;
        if (git_config_parse_bool(&value, v->c_str()) == 0)
            return value != 0;
        if (v->empty())
            return true; // `git -c key` alone means true
        throw Error(ErrorKind::fatal, "bad boolean config value '" + *v + "' for " + str(key));
    }
    git_config* cfg = snapshot(m_impl->repo, m_impl->config);
    int value = 0;
    int rc = git_config_get_bool(&value, cfg, str(key).c_str());
    if (rc == GIT_ENOTFOUND)
        return std::nullopt;
    check(rc, "bad boolean config value for " + str(key));
    return value != 0;
}

void Repo::refresh_config() {
    m_impl->config.reset();
}

void Repo::set_config_string(std::string_view key, std::string_view value) {
    git_config* raw = nullptr;
    check(git_repository_config(&raw, m_impl->repo.get()), "cannot open git config");
    ConfigPtr all(raw);
    git_config* local_raw = nullptr;
    check(git_config_open_level(&local_raw, all.get(), GIT_CONFIG_LEVEL_LOCAL),
          "cannot open the repository's config");
    ConfigPtr local(local_raw);
    check(git_config_set_string(local.get(), str(key).c_str(), str(value).c_str()),
          "cannot write config " + str(key));
    m_impl->config.reset(); // the snapshot is stale now
}

Signature Repo::default_signature() const {
    git_signature* raw = nullptr;
    if (git_signature_default(&raw, m_impl->repo.get()) == 0) {
        SignaturePtr sig(raw);
        return {sig->name, sig->email};
    }
    return {"git porch", "porch@localhost"};
}

std::optional<std::string> Repo::read_blob(const Oid& id) const {
    git_oid raw = to_raw(id);
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, m_impl->repo.get(), &raw) < 0)
        return std::nullopt;
    BlobPtr blob(b);
    auto size = static_cast<std::size_t>(git_blob_rawsize(blob.get()));
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
}

std::optional<std::string> Repo::read_file_at(const Oid& commit_id, std::string_view path) const {
    TreePtr tree = tree_of(m_impl->repo.get(), commit_id);
    git_tree_entry* entry = nullptr;
    if (git_tree_entry_bypath(&entry, tree.get(), str(path).c_str()) < 0)
        return std::nullopt;
    std::unique_ptr<git_tree_entry, Deleter<git_tree_entry_free>> owned(entry);
    if (git_tree_entry_type(owned.get()) != GIT_OBJECT_BLOB)
        return std::nullopt;
    return read_blob(from_raw(git_tree_entry_id(owned.get())));
}

Oid Repo::write_blob(std::string_view content) {
    git_oid raw;
    check(git_blob_create_from_buffer(&raw, m_impl->repo.get(), content.data(), content.size()),
          "cannot write object");
    return from_raw(&raw);
}

namespace {

// Notes trees name each note by its target's hex id, split into fanout folders ("ab/cdef...")
// once git rewrites a large notes tree; the prefix collects the folders' names.
void index_notes(git_repository* repo, const git_tree* tree, const std::string& prefix,
                 std::unordered_map<std::string, Oid>& out) {
    for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        std::string name = prefix + git_tree_entry_name(e);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE && name.size() < 40) {
            git_tree* sub = nullptr;
            if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0) {
                TreePtr owned(sub);
                index_notes(repo, sub, name, out);
            }
        } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && name.size() == 40) {
            out.emplace(name, from_raw(git_tree_entry_id(e)));
        }
    }
}

} // namespace

namespace {

// The user's identity (as git would choose it), dated now: who writes porch's notes commits.
SignaturePtr signature_now(const Repo& repo) {
    Signature who = repo.default_signature();
    git_signature* raw = nullptr;
    check(git_signature_now(&raw, who.name.c_str(), who.email.c_str()), "cannot make a signature");
    return SignaturePtr(raw);
}

// The cache of one notes commit, built on first use.
template <typename Impl> auto& notes_of(Impl& impl, const Oid& notes_commit) {
    auto [it, added] = impl.notes.try_emplace(notes_commit.hex());
    if (added) {
        TreePtr tree = tree_of(impl.repo.get(), notes_commit);
        index_notes(impl.repo.get(), tree.get(), "", it->second.index);
    }
    return it->second;
}

} // namespace

std::optional<std::string> Repo::read_note(const Oid& notes_commit, const Oid& target) const {
    auto& n = notes_of(*m_impl, notes_commit);
    const std::string key = target.hex();
    if (auto cached = n.read.find(key); cached != n.read.end())
        return cached->second;
    auto it = n.index.find(key);
    std::optional<std::string> content = it == n.index.end() ? std::nullopt : read_blob(it->second);
    n.read.emplace(key, content);
    return content;
}

bool Repo::has_note(const Oid& notes_commit, const Oid& target) const {
    return notes_of(*m_impl, notes_commit).index.count(target.hex()) > 0;
}

Oid Repo::build_note_commit(const std::optional<Oid>& parent, const Oid& target,
                            std::string_view content) {
    CommitPtr parent_commit;
    if (parent) {
        git_oid raw_parent = to_raw(*parent);
        git_commit* c = nullptr;
        check(git_commit_lookup(&c, m_impl->repo.get(), &raw_parent), "cannot read notes commit");
        parent_commit.reset(c);
    }
    SignaturePtr sig = signature_now(*this);
    git_oid raw_target = to_raw(target);
    git_oid out_commit, out_blob;
    std::string note = str(content);
    check(git_note_commit_create(&out_commit, &out_blob, m_impl->repo.get(), parent_commit.get(),
                                 sig.get(), sig.get(), &raw_target, note.c_str(), 1),
          "cannot write note");
    return from_raw(&out_commit);
}

std::map<std::string, Oid> Repo::note_entries(const Oid& notes_commit) const {
    const auto& index = notes_of(*m_impl, notes_commit).index;
    return {index.begin(), index.end()};
}

std::optional<std::size_t> Repo::blob_size(const Oid& id) const {
    git_oid raw = to_raw(id);
    git_blob* b = nullptr;
    if (git_blob_lookup(&b, m_impl->repo.get(), &raw) != 0)
        return std::nullopt;
    BlobPtr blob(b);
    return static_cast<std::size_t>(git_blob_rawsize(blob.get()));
}

Oid Repo::write_notes_commit(const std::map<std::string, Oid>& entries,
                             const std::vector<Oid>& parents, std::string_view message) {
    git_treebuilder* raw_builder = nullptr;
    check(git_treebuilder_new(&raw_builder, m_impl->repo.get(), nullptr),
          "cannot build a notes tree");
    std::unique_ptr<git_treebuilder, decltype(&git_treebuilder_free)> builder(raw_builder,
                                                                              git_treebuilder_free);
    for (const auto& [name, blob] : entries) {
        git_oid raw = to_raw(blob);
        check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &raw, GIT_FILEMODE_BLOB),
              "cannot build a notes tree");
    }
    git_oid tree_id;
    check(git_treebuilder_write(&tree_id, builder.get()), "cannot write a notes tree");
    git_tree* raw_tree = nullptr;
    check(git_tree_lookup(&raw_tree, m_impl->repo.get(), &tree_id), "cannot read a notes tree");
    TreePtr tree(raw_tree);
    std::vector<CommitPtr> owned;
    std::vector<const git_commit*> parent_ptrs;
    for (const auto& p : parents) {
        git_oid raw = to_raw(p);
        git_commit* c = nullptr;
        check(git_commit_lookup(&c, m_impl->repo.get(), &raw),
              "cannot read notes commit " + p.short_hex());
        owned.emplace_back(c);
        parent_ptrs.push_back(c);
    }
    SignaturePtr sig = signature_now(*this);
    git_oid out;
    std::string msg = str(message);
    check(git_commit_create(&out, m_impl->repo.get(), nullptr, sig.get(), sig.get(), nullptr,
                            msg.c_str(), tree.get(), parent_ptrs.size(), parent_ptrs.data()),
          "cannot write a notes commit");
    return from_raw(&out);
}

} // namespace porch::git
