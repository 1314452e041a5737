#include "model/scope.hpp"

#include "model/naming.hpp"
#include "util/error.hpp"

#include <filesystem>
#include <fnmatch.h>

namespace porch::protocol {

namespace fs = std::filesystem;

namespace {

// `a` is `b` or a folder above it ("" is above everything).
bool contains(std::string_view a, std::string_view b) {
    return a.empty() || a == b || (b.starts_with(a) && b[a.size()] == '/');
}

// The folder before a glob's first wildcard: "src/api" for "src/api/*.ts".
std::string glob_root(std::string_view g) {
    auto wild = g.find_first_of("*?[");
    auto slash = g.substr(0, wild).rfind('/');
    return slash == std::string_view::npos ? std::string() : std::string(g.substr(0, slash));
}

// A path the glob matches: each wildcard replaced by one ordinary character.
std::string sample(std::string_view g) {
    std::string out;
    for (std::size_t i = 0; i < g.size(); ++i) {
        if (g[i] == '*' || g[i] == '?') {
            if (out.empty() || out.back() != 'x')
                out += 'x';
        } else if (g[i] == '[') {
            auto close = g.find(']', i + 2);
            if (close == std::string_view::npos) {
                out += g[i];
                continue;
            }
            std::size_t first = i + 1;
            if (g[first] == '!' || g[first] == '^')
                out += '\x01'; // a negated class: some other character
            else
                out += g[first];
            i = close;
        } else
            out += g[i];
    }
    return out;
}

bool matches(const std::string& glob, const std::string& path) {
    return ::fnmatch(glob.c_str(), path.c_str(), 0) == 0;
}

bool glob_meets_path(const std::string& g, const std::string& p) {
    if (matches(g, p) || contains(p, glob_root(g)))
        return true;
    if (looks_like_file(p) || !contains(glob_root(g), p))
        return false;
    // p is a folder inside the glob's root: does the glob reach a file in it?
    std::string last(g.substr(g.rfind('/') + 1));
    return matches(g, p + "/" + sample(last));
}

} // namespace

bool is_glob(std::string_view s) {
    return s.find_first_of("*?[") != std::string_view::npos;
}

std::string plain_scope(std::string s) {
    while (s.starts_with("./"))
        s.erase(0, 2);
    while (s.size() > 1 && s.back() == '/')
        s.pop_back();
    return s == "." ? std::string() : s;
}

bool looks_like_file(std::string_view p) {
    auto name = p.substr(p.rfind('/') + 1);
    auto dot = name.rfind('.');
    return dot != std::string_view::npos && dot > 0;
}

bool scopes_overlap(const std::string& a_in, const std::string& b_in) {
    const std::string a = plain_scope(a_in), b = plain_scope(b_in);
    if (a.empty() || b.empty())
        return true;
    const bool ga = is_glob(a), gb = is_glob(b);
    if (!ga && !gb)
        return contains(a, b) || contains(b, a);
    if (ga && !gb)
        return glob_meets_path(a, b);
    if (!ga && gb)
        return glob_meets_path(b, a);
    return matches(a, sample(b)) || matches(b, sample(a));
}

bool in_scope(const std::string& path, const std::vector<std::string>& scopes) {
    for (const auto& s : scopes) {
        if (s.empty())
            continue;
        if (s == "." || path == s)
            return true;
        std::string dir = s.back() == '/' ? s : s + "/";
        if (path.starts_with(dir))
            return true;
        if (is_glob(s) && ::fnmatch(s.c_str(), path.c_str(), 0) == 0)
            return true;
    }
    return false;
}

std::string normalise_scope(std::string_view path) {
    std::string text(path);
    bool bad = text.empty() || fs::path(text).is_absolute();
    for (unsigned char c : text)
        bad = bad || c < 0x20 || c == 0x7f;
    fs::path norm = fs::path(text).lexically_normal();
    for (const auto& part : norm)
        bad = bad || part == "..";
    if (bad)
        throw Error(ErrorKind::fatal,
                    "scope " + protocol::quote(path) +
                        " must be a relative path inside the repository, e.g. src/api/");
    std::string out = norm.generic_string();
    if (out == "." || out == "./")
        return ".";
    return out;
}

} // namespace porch::protocol
