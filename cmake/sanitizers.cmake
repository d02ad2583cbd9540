# Sanitizer and fuzzing builds (scripts/test runs them in build-asan and
# build-tsan; README "Development" says how to run one alone).
#
#   -DCONFAB_SANITIZE=address  ASan + UBSan, any UB fails (-fno-sanitize-recover),
#                              LeakSanitizer on (ASan's default on Linux)
#   -DCONFAB_SANITIZE=thread   TSan
#   -DCONFAB_FUZZ=ON           libFuzzer harnesses (tests/fuzz, clang only): every
#                              object also gets libFuzzer's coverage hooks
#                              (fuzzer-no-link), so one ASan build serves both the
#                              test suites and the harnesses
#
# Sanitizer builds exist to run tests, not to ship: they default to their own
# build type, "Sanitize" (-O0 and line tables only, asserts on), which gives
# symbolised stacks and compiles fastest: clang 14 with ASan+UBSan took 131 s
# for net/websocket_connection.cpp at -O1 and 41 s at -O0, and CI's time
# budget is mostly these builds. The tests' CPU is mostly in the engines,
# which are Debian's own optimised libraries. bench/fuzz.sh, where execution
# speed is the point, builds its own tree at -O1
# (-DCMAKE_CXX_FLAGS_SANITIZE="-O1 -gline-tables-only").

set(CONFAB_SANITIZE "" CACHE STRING "Sanitizer build: address (ASan+UBSan), thread (TSan) or empty")
set_property(CACHE CONFAB_SANITIZE PROPERTY STRINGS "" address thread)
option(CONFAB_FUZZ "Build the libFuzzer harnesses of tests/fuzz (clang only)" OFF)

# The option used to be a boolean meaning ASan+UBSan.
if(CONFAB_SANITIZE MATCHES "^(ON|On|on|TRUE|1)$")
  set(CONFAB_SANITIZE address CACHE STRING "" FORCE)
elseif(CONFAB_SANITIZE MATCHES "^(OFF|Off|off|FALSE|0)$")
  set(CONFAB_SANITIZE "" CACHE STRING "" FORCE)
endif()
if(CONFAB_SANITIZE AND NOT CONFAB_SANITIZE MATCHES "^(address|thread)$")
  message(FATAL_ERROR "CONFAB_SANITIZE must be address, thread or empty, not '${CONFAB_SANITIZE}'")
endif()
if(CONFAB_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CONFAB_FUZZ needs clang (libFuzzer): configure with CXX=clang++-14")
endif()

if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(confab_sanitize_flags "-O0 -gline-tables-only")
else()
  set(confab_sanitize_flags "-O0 -g1")
endif()
set(CMAKE_CXX_FLAGS_SANITIZE "${confab_sanitize_flags}" CACHE STRING "Flags of the Sanitize build type")
if((CONFAB_SANITIZE OR CONFAB_FUZZ) AND NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Sanitize)
endif()

if(CONFAB_SANITIZE STREQUAL "address")
  set(CONFAB_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang 14 cannot emit -fsanitize=function's prologue data for the split
    # parts of a coroutine ("Cannot represent a difference across sections");
    # it is the one UBSan check left out.
    list(APPEND CONFAB_SANITIZER_FLAGS -fno-sanitize=function)
  endif()
elseif(CONFAB_SANITIZE STREQUAL "thread")
  set(CONFAB_SANITIZER_FLAGS -fsanitize=thread)
endif()
if(CONFAB_SANITIZER_FLAGS)
  add_compile_options(${CONFAB_SANITIZER_FLAGS} -fno-omit-frame-pointer)
  add_link_options(${CONFAB_SANITIZER_FLAGS})
endif()
if(CONFAB_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
