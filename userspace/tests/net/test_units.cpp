#include <gtest/gtest.h>

#include "napilab/net/units.hpp"

using napilab::net::packets_per_second_for_bitrate;
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

// iperf3's spelling: K as well as k, and fractions that come out whole.
TEST(ParseCount, Iperf3Style) {
  EXPECT_EQ(parse_count("20K").value(), 20000U);
  EXPECT_EQ(parse_count("1.5k").value(), 1500U);
  EXPECT_EQ(parse_count("2.5M").value(), 2500000U);
  EXPECT_EQ(parse_count("0.001M").value(), 1000U);
  EXPECT_EQ(parse_count("7.0").value(), 7U);
}

TEST(ParseCount, MalformedIsAnError) {
  for (const char* bad :
       {"", "k", "10x", "1.5", "1.0005k", "1.", ".5k", "1..5k", "-1", " 10", "10 k", "1m",
        "99999999999999999999", "20000000000G", "18446744073709551615.5k"}) {
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

// -d 0.5 and --duration 500ms say the same: one parser, fractions allowed.
TEST(ParseDuration, Fractions) {
  EXPECT_EQ(parse_duration("0.5").value(), milliseconds(500));
  EXPECT_EQ(parse_duration("0.5s").value(), parse_duration("500ms").value());
  EXPECT_EQ(parse_duration("1.25ms").value(), std::chrono::microseconds(1250));
  EXPECT_EQ(parse_duration("0.1").value(), milliseconds(100));
  EXPECT_EQ(parse_duration("1.5m").value(), seconds(90));
  EXPECT_EQ(parse_duration("0.000000001").value(), nanoseconds(1));
}

TEST(PacketsPerSecondForBitrate, RoundsUpAndRefusesZero) {
  // 20 Mb/s of 1250-byte payloads: 2000 packets/s exactly.
  EXPECT_EQ(packets_per_second_for_bitrate(20'000'000, 1250).value(), 2000U);
  // 20 kb/s of 64-byte payloads: 39.06..., rounded up.
  EXPECT_EQ(packets_per_second_for_bitrate(20'000, 64).value(), 40U);
  EXPECT_FALSE(packets_per_second_for_bitrate(0, 64).ok());
  EXPECT_FALSE(packets_per_second_for_bitrate(1'000'000, 0).ok());
}

TEST(ParseDuration, MalformedIsAnError) {
  for (const char* bad : {"", "s", "5h", "0.5ns", "1.s", ".5s", "-2s", "2 s", "ms5",
                          "99999999999999999999s", "9999999999999m", "1.0000000000000000001s"}) {
    EXPECT_FALSE(parse_duration(bad).ok()) << bad;
  }
}
