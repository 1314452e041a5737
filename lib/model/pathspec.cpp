#include "model/pathspec.hpp"

#include "util/text.hpp"

namespace porch::model {

std::string literal_pathspec(std::string_view path) {
    const bool pattern = path.find_first_of("*?[\\") != std::string_view::npos;
    return (pattern || path.starts_with(":") ? ":(literal)" : "") + std::string(path);
}

std::optional<std::string> inline_pathspecs(const std::vector<std::string>& paths,
                                            std::size_t max_inline) {
    if (paths.size() > max_inline)
        return std::nullopt;
    std::string out = " --";
    for (const auto& p : paths) {
        if (util::sanitize_for_terminal(p) != p)
            return std::nullopt;
        out += " " + util::shell_word(literal_pathspec(p));
    }
    return out;
}

std::string pathspec_file_text(const std::vector<std::string>& paths) {
    std::string out;
    for (const auto& p : paths)
        out += literal_pathspec(p) + '\0';
    return out;
}

std::string pathspec_file_args(const std::string& file) {
    return " --pathspec-from-file=" + util::shell_word(file) + " --pathspec-file-nul";
}

} // namespace porch::model
