// Refs: reading, listing, and compare-and-swap updates (creating a branch, deleting a ref).
#include "git/repo_impl.hpp"
#include "util/error.hpp"
#include "util/file.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string_view>

namespace porch::git {

using namespace detail;
namespace fs = std::filesystem;

namespace {

// porch's notes refs (refs/notes/...) are read here, as files: libgit2 parses every line of
// packed-refs into a map on the first lookup that finds no loose ref, and packed-refs holds a
// line per branch: the hooks, which read the notes refs on every commit, would pay for every
// worker's branch. A loose ref is a file under the common git dir; a packed one a line
// "<hex> <name>" of packed-refs, found as text. Anything else (a symbolic ref, a line this does
// not read) goes back to libgit2 (nullopt).
bool is_notes_ref(std::string_view name) {
    return name.starts_with("refs/notes/");
}

// The id in a loose ref's file; nullopt for anything else.
std::optional<Oid> loose_id(const std::string& text) {
    if (text.size() < 40 || (text.size() > 40 && text[40] != '\n'))
        return std::nullopt;
    return Oid::from_hex(std::string_view(text).substr(0, 40));
}

// packed-refs is a header line ("# pack-refs with: peeled fully-peeled sorted "), then a line
// "<hex> <name>" per ref, an annotated tag's followed by "^<hex>" (what it peels to).

std::size_t next_line(std::string_view text, std::size_t pos) {
    const auto end = text.find('\n', pos);
    return end == std::string_view::npos ? text.size() : end + 1;
}

// The name on a ref line (its newline included or not); nullopt for any other line.
std::optional<std::string_view> ref_name(std::string_view line) {
    if (!line.empty() && line.back() == '\n')
        line.remove_suffix(1);
    if (line.size() < 42 || line[40] != ' ' || line.front() == '#' || line.front() == '^')
        return std::nullopt;
    return line.substr(41);
}

// The start of the first ref line in [lo, end of text) whose name is not below `key`, by
// bisection: the file is sorted by name. `lo` is the start of a line that is not a peeled one.
std::size_t first_not_below(std::string_view text, std::size_t lo, std::string_view key) {
    std::size_t hi = text.size();
    while (lo < hi) {
        std::size_t start = lo + (hi - lo) / 2;
        while (start > lo && text[start - 1] != '\n')
            --start;
        if (text[start] == '^' && start > lo) { // a peeled line: look at its ref instead
            --start;
            while (start > lo && text[start - 1] != '\n')
                --start;
        }
        const std::size_t end = next_line(text, start);
        const auto name = ref_name(text.substr(start, end - start));
        if (name && *name >= key) {
            hi = start;
        } else {
            lo = end;
            if (lo < text.size() && text[lo] == '^')
                lo = next_line(text, lo);
        }
    }
    return lo;
}

// Each packed ref whose name starts with `prefix` (or is `prefix`, with `whole`). The file is
// mapped, not read, and bisected when git wrote it sorted (git and libgit2 always do): at 1,000
// workers it is ~70 KB, and post-commit looks in it three times.
std::map<std::string, Oid> packed_refs(const fs::path& common, const std::string& prefix,
                                       bool whole) {
    std::map<std::string, Oid> out;
    const util::MappedFile file((common / "packed-refs").string());
    const std::string_view text = file.text();
    std::size_t pos = 0;
    bool sorted = false;
    if (text.starts_with("# pack-refs with:")) {
        pos = next_line(text, 0);
        sorted = text.substr(0, pos).find(" sorted ") != std::string_view::npos;
    }
    if (sorted)
        pos = first_not_below(text, pos, prefix);
    while (pos < text.size()) {
        const std::size_t end = next_line(text, pos);
        const std::string_view line = text.substr(pos, end - pos);
        pos = end;
        const auto name = ref_name(line);
        if (!name)
            continue;
        if (name->starts_with(prefix) && (!whole || name->size() == prefix.size())) {
            if (auto id = Oid::from_hex(line.substr(0, 40)))
                out.emplace(std::string(*name), *id);
        } else if (sorted && *name > prefix && !name->starts_with(prefix)) {
            break; // past every name that starts with the prefix
        }
    }
    return out;
}

fs::path common_dir(git_repository* repo) {
    return fs::path(git_repository_commondir(repo));
}

// The notes ref `name`: nullopt to ask libgit2, else its id or none.
std::optional<std::optional<Oid>> notes_ref_target(git_repository* repo, const std::string& name) {
    const fs::path common = common_dir(repo);
    if (auto text = util::read_file((common / name).string())) {
        if (auto id = loose_id(*text))
            return std::optional<Oid>(*id);
        return std::nullopt;
    }
    auto packed = packed_refs(common, name, true);
    auto it = packed.find(name);
    return it == packed.end() ? std::optional<Oid>() : std::optional<Oid>(it->second);
}

// The notes refs under `prefix` (ending in '/'): nullopt to ask libgit2.
std::optional<std::vector<Ref>> notes_refs(git_repository* repo, const std::string& prefix) {
    const fs::path common = common_dir(repo);
    std::map<std::string, Oid> found = packed_refs(common, prefix, false);
    std::error_code ec;
    for (fs::recursive_directory_iterator it(common / prefix, ec), end; !ec && it != end;
         it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() == ".lock")
            continue;
        const std::string name =
            prefix + it->path().lexically_relative(common / prefix).generic_string();
        int valid = 0;
        if (git_reference_name_is_valid(&valid, name.c_str()) < 0 || !valid)
            continue;
        auto text = util::read_file(it->path().string());
        auto id = text ? loose_id(*text) : std::nullopt;
        if (!id)
            return std::nullopt;
        found.insert_or_assign(name, *id);
    }
    std::vector<Ref> out;
    for (auto& [name, id] : found)
        out.push_back({RefName(name), id});
    return out;
}

// A notes ref moved under its lock by a transaction: git_reference_create_matching first parses
// every line of packed-refs (a line per worker's branch: ~2.5 ms of post-commit at 1,000
// workers here) to look for a packed ref the new one's path would collide with. Here the old
// value is compared under the lock, as git does, and that collision (a packed ref below the
// name) is looked for as text. nullopt: libgit2's own update decides (and reports it).
std::optional<CasResult> notes_ref_cas(git_repository* repo, const std::string& name,
                                       const git_oid& target, const std::optional<Oid>& expected,
                                       const std::string& log) {
    if (!packed_refs(common_dir(repo), name + "/", false).empty())
        return std::nullopt;
    git_transaction* raw = nullptr;
    check(git_transaction_new(&raw, repo), "cannot update " + name);
    TransactionPtr tx(raw); // unlocks, leaving the ref as it was, unless committed
    const int rc = git_transaction_lock_ref(tx.get(), name.c_str());
    if (rc == GIT_ELOCKED)
        return CasResult::locked;
    check(rc, "cannot lock " + name);
    const auto now = notes_ref_target(repo, name);
    if (!now)
        return std::nullopt; // not a plain id: libgit2 reads it
    if (*now != expected)
        return CasResult::conflict;
    check(git_transaction_set_target(tx.get(), name.c_str(), &target, nullptr, log.c_str()),
          "cannot update " + name);
    check(git_transaction_commit(tx.get()), "cannot update " + name);
    return CasResult::updated;
}

} // namespace

std::optional<RefName> Repo::head_ref() const {
    git_reference* raw = nullptr;
    check(git_reference_lookup(&raw, m_impl->repo.get(), "HEAD"), "cannot read HEAD");
    RefPtr head(raw);
    if (git_reference_type(head.get()) != GIT_REFERENCE_SYMBOLIC)
        return std::nullopt;
    return RefName(git_reference_symbolic_target(head.get()));
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

std::optional<Oid> Repo::ref_target(const RefName& ref) const {
    if (is_notes_ref(ref.str()))
        if (auto id = notes_ref_target(m_impl->repo.get(), ref.str()))
            return *id;
    git_oid raw;
    int rc = git_reference_name_to_id(&raw, m_impl->repo.get(), ref.str().c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return std::nullopt;
    check(rc, "cannot read " + ref.str());
    return from_raw(&raw);
}

bool Repo::reflog_made(const RefName& ref, const Oid& commit) const {
    git_reflog* raw = nullptr;
    if (git_reflog_read(&raw, m_impl->repo.get(), ref.str().c_str()) != 0)
        return false;
    std::unique_ptr<git_reflog, decltype(&git_reflog_free)> log(raw, git_reflog_free);
    const std::size_t n = git_reflog_entrycount(log.get());
    for (std::size_t i = 0; i < n; ++i) {
        const git_reflog_entry* e = git_reflog_entry_byindex(log.get(), i);
        const char* message = git_reflog_entry_message(e);
        if (from_raw(git_reflog_entry_id_new(e)) == commit && message &&
            std::string_view(message).starts_with("commit"))
            return true;
    }
    return false;
}

std::optional<std::chrono::seconds> Repo::loose_ref_age(const RefName& ref) const {
    std::error_code ec;
    auto written = fs::last_write_time(fs::path(common_dir()) / ref.str(), ec);
    if (ec)
        return std::nullopt;
    return std::chrono::duration_cast<std::chrono::seconds>(fs::file_time_type::clock::now() -
                                                            written);
}

bool Repo::ref_exists(const RefName& ref) const {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, m_impl->repo.get(), ref.str().c_str());
    RefPtr owned(raw);
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC)
        return false;
    check(rc, "cannot read " + ref.str());
    return true;
}

std::vector<Ref> Repo::refs(std::string_view prefix) const {
    if (is_notes_ref(prefix) && prefix.ends_with('/'))
        if (auto found = notes_refs(m_impl->repo.get(), std::string(prefix)))
            return *found;
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
            out.push_back({RefName(name), from_raw(git_object_id(obj.get()))});
        } else if (const git_oid* target = git_reference_target(ref.get())) {
            out.push_back({RefName(name), from_raw(target)});
        }
    }
    if (rc != GIT_ITEROVER)
        check(rc, "cannot list " + glob);
    std::sort(out.begin(), out.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
    return out;
}

bool Repo::create_branch(const BranchName& branch, const Oid& target) {
    return update_ref_cas(RefName::of_branch(branch), target, std::nullopt,
                          "porch: create " + branch.str()) == CasResult::updated;
}

bool Repo::delete_ref_if(const RefName& name, const Oid& expected) {
    git_reference* raw = nullptr;
    int rc = git_reference_lookup(&raw, m_impl->repo.get(), name.str().c_str());
    if (rc == GIT_ENOTFOUND)
        return false;
    check(rc, "cannot read " + name.str());
    RefPtr ref(raw);
    const git_oid* target = git_reference_target(ref.get());
    if (target == nullptr || from_raw(target) != expected)
        return false;
    // git_reference_delete checks the old value under the ref lock, so this is a CAS delete.
    rc = git_reference_delete(ref.get());
    if (rc == GIT_EMODIFIED || rc == GIT_ELOCKED)
        return false;
    check(rc, "cannot delete " + name.str());
    return true;
}

CasResult Repo::update_ref_cas(const RefName& ref, const Oid& target,
                               const std::optional<Oid>& expected, std::string_view log_message) {
    int valid = 0;
    const std::string& name = ref.str();
    check(git_reference_name_is_valid(&valid, name.c_str()), "cannot check ref name");
    if (!valid)
        throw Error(ErrorKind::fatal, "'" + name + "' is not a valid ref name");
    git_oid raw_target = to_raw(target);
    std::string log = str(log_message);
    if (is_notes_ref(name))
        if (auto done = notes_ref_cas(m_impl->repo.get(), name, raw_target, expected, log))
            return *done;
    git_reference* raw = nullptr;
    int rc;
    // "Only if absent" is an expected value of all zeros: libgit2 1.5 compares it under the
    // ref's lock, while git_reference_create(force=0) checks for the ref before locking and
    // lets two concurrent creators both succeed.
    git_oid raw_expected{};
    if (expected)
        raw_expected = to_raw(*expected);
    rc = git_reference_create_matching(&raw, m_impl->repo.get(), name.c_str(), &raw_target, 1,
                                       &raw_expected, log.c_str());
    RefPtr updated(raw);
    if (rc == GIT_ELOCKED)
        return CasResult::locked;
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS)
        return CasResult::conflict;
    check(rc, "cannot update " + name);
    return CasResult::updated;
}

} // namespace porch::git
