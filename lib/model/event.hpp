// One event: one line of JSON in a worker's note. The format is versioned (`v`), and every line
// carries what makes it unique and orderable on its own, so two copies of a note merge by line
// union (git notes merge -s cat_sort_uniq) with nothing lost and nothing doubled.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::store {

constexpr int event_format_version = 1;
constexpr std::size_t max_event_line = 4096; // longer lines are skipped as malformed
// A lamport clock grows by one per event: beyond this (2^53, also where JSON numbers stay exact)
// a line is forged or corrupt and skipped as malformed. Accepting it would make the next event's
// clock overflow to 0 and sort before everything it follows.
constexpr std::uint64_t max_lamport = std::uint64_t{1} << 53;

struct Event {
    std::uint64_t lamport = 0; // logical clock within the worker's note
    std::int64_t time = 0;     // wall clock, seconds since the epoch
    std::string clone;         // the clone that wrote it
    std::string id;            // random, unique per event
    std::string type;          // "spawned", "commit", ...
    std::string worker;        // "task-<id>"
    // Type-specific fields: strings, or lists of strings (stored as JSON arrays).
    std::map<std::string, std::string> fields;
    std::map<std::string, std::vector<std::string>> lists;

    std::string field(const std::string& key) const {
        auto it = fields.find(key);
        return it == fields.end() ? std::string() : it->second;
    }
};

// Serialises to one line of JSON without a trailing newline. Throws porch::Error when a field or
// list reuses a key, or when the line would be longer than max_event_line.
std::string to_line(const Event& event);
// Parses one line; nullopt for malformed, oversized or unknown-version lines.
std::optional<Event> from_line(std::string_view line);

// Orders events by (lamport, time, clone, id): the same order in every clone.
bool before(const Event& a, const Event& b);

} // namespace porch::store
