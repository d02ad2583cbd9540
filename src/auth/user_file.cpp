#include "auth/user_file.hpp"

#include <fstream>
#include <sstream>

#include "auth/crypto.hpp"
#include "config/toml_library.hpp"

namespace confab::auth {
namespace {

constexpr int kMinIterations = 10'000;

// Standard base64 (Django's salt and hash) through the base64url decoder.
std::optional<std::string> decode_b64(std::string text) {
    while (!text.empty() && text.back() == '=') text.pop_back();
    for (char& c : text) {
        if (c == '+')
            c = '-';
        else if (c == '/')
            c = '_';
    }
    return base64url_decode(text);
}

std::string encode_b64(std::string_view bytes) {
    std::string text = base64url_encode(bytes);
    for (char& c : text) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
    }
    while (text.size() % 4 != 0) text += '=';
    return text;
}

bool parse_hash(const std::string& text, LoginUser& user) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = text.find('$', start);
        parts.push_back(text.substr(start, end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (parts.size() != 4 || parts[0] != "pbkdf2_sha256") return false;
    try {
        user.iterations = std::stoi(parts[1]);
    } catch (const std::exception&) {
        return false;
    }
    // As Django: the salt is used as written; the hash is base64.
    auto hash = decode_b64(parts[3]);
    if (parts[2].empty() || !hash || hash->size() < 16) return false;
    user.salt = parts[2];
    user.hash = std::move(*hash);
    return user.iterations >= kMinIterations;
}

}  // namespace

UserFile UserFile::parse(std::string_view text, const std::string& source_name,
                         std::vector<std::string>& errors) {
    UserFile file;
    toml::table root;
    try {
        root = toml::parse(text, source_name);
    } catch (const toml::parse_error& e) {
        errors.push_back(source_name + ":" + std::to_string(e.source().begin.line) + ": " +
                         std::string(e.description()));
        return file;
    }
    const auto* array = root.get_as<toml::array>("user");
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
        const auto* table = array->get(i)->as_table();
        const std::string where = source_name + ": user " + std::to_string(i + 1);
        if (table == nullptr) {
            errors.push_back(where + ": must be a [[user]] table");
            continue;
        }
        LoginUser user;
        user.name = table->get_as<std::string>("name") ? **table->get_as<std::string>("name") : "";
        user.key_id = table->get_as<std::string>("key") ? **table->get_as<std::string>("key") : "";
        const auto* password = table->get_as<std::string>("password");
        if (user.name.empty()) errors.push_back(where + ": name is missing");
        if (user.key_id.empty()) errors.push_back(where + ": key (an API key id) is missing");
        if (password == nullptr || !parse_hash(password->get(), user))
            errors.push_back(where + ": password must be pbkdf2_sha256$<iterations ≥ " +
                             std::to_string(kMinIterations) + ">$<salt>$<hash>");
        if (!user.name.empty() && file.users_.count(user.name) != 0)
            errors.push_back(where + ": name \"" + user.name + "\" is used twice");
        file.users_[user.name] = std::move(user);
    }
    if (!errors.empty()) file.users_.clear();
    return file;
}

UserFile UserFile::load(const std::string& path, std::vector<std::string>& errors) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        errors.push_back(path + ": cannot be read");
        return {};
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path, errors);
}

std::string UserFile::check(const std::string& name, const std::string& password) const {
    static const LoginUser decoy{"", "", 100'000, std::string(16, 'x'), std::string(32, 'y')};
    const auto it = users_.find(name);
    const LoginUser& user = it != users_.end() ? it->second : decoy;
    const std::string got = pbkdf2_sha256(password, user.salt, user.iterations, user.hash.size());
    const bool match = constant_time_equal(got, user.hash);
    return match && it != users_.end() ? user.key_id : std::string();
}

std::string UserFile::hash_password(const std::string& password, int iterations) {
    const std::string salt = base64url_encode(random_bytes(16));  // printable, as Django's
    return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + salt + "$" +
           encode_b64(pbkdf2_sha256(password, salt, iterations, 32));
}

}  // namespace confab::auth
