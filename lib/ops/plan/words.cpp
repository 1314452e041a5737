#include "ops/plan/words.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

namespace porch::plan {

const util::Regex& re(std::string_view pattern) {
    static std::map<std::string, util::Regex, std::less<>> cache;
    auto it = cache.find(pattern);
    if (it == cache.end())
        it =
            cache.emplace(std::string(pattern), util::Regex(pattern, util::Regex::Mode::jit)).first;
    return it->second;
}

std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view s) {
    return re(pattern).match(s);
}

bool search(std::string_view pattern, std::string_view s) {
    return re(pattern).search(s);
}

bool is_stop_word(std::string_view w) {
    static const std::set<std::string, std::less<>> v = {"a",  "an",   "the",  "of", "for",  "to",
                                                         "in", "on",   "and",  "or", "with", "at",
                                                         "by", "from", "into", "is"};
    return v.count(w) > 0;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : text) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            cur += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!cur.empty())
            out.push_back(std::exchange(cur, {}));
    }
    if (!cur.empty())
        out.push_back(cur);
    return out;
}

std::vector<std::string> significant_words(std::string_view text) {
    std::vector<std::string> out;
    for (auto& w : words(text))
        if (!is_stop_word(w))
            out.push_back(std::move(w));
    return out;
}

bool same_word(std::string_view a, std::string_view b) {
    if (a == b)
        return true;
    auto n = std::min(a.size(), b.size());
    std::size_t common = 0;
    while (common < n && a[common] == b[common])
        ++common;
    return common >= 4 && common + 3 >= std::max(a.size(), b.size());
}

std::string strip_code(std::string_view text) {
    std::string out;
    bool code = false;
    for (char c : text) {
        if (c == '`')
            code = !code;
        else if (!code)
            out += c;
    }
    return out;
}

} // namespace porch::plan
