#include "audio/noise_floor.hpp"

#include <algorithm>
#include <cmath>

namespace confab::audio {

double frame_level_dbfs(std::span<const std::int16_t> frame) {
    if (frame.empty()) return -120;
    double sum = 0;
    for (const auto s : frame) sum += static_cast<double>(s) * s;
    const double rms = std::sqrt(sum / static_cast<double>(frame.size()));
    return rms < 1e-6 ? -120 : 20 * std::log10(rms / 32768.0);
}

NoiseFloor::NoiseFloor() : NoiseFloor(Params{}) {}

NoiseFloor::NoiseFloor(Params params) : params_(params) {}

int NoiseFloor::bin_of(double level_dbfs) const {
    const int bin = static_cast<int>(std::floor(level_dbfs - params_.audible_dbfs));
    return std::clamp(bin, 0, kBins - 1);
}

void NoiseFloor::add(double level_dbfs) {
    if (level_dbfs < params_.audible_dbfs) return;
    const int bin = bin_of(level_dbfs);
    window_.push_back(static_cast<std::uint8_t>(bin));
    ++counts_[static_cast<std::size_t>(bin)];
    if (static_cast<int>(window_.size()) > params_.window_frames) {
        --counts_[window_.front()];
        window_.pop_front();
    }
}

std::optional<double> NoiseFloor::floor_dbfs() const {
    const int n = static_cast<int>(window_.size());
    if (n == 0 || n < params_.min_frames) return std::nullopt;
    // The bin holding the rank-th quietest frame; its lower edge is the floor.
    const int rank = static_cast<int>(params_.percentile * n);
    int seen = 0;
    for (int bin = 0; bin < kBins; ++bin) {
        seen += counts_[static_cast<std::size_t>(bin)];
        if (seen > rank) return params_.audible_dbfs + bin;
    }
    return params_.audible_dbfs + kBins - 1;
}

void NoiseFloor::reset() {
    window_.clear();
    counts_.fill(0);
}

}  // namespace confab::audio
