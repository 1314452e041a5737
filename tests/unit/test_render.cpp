// The status table's fitting to the terminal (git-porch/render.*).
#include "render.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <unistd.h>

using porch::cli::fit_columns;

TEST_CASE("fit_columns leaves a table that fits, or any table with no limit") {
    const std::vector<std::size_t> widths{6, 8, 40, 50};
    CHECK(fit_columns(widths, 6, 0, {{3, 10}}) == widths);
    CHECK(fit_columns(widths, 6, 110, {{3, 10}, {2, 10}}) == widths);
    CHECK(fit_columns(widths, 6, 200, {{3, 10}, {2, 10}}) == widths);
}

TEST_CASE("fit_columns shrinks the columns in order, each down to its narrowest") {
    const std::vector<std::size_t> widths{6, 8, 40, 50}; // 104 + 6 gaps = 110
    SECTION("the first gives way alone while that is enough") {
        CHECK(fit_columns(widths, 6, 80, {{3, 10}, {2, 10}}) ==
              std::vector<std::size_t>{6, 8, 40, 20});
    }
    SECTION("then the next") {
        CHECK(fit_columns(widths, 6, 50, {{3, 10}, {2, 10}}) ==
              std::vector<std::size_t>{6, 8, 20, 10});
    }
    SECTION("and no further than the narrowest of each") {
        CHECK(fit_columns(widths, 6, 20, {{3, 10}, {2, 12}}) ==
              std::vector<std::size_t>{6, 8, 12, 10});
    }
    SECTION("a column may give way twice, to a lower floor the second time") {
        CHECK(fit_columns(widths, 6, 40, {{3, 30}, {2, 12}, {3, 4}}) ==
              std::vector<std::size_t>{6, 8, 12, 8});
    }
    SECTION("a column already narrower than its floor is left as it is") {
        CHECK(fit_columns({6, 8, 5}, 4, 10, {{2, 10}}) == std::vector<std::size_t>{6, 8, 5});
    }
}

TEST_CASE("terminal_width is 0 (no limit) off a terminal, whatever COLUMNS says") {
    ::setenv("COLUMNS", "80", 1);
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    CHECK(porch::cli::terminal_width(fds[1]) == 0);
    ::close(fds[0]);
    ::close(fds[1]);
    ::unsetenv("COLUMNS");
}
