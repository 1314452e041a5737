#include "model/naming.hpp"

#include "util/error.hpp"
#include "util/regex.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace porch::protocol {

namespace {

constexpr std::string_view id_pattern = "[a-z0-9]{1,32}";
constexpr std::string_view desc_pattern = "[a-z0-9]+(?:-[a-z0-9]+)*";

const util::Regex& id_regex() {
    static const util::Regex re(id_pattern);
    return re;
}

const util::Regex& desc_regex() {
    static const util::Regex re(desc_pattern);
    return re;
}

const util::Regex& feature_regex() {
    static const util::Regex re("[a-z0-9]+(?:[-._][a-z0-9]+)*(?:/[a-z0-9]+(?:[-._][a-z0-9]+)*)*");
    return re;
}

// util::Regex::match with PCRE2_MATCH_INVALID_UTF lets a match end where invalid UTF-8 begins
// ("7\xff" matches [a-z0-9]+): insist that the whole subject was matched.
std::optional<std::vector<std::string>> full_match(const util::Regex& re, std::string_view s) {
    auto groups = re.match(s);
    if (groups && (*groups)[0].size() != s.size())
        return std::nullopt;
    return groups;
}

bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

std::string escape_regex(std::string_view literal) {
    std::string out;
    for (char c : literal) {
        if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos)
            out.push_back('\\');
        out.push_back(c);
    }
    return out;
}

} // namespace

std::string quote(std::string_view input) {
    constexpr std::size_t limit = 40;
    std::string shown = util::sanitize_for_terminal(input.substr(0, limit));
    if (input.size() > limit)
        shown += "...";
    return "'" + shown + "'";
}

namespace {

std::string hex_of(const char* format, std::uint32_t value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, format, static_cast<unsigned>(value));
    return buf;
}

// Like quote, for names that must be ASCII: every other character is shown as <U+XXXX> (a byte
// that is not UTF-8 as <0xXX>), so a look-alike such as Cyrillic 'а' in "tаsk" shows why it is
// refused instead of reading like the valid name.
std::string quote_ascii(std::string_view input) {
    constexpr std::size_t limit = 40;
    std::string shown;
    std::size_t i = 0;
    for (; i < input.size() && i < limit;) {
        auto c = static_cast<unsigned char>(input[i]);
        if (c < 0x80) {
            shown += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
            ++i;
            continue;
        }
        std::size_t len = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
        if (len == 0 || i + len > input.size() || !util::is_valid_utf8(input.substr(i, len))) {
            shown += hex_of("<0x%02X>", c);
            ++i;
            continue;
        }
        std::uint32_t cp = c & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
        for (std::size_t k = 1; k < len; ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(input[i + k]) & 0x3f);
        shown += hex_of("<U+%04X>", cp);
        i += len;
    }
    return "'" + shown + (i < input.size() ? "..." : "") + "'";
}

} // namespace

std::optional<std::string> validate_id(std::string_view id) {
    if (id.empty())
        return "the worker id is empty: use 1 to 32 lowercase letters and digits, e.g. 7";
    if (id.size() > max_id_length)
        return "worker id " + quote(id) + " is longer than 32 characters";
    if (!full_match(id_regex(), id))
        return "invalid worker id " + quote_ascii(id) +
               ": use only lowercase letters and digits (a-z, 0-9), e.g. 7 or auth";
    return std::nullopt;
}

std::optional<std::string> validate_desc(std::string_view desc) {
    if (desc.empty())
        return "the description is empty: use a lowercase slug such as api-endpoints";
    if (desc.size() > max_desc_length)
        return "description " + quote(desc) + " is longer than 48 characters";
    if (!full_match(desc_regex(), desc))
        return "invalid description " + quote_ascii(desc) +
               ": use lowercase letters and digits separated by single hyphens, e.g. api-endpoints";
    return std::nullopt;
}

std::optional<std::string> validate_feature(std::string_view feature) {
    // git refuses a ref whose component ends in ".lock" (integration branches are refs).
    const bool lock_suffix = (std::string(feature) + "/").find(".lock/") != std::string::npos;
    if (feature.empty() || feature.size() > 64 || !full_match(feature_regex(), feature) ||
        lock_suffix)
        return "invalid feature name " + quote(feature) +
               ": use lowercase letters, digits and single '-', '.', '_' or '/' separators "
               "(at most 64), e.g. analytics-dashboard";
    return std::nullopt;
}

std::optional<std::string> normalize_id(std::string_view id_or_worker) {
    if (id_or_worker.starts_with("task-") && !validate_id(id_or_worker.substr(5)))
        return std::string(id_or_worker.substr(5));
    if (!validate_id(id_or_worker))
        return std::string(id_or_worker);
    return std::nullopt;
}

Template::Template(std::string text, std::string_view what) : m_text(std::move(text)) {
    std::string pattern;
    int ids = 0, descs = 0;
    std::size_t i = 0;
    while (i < m_text.size()) {
        auto open = m_text.find('{', i);
        pattern += escape_regex(std::string_view(m_text).substr(
            i, open == std::string::npos ? std::string::npos : open - i));
        if (open == std::string::npos)
            break;
        auto close = m_text.find('}', open);
        std::string name =
            close == std::string::npos ? std::string() : m_text.substr(open + 1, close - open - 1);
        if (name == "id") {
            ++ids;
            pattern += "(" + std::string(id_pattern) + ")";
        } else if (name == "desc") {
            ++descs;
            pattern += "(" + std::string(desc_pattern) + ")";
        } else {
            throw Error(ErrorKind::fatal, std::string(what) + " template " + quote(m_text) +
                                              " has an unknown placeholder; use {id} and {desc}");
        }
        i = close + 1;
    }
    if (ids != 1 || descs > 1)
        throw Error(ErrorKind::fatal,
                    std::string(what) + " template " + quote(m_text) +
                        " must contain {id} exactly once and {desc} at most once");
    if (descs == 1 && m_text.find("{id}") > m_text.find("{desc}"))
        throw Error(ErrorKind::fatal, std::string(what) + " template " + quote(m_text) +
                                          " must put {id} before {desc}");
    if (descs == 1) {
        // With only letters and digits between them, "7"+"ab" and "7a"+"b" give the same name.
        auto from = m_text.find("{id}") + 4, to = m_text.find("{desc}");
        auto between = std::string_view(m_text).substr(from, to - from);
        if (std::all_of(between.begin(), between.end(), is_id_char))
            throw Error(ErrorKind::fatal, std::string(what) + " template " + quote(m_text) +
                                              " must separate {id} from {desc} with a character "
                                              "other than a letter or digit, e.g. '-'");
    }
    m_pattern = std::make_shared<const util::Regex>(pattern);
}

std::string Template::expand(std::string_view id, std::string_view desc) const {
    std::string out = m_text;
    auto replace = [&](std::string_view key, std::string_view value) {
        auto pos = out.find(key);
        if (pos != std::string::npos)
            out.replace(pos, key.size(), value);
    };
    replace("{id}", id);
    replace("{desc}", desc);
    return out;
}

std::string Template::literal_prefix() const {
    return m_text.substr(0, m_text.find('{'));
}

std::string Template::first_folder() const {
    auto slash = m_text.find('/');
    if (slash == std::string::npos || m_text.find('{') < slash)
        return {};
    return m_text.substr(0, slash);
}

std::optional<Template::Parts> Template::match(std::string_view name) const {
    auto groups = full_match(*m_pattern, name);
    if (!groups)
        return std::nullopt;
    Parts parts;
    parts.id = (*groups)[1];
    if (groups->size() > 2)
        parts.desc = (*groups)[2];
    return parts;
}

} // namespace porch::protocol
