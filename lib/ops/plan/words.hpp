// Words and patterns of item texts, for reading items, slugs, dependency phrases and finding
// the same item twice.
#pragma once

#include "util/regex.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

// The importer's patterns (literals of its files), each compiled once, to machine code: a long
// document matches them thousands of times.
const util::Regex& re(std::string_view pattern);
// re(pattern).match(s): the whole of `s`, with the groups.
std::optional<std::vector<std::string>> match(std::string_view pattern, std::string_view s);
// re(pattern).search(s): anywhere in `s`.
bool search(std::string_view pattern, std::string_view s);

bool is_stop_word(std::string_view w);
// Lower-case runs of letters and digits.
std::vector<std::string> words(std::string_view text);
// words() without the stop words ("a", "the", "of"...).
std::vector<std::string> significant_words(std::string_view text);
// "model" and "models", "migrate" and "migration": a shared stem of four letters or more.
bool same_word(std::string_view a, std::string_view b);

// The text without its `code spans`.
std::string strip_code(std::string_view text);

} // namespace porch::plan
