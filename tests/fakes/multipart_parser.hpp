// Parses a multipart/form-data body (RFC 7578) the way a transcription server
// does, for FakeSpeechServer: the boundary from the Content-Type header, then
// each part's Content-Disposition name and filename, its Content-Type and its
// bytes. Written independently of the client's MultipartForm so that a test
// through both checks the format, not one implementation against itself.
// Free functions; safe from any thread.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace confab::test {

struct MultipartPart {
    std::string name;
    std::string filename;
    std::string content_type;
    std::string body;
};

// Returns false with `error` set when the header or the body is not
// multipart/form-data.
bool parse_multipart(std::string_view content_type, std::string_view body,
                     std::vector<MultipartPart>& parts, std::string& error);

}  // namespace confab::test
