// git porch doctor [--fix] [--json]
#include "command.hpp"
#include "ops/doctor/doctor.hpp"
#include "render.hpp"

#include <algorithm>
#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

using nlohmann::json;

class Doctor : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_flag("--fix", m_fix,
                     "Repair what is safe: move unpushed wrong-branch commits, set missing config, "
                     "install missing hooks, remove stale locks");
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        ops::DoctorOptions options;
        options.fix = m_fix;
        options.binary = env.binary;
        auto findings = ops::doctor(*env.ctx, options);
        bool unfixed =
            std::any_of(findings.begin(), findings.end(), [](const auto& f) { return !f.fixed; });
        if (m_json) {
            json arr = json::array();
            for (const auto& f : findings)
                arr.push_back({{"kind", f.kind},
                               {"message", f.message},
                               {"action", f.action},
                               {"fixed", f.fixed}});
            std::cout << json{{"healthy", !unfixed}, {"findings", arr}}.dump(
                             2, ' ', false, json::error_handler_t::replace)
                      << '\n';
            return unfixed ? 1 : 0;
        }
        if (findings.empty()) {
            std::cout << "the repository is healthy\n";
            return 0;
        }
        for (const auto& f : findings) {
            std::cout << paint(f.fixed ? "fixed" : "found", f.fixed ? Tone::green : Tone::red,
                               env.color)
                      << "  " << model::to_string(f.kind) << ": " << display(f.message)
                      << "\n       " << display(f.action) << '\n';
        }
        if (unfixed && !m_fix)
            std::cout << "next: git porch doctor --fix repairs what is safe; the rest needs the "
                         "commands above\n";
        else if (unfixed)
            std::cout << "next: run the commands above, then git porch doctor again\n";
        return unfixed ? 1 : 0;
    }

private:
    bool m_fix = false, m_json = false;
};

} // namespace

std::unique_ptr<Command> make_doctor() {
    return std::make_unique<Doctor>();
}

} // namespace porch::cli
