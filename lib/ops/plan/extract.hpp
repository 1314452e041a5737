// Reading one task document as markdown (Phase 0, Step 1): which blocks state work, and what
// their sections, parent items and tables say about them (priority, scope, size, order).
#pragma once

#include "ops/plan/scope.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace porch::plan {

struct Document;

// One statement of work as written, before it is normalised to an Item.
struct Raw {
    std::string kind;    // task, numbered, bullet, paragraph, heading (a finding), row (of a table)
    std::string heading; // the nearest heading above it
    std::string source;  // file:line
    std::string text;    // its own text, inline markdown (`code` and **strong** kept)
    std::vector<std::string> details; // nested items, body paragraphs, other table cells
    std::string id;                   // an id as written ("1.1", "h-3", "#12"); empty when none
    std::string priority;             // from its section, parent item or table; empty when none
    std::string size;                 // S..XL from a table column or an estimate; empty when none
    std::vector<std::string> scope;   // paths its section, parent item or table row names
    std::string after;  // its section's heading says "after <this>": the section it follows
    std::string action; // the verb prose states it with ("Lena will add..."); empty otherwise
    // A row of a table in a section that is not work (a summary): it adds its size, priority or
    // file to the item it names, and is no item itself.
    bool reference = false;
    bool finding = false; // stated as a problem (a review's finding): the action is to fix it
    int list = 0;         // items of one numbered list share a number; 0 otherwise
    int order = 0;        // items of one "implementation order" list share a number; 0 otherwise
};

struct Reading {
    std::vector<Raw> items;
    std::size_t done = 0;              // items marked done ([x], ✅, ~~struck~~)
    bool paragraphs = false;           // no lists, tables or findings: paragraphs were read
    std::vector<std::string> not_work; // headings of sections skipped (summary, metrics...)
};

// `next_list` numbers numbered lists and order lists across documents.
Reading extract(const Document& doc, const Tree& tree, int& next_list);

} // namespace porch::plan
