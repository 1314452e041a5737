// Blobs and notes: reading and writing blobs, reading notes through a per-commit index, and
// building notes commits without touching any ref.
#include "git/repo_impl.hpp"

namespace porch::git {

using namespace detail;

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

bool all_hex(std::string_view name) {
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Notes trees name each note by its target's hex id, split into fanout folders ("ab/cdef...")
// once git rewrites a large notes tree; the prefix collects the folders' names. Other entries
// are not notes (git keeps them as they are): the top-level blobs among them go to `files`.
void index_notes(git_repository* repo, const git_tree* tree, const std::string& prefix,
                 std::unordered_map<std::string, Oid>& notes, std::map<std::string, Oid>& files) {
    for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        const std::string_view own = git_tree_entry_name(e);
        std::string name = prefix + std::string(own);
        const bool hex = all_hex(own);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE && hex && name.size() < 40) {
            git_tree* sub = nullptr;
            if (git_tree_lookup(&sub, repo, git_tree_entry_id(e)) == 0) {
                TreePtr owned(sub);
                index_notes(repo, sub, name, notes, files);
            }
        } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && hex && name.size() == 40) {
            notes.emplace(name, from_raw(git_tree_entry_id(e)));
        } else if (git_tree_entry_type(e) == GIT_OBJECT_BLOB && prefix.empty()) {
            files.emplace(name, from_raw(git_tree_entry_id(e)));
        }
    }
}

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
        index_notes(impl.repo.get(), tree.get(), "", it->second.index, it->second.files);
    }
    return it->second;
}

} // namespace

std::optional<std::string> Repo::read_note(const Oid& notes_commit, const Oid& target,
                                           std::size_t max_bytes) const {
    auto& n = notes_of(*m_impl, notes_commit);
    const std::string key = target.hex();
    auto it = n.index.find(key);
    if (it == n.index.end())
        return std::nullopt;
    if (max_bytes != SIZE_MAX) // checked before the cache: the same note may be read unbounded
        if (auto size = blob_size(it->second); !size || *size > max_bytes)
            return std::nullopt;
    if (auto cached = n.read.find(key); cached != n.read.end())
        return cached->second;
    std::optional<std::string> content = read_blob(it->second);
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

std::map<std::string, Oid> Repo::notes_tree_files(const Oid& notes_commit) const {
    return notes_of(*m_impl, notes_commit).files;
}

Oid Repo::add_notes_tree_files(const Oid& notes_commit,
                               const std::map<std::string, std::string>& files,
                               std::string_view message) {
    git_oid raw_parent = to_raw(notes_commit);
    git_commit* c = nullptr;
    check(git_commit_lookup(&c, m_impl->repo.get(), &raw_parent), "cannot read notes commit");
    CommitPtr parent(c);
    TreePtr base = tree_of(m_impl->repo.get(), notes_commit);
    git_treebuilder* raw_builder = nullptr;
    check(git_treebuilder_new(&raw_builder, m_impl->repo.get(), base.get()),
          "cannot build a notes tree");
    std::unique_ptr<git_treebuilder, decltype(&git_treebuilder_free)> builder(raw_builder,
                                                                              git_treebuilder_free);
    for (const auto& [name, content] : files) {
        git_oid raw = to_raw(write_blob(content));
        check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &raw, GIT_FILEMODE_BLOB),
              "cannot build a notes tree");
    }
    git_oid tree_id;
    check(git_treebuilder_write(&tree_id, builder.get()), "cannot write a notes tree");
    git_tree* raw_tree = nullptr;
    check(git_tree_lookup(&raw_tree, m_impl->repo.get(), &tree_id), "cannot read a notes tree");
    TreePtr tree(raw_tree);
    SignaturePtr sig = signature_now(*this);
    const git_commit* parents[] = {parent.get()};
    git_oid out;
    std::string msg = str(message);
    check(git_commit_create(&out, m_impl->repo.get(), nullptr, sig.get(), sig.get(), nullptr,
                            msg.c_str(), tree.get(), 1, parents),
          "cannot write a notes commit");
    return from_raw(&out);
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
