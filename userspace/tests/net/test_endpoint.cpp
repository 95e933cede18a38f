#include <gtest/gtest.h>

#include "napilab/net/blaster.hpp"
#include "napilab/net/endpoint.hpp"

using napilab::net::BlastConfig;
using napilab::net::is_lab_destination;
using napilab::net::parse_endpoint;

TEST(ParseEndpoint, AddressAndPort) {
  const auto parsed = parse_endpoint("10.77.0.2:9000");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed.value().address, 0x0a4d0002U);
  EXPECT_EQ(parsed.value().port, 9000);
  EXPECT_EQ(parsed.value().to_string(), "10.77.0.2:9000");
  EXPECT_EQ(parse_endpoint("0.0.0.0:0").value().to_string(), "0.0.0.0:0");
}

TEST(ParseEndpoint, MalformedIsAnError) {
  for (const char* bad : {"", "10.77.0.2", "10.77.0.2:", ":9000", "10.77.0.256:1", "host:80",
                          "10.77.0.2:65536", "10.77.0.2:-1", "10.77.0.2:9000x", "::1:80"}) {
    EXPECT_FALSE(parse_endpoint(bad).ok()) << bad;
  }
}

TEST(LabDestination, LoopbackAndTestBedOnly) {
  EXPECT_TRUE(is_lab_destination(parse_endpoint("127.0.0.1:1").value()));
  EXPECT_TRUE(is_lab_destination(parse_endpoint("127.255.0.9:1").value()));
  EXPECT_TRUE(is_lab_destination(parse_endpoint("10.77.0.1:1").value()));
  EXPECT_TRUE(is_lab_destination(parse_endpoint("10.77.0.255:1").value()));
  EXPECT_FALSE(is_lab_destination(parse_endpoint("10.77.1.2:1").value()));
  EXPECT_FALSE(is_lab_destination(parse_endpoint("10.0.2.2:1").value()));
  EXPECT_FALSE(is_lab_destination(parse_endpoint("8.8.8.8:53").value()));
  EXPECT_FALSE(is_lab_destination(parse_endpoint("128.0.0.1:1").value()));
}

TEST(BlastValidate, RefusesOutsideDestinationUnlessAllowed) {
  BlastConfig config;
  config.destination = parse_endpoint("192.0.2.1:9000").value();
  const auto refused = napilab::net::validate(config, false);
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->message.find("--allow-any-destination"), std::string::npos);
  EXPECT_FALSE(napilab::net::validate(config, true).has_value());
}

TEST(BlastValidate, Bounds) {
  BlastConfig config;
  config.destination = parse_endpoint("127.0.0.1:9000").value();
  EXPECT_FALSE(napilab::net::validate(config, false).has_value());
  auto with = [&](auto change) {
    BlastConfig changed = config;
    change(changed);
    return napilab::net::validate(changed, false).has_value();
  };
  EXPECT_TRUE(with([](BlastConfig& c) { c.rate_pps = 0; }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.rate_pps = napilab::net::kMaxRatePps + 1; }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.duration = std::chrono::seconds(301); }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.duration = std::chrono::seconds(0); }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.payload_size = 23; }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.payload_size = 65508; }));
  EXPECT_TRUE(with([](BlastConfig& c) { c.destination.port = 0; }));
  EXPECT_FALSE(with([](BlastConfig& c) { c.payload_size = 24; }));
}
