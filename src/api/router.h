// Router: matches a request's method and (percent-decoded) path against
// route templates, the way Starlette's router does for FastAPI:
//
//   a template is "/" followed by segments, each literal text or "{name}";
//   "{name}" matches one non-empty segment (no '/'), literal segments match
//   exactly, the last one also with one '\n' after it (Python's '$', which
//   Starlette's patterns end in, matches before a final newline); routes are tried in the order
//   they were added; the first whose template and method both match wins; when no route matches
//   both but one matches the path, the answer is 405 with the first such route's methods (the Allow
//   header field); otherwise 404.
//
// The path is matched after percent-decoding (as Starlette sees it), so an
// encoded "/" (%2F) inside a segment splits it.
//
// Thread safety: add() before use; match() is const and may be called from
// any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace medallion::api {

class Router {
 public:
  struct Match {
    enum class Kind { kFound, kMethodNotAllowed, kNotFound };
    Kind kind = Kind::kNotFound;
    size_t route = 0;                 // kFound: the route's id
    std::vector<std::string> params;  // kFound: the {name} values in template order
    std::string allow;                // kMethodNotAllowed: "GET" (methods, ", "-separated)
  };

  // Adds a route answering `methods` (e.g. {"GET"}); returns its id (0, 1, ...).
  size_t add(std::vector<std::string> methods, std::string_view path_template);
  Match match(std::string_view method, std::string_view path) const;
  // True when some route's template matches `path`, whatever the method.
  bool matches_any(std::string_view path) const;
  const std::string& path_template(size_t route) const { return routes_[route].path_template; }
  size_t size() const { return routes_.size(); }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool parameter = false;
  };
  struct Route {
    std::string path_template;
    std::vector<Segment> segments;
    std::vector<std::string> methods;
  };
  // Matches the path's segments; fills params when given.
  static bool match_path(const Route& route, std::string_view path,
                         std::vector<std::string>* params);

  std::vector<Route> routes_;
};

}  // namespace medallion::api
