// A tree changed in a few entries and written again. Internal to lib/git.
#pragma once

#include <git2.h>
#include <string>
#include <string_view>
#include <vector>

namespace porch::git::detail {

// The base tree's entries, some put or removed, written in git's canonical form. libgit2's
// treebuilder hashes every entry of the base into a map, sorts them all again and formats each
// with printf: for porch's top notes tree (256 fanout folders at 1,000 workers, one of which
// changes per event) that was a fifth of post-commit's instructions.
class TreeEdit {
public:
    explicit TreeEdit(const git_tree* base); // null: an empty tree
    // Adds the entry or replaces the one of that name (whatever its mode); throws on a name git
    // refuses in a tree.
    void put(std::string_view name, const git_oid& id, git_filemode_t mode);
    void remove(std::string_view name); // absent already: nothing to do
    bool empty() const { return m_entries.empty(); }
    git_oid write(git_repository* writer);

private:
    struct Entry {
        std::string name;
        git_filemode_t mode;
        git_oid id;
    };
    static bool before(const Entry& a, const Entry& b);
    std::vector<Entry>::iterator find(std::string_view name);

    std::vector<Entry> m_entries;
};

} // namespace porch::git::detail
