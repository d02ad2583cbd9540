#include "metrics/text_writer.hpp"

#include <charconv>
#include <cmath>

namespace confab::metrics {

std::string TextWriter::escape_label_value(std::string_view v) {
    std::string out;
    out.reserve(v.size());
    for (const char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string TextWriter::escape_help(std::string_view v) {
    // HELP escapes only backslash and newline (a quote is literal there).
    std::string out;
    out.reserve(v.size());
    for (const char c : v) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string TextWriter::format_value(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    // Shortest form that reads back to the same double: "1", "0.25", "1e-05".
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

void TextWriter::family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += escape_help(help);
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
}

void TextWriter::labels(const Labels& labels, std::string_view extra_name,
                        std::string_view extra_value) {
    if (labels.empty() && extra_name.empty()) return;
    out_ += '{';
    bool first = true;
    auto add = [&](std::string_view n, std::string_view v) {
        if (!first) out_ += ',';
        first = false;
        out_ += n;
        out_ += "=\"";
        out_ += escape_label_value(v);
        out_ += '"';
    };
    for (const auto& [n, v] : labels) add(n, v);
    if (!extra_name.empty()) add(extra_name, extra_value);
    out_ += '}';
}

void TextWriter::sample(std::string_view name, const Labels& l, double value) {
    out_ += name;
    labels(l);
    out_ += ' ';
    out_ += format_value(value);
    out_ += '\n';
}

void TextWriter::sample(std::string_view name, const Labels& l, std::uint64_t value) {
    out_ += name;
    labels(l);
    out_ += ' ';
    out_ += std::to_string(value);
    out_ += '\n';
}

void TextWriter::histogram(std::string_view name, const Labels& l, const Histogram::Snapshot& s) {
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
        out_ += bucket;
        const std::string le = i < s.bounds.size() ? format_value(s.bounds[i]) : "+Inf";
        labels(l, "le", le);
        out_ += ' ';
        out_ += std::to_string(s.cumulative[i]);
        out_ += '\n';
    }
    sample(std::string(name) + "_sum", l, s.sum);
    sample(std::string(name) + "_count", l, s.count());
}

}  // namespace confab::metrics
