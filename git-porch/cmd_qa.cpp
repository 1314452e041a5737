// git porch qa approve|reject|block task-<id> [-m REASON] [--check NAME]: QA's verdict on a
// complete worker, for one check;
// git porch retry task-<id>: one more attempt, within parallelization.retry_on_failure.
#include "command.hpp"
#include "json_words.hpp"
#include "model/checks.hpp"
#include "ops/plan/apply.hpp"
#include "ops/qa/qa.hpp"
#include "render.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

class Qa : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("verdict", m_verdict,
                       "approve, reject, or block (QA could not judge it: the environment)")
            ->required()
            ->check(CLI::IsMember({"approve", "reject", "block"}));
        app.add_option("worker", m_worker, "The worker (task-<id>)")->required();
        app.add_option("-m,--message", m_reason,
                       "Why (required to reject or block): goes into its resume prompt");
        app.add_option("--check", m_check, "The check judged (see qa.checks); default: qa")
            ->type_name("NAME");
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        const std::string worker = worker_arg(m_worker, "qa");
        const auto verdict = m_verdict == "approve"  ? model::QaVerdict::approved
                             : m_verdict == "reject" ? model::QaVerdict::rejected
                                                     : model::QaVerdict::blocked;
        auto v = ops::record_verdict(*env.ctx, worker, verdict, m_reason, m_check);
        if (m_json) {
            std::cout << nlohmann::json({{"worker", v.worker},
                                         {"verdict", v.verdict},
                                         {"check", v.check},
                                         {"reason", v.reason.empty() ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(v.reason)},
                                         {"commit", v.commit},
                                         {"waiting", v.waiting}})
                             .dump(2)
                      << '\n';
            return 0;
        }
        const std::string at = " at " + v.commit.substr(0, 7) +
                               (v.check == config::default_check ? "" : " (" + v.check + ")");
        if (v.verdict == model::QaVerdict::approved) {
            std::cout << worker << " approved" << at << '\n';
            auto ready = v.waiting.empty() ? plan::ready_now(*env.ctx) : std::vector<std::string>{};
            if (!v.waiting.empty())
                std::cout << "next: it still waits for " << util::join(v.waiting, ", ")
                          << "; judge " << v.waiting.front() << ": "
                          << model::judge_commands(worker, v.waiting.front()) << '\n';
            else if (!ready.empty())
                std::cout << "next: " << util::join(ready, ", ")
                          << (ready.size() == 1 ? " is" : " are")
                          << " ready now; start with: git porch plan apply\n";
            else
                std::cout << "next: git porch integrate <feature>\n";
        } else if (v.verdict == model::QaVerdict::rejected) {
            std::cout << worker << " rejected" << at
                      << "\nnext: send it back to work with: git porch resume " << worker << '\n';
        } else {
            std::cout << worker << " blocked" << at << ": " << display(v.reason)
                      << "\nnext: investigate the environment issue, then judge it again: "
                      << model::judge_commands(worker, v.check) << '\n';
        }
        return 0;
    }

private:
    std::string m_verdict, m_worker, m_reason;
    std::string m_check = std::string(config::default_check);
    bool m_json = false;
};

class Retry : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("worker", m_worker, "The worker (task-<id>)")->required();
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        auto r = ops::record_retry(*env.ctx, worker_arg(m_worker, "retry"));
        if (m_json)
            std::cout << nlohmann::json(
                             {{"worker", r.worker}, {"attempt", r.attempt}, {"allowed", r.allowed}})
                             .dump(2)
                      << '\n';
        else
            std::cout << r.worker << ": attempt " << r.attempt << " of " << r.allowed
                      << "\nnext: git porch resume " << r.worker
                      << " (the prompt), or git porch kickoff " << r.worker << " --script\n";
        return 0;
    }

private:
    std::string m_worker;
    bool m_json = false;
};

} // namespace

std::unique_ptr<Command> make_qa() {
    return std::make_unique<Qa>();
}
std::unique_ptr<Command> make_retry() {
    return std::make_unique<Retry>();
}

} // namespace porch::cli
