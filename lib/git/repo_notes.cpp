// Blobs and notes: reading and writing blobs, reading notes through a per-commit index, and
// building notes commits without touching any ref.
#include "git/repo_impl.hpp"
#include "git/tree_edit.hpp"
#include "util/error.hpp"

#include <git2/sys/commit.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>

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

// A backend on the repository's loose objects, set up as libgit2 sets up its own: default
// compression, core.fsyncObjectFiles.
git_odb_backend* Repo::Impl::loose_backend(const Repo& self) {
    git_buf path = GIT_BUF_INIT;
    check(git_repository_item_path(&path, repo.get(), GIT_REPOSITORY_ITEM_OBJECTS),
          "cannot find the object folder");
    const std::string objects(path.ptr, path.size);
    git_buf_dispose(&path);
    const bool fsync = self.config_bool("core.fsyncObjectFiles").value_or(false);
    git_odb_backend* loose = nullptr;
    check(git_odb_backend_loose(&loose, objects.c_str(), -1, fsync ? 1 : 0, 0, 0),
          "cannot open the object folder " + objects);
    return loose;
}

// A handle on the repository's loose objects alone, for writing. Through the whole object
// database, each new object was first looked for in every pack and then, not found there, the
// pack folder was listed again in case a pack had appeared: a directory read per object, four
// per recorded event. A copy of an object that a pack holds already is harmless (gc drops it).
// Readers see the new objects at once: loose objects are looked up on disk on every read.
git_repository* Repo::Impl::object_writer(const Repo& self) {
    if (writer)
        return writer.get();
    git_odb* raw_odb = nullptr;
    check(git_odb_new(&raw_odb), "cannot open the object folder");
    OdbPtr odb(raw_odb);
    git_odb_backend* loose = loose_backend(self);
    if (int rc = git_odb_add_backend(odb.get(), loose, 1); rc < 0) {
        loose->free(loose);
        check(rc, "cannot open the object folder");
    }
    git_repository* raw = nullptr;
    check(git_repository_wrap_odb(&raw, odb.get()), "cannot open the object folder");
    writer.reset(raw);
    // The repository's own settings (core.protectNTFS and the like, which tree entries are
    // checked against), instead of the writer loading the user's config files a second time.
    git_config* settings = nullptr;
    check(git_repository_config(&settings, repo.get()), "cannot read git config");
    ConfigPtr owned(settings);
    check(git_repository_set_config(raw, settings), "cannot read git config");
    return raw;
}

void Repo::prefer_loose_objects() {
    git_odb* raw = nullptr;
    check(git_repository_odb(&raw, m_impl->repo.get()), "cannot open the object folder");
    OdbPtr odb(raw);
    git_odb_backend* loose = m_impl->loose_backend(*this);
    // Above the packs (2) and libgit2's own loose backend (1).
    if (int rc = git_odb_add_backend(odb.get(), loose, 3); rc < 0) {
        loose->free(loose);
        check(rc, "cannot open the object folder");
    }
}

Oid Repo::write_blob(std::string_view content) {
    git_oid raw;
    check(git_blob_create_from_buffer(&raw, m_impl->object_writer(*this), content.data(),
                                      content.size()),
          "cannot write object");
    return from_raw(&raw);
}

namespace {

bool all_hex(std::string_view name) {
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool is_blob(const git_tree_entry* e) {
    return e != nullptr && git_tree_entry_type(e) == GIT_OBJECT_BLOB;
}

bool is_tree(const git_tree_entry* e) {
    return e != nullptr && git_tree_entry_type(e) == GIT_OBJECT_TREE;
}

TreePtr subtree(git_repository* repo, const git_tree_entry* e) {
    git_tree* sub = nullptr;
    if (!is_tree(e) || git_tree_lookup(&sub, repo, git_tree_entry_id(e)) != 0)
        return nullptr;
    return TreePtr(sub);
}

// Notes trees name each note by its target's hex id, split into fanout folders ("ab/cdef...")
// once the tree is large; the prefix collects the folders' names. Other entries are not notes
// (git keeps them as they are): the blobs among them, at the top or in a first-level folder,
// go to `files` by path.
void index_notes(git_repository* repo, const git_tree* tree, const std::string& prefix,
                 std::unordered_map<std::string, Oid>& notes, std::map<std::string, Oid>& files) {
    for (std::size_t i = 0; i < git_tree_entrycount(tree); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        const std::string_view own = git_tree_entry_name(e);
        std::string name = prefix + std::string(own);
        const bool hex = all_hex(own);
        if (is_tree(e) && hex && name.size() < 40) {
            if (TreePtr sub = subtree(repo, e))
                index_notes(repo, sub.get(), name, notes, files);
        } else if (is_blob(e) && hex && name.size() == 40) {
            notes.emplace(name, from_raw(git_tree_entry_id(e)));
        } else if (is_blob(e) && prefix.size() <= 2) {
            files.emplace(prefix.empty() ? name : prefix + "/" + std::string(own),
                          from_raw(git_tree_entry_id(e)));
        }
    }
}

// The note of `hex` (what is left of the target's name) in `tree`, as git finds it: under the
// whole name, or in the fanout folder of its next two digits.
std::optional<Oid> find_note(git_repository* repo, const git_tree* tree, std::string_view hex) {
    const git_tree_entry* e = git_tree_entry_byname(tree, str(hex).c_str());
    if (is_blob(e))
        return from_raw(git_tree_entry_id(e));
    if (hex.size() <= 2)
        return std::nullopt;
    TreePtr sub = subtree(repo, git_tree_entry_byname(tree, str(hex.substr(0, 2)).c_str()));
    return sub ? find_note(repo, sub.get(), hex.substr(2)) : std::nullopt;
}

// The user's identity (as git would choose it), dated now: who writes porch's notes commits.
SignaturePtr signature_now(const Repo& repo) {
    Signature who = repo.default_signature();
    git_signature* raw = nullptr;
    check(git_signature_now(&raw, who.name.c_str(), who.email.c_str()), "cannot make a signature");
    return SignaturePtr(raw);
}

// The cache of one notes commit: its tree now, the index of every note on first use of it.
template <typename Impl> auto& notes_of(Impl& impl, const Oid& notes_commit, bool whole = false) {
    auto [it, added] = impl.notes.try_emplace(notes_commit.hex());
    auto& n = it->second;
    if (added)
        n.root = tree_of(impl.repo.get(), notes_commit);
    if (whole && !n.indexed) {
        index_notes(impl.repo.get(), n.root.get(), "", n.index, n.files);
        n.indexed = true;
    }
    return n;
}

template <typename Impl>
std::optional<Oid> note_blob(Impl& impl, const Oid& notes_commit, const std::string& key) {
    auto& n = notes_of(impl, notes_commit);
    if (n.indexed) {
        auto it = n.index.find(key);
        return it == n.index.end() ? std::nullopt : std::optional<Oid>(it->second);
    }
    auto [it, added] = n.found.try_emplace(key);
    if (added)
        it->second = find_note(impl.repo.get(), n.root.get(), key);
    return it->second;
}

// What one fanout folder gets: notes (the rest of the target's name -> blob) and files (name ->
// blob, nullopt to remove).
struct FolderEdit {
    std::map<std::string, Oid> notes;
    std::map<std::string, std::optional<Oid>> files;
};

// `base` (may be null, read from `repo`) with `edit` applied, following the deeper fanout
// folders it has, written through `writer`; nullopt when nothing is left in it.
std::optional<Oid> write_folder(git_repository* repo, git_repository* writer, const git_tree* base,
                                const FolderEdit& edit) {
    TreeEdit tree(base);
    std::map<std::string, FolderEdit> deeper;
    for (const auto& [rest, blob] : edit.notes) {
        const std::string dir = rest.substr(0, 2);
        if (base && rest.size() > 2 && is_tree(git_tree_entry_byname(base, dir.c_str())))
            deeper[dir].notes.emplace(rest.substr(2), blob);
        else
            tree.put(rest, to_raw(blob), GIT_FILEMODE_BLOB);
    }
    for (const auto& [name, blob] : edit.files) {
        if (blob)
            tree.put(name, to_raw(*blob), GIT_FILEMODE_BLOB);
        else
            tree.remove(name);
    }
    for (const auto& [dir, inner] : deeper) {
        TreePtr sub = subtree(repo, git_tree_entry_byname(base, dir.c_str()));
        if (auto id = write_folder(repo, writer, sub.get(), inner))
            tree.put(dir, to_raw(*id), GIT_FILEMODE_TREE);
        else
            tree.remove(dir);
    }
    if (tree.empty())
        return std::nullopt;
    const git_oid id = tree.write(writer);
    return from_raw(&id);
}

// The edits of the top tree, by folder: a flat tree's notes and the top-level files whose blob
// one of its notes annotates move into folders (see Repo::write_notes).
std::map<std::string, FolderEdit> move_into_folders(git_repository* repo, const git_tree* base,
                                                    TreeEdit& top) {
    std::map<std::string, FolderEdit> folders;
    std::vector<std::pair<std::string, Oid>> loose;
    for (std::size_t i = 0; i < git_tree_entrycount(base); ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(base, i);
        const std::string name = git_tree_entry_name(e);
        if (!is_blob(e))
            continue;
        const Oid id = from_raw(git_tree_entry_id(e));
        if (name.size() == 40 && all_hex(name)) {
            folders[name.substr(0, 2)].notes.emplace(name.substr(2), id);
        } else {
            loose.emplace_back(name, id);
        }
    }
    for (const auto& [name, id] : loose) {
        const std::string hex = id.hex();
        if (folders[hex.substr(0, 2)].notes.count(hex.substr(2)) || find_note(repo, base, hex))
            folders[hex.substr(0, 2)].files.emplace(name, id);
    }
    for (auto& [dir, edit] : folders) {
        for (const auto& [rest, id] : edit.notes)
            top.remove(dir + rest);
        for (const auto& [name, id] : edit.files)
            top.remove(name);
    }
    return folders;
}

} // namespace

std::optional<std::string> Repo::read_note(const Oid& notes_commit, const Oid& target,
                                           std::size_t max_bytes) const {
    const std::string key = target.hex();
    auto blob = note_blob(*m_impl, notes_commit, key);
    if (!blob)
        return std::nullopt;
    if (max_bytes != SIZE_MAX) // checked before the cache: the same note may be read unbounded
        if (auto size = blob_size(*blob); !size || *size > max_bytes)
            return std::nullopt;
    auto& n = notes_of(*m_impl, notes_commit);
    if (auto cached = n.read.find(key); cached != n.read.end())
        return cached->second;
    std::optional<std::string> content = read_blob(*blob);
    n.read.emplace(key, content);
    return content;
}

bool Repo::has_note(const Oid& notes_commit, const Oid& target) const {
    return note_blob(*m_impl, notes_commit, target.hex()).has_value();
}

Oid Repo::build_note_commit(const std::optional<Oid>& parent, const Oid& target,
                            std::string_view content) {
    NotesEdit edit;
    edit.notes.emplace(target.hex(), std::string(content));
    std::vector<Oid> parents;
    if (parent)
        parents.push_back(*parent);
    return write_notes(parent, edit, parents, "Notes added by 'git porch'");
}

namespace {

// The notes tree of `base` (or an empty one) with these notes (target hex -> blob) and files
// (path -> blob, nullopt removes), laid out as Repo::write_notes says, committed with `parents`:
// read from `repo`, written through `writer`.
Oid commit_notes(const Repo& self, git_repository* repo, git_repository* writer,
                 const git_tree* base_tree, const std::map<std::string, Oid>& notes,
                 const std::map<std::string, std::optional<Oid>>& files,
                 const std::vector<Oid>& parents, std::string_view message) {
    TreeEdit top(base_tree);
    std::map<std::string, FolderEdit> folders;
    if (base_tree)
        folders = move_into_folders(repo, base_tree, top);
    for (const auto& [hex, blob] : notes) {
        if (hex.size() != 40 || !all_hex(hex))
            throw Error(ErrorKind::fatal, "internal error: a note on '" + hex + "'");
        folders[hex.substr(0, 2)].notes[hex.substr(2)] = blob;
    }
    for (const auto& [path, blob] : files) {
        const auto slash = path.find('/');
        if (slash != std::string::npos)
            folders[path.substr(0, slash)].files[path.substr(slash + 1)] = blob;
        else if (blob)
            top.put(path, to_raw(*blob), GIT_FILEMODE_BLOB);
        else
            top.remove(path);
    }
    for (const auto& [dir, folder] : folders) {
        TreePtr sub =
            base_tree ? subtree(repo, git_tree_entry_byname(base_tree, dir.c_str())) : nullptr;
        if (auto id = write_folder(repo, writer, sub.get(), folder))
            top.put(dir, to_raw(*id), GIT_FILEMODE_TREE);
        else
            top.remove(dir);
    }
    const git_oid tree_id = top.write(writer);
    // By ids: the tree was just written and the parents are notes commits; looking them up
    // would read back and inflate objects this process has in hand.
    std::vector<git_oid> parent_ids;
    for (const auto& p : parents)
        parent_ids.push_back(to_raw(p));
    std::vector<const git_oid*> parent_ptrs;
    for (const auto& id : parent_ids)
        parent_ptrs.push_back(&id);
    SignaturePtr sig = signature_now(self);
    git_oid out;
    std::string msg = str(message);
    check(git_commit_create_from_ids(&out, writer, nullptr, sig.get(), sig.get(), nullptr,
                                     msg.c_str(), &tree_id, parent_ptrs.size(), parent_ptrs.data()),
          "cannot write a notes commit");
    return from_raw(&out);
}

} // namespace

Oid Repo::write_notes(const std::optional<Oid>& base, const NotesEdit& edit,
                      const std::vector<Oid>& parents, std::string_view message) {
    const git_tree* base_tree = base ? notes_of(*m_impl, *base).root.get() : nullptr;
    std::map<std::string, Oid> notes;
    for (const auto& [hex, content] : edit.notes)
        notes.emplace(hex, write_blob(content));
    std::map<std::string, std::optional<Oid>> files;
    for (const auto& [path, content] : edit.files) {
        std::optional<Oid> blob;
        if (content) {
            // A file the tree holds already (an anchor, on every write) is not written again.
            blob = Oid::of_blob(*content);
            git_tree_entry* e = nullptr;
            if (!base_tree || git_tree_entry_bypath(&e, base_tree, path.c_str()) != 0 ||
                from_raw(git_tree_entry_id(e)) != *blob)
                blob = write_blob(*content);
            git_tree_entry_free(e);
        }
        files.emplace(path, blob);
    }
    return commit_notes(*this, m_impl->repo.get(), m_impl->object_writer(*this), base_tree, notes,
                        files, parents, message);
}

std::map<std::string, Oid> Repo::note_entries(const Oid& notes_commit) const {
    const auto& index = notes_of(*m_impl, notes_commit, true).index;
    return {index.begin(), index.end()};
}

std::map<std::string, Oid> Repo::notes_tree_files(const Oid& notes_commit) const {
    return notes_of(*m_impl, notes_commit, true).files;
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
    return commit_notes(*this, m_impl->repo.get(), m_impl->object_writer(*this), nullptr, entries,
                        {}, parents, message);
}

} // namespace porch::git
