// The web page's login (auth.users_file): TOML, one [[user]] per person.
//
//   [[user]]
//   name = "alice"
//   password = "pbkdf2_sha256$600000$<salt>$<hash, base64>"   # scripts/confab-key password
//   key = "alice-laptop"      # the API key (keys file id) a login mints client secrets with
//
// Passwords are stored as PBKDF2-HMAC-SHA256 (the format Django uses), so a
// stolen users file costs an attacker the iterations per guess.
// check() is slow on purpose (that many iterations): call it off the I/O
// threads (LoginService does).
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace confab::auth {

struct LoginUser {
    std::string name;
    std::string key_id;
    int iterations = 0;
    std::string salt;  // as written in the file (Django's format)
    std::string hash;  // raw bytes
};

class UserFile {
public:
    UserFile() = default;
    // Parses the file; `errors` names each bad entry (then no user is kept).
    static UserFile parse(std::string_view text, const std::string& source_name,
                          std::vector<std::string>& errors);
    static UserFile load(const std::string& path, std::vector<std::string>& errors);

    // The key id for `name` if `password` is theirs, else "". An unknown name
    // costs the same work as a wrong password: the time says nothing of who exists.
    std::string check(const std::string& name, const std::string& password) const;
    std::size_t size() const { return users_.size(); }

    // "pbkdf2_sha256$<iterations>$<salt>$<hash>" for `password`.
    static std::string hash_password(const std::string& password, int iterations);

private:
    std::map<std::string, LoginUser> users_;
};

}  // namespace confab::auth
