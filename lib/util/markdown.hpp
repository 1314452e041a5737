// Markdown read as CommonMark with GitHub's tables and task lists (cmark-gfm), flattened to the
// blocks a reader of task documents needs: headings, paragraphs, lists and their items, tables
// and their rows, code. Flat, with parent links, so that no walk over a hostile document's
// nesting recurses.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::util::markdown {

enum class Kind { heading, paragraph, list, item, table, row, code, quote, html, rule };

struct Block {
    Kind kind = Kind::paragraph;
    int line = 0;                // 1-based line where the block starts
    int parent = -1;             // index of the enclosing block; -1 at the top level
    int level = 0;               // heading: 1 to 6
    bool ordered = false;        // list: numbered
    std::optional<bool> checked; // item: a task list item ([ ] or [x]); nullopt for plain items
    bool header = false;         // row: the table's header row
    // heading, paragraph: the inline text, code spans kept in backticks and strong emphasis in
    // ** (both carry meaning: paths and labels); code: the literal.
    std::string text;
    std::vector<std::string> cells; // row
    std::vector<int> children;      // indexes of the blocks directly inside
};

// The blocks in document order.
std::vector<Block> parse(std::string_view text);

} // namespace porch::util::markdown
