#define PCRE2_CODE_UNIT_WIDTH 8
#include "util/regex.hpp"

#include "util/error.hpp"

#include <pcre2.h>

namespace porch::util {

struct Regex::Impl {
    pcre2_code* code = nullptr;
    ~Impl() { pcre2_code_free(code); }
};

// No JIT by default: porch matches short strings (subjects, names) a few times per process,
// mostly inside hooks, where compiling machine code costs more than every match it would speed
// up. The importer asks for it.
Regex::Regex(std::string_view pattern, Mode mode) : m_impl(std::make_unique<Impl>()) {
    int err = 0;
    PCRE2_SIZE offset = 0;
    m_impl->code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &offset, nullptr);
    if (m_impl->code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(err, message, sizeof message);
        throw Error(ErrorKind::fatal, "bad pattern '" + std::string(pattern) + "' at offset " +
                                          std::to_string(offset) + ": " +
                                          reinterpret_cast<const char*>(message));
    }
    // Where the platform has no JIT this fails, and matching interprets as before.
    if (mode == Mode::jit)
        pcre2_jit_compile(m_impl->code, PCRE2_JIT_COMPLETE);
}

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

namespace {

struct MatchData {
    pcre2_match_data* data;
    explicit MatchData(const pcre2_code* code)
        : data(pcre2_match_data_create_from_pattern(code, nullptr)) {}
    ~MatchData() { pcre2_match_data_free(data); }
};

} // namespace

std::optional<std::vector<std::string>> Regex::match(std::string_view subject) const {
    MatchData md(m_impl->code);
    int rc = pcre2_match(m_impl->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                         0, PCRE2_ANCHORED | PCRE2_ENDANCHORED, md.data, nullptr);
    if (rc <= 0)
        return std::nullopt;
    PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(md.data);
    // With PCRE2_MATCH_INVALID_UTF a match may stop before trailing invalid UTF-8 even when
    // end-anchored; the whole subject must match.
    if (ovector[0] != 0 || ovector[1] != subject.size())
        return std::nullopt;
    std::uint32_t count = pcre2_get_ovector_count(md.data);
    std::vector<std::string> groups;
    for (std::uint32_t i = 0; i < count; ++i) {
        PCRE2_SIZE start = ovector[2 * i], end = ovector[2 * i + 1];
        if (start == PCRE2_UNSET || end < start)
            groups.emplace_back();
        else
            groups.emplace_back(subject.substr(start, end - start));
    }
    return groups;
}

bool Regex::search(std::string_view subject) const {
    MatchData md(m_impl->code);
    return pcre2_match(m_impl->code, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                       0, 0, md.data, nullptr) > 0;
}

} // namespace porch::util
