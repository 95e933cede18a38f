#include <gtest/gtest.h>

#include "napilab/net/units.hpp"

using napilab::net::parse_count;
using napilab::net::parse_duration;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

TEST(ParseCount, PlainAndMultiplied) {
  EXPECT_EQ(parse_count("64").value(), 64U);
  EXPECT_EQ(parse_count("1k").value(), 1000U);
  EXPECT_EQ(parse_count("20k").value(), 20000U);
  EXPECT_EQ(parse_count("2M").value(), 2000000U);
  EXPECT_EQ(parse_count("3G").value(), 3000000000U);
  EXPECT_EQ(parse_count("0").value(), 0U);
}

TEST(ParseCount, MalformedIsAnError) {
  for (const char* bad : {"", "k", "10x", "1.5k", "-1", " 10", "10 k", "10K", "1m",
                          "99999999999999999999", "20000000000G"}) {
    const auto parsed = parse_count(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
    }
  }
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(parse_duration("500ms").value(), milliseconds(500));
  EXPECT_EQ(parse_duration("2s").value(), seconds(2));
  EXPECT_EQ(parse_duration("5").value(), seconds(5));
  EXPECT_EQ(parse_duration("250us").value(), std::chrono::microseconds(250));
  EXPECT_EQ(parse_duration("7ns").value(), nanoseconds(7));
  EXPECT_EQ(parse_duration("2m").value(), seconds(120));
}

TEST(ParseDuration, MalformedIsAnError) {
  for (const char* bad :
       {"", "s", "5h", "1.5s", "-2s", "2 s", "ms5", "99999999999999999999s", "9999999999999m"}) {
    EXPECT_FALSE(parse_duration(bad).ok()) << bad;
  }
}
