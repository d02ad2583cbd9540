// A multipart/form-data body (RFC 7578), built in memory: the transcription
// request's fields and its WAV file. The boundary is random and checked
// against the parts, so no part can contain it.
//
// Ownership and threads: a plain value built by one request; not thread-safe.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace confab::engines {

class MultipartForm {
public:
    void add_field(std::string name, std::string value);
    void add_file(std::string name, std::string filename, std::string content_type,
                  std::string bytes);

    // Chooses the boundary; call once, after the parts are added.
    void seal();
    // "multipart/form-data; boundary=..." (after seal()).
    std::string content_type() const;
    // The whole body (after seal()).
    std::string body() const;
    const std::string& boundary() const { return boundary_; }

private:
    struct Part {
        std::string name;
        std::string filename;      // empty for a plain field
        std::string content_type;  // empty for a plain field
        std::string bytes;
    };
    bool boundary_is_free(std::string_view candidate) const;

    std::vector<Part> parts_;
    std::string boundary_;
};

}  // namespace confab::engines
