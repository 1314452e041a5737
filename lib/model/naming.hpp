// Worker ids, descriptions, and the names porch derives from them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace porch::util {
class Regex;
}

namespace porch::protocol {

constexpr std::size_t max_id_length = 32;
constexpr std::size_t max_desc_length = 48;

// Returns an error message, or nullopt when valid. `id` is the bare id ("1", "auth"), without
// the "task-" prefix.
std::optional<std::string> validate_id(std::string_view id);
std::optional<std::string> validate_desc(std::string_view desc);
std::optional<std::string> validate_feature(std::string_view feature);

// Accepts "7" or "task-7" and returns "7"; nullopt when neither form is valid.
std::optional<std::string> normalize_id(std::string_view id_or_worker);

// Quotes user input for an error message: control characters made visible, long input cut.
std::string quote(std::string_view input);

inline std::string worker_name(std::string_view id) {
    return "task-" + std::string(id);
}

// A naming template such as "work/task-{id}-{desc}".
class Template {
public:
    // Throws porch::Error when the template lacks a required placeholder or has an unknown one.
    Template(std::string text, std::string_view what);

    const std::string& text() const { return m_text; }
    std::string expand(std::string_view id, std::string_view desc) const;
    // The literal text before the first placeholder: a prefix every expansion shares.
    std::string literal_prefix() const;
    // The first folder of a path template when it holds no placeholder ("worktrees" for
    // "worktrees/task-{id}-{desc}"); empty otherwise.
    std::string first_folder() const;
    // Recovers id and desc from a name made by this template.
    struct Parts {
        std::string id;
        std::string desc;
    };
    std::optional<Parts> match(std::string_view name) const;

private:
    std::string m_text;
    std::shared_ptr<const util::Regex> m_pattern;
};

} // namespace porch::protocol
