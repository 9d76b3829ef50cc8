// Pure text checks shared by the validators.
#include <doctest/doctest.h>

#include <string>

#include "text_checks.hpp"

using namespace handoffkit::detail;

TEST_CASE("UTF-8: accepts well-formed text, refuses overlongs, surrogates and truncation") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ascii"));
    CHECK(is_valid_utf8("Grüße 東京 🚀"));
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));        // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));    // overlong
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));    // U+D800 surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xE6\x9D"));        // truncated
    CHECK_FALSE(is_valid_utf8("\xFF"));
    CHECK_FALSE(is_valid_utf8("\x80"));
}

TEST_CASE("control characters, with and without line breaks allowed") {
    CHECK_FALSE(has_control_char("hello", false));
    CHECK(has_control_char("a\nb", false));
    CHECK_FALSE(has_control_char("a\r\n\tb", true));
    CHECK(has_control_char(std::string("a\0b", 3), true));
    CHECK(has_control_char("a\x7f", true));
    CHECK(has_control_char("a\x1b[31m", true));
}

TEST_CASE("script detection") {
    CHECK(looks_like_script("<script>alert(1)</script>"));
    CHECK(looks_like_script("<SCRIPT src=x>"));
    CHECK(looks_like_script("JavaScript:alert(1)"));
    CHECK(looks_like_script("java\tscript:alert(1)"));
    CHECK(looks_like_script("vbscript:msgbox"));
    CHECK(looks_like_script("data:text/html;base64,PHNjcmlwdD4="));
    CHECK(looks_like_script("<img src=x onerror=alert(1)>"));
    CHECK(looks_like_script("<a href=# onclick = 'x'>"));
    CHECK_FALSE(looks_like_script("Please call me on Monday = today"));
    CHECK_FALSE(looks_like_script("a < b and c > d"));
    CHECK_FALSE(looks_like_script("https://contoso.com/onboarding=1"));
    CHECK_FALSE(looks_like_script("eyJhbGciOiJIUzI1NiJ9.e30.sig"));
}

TEST_CASE("ISO 8601 dates and date-times") {
    for (const char* ok : {"2026-11-22", "2026-11-22T10:00", "2026-11-22T10:00:59", "2026-11-22T10:00:00.123Z",
                           "2026-11-22T10:00:00+05:30", "2024-02-29T00:00:00Z", "2026-12-31T23:59:59-08:00"}) {
        CAPTURE(ok);
        CHECK(is_iso8601(ok));
    }
    for (const char* bad : {"", "2026-11", "2026-13-01", "2026-02-29", "2026-11-22T24:00", "2026-11-22 10:00",
                            "2026-11-22T10:60", "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+5:30",
                            "2026-11-22T10:00:00Zjunk", "11/22/2026", "2026-11-22T10:00:00+05:30x"}) {
        CAPTURE(bad);
        CHECK_FALSE(is_iso8601(bad));
    }
}

TEST_CASE("GUIDs") {
    CHECK(is_guid("f47ac10b-58cc-4372-a567-0e02b2c3d479"));
    CHECK(is_guid("F47AC10B-58CC-4372-A567-0E02B2C3D479"));
    CHECK_FALSE(is_guid("f47ac10b58cc4372a5670e02b2c3d479"));
    CHECK_FALSE(is_guid("f47ac10b-58cc-4372-a567-0e02b2c3d47g"));
    CHECK_FALSE(is_guid("{f47ac10b-58cc-4372-a567-0e02b2c3d479}"));
}
