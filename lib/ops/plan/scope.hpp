// Which text of a task document names files: backticked paths and bare file names, checked
// against the repository's tracked files so that a route (`/users`), a branch name or a test
// name (`client_test.go:TestCreate`) does not become a scope, and `user.py` becomes the one
// tracked `src/models/user.py`.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace porch::plan {

class Tree {
public:
    Tree() = default;
    explicit Tree(std::vector<std::string> files); // tracked paths, '/'-separated
    bool empty() const { return m_files.empty(); }
    bool has_file(std::string_view path) const;
    bool has_dir(std::string_view path) const; // "src" or "src/": some file is under it
    // The one tracked file whose path ends with "/<name>" (or is <name>); empty when none or
    // several.
    std::string unique_match(std::string_view name) const;

private:
    std::vector<std::string> m_files; // sorted
    // File name -> indexes into m_files: a bare name is looked up, not searched for, in a
    // repository of tens of thousands of files.
    std::unordered_map<std::string, std::vector<std::size_t>> m_by_name;
};

// The paths `text` names, in order, each once: backticked spans that are paths, then bare file
// names with a known extension. Line and symbol suffixes (`a.go:12`, `a.go:TestX`) are dropped.
std::vector<std::string> paths_in(std::string_view text, const Tree& tree);

// Whether one backticked span names a path; `out` gets the path as the scope should hold it.
bool as_path(std::string_view span, const Tree& tree, std::string& out);

} // namespace porch::plan
