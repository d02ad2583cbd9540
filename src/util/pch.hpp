// Precompiled header: the Boost headers nearly every file needs. Parsing Beast
// costs ~40 s per translation unit on this machine; doing it once per target
// keeps incremental builds fast. Nothing project-specific belongs here.
#pragma once
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
