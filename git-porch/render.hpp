// Terminal rendering helpers: colour decisions and styled text.
#pragma once

#include "model/states.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace porch::git {
class Repo;
}

namespace porch::cli {

// Colour on `fd` per NO_COLOR, color.porch, color.ui (auto|always|never|true|false) and isatty.
bool color_enabled(int fd, const git::Repo* repo);

enum class Tone { plain, bold, dim, red, green, yellow, blue, magenta, cyan };
std::string paint(std::string_view text, Tone tone, bool color);

// The colour of a worker state in tables.
Tone state_tone(model::WorkerState state);

// Text from commits, notes or arguments, safe for a terminal and cut to `width` columns.
std::string display(std::string_view text, std::size_t width = 0);

// Terminal columns of already-displayable text (code points, not bytes).
std::size_t width_of(std::string_view text);

// Each line of `text` made safe for a terminal and newline-terminated; `prefix` starts the first
// (the rest keep their own indentation, so snippets can be pasted).
std::string display_lines(std::string_view text, std::string_view prefix = {});

// Pads (by code points, not bytes) to `width`.
std::string pad(std::string_view text, std::size_t width);

// The columns a table on `fd` may take: 0 (no limit) when `fd` is not a terminal, so piped
// output keeps whole values; else COLUMNS when set, else the terminal's width.
std::size_t terminal_width(int fd);

// Column widths that fit `total` columns: `widths` are each column's widest cell and `gaps` the
// columns between them; the columns of `give_way` (index, narrowest allowed) shrink in that
// order until the table fits, or each is at its narrowest. `total` 0: no limit.
std::vector<std::size_t>
fit_columns(std::vector<std::size_t> widths, std::size_t gaps, std::size_t total,
            const std::vector<std::pair<std::size_t, std::size_t>>& give_way);

} // namespace porch::cli
