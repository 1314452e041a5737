#include "ops/plan/scope.hpp"

#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace porch::plan {

namespace {

// Extensions of source, build and document files: a bare word with one of these is a file name.
bool known_extension(std::string_view ext) {
    static const std::set<std::string, std::less<>> v = {
        "c",    "cc",   "cfg",   "cjs",   "cmake", "conf", "cpp",    "cs",      "css",   "csv",
        "cxx",  "dart", "ex",    "exs",   "go",    "gql",  "gradle", "graphql", "h",     "hpp",
        "hs",   "html", "ini",   "ipynb", "java",  "jl",   "js",     "json",    "jsx",   "kt",
        "kts",  "less", "lock",  "lua",   "m",     "md",   "mdx",    "mjs",     "mk",    "ml",
        "mod",  "php",  "pl",    "proto", "ps1",   "py",   "pyi",    "r",       "rb",    "rs",
        "rst",  "sass", "scala", "scd",   "scss",  "sh",   "sql",    "svelte",  "swift", "tf",
        "toml", "ts",   "tsx",   "txt",   "vue",   "xml",  "yaml",   "yml",     "zig",   "zsh"};
    return v.count(util::to_lower(ext)) > 0;
}

// Build and project files that have no extension.
bool known_bare_name(std::string_view name) {
    static const std::set<std::string, std::less<>> v = {
        "Makefile", "Dockerfile",  "Justfile", "Rakefile", "Gemfile",
        "Procfile", "Vagrantfile", "LICENSE",  "README",   "CODEOWNERS"};
    return v.count(name) > 0;
}

std::string_view base_name(std::string_view p) {
    auto slash = p.rfind('/');
    return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string_view extension(std::string_view p) {
    auto name = base_name(p);
    auto dot = name.rfind('.');
    return dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot + 1);
}

// `a.go:12`, `a.go:12-30`, `a.go:TestX`, `a.go#L12`: the file without the place in it.
std::string_view without_place(std::string_view s) {
    if (auto hash = s.find("#L"); hash != std::string_view::npos)
        s = s.substr(0, hash);
    auto colon = s.find(':');
    if (colon != std::string_view::npos && colon > 0)
        s = s.substr(0, colon);
    return s;
}

bool has_any(std::string_view s, std::string_view chars) {
    return s.find_first_of(chars) != std::string_view::npos;
}

} // namespace

Tree::Tree(std::vector<std::string> files) : m_files(std::move(files)) {
    std::sort(m_files.begin(), m_files.end());
    for (std::size_t i = 0; i < m_files.size(); ++i)
        m_by_name[std::string(base_name(m_files[i]))].push_back(i);
}

bool Tree::has_file(std::string_view path) const {
    return std::binary_search(m_files.begin(), m_files.end(), path, std::less<>());
}

bool Tree::has_dir(std::string_view path) const {
    std::string dir(path);
    if (dir.empty())
        return false;
    if (dir.back() != '/')
        dir += '/';
    auto it = std::lower_bound(m_files.begin(), m_files.end(), dir);
    return it != m_files.end() && it->starts_with(dir);
}

std::string Tree::unique_match(std::string_view name) const {
    if (name.empty())
        return {};
    if (has_file(name))
        return std::string(name);
    std::string found;
    const std::string tail = "/" + std::string(name);
    auto same_name = m_by_name.find(std::string(base_name(name)));
    if (same_name == m_by_name.end())
        return {};
    for (std::size_t i : same_name->second)
        if (m_files[i].ends_with(tail)) {
            if (!found.empty())
                return {}; // several: the document does not say which
            found = m_files[i];
        }
    return found;
}

bool as_path(std::string_view span, const Tree& tree, std::string& out) {
    const std::string trimmed = util::trim(span);
    std::string_view s = without_place(trimmed);
    if (s.starts_with("./"))
        s.remove_prefix(2);
    if (s.empty() || s.size() > 400 || has_any(s, " \t()=<>,\"'{}$;|\\@") ||
        s.find("://") != std::string_view::npos || s.starts_with("-") || s == "." || s == "/")
        return false;
    if (s.starts_with("/")) { // a route or an absolute path, unless the tree has it
        auto rel = s.substr(1);
        if (!tree.has_file(rel) && !tree.has_dir(rel))
            return false;
        s = rel;
    }
    out = std::string(s);
    const bool slash = s.find('/') != std::string_view::npos;
    // A folder is named with a slash somewhere: a lone word (`core`) is as often a job or a
    // module name as the folder of the same name.
    if (has_any(s, "*?") || tree.has_file(s) || (slash && tree.has_dir(s)))
        return true;
    if (known_extension(extension(s))) {
        if (auto m = tree.unique_match(s); !m.empty())
            out = m;
        return true;
    }
    if (s.ends_with("/"))
        return true;
    if (slash)
        return tree.empty(); // `feature/login`, `api/users`: not in the tree, not a path
    return known_bare_name(s);
}

namespace {

// A word outside backticks is a file name only with a known extension, and when the tree does
// not have it only when it is not a product name ("Node.js": a capital, then lower case).
bool bare_path(std::string_view word, const Tree& tree, std::string& out) {
    while (!word.empty() && has_any(word.substr(word.size() - 1), ".,:;!?)]*"))
        word.remove_suffix(1);
    while (!word.empty() && has_any(word.substr(0, 1), "([*"))
        word.remove_prefix(1);
    if (!known_extension(extension(word)) || !as_path(word, tree, out))
        return false;
    if (tree.has_file(out))
        return true;
    auto name = base_name(out);
    bool product = std::isupper(static_cast<unsigned char>(name[0])) &&
                   std::any_of(name.begin(), name.end(),
                               [](char c) { return std::islower(static_cast<unsigned char>(c)); });
    return !product;
}

void add_once(std::vector<std::string>& v, std::string p) {
    if (std::find(v.begin(), v.end(), p) == v.end())
        v.push_back(std::move(p));
}

} // namespace

std::vector<std::string> paths_in(std::string_view text, const Tree& tree) {
    std::vector<std::string> ticked, bare;
    std::string plain_text, p;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '`') {
            plain_text += text[i++];
            continue;
        }
        auto close = text.find('`', i + 1);
        if (close == std::string_view::npos) {
            plain_text += text.substr(i);
            break;
        }
        const auto span = text.substr(i + 1, close - i - 1);
        if (as_path(span, tree, p))
            add_once(ticked, p);
        else if (span.find(' ') != std::string_view::npos) // `scripts/migrate.py --target x`
            for (std::size_t at = 0; at < span.size();) {
                auto end = std::min(span.find(' ', at), span.size());
                if (bare_path(span.substr(at, end - at), tree, p))
                    add_once(ticked, p);
                at = end + 1;
            }
        plain_text += ' ';
        i = close + 1;
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i <= plain_text.size(); ++i)
        if (i == plain_text.size() || std::isspace(static_cast<unsigned char>(plain_text[i]))) {
            if (i > start &&
                bare_path(std::string_view(plain_text).substr(start, i - start), tree, p))
                add_once(bare, p);
            start = i + 1;
        }
    for (auto& b : bare)
        add_once(ticked, std::move(b));
    return ticked;
}

} // namespace porch::plan
