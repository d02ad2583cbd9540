#include "engines/stt/multipart_form.hpp"

#include <random>

namespace confab::engines {

namespace {

std::string random_boundary() {
    static constexpr char kAlphabet[] =
        "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    thread_local std::mt19937_64 generator{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof kAlphabet - 2);
    std::string boundary = "confab-";
    for (int i = 0; i < 24; ++i) boundary += kAlphabet[pick(generator)];
    return boundary;
}

// Quoted-string values of Content-Disposition: the names are ours and plain,
// but a quote or line break would end the header early.
std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') out += '\\';
        if (c != '\r' && c != '\n') out += c;
    }
    return out + "\"";
}

}  // namespace

void MultipartForm::add_field(std::string name, std::string value) {
    parts_.push_back({std::move(name), {}, {}, std::move(value)});
}

void MultipartForm::add_file(std::string name, std::string filename, std::string content_type,
                             std::string bytes) {
    parts_.push_back(
        {std::move(name), std::move(filename), std::move(content_type), std::move(bytes)});
}

bool MultipartForm::boundary_is_free(std::string_view candidate) const {
    for (const Part& part : parts_) {
        if (part.bytes.find(candidate) != std::string::npos) return false;
    }
    return true;
}

void MultipartForm::seal() {
    do {
        boundary_ = random_boundary();
    } while (!boundary_is_free(boundary_));
}

std::string MultipartForm::content_type() const {
    return "multipart/form-data; boundary=" + boundary_;
}

std::string MultipartForm::body() const {
    std::size_t size = 0;
    for (const Part& part : parts_) size += part.bytes.size() + 200;
    std::string out;
    out.reserve(size);
    for (const Part& part : parts_) {
        out += "--" + boundary_ + "\r\n";
        out += "Content-Disposition: form-data; name=" + quoted(part.name);
        if (!part.filename.empty()) out += "; filename=" + quoted(part.filename);
        out += "\r\n";
        if (!part.content_type.empty()) out += "Content-Type: " + part.content_type + "\r\n";
        out += "\r\n";
        out += part.bytes;
        out += "\r\n";
    }
    out += "--" + boundary_ + "--\r\n";
    return out;
}

}  // namespace confab::engines
