// git porch check-message <file|->: is this commit message valid under the protocol?
#include "command.hpp"
#include "git/repo.hpp"
#include "model/message.hpp"
#include "ops/hooks/handlers.hpp"
#include "util/error.hpp"
#include "util/file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

namespace porch::cli {

namespace {

std::string read_input(const std::string& path) {
    if (path == "-") {
        std::ostringstream ss;
        ss << std::cin.rdbuf();
        return ss.str();
    }
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw Error(ErrorKind::fatal, "cannot read '" + path + "': it is a directory");
    auto text = util::read_file(path);
    if (!text)
        throw Error(ErrorKind::fatal, "cannot read '" + path + "': " + std::strerror(errno));
    return std::move(*text);
}

protocol::CommentStyle comment_style(const std::string& cwd) {
    protocol::CommentStyle style;
    try {
        style = hooks::comment_style(git::Repo::discover(cwd));
    } catch (const Error&) {
        // Outside a repository git's default applies.
    }
    // check-message always drops comment lines (the manual says so): no editor tells it how.
    if (style.prefix.empty())
        style.prefix = "#";
    style.strip_comments = true;
    return style;
}

class CheckMessage : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("file", m_file,
                       "The message file (as commit-msg receives it), or - for stdin")
            ->required();
    }

    int run(Env& env) override {
        auto msg = protocol::parse_message(read_input(m_file), comment_style(env.cwd));
        if (msg.kind == protocol::Kind::empty)
            throw Error(ErrorKind::refused, "the commit message is empty",
                        "valid subjects look like:\n" + std::string(protocol::protocol_examples()));
        if (msg.kind == protocol::Kind::invalid)
            throw Error(ErrorKind::refused, msg.error,
                        "valid subjects look like:\n" + std::string(protocol::protocol_examples()));
        return 0;
    }

private:
    std::string m_file;
};

} // namespace

std::unique_ptr<Command> make_check_message() {
    return std::make_unique<CheckMessage>();
}

} // namespace porch::cli
