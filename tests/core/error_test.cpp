#include <doctest/doctest.h>

#include "dvhpc/comm.hpp"
#include "dvhpc/error.hpp"

using namespace dvhpc;

TEST_CASE("CHECK macros turn failed library calls into errors naming the call") {
  auto failing = [] { return -3; };
  try {
    DVHPC_CHECK_HTS(failing());
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::Library);
    std::string m = e.what();
    CHECK(m.find("htslib") != std::string::npos);
    CHECK(m.find("failing()") != std::string::npos);
    CHECK(m.find("error_test.cpp") != std::string::npos);
  }
  CHECK_NOTHROW(DVHPC_CHECK_H5(0));
  CHECK_THROWS_AS(DVHPC_CHECK_MPI(MPI_ERR_COUNT), Error);
  CHECK_THROWS_AS(DVHPC_ASSERT(1 == 2, "math broke"), Error);
}

TEST_CASE("exit codes distinguish user errors from failures") {
  CHECK(Error(ErrorKind::Config, "x").exit_code() == 2);
  CHECK(Error(ErrorKind::Input, "x").exit_code() == 3);
  CHECK(Error(ErrorKind::Internal, "x").exit_code() == 6);
}
