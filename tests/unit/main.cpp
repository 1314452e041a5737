// The one translation unit that builds Catch2's runner and main().
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
