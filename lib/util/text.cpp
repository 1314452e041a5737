#include "util/text.hpp"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <limits>

namespace porch::util {

namespace {
constexpr std::string_view whitespace = " \t\r\n\f\v";
}

std::string trim(std::string_view s) {
    auto start = s.find_first_not_of(whitespace);
    if (start == std::string_view::npos)
        return {};
    auto end = s.find_last_not_of(whitespace);
    return std::string(s.substr(start, end - start + 1));
}

std::string trim_right(std::string_view s) {
    auto end = s.find_last_not_of(whitespace);
    return end == std::string_view::npos ? std::string() : std::string(s.substr(0, end + 1));
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string to_upper(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& part : parts) {
        if (&part != &parts.front())
            out += sep;
        out += part;
    }
    return out;
}

void append_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const auto& s : from)
        if (std::find(to.begin(), to.end(), s) == to.end())
            to.push_back(s);
}

std::string plural(std::size_t n, std::string_view word) {
    return std::to_string(n) + " " + std::string(word) + (n == 1 ? "" : "s");
}

std::string shell_quote(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string shell_word(std::string_view text) {
    static constexpr std::string_view plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_@%+=:,./-";
    if (text.empty() || text.find_first_not_of(plain) != std::string_view::npos)
        return shell_quote(text);
    return std::string(text);
}

std::string first_few(const std::vector<std::string>& items, std::size_t shown) {
    std::vector<std::string> head(items.begin(), items.begin() + std::min(items.size(), shown));
    std::string text = join(head, ", ");
    if (items.size() > shown)
        text += " and " + std::to_string(items.size() - shown) + " more";
    return text;
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        auto line = text.substr(start, end == std::string_view::npos ? end : end - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return lines;
}

std::vector<std::string> non_empty_lines(std::string_view text) {
    std::vector<std::string> lines;
    for (auto line : split_lines(text))
        if (!line.empty())
            lines.emplace_back(line);
    return lines;
}

std::string sanitize_for_terminal(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back((c < 0x20 && c != '\t') || c == 0x7f ? '?' : static_cast<char>(c));
            ++i;
            continue;
        }
        // Validate one UTF-8 sequence; reject overlongs, surrogates and C1 controls.
        std::size_t len = c >= 0xf0 && c <= 0xf4  ? 4
                          : c >= 0xe0             ? 3
                          : c >= 0xc2 && c < 0xe0 ? 2
                                                  : 0;
        if (len == 0 || c > 0xf4 || i + len > text.size()) {
            out.push_back('?');
            ++i;
            continue;
        }
        std::uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
        bool ok = true;
        for (std::size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xc0) != 0x80) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        static constexpr std::uint32_t min_for_len[] = {0, 0, 0x80, 0x800, 0x10000};
        ok = ok && cp >= min_for_len[len] && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) &&
             !(cp >= 0x80 && cp <= 0x9f) && cp != 0x2028 && cp != 0x2029 &&
             !(cp >= 0x202a && cp <= 0x202e) && !(cp >= 0x2066 && cp <= 0x2069);
        if (!ok) {
            out.push_back('?');
            ++i;
            continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

std::string format_age(std::int64_t seconds) {
    if (seconds < 0)
        seconds = 0;
    if (seconds < 60)
        return std::to_string(seconds) + "s";
    if (seconds < 3600)
        return std::to_string(seconds / 60) + "m";
    if (seconds < 86400)
        return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds / 86400) + "d";
}

std::optional<std::uint64_t> parse_count(std::string_view text) {
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    std::uint64_t n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return n;
}

std::optional<std::int64_t> parse_duration(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::int64_t n = 0;
        std::size_t digits = 0;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 12) {
            n = n * 10 + (text[i] - '0');
            ++i;
            ++digits;
        }
        if (digits == 0 || i >= text.size())
            return std::nullopt;
        std::int64_t unit = 0;
        switch (text[i]) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 7 * 86400;
            break;
        default:
            return std::nullopt;
        }
        // n < 10^12 and unit <= 604800, so n * unit fits; the sum might not.
        if (n * unit > std::numeric_limits<std::int64_t>::max() - total)
            return std::nullopt;
        total += n * unit;
        ++i;
    }
    return total;
}

std::string format_iso8601_utc(std::int64_t epoch_seconds) {
    std::time_t t = static_cast<std::time_t>(epoch_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = (c & 0xE0) == 0xC0   ? 2
                          : (c & 0xF0) == 0xE0 ? 3
                          : (c & 0xF8) == 0xF0 ? 4
                                               : 0;
        if (len == 0 || i + len > text.size())
            return false;
        std::uint32_t cp = c & (0x7F >> len);
        for (std::size_t k = 1; k < len; ++k) {
            auto cc = static_cast<unsigned char>(text[i + k]);
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr std::uint32_t min_of[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min_of[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

} // namespace porch::util
