// Router: Starlette's matching rules as the API relies on them.
#include "api/router.h"

#include <gtest/gtest.h>

namespace medallion::api {
namespace {

using Kind = Router::Match::Kind;

Router api_router() {
  Router r;
  r.add({"GET"}, "/health");
  r.add({"GET"}, "/models/completed-sessions/{player_id}");
  r.add({"GET"}, "/models/started_sessions/{country}/{hours}");
  r.add({"POST"}, "/health");
  return r;
}

TEST(RouterTest, LiteralAndParameterSegments) {
  const Router r = api_router();
  auto m = r.match("GET", "/models/started_sessions/IT/24");
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.route, 2u);
  EXPECT_EQ(m.params, (std::vector<std::string>{"IT", "24"}));
  EXPECT_EQ(r.path_template(m.route), "/models/started_sessions/{country}/{hours}");
  EXPECT_EQ(r.match("GET", "/health").route, 0u);
}

TEST(RouterTest, EmptyOrExtraSegmentsAndCaseDoNotMatch) {
  const Router r = api_router();
  for (const char* path :
       {"/models/completed-sessions/", "/models/started_sessions//5",
        "/models/started_sessions/IT/5/", "/Health", "/health/x", "", "/", "//health", "health"}) {
    EXPECT_EQ(r.match("GET", path).kind, Kind::kNotFound) << path;
  }
}

TEST(RouterTest, OneFinalNewlineMatchesAsPythonsDollarDoes) {
  const Router r = api_router();
  EXPECT_EQ(r.match("GET", "/health\n").kind, Kind::kFound);
  EXPECT_EQ(r.match("GET", "/health\n\n").kind, Kind::kNotFound);
  EXPECT_EQ(r.match("GET", "/hea\nlth").kind, Kind::kNotFound);
  auto m = r.match("GET", "/models/completed-sessions/p1\n");
  ASSERT_EQ(m.kind, Kind::kFound);
  EXPECT_EQ(m.params[0], "p1\n");  // a parameter keeps it
}

TEST(RouterTest, WrongMethodIs405WithTheFirstMatchingRoutesMethods) {
  Router r;
  r.add({"GET", "HEAD"}, "/a/{x}");
  r.add({"PUT"}, "/a/b");
  auto m = r.match("DELETE", "/a/b");
  EXPECT_EQ(m.kind, Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD");
  EXPECT_TRUE(m.params.empty());
  EXPECT_EQ(r.match("PUT", "/a/b").route, 1u);
  EXPECT_EQ(r.match("get", "/a/b").kind, Kind::kMethodNotAllowed);  // methods are case-sensitive
  EXPECT_TRUE(r.matches_any("/a/zz"));
  EXPECT_FALSE(r.matches_any("/a"));
}

}  // namespace
}  // namespace medallion::api
