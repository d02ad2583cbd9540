// The results of a run as JSON (--json) and as a readable table; the table
// is printed from the JSON so the two always agree.
#pragma once
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "loadgen/bench_options.hpp"
#include "loadgen/bench_results.hpp"

namespace confab::bench {

class BenchReport {
public:
    BenchReport(const BenchOptions& options, const BenchResults& results, double elapsed_s,
                int interrupters);

    const boost::json::object& json() const { return json_; }
    // Adds (or replaces) a top-level section, e.g. the soak's.
    void add_section(std::string_view key, boost::json::value value);
    std::string table() const;

private:
    boost::json::object json_;
};

}  // namespace confab::bench
