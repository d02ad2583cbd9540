#include "fakes/multipart_parser.hpp"

#include <strings.h>

namespace confab::test {

namespace {

bool iequals_prefix(std::string_view text, std::string_view prefix) {
    return text.size() >= prefix.size() &&
           strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

// The value of `key=` in a header's parameters: quoted (with \" escapes) or a token.
std::string parameter(std::string_view header, std::string_view key) {
    std::size_t at = 0;
    while ((at = header.find(';', at)) != std::string_view::npos) {
        ++at;
        std::string_view rest = trim(header.substr(at));
        if (!iequals_prefix(rest, key) || rest.substr(key.size(), 1) != "=") continue;
        rest.remove_prefix(key.size() + 1);
        std::string value;
        if (!rest.empty() && rest.front() == '"') {
            for (std::size_t i = 1; i < rest.size() && rest[i] != '"'; ++i) {
                if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
                value += rest[i];
            }
        } else {
            value = std::string(rest.substr(0, rest.find(';')));
        }
        return value;
    }
    return {};
}

bool parse_part(std::string_view raw, MultipartPart& part, std::string& error) {
    const std::size_t end_of_headers = raw.find("\r\n\r\n");
    if (end_of_headers == std::string_view::npos) {
        error = "a part has no header end";
        return false;
    }
    std::string_view headers = raw.substr(0, end_of_headers);
    part.body = std::string(raw.substr(end_of_headers + 4));
    while (!headers.empty()) {
        const std::size_t eol = headers.find("\r\n");
        const std::string_view line = headers.substr(0, eol);
        headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 2);
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = trim(line.substr(colon + 1));
        if (iequals_prefix(name, "content-disposition") && name.size() == 19) {
            if (!iequals_prefix(value, "form-data")) {
                error = "a part is not form-data";
                return false;
            }
            part.name = parameter(value, "name");
            part.filename = parameter(value, "filename");
        } else if (iequals_prefix(name, "content-type") && name.size() == 12) {
            part.content_type = std::string(value);
        }
    }
    if (part.name.empty()) {
        error = "a part has no name";
        return false;
    }
    return true;
}

}  // namespace

bool parse_multipart(std::string_view content_type, std::string_view body,
                     std::vector<MultipartPart>& parts, std::string& error) {
    if (!iequals_prefix(content_type, "multipart/form-data")) {
        error = "Content-Type is not multipart/form-data";
        return false;
    }
    const std::string boundary = parameter(content_type, "boundary");
    if (boundary.empty()) {
        error = "no boundary";
        return false;
    }
    const std::string delimiter = "--" + boundary;
    std::size_t at = body.find(delimiter);
    if (at == std::string_view::npos) {
        error = "the body has no boundary";
        return false;
    }
    for (;;) {
        at += delimiter.size();
        if (body.substr(at, 2) == "--") {
            if (parts.empty()) error = "no parts";
            return !parts.empty();
        }
        if (body.substr(at, 2) != "\r\n") {
            error = "a boundary is not followed by CRLF";
            return false;
        }
        at += 2;
        const std::size_t next = body.find("\r\n" + delimiter, at);
        if (next == std::string_view::npos) {
            error = "the body ends without its closing boundary";
            return false;
        }
        MultipartPart part;
        if (!parse_part(body.substr(at, next - at), part, error)) return false;
        parts.push_back(std::move(part));
        at = next + 2;
    }
}

}  // namespace confab::test
