// Loads a captured fixture from userspace/tests/fixtures.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "napilab/file.hpp"

inline std::string fixture(const std::string& name) {
  auto text = napilab::read_file(std::string(NAPILAB_FIXTURES) + "/" + name);
  EXPECT_TRUE(text.ok()) << (text.ok() ? "" : text.error().to_string());
  return text.ok() ? text.value() : std::string();
}
