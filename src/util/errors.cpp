#include "util/errors.hpp"

namespace confab {
namespace {

class ConfabCategory final : public std::error_category {
public:
    const char* name() const noexcept override { return "confab"; }
    std::string message(int ev) const override {
        switch (static_cast<errc>(ev)) {
            case errc::ok:
                return "ok";
            case errc::engine_failed:
                return "engine failed";
            case errc::engine_unavailable:
                return "engine unavailable";
            case errc::cancelled:
                return "cancelled";
            case errc::timeout:
                return "timed out";
            case errc::bad_response:
                return "malformed response from backend";
            case errc::backend_error:
                return "backend returned an error";
            case errc::backend_unreachable:
                return "backend unreachable";
            case errc::backend_saturated:
                return "backend saturated";
            case errc::queue_full:
                return "queue full";
            case errc::invalid_argument:
                return "invalid argument";
        }
        return "unknown confab error";
    }
};

}  // namespace

const std::error_category& confab_category() noexcept {
    static const ConfabCategory category;
    return category;
}

}  // namespace confab
