// Writes the Prometheus text exposition format (version 0.0.4): a `# HELP`
// and a `# TYPE` line per family, then one line per sample, with label
// values and help text escaped as the format asks. Pure formatting; the
// caller keeps the samples of one family together.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/histogram.hpp"

namespace confab::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class TextWriter {
public:
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, const Labels& labels, std::uint64_t value);
    // _bucket lines (cumulative, with le="+Inf"), then _sum and _count.
    void histogram(std::string_view name, const Labels& labels,
                   const Histogram::Snapshot& snapshot);

    const std::string& text() const { return out_; }
    std::string take() { return std::move(out_); }

    // Exposed for tests.
    static std::string escape_label_value(std::string_view v);
    static std::string escape_help(std::string_view v);
    static std::string format_value(double v);

private:
    void labels(const Labels& labels, std::string_view extra_name = {},
                std::string_view extra_value = {});
    std::string out_;
};

}  // namespace confab::metrics
