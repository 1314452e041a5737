#include "render.hpp"

#include "git/repo.hpp"
#include "util/text.hpp"

#include <charconv>
#include <cstdlib>
#include <numeric>
#include <sys/ioctl.h>
#include <unistd.h>

namespace porch::cli {

namespace {

std::size_t columns(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s)
        n += (c & 0xc0) != 0x80;
    return n;
}

std::optional<bool> parse_color_setting(const std::string& value, int fd) {
    if (value == "always" || value == "true" || value == "on" || value == "yes")
        return true;
    if (value == "never" || value == "false" || value == "off" || value == "no")
        return false;
    if (value == "auto")
        return isatty(fd) == 1;
    return std::nullopt;
}

} // namespace

bool color_enabled(int fd, const git::Repo* repo) {
    if (const char* no = std::getenv("NO_COLOR"); no != nullptr && *no != '\0')
        return false;
    if (repo != nullptr) {
        for (const char* key : {"color.porch", "color.ui"}) {
            std::optional<std::string> value;
            try {
                value = repo->config_string(key);
            } catch (...) {
            }
            if (value)
                if (auto decided = parse_color_setting(*value, fd))
                    return *decided;
        }
    }
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb")
        return false;
    return isatty(fd) == 1;
}

std::string paint(std::string_view text, Tone tone, bool color) {
    if (!color || tone == Tone::plain)
        return std::string(text);
    const char* code = "";
    switch (tone) {
    case Tone::bold:
        code = "1";
        break;
    case Tone::dim:
        code = "2";
        break;
    case Tone::red:
        code = "31";
        break;
    case Tone::green:
        code = "32";
        break;
    case Tone::yellow:
        code = "33";
        break;
    case Tone::blue:
        code = "34";
        break;
    case Tone::magenta:
        code = "35";
        break;
    case Tone::cyan:
        code = "36";
        break;
    case Tone::plain:
        break;
    }
    return "\033[" + std::string(code) + "m" + std::string(text) + "\033[m";
}

Tone state_tone(model::WorkerState state) {
    switch (state) {
    case model::WorkerState::complete:
        return Tone::green;
    case model::WorkerState::blocked:
        return Tone::red;
    case model::WorkerState::needs:
        return Tone::yellow;
    case model::WorkerState::checkpoint:
        return Tone::cyan;
    case model::WorkerState::fresh:
        return Tone::dim;
    }
    return Tone::dim;
}

std::string display(std::string_view text, std::size_t width) {
    std::string clean = util::sanitize_for_terminal(text);
    if (width == 0 || columns(clean) <= width)
        return clean;
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < clean.size(); ++i) {
        auto c = static_cast<unsigned char>(clean[i]);
        if ((c & 0xc0) != 0x80 && ++n > width - 1)
            break;
        out.push_back(clean[i]);
    }
    return out + "\u2026";
}

std::size_t width_of(std::string_view text) {
    return columns(text);
}

std::string display_lines(std::string_view text, std::string_view prefix) {
    std::string out;
    bool first = true;
    for (auto line : util::split_lines(text)) {
        out += (first ? std::string(prefix) : std::string()) + display(line) + "\n";
        first = false;
    }
    return out;
}

std::string pad(std::string_view text, std::size_t width) {
    std::string out(text);
    for (std::size_t n = columns(text); n < width; ++n)
        out.push_back(' ');
    return out;
}

std::size_t terminal_width(int fd) {
    if (isatty(fd) != 1)
        return 0;
    if (const char* env = std::getenv("COLUMNS"); env != nullptr && *env != '\0') {
        std::size_t n = 0;
        std::string_view text(env);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n > 0)
            return n;
    }
    winsize ws{};
    if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    return 80;
}

std::vector<std::size_t>
fit_columns(std::vector<std::size_t> widths, std::size_t gaps, std::size_t total,
            const std::vector<std::pair<std::size_t, std::size_t>>& give_way) {
    if (total == 0)
        return widths;
    std::size_t used = std::accumulate(widths.begin(), widths.end(), gaps);
    for (const auto& [column, narrowest] : give_way) {
        if (used <= total)
            break;
        if (column >= widths.size() || widths[column] <= narrowest)
            continue;
        const std::size_t spare = widths[column] - narrowest;
        const std::size_t cut = std::min(spare, used - total);
        widths[column] -= cut;
        used -= cut;
    }
    return widths;
}

} // namespace porch::cli
