// Helpers for the config tests: a temporary directory, an argv built from
// strings, and a fake environment whose paths point at real temporary files
// so that the validator's filesystem checks pass without touching the system.
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_loader.hpp"

namespace confab::test {

// A directory under the system temp dir, removed with its contents.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "confab-test-XXXXXX");
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Writes `content` to `name` inside the directory; returns its path.
    std::string write(const std::string& name, std::string_view content) const {
        const auto file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file.string();
    }
    std::string make_dir(const std::string& name) const {
        const auto dir = path_ / name;
        std::filesystem::create_directories(dir);
        return dir.string();
    }

private:
    std::filesystem::path path_;
};

// argv for load_config(); argv[0] is "confab".
class Argv {
public:
    explicit Argv(std::vector<std::string> args) : storage_(std::move(args)) {
        storage_.insert(storage_.begin(), "confab");
        for (std::string& arg : storage_) pointers_.push_back(arg.data());
        pointers_.push_back(nullptr);
    }
    int argc() const { return static_cast<int>(storage_.size()); }
    char** argv() { return pointers_.data(); }

private:
    std::vector<std::string> storage_;
    std::vector<char*> pointers_;
};

// A fake environment holding only what the test sets, plus valid paths for
// the web root and the STT model (the defaults name files this machine may
// not have).
class TestEnv {
public:
    TestEnv() {
        vars["CONFAB_WEB_ROOT"] = dir.make_dir("web");
        vars["CONFAB_STT_MODEL_DIR"] = dir.make_dir("model");
        vars["CONFAB_STT_DICTIONARY"] = dir.write("dict", "hello HH AH L OW\n");
        vars["CONFAB_STT_LANGUAGE_MODEL"] = dir.write("lm", "lm");
    }

    EnvLookup lookup() const {
        return [this](const std::string& name) -> std::optional<std::string> {
            const auto it = vars.find(name);
            if (it == vars.end()) return std::nullopt;
            return it->second;
        };
    }

    LoadResult load(std::vector<std::string> args) const {
        Argv argv(std::move(args));
        return load_config(argv.argc(), argv.argv(), lookup());
    }

    TempDir dir;
    std::map<std::string, std::string> vars;
};

// All errors joined, for readable failure messages.
inline std::string joined(const std::vector<std::string>& errors) {
    std::string out;
    for (const std::string& e : errors) out += e + "\n";
    return out;
}

// True when some error contains every one of `parts`.
inline bool has_error(const std::vector<std::string>& errors,
                      std::initializer_list<std::string_view> parts) {
    for (const std::string& e : errors) {
        bool all = true;
        for (std::string_view part : parts) all = all && e.find(part) != std::string::npos;
        if (all) return true;
    }
    return false;
}

}  // namespace confab::test
