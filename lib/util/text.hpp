// Small string helpers shared across the library.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace porch::util {

std::string trim(std::string_view s);
std::string trim_right(std::string_view s);
// ASCII letters only: protocol words and ids are ASCII, and the result must not depend on a
// locale.
std::string to_upper(std::string_view s);
std::string to_lower(std::string_view s);
// The parts with `sep` between them ("" for none).
std::string join(const std::vector<std::string>& parts, std::string_view sep);
// Appends each string of `from` that `to` does not hold yet, keeping the order.
void append_unique(std::vector<std::string>& to, const std::vector<std::string>& from);
// "1 commit", "3 commits": the count and the word, with an "s" unless the count is 1.
std::string plural(std::size_t n, std::string_view word);
// `text` as one shell word: in single quotes, each ' written as '\''.
std::string shell_quote(std::string_view text);
// `text` as one shell word, readable: as it is when the shell would leave it alone (letters,
// digits and _@%+=:,./-), else shell_quote(text).
std::string shell_word(std::string_view text);
// "a, b, c and 4 more": the first `shown` items, then how many are left out.
std::string first_few(const std::vector<std::string>& items, std::size_t shown);
// Well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Splits on '\n'; a trailing '\r' is dropped from each line (CRLF input). No final empty line.
std::vector<std::string_view> split_lines(std::string_view text);
// The same lines without the empty ones, copied: a command's output read line by line.
std::vector<std::string> non_empty_lines(std::string_view text);
// Replaces terminal control characters (C0, DEL, C1) and invalid UTF-8 with '?', so text that
// came from someone else cannot move the cursor or change colours when printed.
std::string sanitize_for_terminal(std::string_view text);
// "3m", "2h", "5d": a short age for tables.
std::string format_age(std::int64_t seconds);
// A count or epoch second written as decimal digits (event fields come from other clones: any
// other text, or more than 18 digits, is nullopt, never an exception).
std::optional<std::uint64_t> parse_count(std::string_view text);

// Parses "90s", "15m", "2h", "1d", "1h30m"; nullopt when malformed.
std::optional<std::int64_t> parse_duration(std::string_view text);
// 2026-11-22T02:30:00Z
std::string format_iso8601_utc(std::int64_t epoch_seconds);

} // namespace porch::util
