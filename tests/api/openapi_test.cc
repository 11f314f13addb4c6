// openapi_json: the document's structure (read back with a small JSON parser
// of the test's own: it must be JSON, without repeated keys), every route
// with its parameters' constraints, the schemas, the parts that API keys and
// rate limits add, and an independent validation by
// @seriousme/openapi-schema-validator (OpenAPI 3.1) plus Ajv compiling every
// schema in strict mode and checking example bodies against them
// (tests/peer/openapi_validate.mjs; skipped, with the reason, when the npm
// peers are not installed).
#include "api/openapi.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace medallion::api {
namespace {

// ---------------------------------------------------------------------------
// A small JSON reader for the checks (RFC 8259; repeated keys are an error).

struct Json {
  enum Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;

  const Json* find(std::string_view key) const {
    for (const auto& [k, v] : object) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  bool has(std::string_view key) const { return find(key) != nullptr; }
  // The member, or a null when there is none (so that chains read well).
  const Json& operator[](std::string_view key) const {
    static const Json kMissing;
    const Json* v = find(key);
    return v != nullptr ? *v : kMissing;
  }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : object) out.push_back(k);
    return out;
  }
};

class JsonReader {
 public:
  explicit JsonReader(std::string_view text) : s_(text) {}

  std::optional<Json> read() {
    Json v;
    if (!value(v)) return std::nullopt;
    space();
    if (i_ != s_.size()) return std::nullopt;
    return v;
  }
  std::string error() const { return error_ + " at offset " + std::to_string(i_); }

 private:
  bool fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }
  void space() {
    while (i_ < s_.size() &&
           (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) {
      ++i_;
    }
  }
  bool literal(std::string_view word) {
    if (s_.substr(i_, word.size()) != word) return fail("bad literal");
    i_ += word.size();
    return true;
  }
  bool string(std::string& out) {
    if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a string");
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"') {
      const char c = s_[i_++];
      if (static_cast<unsigned char>(c) < 0x20) return fail("raw control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return fail("cut escape");
      const char e = s_[i_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          if (i_ + 4 > s_.size()) return fail("cut \\u escape");
          const unsigned cp = std::stoul(std::string(s_.substr(i_, 4)), nullptr, 16);
          i_ += 4;
          if (cp >= 0x80) return fail("non-ASCII \\u escape (not expected here)");
          out += static_cast<char>(cp);
          break;
        }
        default:
          return fail("bad escape");
      }
    }
    if (i_ >= s_.size()) return fail("unterminated string");
    ++i_;
    return true;
  }
  bool value(Json& v) {
    space();
    if (i_ >= s_.size()) return fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') {
      v.kind = Json::kObject;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
      std::set<std::string> seen;
      while (true) {
        space();
        std::string key;
        if (!string(key)) return false;
        if (!seen.insert(key).second) return fail("repeated key " + key);
        space();
        if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
        ++i_;
        Json member;
        if (!value(member)) return false;
        v.object.emplace_back(std::move(key), std::move(member));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == '}') return ++i_, true;
        return fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      v.kind = Json::kArray;
      ++i_;
      space();
      if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
      while (true) {
        Json element;
        if (!value(element)) return false;
        v.array.push_back(std::move(element));
        space();
        if (i_ < s_.size() && s_[i_] == ',') {
          ++i_;
          continue;
        }
        if (i_ < s_.size() && s_[i_] == ']') return ++i_, true;
        return fail("expected ',' or ']'");
      }
    }
    if (c == '"') {
      v.kind = Json::kString;
      return string(v.string);
    }
    if (c == 't' || c == 'f') {
      v.kind = Json::kBool;
      v.boolean = c == 't';
      return literal(c == 't' ? "true" : "false");
    }
    if (c == 'n') return literal("null");
    const size_t start = i_;
    if (i_ < s_.size() && s_[i_] == '-') ++i_;
    while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                              s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-')) {
      ++i_;
    }
    if (i_ == start) return fail("unexpected character");
    v.kind = Json::kNumber;
    v.number = std::stod(std::string(s_.substr(start, i_ - start)));
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string error_;
};

Json parse_or_fail(const std::string& text) {
  JsonReader reader(text);
  std::optional<Json> doc = reader.read();
  EXPECT_TRUE(doc.has_value()) << reader.error();
  return doc.value_or(Json{});
}

Json document(bool api_keys = false, bool rate_limits = false) {
  OpenApiOptions options;
  options.version = "1.2.3";
  options.api_keys = api_keys;
  options.rate_limits = rate_limits;
  return parse_or_fail(openapi_json(options));
}

constexpr std::string_view kCompleted = "/models/completed-sessions/{player_id}";
constexpr std::string_view kStarted = "/models/started_sessions/{country}/{hours}";

const Json* parameter(const Json& op, std::string_view name) {
  for (const Json& p : op["parameters"].array) {
    if (p["name"].string == name) return &p;
  }
  return nullptr;
}

// Every {"$ref": ...} anywhere in v.
void collect_refs(const Json& v, std::vector<std::string>& out) {
  if (v.kind == Json::kObject) {
    for (const auto& [k, member] : v.object) {
      if (k == "$ref" && member.kind == Json::kString) out.push_back(member.string);
      collect_refs(member, out);
    }
  } else if (v.kind == Json::kArray) {
    for (const Json& element : v.array) collect_refs(element, out);
  }
}

// ---------------------------------------------------------------------------
// Structure

TEST(OpenApi, IsOpenApi31WithInfo) {
  const Json doc = document();
  EXPECT_EQ(doc["openapi"].string, "3.1.0");
  EXPECT_EQ(doc["info"]["title"].string, "medallion");
  EXPECT_EQ(doc["info"]["version"].string, "1.2.3");
}

TEST(OpenApi, TagsPutTheProductFirst) {
  const Json doc = document();
  std::vector<std::string> names;
  for (const Json& tag : doc["tags"].array) names.push_back(tag["name"].string);
  EXPECT_EQ(names, (std::vector<std::string>{"models", "ops", "docs"}));
  for (const auto& [path, item] : doc["paths"].object) {
    ASSERT_EQ(item["get"]["tags"].array.size(), 1u) << path;
    EXPECT_NE(std::find(names.begin(), names.end(), item["get"]["tags"].array[0].string),
              names.end())
        << path;
  }
  EXPECT_EQ(doc["paths"][kCompleted]["get"]["tags"].array[0].string, "models");
}

TEST(OpenApi, HasEveryRouteAsAGet) {
  const Json doc = document();
  const std::vector<std::string> want = {
      "/health", "/ready",  std::string(kCompleted), std::string(kStarted), "/openapi.json",
      "/docs",   "/metrics"};
  EXPECT_EQ(doc["paths"].keys(), want);
  std::set<std::string> operation_ids;
  for (const auto& [path, item] : doc["paths"].object) {
    EXPECT_EQ(item.keys(), std::vector<std::string>{"get"}) << path;
    EXPECT_TRUE(item["get"].has("responses")) << path;
    EXPECT_TRUE(item["get"]["responses"].has("200")) << path;
    EXPECT_TRUE(operation_ids.insert(item["get"]["operationId"].string).second) << path;
  }
}

TEST(OpenApi, CompletedSessionsParametersAndResponses) {
  const Json doc = document();
  const Json& op = doc["paths"][kCompleted]["get"];
  ASSERT_EQ(op["parameters"].array.size(), 1u);
  const Json* player = parameter(op, "player_id");
  ASSERT_NE(player, nullptr);
  EXPECT_EQ((*player)["in"].string, "path");
  EXPECT_TRUE((*player)["required"].boolean);
  EXPECT_EQ((*player)["schema"]["type"].string, "string");
  EXPECT_EQ((*player)["schema"]["maxLength"].number, 64);
  const Json& responses = op["responses"];
  EXPECT_EQ(responses["200"]["content"]["application/json"]["schema"]["$ref"].string,
            "#/components/schemas/CompletedSessions");
  EXPECT_EQ(responses["422"]["content"]["application/json"]["schema"]["$ref"].string,
            "#/components/schemas/HTTPValidationError");
  EXPECT_FALSE(responses.has("403"));
  EXPECT_FALSE(responses.has("429"));
  EXPECT_FALSE(op.has("security"));
}

TEST(OpenApi, StartedSessionsParametersCarryTheirConstraints) {
  const Json doc = document();
  const Json& op = doc["paths"][kStarted]["get"];
  ASSERT_EQ(op["parameters"].array.size(), 4u);

  const Json& country = *parameter(op, "country");
  EXPECT_EQ(country["in"].string, "path");
  EXPECT_TRUE(country["required"].boolean);
  EXPECT_EQ(country["schema"]["maxLength"].number, 64);

  const Json& hours = *parameter(op, "hours");
  EXPECT_EQ(hours["in"].string, "path");
  EXPECT_TRUE(hours["required"].boolean);
  EXPECT_EQ(hours["schema"]["type"].string, "integer");
  EXPECT_EQ(hours["schema"]["minimum"].number, 1);
  EXPECT_EQ(hours["schema"]["maximum"].number, 24);
  EXPECT_FALSE(hours["schema"].has("default"));

  const Json& limit = *parameter(op, "limit");
  EXPECT_EQ(limit["in"].string, "query");
  EXPECT_FALSE(limit["required"].boolean);
  EXPECT_EQ(limit["schema"]["type"].string, "integer");
  EXPECT_EQ(limit["schema"]["minimum"].number, 1);
  EXPECT_EQ(limit["schema"]["maximum"].number, 1000);
  EXPECT_EQ(limit["schema"]["default"].number, 100);

  const Json& token = *parameter(op, "page_token");
  EXPECT_EQ(token["in"].string, "query");
  EXPECT_FALSE(token["required"].boolean);
  EXPECT_EQ(token["schema"]["type"].string, "string");
  EXPECT_EQ(token["schema"]["maxLength"].number, 256);

  EXPECT_EQ(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].string,
            "#/components/schemas/StartedSessions");
  EXPECT_TRUE(op["responses"].has("422"));
}

TEST(OpenApi, HealthAndReadyAnswerMessages) {
  const Json doc = document();
  EXPECT_EQ(doc["paths"]["/health"]["get"]["responses"]["200"]["content"]["application/json"]
               ["schema"]["$ref"]
                   .string,
            "#/components/schemas/Message");
  EXPECT_EQ(doc["paths"]["/ready"]["get"]["responses"]["503"]["content"]["application/json"]
               ["schema"]["$ref"]
                   .string,
            "#/components/schemas/Message");
  EXPECT_TRUE(doc["paths"]["/metrics"]["get"]["responses"]["200"]["content"].has("text/plain"));
  EXPECT_TRUE(doc["paths"]["/docs"]["get"]["responses"]["200"]["content"].has("text/html"));
}

TEST(OpenApi, SchemasDescribeTheBodies) {
  const Json doc = document();
  const Json& schemas = doc["components"]["schemas"];
  const std::vector<std::string> want = {"SessionItem",         "CompletedSessions",
                                         "StartedSessions",     "ValidationError",
                                         "HTTPValidationError", "Message"};
  EXPECT_EQ(schemas.keys(), want);

  const Json& item = schemas["SessionItem"];
  EXPECT_EQ(item["properties"].keys(),
            (std::vector<std::string>{"player_id", "session_id", "country", "ts"}));
  EXPECT_EQ(item["required"].array.size(), 4u);
  EXPECT_FALSE(item["properties"]["ts"].has("format"));  // no zone: not RFC 3339
  EXPECT_TRUE(item["properties"]["ts"].has("pattern"));

  EXPECT_EQ(schemas["CompletedSessions"]["properties"].keys(),
            (std::vector<std::string>{"items", "count"}));
  EXPECT_EQ(schemas["CompletedSessions"]["properties"]["items"]["items"]["$ref"].string,
            "#/components/schemas/SessionItem");
  EXPECT_EQ(schemas["StartedSessions"]["properties"].keys(),
            (std::vector<std::string>{"items", "count", "next_page_token"}));
  const Json& token = schemas["StartedSessions"]["properties"]["next_page_token"];
  ASSERT_EQ(token["anyOf"].array.size(), 2u);
  EXPECT_EQ(token["anyOf"].array[1]["type"].string, "null");

  EXPECT_EQ(schemas["HTTPValidationError"]["properties"]["detail"]["items"]["$ref"].string,
            "#/components/schemas/ValidationError");
  EXPECT_EQ(schemas["ValidationError"]["properties"].keys(),
            (std::vector<std::string>{"loc", "msg", "type", "ctx"}));
  EXPECT_EQ(schemas["ValidationError"]["required"].array.size(), 3u);
  EXPECT_EQ(schemas["Message"]["properties"]["detail"]["type"].string, "string");
}

TEST(OpenApi, EveryRefResolves) {
  for (const bool keys : {false, true}) {
    const Json doc = document(keys, true);
    std::vector<std::string> refs;
    collect_refs(doc, refs);
    EXPECT_GT(refs.size(), 10u);
    for (const std::string& ref : refs) {
      const std::string prefix = "#/components/schemas/";
      ASSERT_EQ(ref.substr(0, prefix.size()), prefix) << ref;
      EXPECT_TRUE(doc["components"]["schemas"].has(ref.substr(prefix.size()))) << ref;
    }
  }
}

// ---------------------------------------------------------------------------
// Options

TEST(OpenApi, NoSecurityWithoutKeys) {
  const std::string text = openapi_json({});
  EXPECT_EQ(text.find("securitySchemes"), std::string::npos);
  EXPECT_EQ(text.find("\"security\""), std::string::npos);
  EXPECT_EQ(text.find("X-API-Key"), std::string::npos);
}

TEST(OpenApi, ApiKeysAddTheSchemeToTheModelRoutes) {
  const Json doc = document(/*api_keys=*/true);
  const Json& scheme = doc["components"]["securitySchemes"]["APIKeyHeader"];
  EXPECT_EQ(scheme["type"].string, "apiKey");
  EXPECT_EQ(scheme["in"].string, "header");
  EXPECT_EQ(scheme["name"].string, "X-API-Key");
  for (std::string_view path : {kCompleted, kStarted}) {
    const Json& op = doc["paths"][path]["get"];
    ASSERT_EQ(op["security"].array.size(), 1u) << path;
    EXPECT_TRUE(op["security"].array[0].has("APIKeyHeader")) << path;
    EXPECT_EQ(op["responses"]["403"]["content"]["application/json"]["schema"]["$ref"].string,
              "#/components/schemas/Message");
  }
  for (std::string_view path : {"/health", "/ready", "/metrics", "/docs", "/openapi.json"}) {
    EXPECT_FALSE(doc["paths"][path]["get"].has("security")) << path;
  }
}

TEST(OpenApi, RateLimitsAdd429WithRetryAfter) {
  const Json doc = document(false, /*rate_limits=*/true);
  for (std::string_view path : {kCompleted, kStarted}) {
    const Json& r429 = doc["paths"][path]["get"]["responses"]["429"];
    EXPECT_EQ(r429["headers"]["Retry-After"]["schema"]["type"].string, "integer") << path;
    EXPECT_EQ(r429["headers"]["Retry-After"]["schema"]["minimum"].number, 1) << path;
    EXPECT_EQ(r429["content"]["application/json"]["schema"]["$ref"].string,
              "#/components/schemas/Message");
  }
  EXPECT_FALSE(doc["paths"]["/health"]["get"]["responses"].has("429"));
}

TEST(OpenApi, PrettyAndCompactAreTheSameDocument) {
  OpenApiOptions options;
  options.api_keys = true;
  options.rate_limits = true;
  const std::string compact = openapi_json(options);
  options.pretty = true;
  const std::string pretty = openapi_json(options);
  EXPECT_EQ(compact.find('\n'), std::string::npos);
  EXPECT_NE(pretty.find("\n  \"info\""), std::string::npos);
  // Same content: removing the layout whitespace of the pretty one (no
  // string in the document has a newline followed by spaces) gives the other.
  std::string squeezed;
  bool in_string = false;
  for (size_t i = 0; i < pretty.size(); ++i) {
    const char c = pretty[i];
    if (c == '"' && (i == 0 || pretty[i - 1] != '\\')) in_string = !in_string;
    if (!in_string && (c == '\n' || c == ' ')) continue;
    squeezed += c;
  }
  EXPECT_EQ(squeezed, compact);
}

TEST(OpenApi, VersionIsEscaped) {
  OpenApiOptions options;
  options.version = "1.0 \"beta\"\n";
  const Json doc = parse_or_fail(openapi_json(options));
  EXPECT_EQ(doc["info"]["version"].string, "1.0 \"beta\"\n");
}

// ---------------------------------------------------------------------------
// The independent validator (npm peers)

std::string peer_dir() {
  if (const char* env = std::getenv("MEDALLION_PEER_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::string(MEDALLION_BINARY_DIR) + "/peer";
}

// Runs a command; returns its exit status and its stdout+stderr.
std::pair<int, std::string> run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// Bodies as the API answers them (SPEC.md, the issue), and ones it never does.
constexpr std::string_view kExamples = R"({
  "CompletedSessions": {
    "valid": [
      {"items": [], "count": 0},
      {"items": [{"player_id": "p1", "session_id": "s1", "country": "IT",
                  "ts": "2016-11-06T10:11:12"},
                 {"player_id": "p1", "session_id": "s2", "country": "IT",
                  "ts": "2016-11-06T10:11:12.345000", "start_ts": "2016-11-06T09:00:00"}],
       "count": 2}
    ],
    "invalid": [
      {"items": []},
      {"items": [{"player_id": "p1", "session_id": "s1", "country": "IT"}], "count": 1},
      {"items": [{"player_id": "p1", "session_id": "s1", "country": "IT",
                  "ts": "2016-11-06T10:11:12Z"}], "count": 1},
      {"items": [{"player_id": "p1", "session_id": "s1", "country": "IT",
                  "ts": "2016-11-06 10:11:12"}], "count": 1},
      {"items": [], "count": -1}
    ]
  },
  "StartedSessions": {
    "valid": [
      {"items": [], "count": 0, "next_page_token": null},
      {"items": [{"player_id": "p", "session_id": "s", "country": "FR",
                  "ts": "2016-11-06T23:59:59"}],
       "count": 1, "next_page_token": "MTQ3ODQ3Njc5OTAwMDpz"}
    ],
    "invalid": [
      {"items": [], "count": 0},
      {"items": [], "count": 0, "next_page_token": 5}
    ]
  },
  "HTTPValidationError": {
    "valid": [
      {"detail": [{"loc": ["path", "hours"],
                   "msg": "ensure this value is less than or equal to 24",
                   "type": "value_error.number.not_le", "ctx": {"limit_value": 24}}]},
      {"detail": [{"loc": ["query", "page_token"], "msg": "invalid page token",
                   "type": "value_error.page_token"}]},
      {"detail": [{"loc": ["body", 0], "msg": "m", "type": "t"}]}
    ],
    "invalid": [
      {"detail": [{"loc": ["path", "hours"], "type": "value_error"}]},
      {"detail": [{"loc": [{"x": 1}], "msg": "m", "type": "t"}]},
      {"detail": "Not Found"}
    ]
  },
  "Message": {
    "valid": [{"detail": "Not Found"}, {"detail": "Method Not Allowed"},
              {"detail": "Not authenticated"}, {"detail": "Too Many Requests"},
              {"detail": "Healthy"}],
    "invalid": [{}, {"detail": 404}]
  }
})";

TEST(OpenApiPeer, ValidatorAcceptsEveryVariant) {
  const std::string peers = peer_dir();
  if (!std::filesystem::exists(peers + "/node_modules/@seriousme/openapi-schema-validator")) {
    GTEST_SKIP() << "@seriousme/openapi-schema-validator is not installed in " << peers
                 << ": run scripts/install-peers " << peers << " (make test does)";
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("medallion-openapi-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  { std::ofstream(dir / "examples.json") << kExamples; }
  const std::string script = std::string(MEDALLION_SOURCE_DIR) + "/tests/peer/openapi_validate.mjs";
  for (const bool keys : {false, true}) {
    for (const bool limits : {false, true}) {
      OpenApiOptions options;
      options.version = "0.1.0";
      options.api_keys = keys;
      options.rate_limits = limits;
      const std::filesystem::path doc = dir / "openapi.json";
      { std::ofstream(doc) << openapi_json(options); }
      const auto [status, output] =
          run("MEDALLION_PEER_DIR='" + peers + "' node '" + script + "' '" + doc.string() + "' '" +
              (dir / "examples.json").string() + "'");
      EXPECT_EQ(status, 0) << "keys=" << keys << " limits=" << limits << "\n" << output;
      EXPECT_NE(
          output.find("openapi_validate: ok (OpenAPI 3.1.0, 7 paths, 6 schemas, 24 examples)"),
          std::string::npos)
          << output;
    }
  }
  std::filesystem::remove_all(dir);
}

// The validator must be able to fail: a document with a broken constraint,
// a dangling $ref and an undeclared path parameter.
TEST(OpenApiPeer, ValidatorRefusesBrokenDocuments) {
  const std::string peers = peer_dir();
  if (!std::filesystem::exists(peers + "/node_modules/@seriousme/openapi-schema-validator")) {
    GTEST_SKIP() << "@seriousme/openapi-schema-validator is not installed in " << peers
                 << ": run scripts/install-peers " << peers << " (make test does)";
  }
  const std::string good = openapi_json({});
  auto replaced = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) s.replace(at, from.size(), to);
    return s;
  };
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"openapi version", replaced("\"openapi\":\"3.1.0\"", "\"openapi\":\"3.0.3\"")},
      {"no info", replaced("\"info\":{", "\"inf\":{")},
      {"typo in a keyword", replaced("\"maxLength\":64", "\"maxLenght\":64")},
      {"mistyped constraint", replaced("\"maximum\":24", "\"maximum\":\"24\"")},
      {"dangling $ref", replaced("#/components/schemas/SessionItem", "#/components/schemas/Nope")},
      {"undeclared path parameter", replaced("\"name\":\"hours\"", "\"name\":\"hour\"")},
  };
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("medallion-openapi-bad-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string script = std::string(MEDALLION_SOURCE_DIR) + "/tests/peer/openapi_validate.mjs";
  for (const auto& [what, text] : broken) {
    const std::filesystem::path doc = dir / "openapi.json";
    { std::ofstream(doc) << text; }
    const auto [status, output] =
        run("MEDALLION_PEER_DIR='" + peers + "' node '" + script + "' '" + doc.string() + "'");
    EXPECT_EQ(status, 1) << what << "\n" << output;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace medallion::api
