#include "metrics/text_writer.hpp"

#include <gtest/gtest.h>

#include <array>
#include <limits>

namespace confab::metrics {
namespace {

TEST(TextWriter, FamilyHeaderAndSamples) {
    TextWriter w;
    w.family("confab_x_total", "counter", "Things counted.");
    w.sample("confab_x_total", {}, std::uint64_t{3});
    w.sample("confab_x_total", {{"kind", "a"}, {"code", "b"}}, std::uint64_t{4});
    EXPECT_EQ(w.text(),
              "# HELP confab_x_total Things counted.\n"
              "# TYPE confab_x_total counter\n"
              "confab_x_total 3\n"
              "confab_x_total{kind=\"a\",code=\"b\"} 4\n");
}

TEST(TextWriter, EscapesLabelValuesAndHelp) {
    EXPECT_EQ(TextWriter::escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    // In HELP a quote is literal; backslash and newline are escaped.
    EXPECT_EQ(TextWriter::escape_help("say \"hi\"\\\nnext"), "say \"hi\"\\\\\\nnext");
    TextWriter w;
    w.sample("m", {{"l", "x\"y"}}, 1.5);
    EXPECT_EQ(w.text(), "m{l=\"x\\\"y\"} 1.5\n");
}

TEST(TextWriter, FormatsSpecialAndFractionalValues) {
    EXPECT_EQ(TextWriter::format_value(0), "0");
    EXPECT_EQ(TextWriter::format_value(2), "2");
    EXPECT_EQ(TextWriter::format_value(0.25), "0.25");
    EXPECT_EQ(TextWriter::format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(TextWriter::format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(TextWriter::format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
    // Round-trips exactly.
    EXPECT_EQ(std::stod(TextWriter::format_value(0.1 + 0.2)), 0.1 + 0.2);
}

TEST(TextWriter, HistogramIsCumulativeWithInfSumAndCount) {
    constexpr std::array<double, 3> bounds{0.1, 0.5, 1.0};
    Histogram h(bounds);
    h.observe(0.05);
    h.observe(0.1);  // on a bound: counts in that bucket (le)
    h.observe(0.3);
    h.observe(2.0);  // above every bound: only +Inf
    TextWriter w;
    w.histogram("lat_seconds", {{"stage", "x"}}, h.snapshot());
    EXPECT_EQ(w.text(),
              "lat_seconds_bucket{stage=\"x\",le=\"0.1\"} 2\n"
              "lat_seconds_bucket{stage=\"x\",le=\"0.5\"} 3\n"
              "lat_seconds_bucket{stage=\"x\",le=\"1\"} 3\n"
              "lat_seconds_bucket{stage=\"x\",le=\"+Inf\"} 4\n"
              "lat_seconds_sum{stage=\"x\"} 2.45\n"
              "lat_seconds_count{stage=\"x\"} 4\n");
}

}  // namespace
}  // namespace confab::metrics
