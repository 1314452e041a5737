// git porch plan import: the seed's Phase 0. Work items are read from markdown documents (task
// lists, numbered lists, bullets, findings under headings, table rows, and paragraphs when a
// document has none of those), normalised and merged where one is mentioned twice, grouped
// into tasks, and presented as a Work Item Manifest for the user to validate.
#pragma once

#include "model/config.hpp"
#include "model/plan.hpp"
#include "ops/plan/group.hpp"
#include "ops/plan/scope.hpp"

#include <string>
#include <vector>

namespace porch::plan {

struct Document {
    std::string name; // shown in the manifest and in "file:line"
    std::string text;
};

struct Item {
    int number = 0;          // 1..N in document order: the task id
    std::string source;      // file:line
    std::string kind;        // task, numbered, bullet, paragraph
    std::string heading;     // the nearest heading above it; empty when none
    std::string original;    // the item's own line(s), as written
    std::string action;      // fix, add, refactor...; empty when no verb was found
    std::string description; // the text without markers
    std::vector<std::string> scope;
    std::string priority;
    std::string size;
    std::vector<std::string> needs;  // resolved item numbers
    std::vector<std::string> issues; // why it needs clarification; empty when ready
    std::string desc;                // the slug
    std::vector<std::string> also;   // file:line of its other mentions (a summary table...)
    bool ready() const { return issues.empty(); }
};

struct Manifest {
    std::vector<std::string> sources;
    std::vector<Item> items;
    std::vector<std::string> assumptions;
    Grouping grouping; // the ready items in workers (Steps 5 and 6)
    Plan plan;         // one task per worker, holding its items
};

// The files tracked in the worktree at `root`.
Tree repository_tree(const std::string& root);

struct ImportOptions {
    Tree tree; // the repository's tracked files: which names are paths, and where bare ones are
    // Its [parallelization] settings decide the workers as plan check will decide the mode.
    config::Config config;
};

Manifest import_documents(const std::vector<Document>& documents,
                          const ImportOptions& options = {});

// The seed's "Work Item Manifest" in markdown.
std::string manifest_markdown(const Manifest& manifest);

// A slug from the first words of `text` ("Fix the null check" -> "fix-null-check"), valid for
// protocol::validate_desc; empty when the text has no letters or digits.
std::string slug(std::string_view text, std::size_t max_words = 4);

} // namespace porch::plan
