// One issue listed in several places of a document (a summary table, a section by priority, a
// detailed finding, an implementation order) is one item.
#pragma once

#include "ops/plan/extract.hpp"

#include <cstddef>
#include <vector>

namespace porch::plan {

// What merge_duplicates maps an entry of an order list or a reference to when it names no item
// and is none.
constexpr std::size_t dropped = static_cast<std::size_t>(-1);

// Folds each later mention into the first one, which keeps its place and gains what the others
// add (scope, priority, size, details). Returns, for each input index, the index of the item
// it became; `also` gets, per kept item, the sources of the mentions folded into it.
std::vector<std::size_t> merge_duplicates(std::vector<Raw>& raws,
                                          std::vector<std::vector<std::string>>& also);

} // namespace porch::plan
