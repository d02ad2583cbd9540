// Builds the server's TLS context from a PEM certificate chain and key.
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace confab::net {

// Throws std::runtime_error naming the file on failure (start-up only).
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace confab::net
