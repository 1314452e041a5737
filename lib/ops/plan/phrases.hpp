// The phrases of task documents: labels before the verb ("1.1", "Step 7:"), the action verb,
// problems stated without one, estimates, priorities, and what headings say (not work, a group,
// findings, features, an order, "after Phase 1"), and what marks an item done.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace porch::plan {

// What one item is analysed on: a hostile document's megabyte line costs no more than this.
inline constexpr std::size_t max_text = 4000;
inline constexpr std::size_t max_details = 40;

// The first max_text bytes, trimmed.
std::string bounded(std::string_view s);
// Without ** and backticks: how a heading reads.
std::string unmarked(std::string_view s);
// "1.1", "#12", "H-3", "003-name.md" as an id shared by mentions of one item; empty for none.
std::string id_of(std::string_view label);

// Splits a leading label off an item's text: "1.1 Create x" -> ("1.1", "Create x"); also
// "Step 7:", "Day 1:", "[P1]", "**name.md** -", "Cancellation: verify...", "TODO:".
struct Labelled {
    std::string label;
    std::string id; // the label when it identifies the item ("1.1", "h-3", "#12"), normalised
    std::string rest;
};
Labelled strip_label(std::string_view text);

// The action verb the text starts with ("fixes", "Fixing" -> "fix"); empty when none.
std::string action_verb(std::string_view text);
// Words that say something is wrong ("missing", "leak", "too slow"): a finding's statement.
bool states_problem(std::string_view text);
// "2h", "30 min", "1-2 days", "M", "large" -> S, M, L or XL; empty when not a size.
std::string size_of_estimate(std::string_view text);
// The priority a heading or label states ("High Priority (Fix Soon)", "Priority: P0").
std::string priority_of(std::string_view text);

// Headings (and label lines) by what they say.
bool not_work_title(std::string_view title);
bool group_title(std::string_view title);
bool findings_title(std::string_view title);
bool features_title(std::string_view title);
bool order_title(std::string_view title);
// "Phase 2 (do after Phase 1)" -> "Phase 1"; empty when it names no order.
std::string after_phrase(std::string_view title);
// [x] aside: a check mark, struck through, DONE, (fixed).
bool done_text(std::string_view text);

} // namespace porch::plan
