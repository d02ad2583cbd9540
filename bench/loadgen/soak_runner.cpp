#include "loadgen/soak_runner.hpp"

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <random>

// g++ 12 false positive on Asio coroutine frames (as in src/engines/llm/openai_chat_model.cpp).
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace confab::bench {
namespace asio = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto nothrow = asio::as_tuple(asio::use_awaitable);

json::object snapshot_json(const std::optional<ProcessSnapshot>& s) {
    if (!s) return {};
    return {{"rss_mb", s->rss_mb}, {"threads", s->threads}, {"fds", s->fds}};
}
}  // namespace

SoakRunner::SoakRunner(asio::any_io_executor executor, const BenchOptions& options,
                       const ServerEndpoint& server, const AudioLibrary& audio,
                       BenchResults& results, const RunWindow& window, SettingsFor settings)
    : executor_(std::move(executor)),
      options_(options),
      server_(server),
      audio_(audio),
      results_(results),
      window_(window),
      settings_(std::move(settings)) {}

SessionPlan SoakRunner::plan_for(int index) const {
    // Seeded per session, so a rerun hangs up on the same sessions at the same points.
    std::mt19937_64 rng(options_.seed * 7919 + static_cast<std::uint64_t>(index));
    std::uniform_real_distribution<double> unit(0, 1);
    std::uniform_real_distribution<double> at(options_.interrupt_min_ms, options_.interrupt_max_ms);
    SessionPlan plan;
    plan.max_turns = 1;
    if (unit(rng) < options_.hangup_share) {
        plan.hangup = unit(rng) < options_.drop_share ? SessionPlan::Hangup::mid_reply_drop
                                                      : SessionPlan::Hangup::mid_reply_close;
        plan.hangup_after = std::chrono::duration<double, std::milli>(at(rng));
    }
    return plan;
}

asio::awaitable<void> SoakRunner::one_session(int index) {
    auto settings = settings_(index);
    settings.interrupter = false;  // one turn: nothing to barge in on
    const SessionPlan plan = plan_for(index);
    if (plan.hangup != SessionPlan::Hangup::after_turns) ++planned_hangups_;
    ++started_;
    SimulatedUser user(executor_, server_, audio_, results_, settings, window_, plan);
    co_await user.run(Clock::now());
}

asio::awaitable<void> SoakRunner::run_sessions(int first, int count) {
    int next = first;
    const int end = first + count;
    int running = 0;
    asio::steady_timer all_done(executor_, Clock::time_point::max());
    // Each worker takes the next session as soon as its previous one ends,
    // keeping `concurrency` sessions open until none are left.
    const auto worker = [&]() -> asio::awaitable<void> {
        while (next < end && Clock::now() < window_.end) {
            const int index = next++;
            co_await one_session(index);
        }
    };
    const int workers = std::min(options_.concurrency, count);
    for (int w = 0; w < workers; ++w) {
        ++running;
        asio::co_spawn(executor_, worker(), [&](std::exception_ptr e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    std::fprintf(stderr, "confab-bench: a soak session failed: %s\n", ex.what());
                }
            }
            if (--running == 0) all_done.cancel();
        });
    }
    if (running > 0) co_await all_done.async_wait(nothrow);
}

asio::awaitable<std::optional<ProcessSnapshot>> SoakRunner::settle_and_snapshot() {
    asio::steady_timer timer(executor_);
    timer.expires_after(std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(options_.settle_s)));
    co_await timer.async_wait(nothrow);
    co_return ProcessSnapshot::take(options_.server_pid);
}

asio::awaitable<void> SoakRunner::sample_peaks() {
    asio::steady_timer timer(executor_);
    while (!finished_ && Clock::now() < window_.end) {
        if (const auto s = ProcessSnapshot::take(options_.server_pid)) {
            peak_.rss_mb = std::max(peak_.rss_mb, s->rss_mb);
            peak_.threads = std::max(peak_.threads, s->threads);
            peak_.fds = std::max(peak_.fds, s->fds);
        }
        timer.expires_after(std::chrono::seconds(1));
        co_await timer.async_wait(nothrow);
    }
}

asio::awaitable<void> SoakRunner::run() {
    asio::co_spawn(executor_, sample_peaks(), asio::detached);
    std::fprintf(stderr, "confab-bench: soak warm-up, %d sessions\n", options_.soak_warmup);
    co_await run_sessions(0, options_.soak_warmup);
    baseline_ = co_await settle_and_snapshot();
    std::fprintf(stderr, "confab-bench: soak, %d sessions, %d at a time\n", options_.soak,
                 options_.concurrency);
    co_await run_sessions(options_.soak_warmup, options_.soak);
    end_ = co_await settle_and_snapshot();
    finished_ = true;
}

json::object SoakRunner::json() const {
    json::object out;
    out["sessions"] = {{"requested", options_.soak},
                       {"warmup", options_.soak_warmup},
                       {"concurrency", options_.concurrency},
                       {"started", started_},
                       {"planned_mid_reply_hangups", planned_hangups_},
                       {"left_mid_reply", results_.sessions_left_mid_reply},
                       {"dropped_mid_reply", results_.sessions_dropped_mid_reply}};
    out["baseline"] = snapshot_json(baseline_);
    out["end"] = snapshot_json(end_);
    out["peak"] = snapshot_json(peak_);
    out["settle_s"] = options_.settle_s;
    out["tolerance_percent"] = options_.soak_tolerance_percent;
    if (!baseline_ || !end_) {
        out["pass"] = false;
        out["why"] = "the server process could not be read at a snapshot";
        return out;
    }
    const SoakVerdict verdict =
        compare_snapshots(*baseline_, *end_, options_.soak_tolerance_percent);
    json::object deltas;
    for (const auto& d : verdict.deltas) {
        // JSON has no infinity: a count that grew from zero is written as null.
        const json::value percent = std::isfinite(d.percent) ? json::value(d.percent) : nullptr;
        deltas[d.name] = {
            {"start", d.start}, {"end", d.end}, {"percent", percent}, {"pass", d.pass}};
    }
    out["deltas"] = std::move(deltas);
    out["pass"] = verdict.pass;
    return out;
}

std::string SoakRunner::table() const {
    const json::object j = json();
    std::string out = "\nSoak: " + json::serialize(j.at("sessions")) + "\n";
    char line[256];
    if (const auto* deltas = j.if_contains("deltas")) {
        for (const auto& [name, d] : deltas->get_object()) {
            const auto& o = d.get_object();
            const auto& pct = o.at("percent");
            std::snprintf(line, sizeof line, "  %-8s %10.1f -> %10.1f  %+7.2f%%  %s\n",
                          std::string(name).c_str(), o.at("start").to_number<double>(),
                          o.at("end").to_number<double>(),
                          pct.is_null() ? INFINITY : pct.to_number<double>(),
                          o.at("pass").as_bool() ? "ok" : "FAIL");
            out += line;
        }
    }
    std::snprintf(line, sizeof line, "Soak verdict (within %.1f%% of the baseline): %s\n",
                  options_.soak_tolerance_percent, j.at("pass").as_bool() ? "PASS" : "FAIL");
    return out + line;
}

}  // namespace confab::bench
