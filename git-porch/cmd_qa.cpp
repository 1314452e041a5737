// git porch qa approve|reject task-<id> [-m REASON]: QA's verdict on a complete worker;
// git porch retry task-<id>: one more attempt, within parallelization.retry_on_failure.
#include "command.hpp"
#include "model/naming.hpp"
#include "model/plan.hpp"
#include "ops/plan/apply.hpp"
#include "ops/plan/check.hpp"
#include "ops/qa/qa.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <iostream>
#include <nlohmann/json.hpp>

namespace porch::cli {

namespace {

// The plan's tasks that git porch plan apply would start now (task-<id>); none without a plan,
// or with errors in it (plan check reports those).
std::vector<std::string> ready_tasks(const model::Context& ctx) {
    std::vector<std::string> out;
    try {
        auto plan = ctx.root ? plan::load(*ctx.root) : std::nullopt;
        if (!plan)
            return out;
        const auto checked = plan::check(*plan, ctx.config);
        if (!checked.ok())
            return out;
        for (const auto& id : plan::preview(ctx, *plan, checked, std::nullopt).ready)
            out.push_back(protocol::worker_name(id));
    } catch (const Error&) {
    }
    return out;
}

class Qa : public Command {
public:
    void setup(CLI::App& app) override {
        app.add_option("verdict", m_verdict, "approve or reject")
            ->required()
            ->check(CLI::IsMember({"approve", "reject"}));
        app.add_option("worker", m_worker, "The worker (task-<id>)")->required();
        app.add_option("-m,--message", m_reason,
                       "Why (required to reject): goes into its resume prompt");
        app.add_flag("--json", m_json, "Print JSON");
    }

    int run(Env& env) override {
        const std::string worker = worker_arg(m_worker, "qa");
        auto v = ops::record_verdict(*env.ctx, worker, m_verdict == "approve", m_reason);
        if (m_json) {
            std::cout << nlohmann::json({{"worker", v.worker},
                                         {"verdict", to_string(v.verdict)},
                                         {"reason", v.reason.empty() ? nlohmann::json(nullptr)
                                                                     : nlohmann::json(v.reason)},
                                         {"commit", v.commit}})
                             .dump(2)
                      << '\n';
        } else if (v.verdict == model::QaVerdict::approved) {
            std::cout << worker << " approved at " << v.commit.substr(0, 7) << '\n';
            auto ready = ready_tasks(*env.ctx);
            if (!ready.empty())
                std::cout << "next: git porch plan apply (it starts " << util::join(ready, ", ")
                          << ", ready now)\n";
            else
                std::cout << "next: git porch integrate <feature>\n";
        } else {
            std::cout << worker << " rejected at " << v.commit.substr(0, 7)
                      << "\nnext: send it back to work with: git porch resume " << worker << '\n';
        }
        return 0;
    }

private:
    std::string m_verdict, m_worker, m_reason;
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
