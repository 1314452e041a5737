// Words of item texts, for slugs, dependency phrases and finding the same item twice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace porch::plan {

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
