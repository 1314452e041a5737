#include "git/tree_edit.hpp"

#include "git/handles.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace porch::git::detail {

namespace {

bool refused_name(std::string_view name) {
    return name.empty() || name == "." || name == ".." || util::to_lower(name) == ".git" ||
           name.find_first_of(std::string_view("/\0", 2)) != std::string_view::npos;
}

} // namespace

TreeEdit::TreeEdit(const git_tree* base) {
    const std::size_t n = base ? git_tree_entrycount(base) : 0;
    m_entries.reserve(n + 1);
    for (std::size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(base, i);
        m_entries.push_back(
            {git_tree_entry_name(e), git_tree_entry_filemode(e), *git_tree_entry_id(e)});
    }
}

// git's order: by name, a folder's compared as if it ended in '/'.
bool TreeEdit::before(const Entry& a, const Entry& b) {
    const std::size_t n = std::min(a.name.size(), b.name.size());
    if (int c = std::memcmp(a.name.data(), b.name.data(), n); c != 0)
        return c < 0;
    auto next = [n](const Entry& e) -> unsigned char {
        return n < e.name.size() ? static_cast<unsigned char>(e.name[n])
                                 : (e.mode == GIT_FILEMODE_TREE ? '/' : '\0');
    };
    return next(a) < next(b);
}

std::vector<TreeEdit::Entry>::iterator TreeEdit::find(std::string_view name) {
    return std::find_if(m_entries.begin(), m_entries.end(),
                        [&](const Entry& e) { return e.name == name; });
}

void TreeEdit::put(std::string_view name, const git_oid& id, git_filemode_t mode) {
    if (refused_name(name))
        throw Error(ErrorKind::fatal,
                    "cannot build a notes tree: an entry named '" + std::string(name) + "'");
    if (auto it = find(name); it != m_entries.end())
        *it = {std::string(name), mode, id};
    else
        m_entries.push_back({std::string(name), mode, id});
}

void TreeEdit::remove(std::string_view name) {
    if (auto it = find(name); it != m_entries.end())
        m_entries.erase(it);
}

git_oid TreeEdit::write(git_repository* writer) {
    if (!std::is_sorted(m_entries.begin(), m_entries.end(), before))
        std::sort(m_entries.begin(), m_entries.end(), before);
    std::size_t size = 0;
    for (const Entry& e : m_entries)
        size += sizeof "100644 " + e.name.size() + GIT_OID_RAWSZ; // the NUL after the name too
    std::string raw;
    raw.reserve(size);
    for (const Entry& e : m_entries) {
        char mode[8];
        const auto octal =
            std::to_chars(mode, mode + sizeof mode, static_cast<unsigned>(e.mode), 8);
        raw.append(std::string_view(mode, octal.ptr)).append(1, ' ').append(e.name).append(1, '\0');
        raw.append(reinterpret_cast<const char*>(e.id.id), GIT_OID_RAWSZ);
    }
    git_odb* odb_raw = nullptr;
    check(git_repository_odb(&odb_raw, writer), "cannot write a notes tree");
    OdbPtr odb(odb_raw);
    git_oid out;
    check(git_odb_write(&out, odb.get(), raw.data(), raw.size(), GIT_OBJECT_TREE),
          "cannot write a notes tree");
    return out;
}

} // namespace porch::git::detail
