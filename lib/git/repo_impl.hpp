// What the parts of git::Repo (repo_*.cpp) share: the pimpl and small conversions between
// porch's types and libgit2's. Internal to lib/git, like handles.hpp.
#pragma once

#include "git/handles.hpp"
#include "git/repo.hpp"
#include "util/file.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace porch::git {

struct Repo::Impl {
    detail::RepoPtr repo;
    // The config files as libgit2 loaded them (`live`, which stats every file before each
    // lookup to see whether it changed) and a snapshot of them (`config`, taken when the
    // repository is opened and after each write), which libgit2 reads too: see repo_config.cpp.
    mutable detail::ConfigPtr live;
    mutable detail::ConfigPtr config;
    // One notes commit, read once per process. The hooks look up one or two notes by path
    // (`found`), whatever the size of the tree; readers of every note (status, sync) index the
    // whole tree once (`index`, `files`): libgit2 keeps no large tree in its cache.
    struct NotesIndex {
        detail::TreePtr root;
        bool indexed = false;
        std::unordered_map<std::string, Oid> index;
        std::unordered_map<std::string, std::optional<Oid>> found;
        std::unordered_map<std::string, std::optional<std::string>> read;
        // Blobs that are not notes, at the top or in a fanout folder ("ab/name"): name -> blob.
        std::map<std::string, Oid> files;
    };
    mutable std::unordered_map<std::string, NotesIndex> notes;
    // Where porch's notes objects are written: the loose objects alone (see repo_notes.cpp).
    git_repository* object_writer(const Repo& self);
    git_odb_backend* loose_backend(const Repo& self);
    detail::RepoPtr writer; // made on first use
};

namespace detail {

inline git_oid to_raw(const Oid& id) {
    git_oid raw;
    std::copy(id.bytes.begin(), id.bytes.end(), raw.id);
    return raw;
}

inline Oid from_raw(const git_oid* raw) {
    Oid out;
    std::copy(raw->id, raw->id + out.bytes.size(), out.bytes.begin());
    return out;
}

inline std::string strip_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

// libgit2 takes NUL-terminated names.
inline std::string str(std::string_view s) {
    return std::string(s);
}

// The root tree of a commit (throws when the commit cannot be read).
TreePtr tree_of(git_repository* repo, const Oid& commit_id);

} // namespace detail
} // namespace porch::git
