#include "ops/plan/phrases.hpp"

#include "ops/plan/words.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace porch::plan {

std::string bounded(std::string_view s) {
    return util::trim(s.substr(0, std::min(s.size(), max_text)));
}

// Without ** and backticks: how a heading reads.
std::string unmarked(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != '*' && c != '`')
            out += c;
    return util::trim(out);
}

namespace {

const std::set<std::string, std::less<>>& verbs() {
    static const std::set<std::string, std::less<>> v = {
        "announce",    "ask",         "assign",    "attach",      "call",         "commit",
        "compare",     "confirm",     "cut",       "decide",      "draft",        "email",
        "file",        "give",        "keep",      "open",        "pass",         "plan",
        "post",        "print",       "push",      "put",         "record",       "schedule",
        "send",        "ship",        "tag",       "add",         "address",      "adopt",
        "align",       "allow",       "annotate",  "apply",       "audit",        "automate",
        "avoid",       "backfill",    "batch",     "benchmark",   "bound",        "build",
        "bump",        "bundle",      "cache",     "cap",         "catch",        "change",
        "check",       "clarify",     "clean",     "close",       "collapse",     "combine",
        "configure",   "consolidate", "convert",   "copy",        "correct",      "cover",
        "create",      "debounce",    "decouple",  "dedupe",      "deduplicate",  "define",
        "delete",      "deploy",      "deprecate", "design",      "detect",       "disable",
        "document",    "drop",        "emit",      "enable",      "encode",       "enforce",
        "enhance",     "ensure",      "escape",    "evaluate",    "expand",       "explore",
        "export",      "expose",      "extend",    "extract",     "fetch",        "filter",
        "finalize",    "fix",         "flatten",   "format",      "gate",         "generate",
        "group",       "guard",       "handle",    "harden",      "hide",         "implement",
        "import",      "improve",     "increase",  "index",       "inject",       "inline",
        "install",     "instrument",  "integrate", "introduce",   "investigate",  "isolate",
        "limit",       "lint",        "load",      "log",         "look",         "lower",
        "make",        "mark",        "measure",   "memoize",     "merge",        "migrate",
        "mock",        "monitor",     "move",      "normalize",   "normalise",    "notify",
        "optimise",    "optimize",    "paginate",  "parallelize", "parameterize", "parametrize",
        "parse",       "patch",       "persist",   "pin",         "polish",       "populate",
        "port",        "precompute",  "prepare",   "prevent",     "profile",      "propagate",
        "provide",     "prune",       "publish",   "purge",       "raise",        "read",
        "rebuild",     "recover",     "redesign",  "reduce",      "refactor",     "refresh",
        "register",    "reject",      "release",   "reload",      "remove",       "rename",
        "render",      "reorganize",  "repair",    "replace",     "report",       "require",
        "reset",       "resolve",     "restore",   "restrict",    "restructure",  "retry",
        "return",      "reuse",       "revert",    "review",      "revisit",      "rework",
        "rewrite",     "rotate",      "run",       "sanitise",    "sanitize",     "scaffold",
        "scan",        "secure",      "separate",  "serialize",   "set",          "setup",
        "share",       "show",        "simplify",  "skip",        "sort",         "split",
        "standardize", "start",       "stop",      "store",       "stream",       "streamline",
        "strip",       "stub",        "support",   "surface",     "switch",       "sync",
        "test",        "throttle",    "tighten",   "time",        "track",        "translate",
        "trim",        "tune",        "tweak",     "unify",       "update",       "upgrade",
        "upload",      "use",         "validate",  "verify",      "version",      "warn",
        "wire",        "wrap",        "write"};
    return v;
}

std::string first_word(std::string_view text) {
    std::string w;
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c)) || (c == '-' && !w.empty()))
            w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else if (!w.empty() || !(c == ' ' || c == '*' || c == '_' || c == '`'))
            break;
    }
    return w;
}

} // namespace

std::string action_verb(std::string_view text) {
    std::string w = first_word(text);
    if (w.starts_with("re-")) // re-export, re-enable: the verb again
        w = w.substr(3);
    if (w.empty())
        return {};
    if (verbs().count(w))
        return w;
    // "Adds", "fixes", "Fixing", "Removing", "added": the verb they are forms of.
    auto try_stem = [&](std::string stem) { return verbs().count(stem) ? stem : std::string(); };
    for (std::string_view suffix : {"es", "s", "ing", "ed", "d"})
        if (w.size() > suffix.size() + 2 && w.ends_with(suffix)) {
            std::string stem = w.substr(0, w.size() - suffix.size());
            if (auto v = try_stem(stem); !v.empty())
                return v;
            if (auto v = try_stem(stem + "e"); !v.empty())
                return v;
        }
    return {};
}

bool states_problem(std::string_view text) {
    return search("(?i)\\b(missing|lacks?|lacking|without|wrong|incorrect|broken|bugs?|leaks?|"
                  "leaking|races?|unsafe|insecure|slow|too|unused|dead|duplicated?|hard-?coded|"
                  "inconsistent|errors?|fails?|failing|crash(es|ing)?|vulnerab\\w*|injection|"
                  "deprecated|unbounded|unnecessary|redundant|excessive|n\\+1|blocking|deadlocks?|"
                  "overflows?|panics?|timeouts?|flaky|stale|outdated|undocumented|untested|"
                  "unhandled|unchecked|unvalidated|ignored|swallowed|silently|no longer|never|no|"
                  "cannot|can't|doesn't|does not|isn't|not)\\b",
                  text);
}

std::string size_of_estimate(std::string_view text) {
    const std::string t = util::to_lower(util::trim(unmarked(text)));
    if (auto m = match("(?i)\\s*(xs|s|m|l|xl|small|medium|large|x-?large)\\s*", t)) {
        const std::string& s = (*m)[1];
        if (s == "xs" || s == "s" || s == "small")
            return "S";
        if (s == "m" || s == "medium")
            return "M";
        return s == "l" || s == "large" ? "L" : "XL";
    }
    auto m = match("(?is).*?~?\\s*(\\d+(?:\\.\\d+)?)(?:\\s*-\\s*(\\d+(?:\\.\\d+)?))?\\s*"
                   "(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?)\\b.*",
                   t);
    if (!m)
        return {};
    double n = std::stod((*m)[2].empty() ? (*m)[1] : (*m)[2]);
    const char unit = (*m)[3][0];
    const double minutes = unit == 'm'   ? n
                           : unit == 'h' ? n * 60
                           : unit == 'd' ? n * 480
                                         : n * 2400;
    return minutes <= 15 ? "S" : minutes <= 60 ? "M" : minutes <= 180 ? "L" : "XL";
}

std::string priority_of(std::string_view text) {
    const std::string t = unmarked(text);
    if (auto m = match("(?is).*?\\b(P[0-4])\\b.*", t))
        return util::to_upper((*m)[1]);
    if (auto m = match("(?is).*?\\b(critical|blocker|urgent|high|medium|moderate|low|minor|"
                       "major)\\b.*",
                       t)) {
        std::string p = util::to_lower((*m)[1]);
        return p == "blocker" || p == "urgent" ? "critical"
               : p == "moderate"               ? "medium"
               : p == "minor"                  ? "low"
               : p == "major"                  ? "high"
                                               : p;
    }
    if (t.find("\U0001F534") != std::string::npos) // red circle
        return "critical";
    if (t.find("\U0001F7E0") != std::string::npos) // orange circle
        return "high";
    if (t.find("\U0001F7E1") != std::string::npos) // yellow circle
        return "medium";
    if (t.find("\U0001F7E2") != std::string::npos) // green circle
        return "low";
    return {};
}

// "1.1", "#12", "H-3", "003-name.md": ids that name one item across a document's sections.
std::string id_of(std::string_view label) {
    std::string l = util::to_lower(unmarked(label));
    while (!l.empty() && (l.back() == '.' || l.back() == ':' || l.back() == ')' || l.back() == '-'))
        l.pop_back();
    if (auto m = match("(?:#|(?:issue|finding|bug|item|task)\\s*#?\\s*)?(\\d+(?:\\.\\d+)*)", l))
        return (*m)[1];
    if (match("p[0-4]|v\\d+", l))
        return {}; // a priority or a version, shared by many items
    if (match("[a-z]{1,6}-?\\d+(?:\\.\\d+)?", l) || match("[\\w.-]+\\.md", l))
        return l;
    if (auto m = match("\\[([a-z]{1,6}-?\\d+)\\]", l))
        return (*m)[1];
    return {};
}

Labelled strip_label(std::string_view text) {
    Labelled out;
    std::string rest = util::trim(text.substr(0, std::min(text.size(), max_text)));
    auto take = [&](const std::string& label, std::string after) {
        out.label += (out.label.empty() ? "" : " ") + label;
        if (out.id.empty())
            out.id = id_of(label);
        rest = util::trim(after);
    };
    for (int round = 0; round < 4; ++round) {
        if (auto m =
                match("(?s)((?:\\*\\*)?(?:\\d+(?:\\.\\d+)*[.):]?|[A-Za-z]{1,6}-?\\d+(?:\\.\\d+)?"
                      "[.:)]?|#\\d+[.:)]?|\\[[^\\]\\n]{1,24}\\]:?)(?:\\*\\*)?)\\s+(.+)",
                      rest))
            take((*m)[1], (*m)[2]);
        else if (auto w =
                     match("(?is)((?:\\*\\*)?(?:phase|step|stage|day|week|sprint|task|item|"
                           "issue|finding|bug|milestone|part|todo|fixme|note|action)"
                           "(?:\\s*#?[\\w.]{0,8})?\\s*[:.)\\x{2013}\\x{2014}-](?:\\*\\*)?)\\s*(.+)",
                           rest))
            take((*w)[1], (*w)[2]);
        else if (auto b = match("(?s)(\\*\\*[^*\\n]{1,80}\\*\\*)\\s*(?:[:\\x{2013}\\x{2014}-]\\s*)?"
                                "(.+)",
                                rest);
                 b && ((*b)[1].find(':') != std::string::npos || (*b)[2] != rest))
            take((*b)[1], (*b)[2]);
        else if (auto c = match("(?s)([A-Za-z][\\w/&' ]{0,40}?):\\s+(.+)", rest);
                 c && util::split_lines((*c)[1]).size() == 1 &&
                 std::count((*c)[1].begin(), (*c)[1].end(), ' ') < 4 &&
                 !action_verb((*c)[2]).empty())
            take((*c)[1], (*c)[2]);
        else if (auto s = match("(?is)(should|must|need to|needs to|we should|please|consider)\\s+"
                                "(.+)",
                                rest);
                 s && !action_verb((*s)[2]).empty())
            rest = util::trim((*s)[2]);
        else if (!rest.empty() && static_cast<unsigned char>(rest[0]) >= 0xe2) {
            // A leading emoji or symbol (⚠️, 🔴): drop up to the first space.
            auto sp = rest.find(' ');
            if (sp == std::string::npos || sp > 12)
                break;
            rest = util::trim(rest.substr(sp));
        } else
            break;
    }
    out.rest = rest;
    return out;
}

// Sections that are not work: what a heading starts with ("Summary of findings", "Success
// metrics"), what it says anywhere ("Non-issues (by design)"), and words that are not work only
// as the whole heading ("Status", "Progress": "Progress totals updated without the lock" is).
bool not_work_title(std::string_view title) {
    const std::string t = unmarked(title);
    return search("(?i)^\\W*(?:\\d+(?:\\.\\d+)*\\.?\\s+)?(summary|executive summary|overview|"
                  "introduction|background|rationale|motivation|non-goals|success (metrics|"
                  "criteria)|metrics|kpis?|references?|see also|further reading|non-issues|"
                  "statistics|conclusions?|glossary|appendix|acknowledg\\w*|changelog|"
                  "what went well|positive \\w+|table of contents|open questions|faq|"
                  "methodology|tl;?dr|out of scope|won'?t fix|wontfix|by severity|"
                  "severity (breakdown|counts|summary)|false positives|how to \\w+|"
                  "not planned|parking lot|icebox|triage \\w+|"
                  "(?:\\w+ )?(?:rules|policy|policies|guidelines|conventions))\\b",
                  t) ||
           search("(?i)\\b(by design|not (?:an? )?(?:issues?|bugs?|problems?)|non-issues|"
                  "summary of|at a glance|will not|won'?t (?:do|fix|act)|not act on|"
                  "not our problem|nothing to do|no action|only if|if needed|if necessary|"
                  "contingency|nothing found|no issues found|no longer needed|not needed|obsolete|"
                  "already (?:covered|done|fixed|tested|handled|implemented|in "
                  "place))\\b",
                  t) ||
           search("(?i)^\\W*(?:\\d+(?:\\.\\d+)*\\.?\\s+)?(intro|context|why|goals?|resources|links|"
                  "stats|totals?|notes?|history|done|completed|resolved|fixed|strengths|"
                  "positives?|contents|toc|questions|assumptions|risks?|status|progress|usage|"
                  "license|authors?|contributors?|timeline|estimates?|method|deferred|dropped|"
                  "rejected|declined|ideas|wishlist|checked|process|triage|templates?|"
                  "examples?|attendees|someday|maybe|later|future)(?:\\s*\\(.*\\))?\\s*:?\\s*$",
                  t);
}

// Headings that gather items rather than state one.
bool group_title(std::string_view title) {
    return search("(?i)^\\W*(?:\\d+(?:\\.\\d+)*\\.?\\s+)?(phase|step|stage|milestone|week|day|"
                  "sprint|part|section|module|category|area|priority|tier|epic|wave|iteration|"
                  "round|chapter|backlog|todo|tasks?|issues|findings|bugs|problems|action items|"
                  "next steps|follow-?ups?|recommendations|high|medium|low|critical|p[0-4])\\b",
                  unmarked(title));
}

bool findings_title(std::string_view title) {
    return search("(?i)\\b(issues?|findings?|bugs?|problems?|defects?|concerns?|"
                  "vulnerabilit\\w*|smells?|review|known|regressions?|gaps?)\\b",
                  unmarked(title));
}

bool features_title(std::string_view title) {
    return search("(?i)\\b(features?|enhancements?|feature requests?|additions?|new)\\b",
                  unmarked(title));
}

bool order_title(std::string_view title) {
    return search("(?i)\\b(order|sequence|roadmap|ordering)\\b", unmarked(title));
}

std::string after_phrase(std::string_view title) {
    if (auto m = match("(?is).*?\\b(?:do |start |begin )?(?:after|once|following|requires|"
                       "depends on|blocked by)\\s+(.+?)(?:\\s+(?:is|are) (?:done|complete|"
                       "finished|merged))?\\s*\\)?\\s*",
                       unmarked(title)))
        return util::trim((*m)[1]);
    return {};
}

bool done_text(std::string_view text) {
    const std::string t = util::trim(text);
    return t.find("\u2705") != std::string::npos || t.find("\u2714") != std::string::npos ||
           t.find("\u2611") != std::string::npos || t.find("\u2713") != std::string::npos ||
           (t.starts_with("~~") && t.find("~~", 2) != std::string::npos &&
            t.find("~~", 2) + 2 >= t.size() - 1) ||
           search("\\b(DONE|FIXED|RESOLVED|COMPLETED?)\\b|(?i)[(\\[](done|fixed|resolved|"
                  "completed?)[)\\]]",
                  t);
}

} // namespace porch::plan
