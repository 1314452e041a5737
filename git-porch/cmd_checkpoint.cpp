// git porch checkpoint write <group> <summary> | read [--all]; git porch handoff: the seed's
// session boundary protocol, kept as events.
#include "command.hpp"
#include "ops/session/session.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

nlohmann::json to_json(const ops::Checkpoint& c) {
    return {
        {"group", c.group}, {"summary", c.summary},   {"time", util::format_iso8601_utc(c.time)},
        {"by", c.by},       {"complete", c.complete}, {"open", c.open}};
}

void print(const ops::Checkpoint& c) {
    std::cout << display(c.group) << "  " << util::format_iso8601_utc(c.time) << "  by "
              << display(c.by) << "\n  " << display(c.summary, 1000)
              << "\n  complete: " << (c.complete.empty() ? "-" : "");
    for (const auto& w : c.complete)
        std::cout << display(w) << ' ';
    std::cout << "\n  open: " << (c.open.empty() ? "-" : "");
    for (const auto& w : c.open)
        std::cout << display(w) << ' ';
    std::cout << '\n';
}

class Checkpoint : public Command {
public:
    void setup(CLI::App& app) override {
        app.require_subcommand(1);
        auto* write = app.add_subcommand("write", "Record the end of a group of work");
        write->add_option("group", m_group, "The group, e.g. POST_GROUP_2")->required();
        write->add_option("summary", m_summary, "What the session did")->required();
        write->add_flag("--json", m_json, "Print JSON");
        auto* read = app.add_subcommand("read", "Show the newest checkpoint");
        read->add_flag("--all", m_all, "Every checkpoint, newest first");
        read->add_flag("--json", m_json, "Print JSON");
        m_write = write;
    }

    int run(Env& env) override {
        if (m_write->parsed()) {
            auto c = ops::write_checkpoint(*env.ctx, m_group, m_summary);
            if (m_json)
                std::cout << to_json(c).dump(2) << '\n';
            else
                std::cout << "checkpoint " << c.group << " written\nnext: git porch handoff\n";
            return 0;
        }
        auto all = ops::read_checkpoints(*env.ctx, m_all ? 0 : 1);
        if (m_json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& c : all)
                list.push_back(to_json(c));
            std::cout
                << (m_all ? list : (all.empty() ? nlohmann::json(nullptr) : list.front())).dump(2)
                << '\n';
            return 0;
        }
        if (all.empty()) {
            std::cout << "no checkpoint yet\nnext: git porch checkpoint write <group> <summary>\n";
            return 0;
        }
        for (const auto& c : all)
            print(c);
        return 0;
    }

private:
    CLI::App* m_write = nullptr;
    std::string m_group, m_summary;
    bool m_all = false, m_json = false;
};

class Handoff : public Command {
public:
    void setup(CLI::App& app) override { app.add_flag("--json", m_json, "Print JSON"); }

    int run(Env& env) override {
        auto h = ops::write_handoff(*env.ctx);
        if (m_json)
            std::cout << nlohmann::json({{"checkpoint", h.checkpoint ? to_json(*h.checkpoint)
                                                                     : nlohmann::json(nullptr)},
                                         {"open", h.open},
                                         {"ready", h.ready},
                                         {"failed", h.failed},
                                         {"next_steps", h.next_steps},
                                         {"text", h.text}})
                             .dump(2)
                      << '\n';
        else
            std::cout << display_lines(h.text);
        return 0;
    }

private:
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_checkpoint() {
    return std::make_unique<Checkpoint>();
}
std::unique_ptr<Command> make_handoff() {
    return std::make_unique<Handoff>();
}

} // namespace porch::cli
